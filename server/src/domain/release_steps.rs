//! Figures about people that are read live move in steps of k residents.
//!
//! Survey results and "who took part" are read again and again while a campaign runs. If each new
//! resident changed them, reading them before and after one resident answered (watching the tablet
//! at a street event, or asking a neighbour "did you fill it in?") would show that resident's
//! answers: the one option whose value moved. So every such figure counts the residents of its own
//! cell (an area, or an area and a question) in arrival order and releases the oldest ⌊n/k⌋·k of
//! its n: the cell's residents change only when k more arrived *in that cell*, never for one.
//!
//! Stateless on purpose: the cut follows from the stored times alone, so two servers or a restart
//! agree on it without a stored snapshot to race on. What it cannot hold: a resident who *leaves* a
//! cell (an entry hidden by a moderator, a deletion, retention) lets the next one in, and one who
//! arrives in the past (an entry unhidden, an answer committed late on PostgreSQL) pushes the last
//! one out: a swap of two residents (docs/privacy.md, known limits).

/// The members of one cell as released: sorted by arrival (then by key, so ties are cut the same
/// way every time), and the oldest ⌊n/k⌋·k of its n. `k` of 0 is read as 1.
pub fn in_steps<A: Ord, T>(mut members: Vec<(A, u32, T)>, k: u64) -> Vec<T> {
    let k = k.max(1) as usize;
    members.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let keep = members.len() - members.len() % k;
    members.truncate(keep);
    members.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_steps_of_k_are_released_oldest_first() {
        let members = vec![(3, 30, "c"), (1, 10, "a"), (2, 20, "b"), (1, 5, "z")];
        // Ties in time are cut by key, whatever order the store returned them in.
        assert_eq!(in_steps(members.clone(), 3), ["z", "a", "b"]);
        assert_eq!(in_steps(members.clone(), 4), ["z", "a", "b", "c"]);
        assert!(in_steps(members.clone(), 5).is_empty());
        assert_eq!(in_steps(members, 0).len(), 4);
    }

    #[test]
    fn a_cell_changes_only_when_k_more_residents_arrived() {
        // Residents arrive one at a time; whoever reads after each arrival sees the released set
        // change only every k-th time, and then by exactly k residents.
        let k = 5u64;
        let mut arrived: Vec<(u32, u32, u32)> = Vec::new();
        let mut last: Vec<u32> = Vec::new();
        for i in 0..23u32 {
            arrived.push((i, i.wrapping_mul(2_654_435_761), i));
            let now = in_steps(arrived.clone(), k);
            if now != last {
                assert_eq!(now.len() - last.len(), k as usize, "after {i}");
                assert_eq!(&now[..last.len()], &last[..], "earlier residents stay");
            }
            last = now;
        }
        assert_eq!(last.len(), 20);
    }
}
