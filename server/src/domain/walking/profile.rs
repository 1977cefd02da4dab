//! Who walks, and what residents' barriers cost them on the way.
//!
//! Two profiles: `default` walks at 4.5 km/h; `slow` at 3 km/h and cannot take steps (a wheelchair, a
//! walker, a buggy). A barrier residents reported changes the segments near its public position for
//! the profiles it affects, by the one table below ([`effect`]). Only barriers that rest on enough
//! residents or that a moderator confirmed are passed in here; that choice is the service's.

pub use app::model::Profile;

use super::graph::Costs;
use super::snap::SnapIndex;
use super::{Network, WayKind};

/// Walking speed, metres per second.
pub fn speed_m_s(profile: Profile) -> f64 {
    match profile {
        Profile::Default => 4.5 / 3.6,
        Profile::Slow => 3.0 / 3.6,
    }
}

fn passes(profile: Profile, way: WayKind) -> bool {
    !(profile == Profile::Slow && way == WayKind::Steps)
}

/// What one barrier does to a segment for one profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// Costs this many extra minutes to pass.
    Minutes(f64),
    /// Cannot be passed.
    Blocked,
}

/// A barrier lies on the segment nearest to its public position, if one passes within this distance:
/// the public position is the centre of its 100 m cell, so the barrier itself lies within about 71 m
/// of it. One barrier changes one segment: a route passing it pays its penalty once, and an
/// impassable one closes one way, not the whole block around it.
pub const NEAR_M: f64 = 50.0;

/// The table: which physical barrier costs whom what. Social barriers (cost, language, ...) and those
/// about the place itself (no toilet, no seating) do not change the way there.
///
/// | barrier            | default      | slow                                      |
/// |--------------------|--------------|-------------------------------------------|
/// | steps              | +0.5 minute  | impassable (confirmed), else +10 minutes  |
/// | no_ramp            | —            | impassable (confirmed), else +10 minutes  |
/// | narrow_pavement    | —            | +2 minutes   |
/// | dangerous_crossing | +2 minutes   | +4 minutes   |
/// | poor_lighting      | +1 minute    | +1 minute    |
pub fn effect(category: &str, profile: Profile) -> Option<Effect> {
    use Effect::{Blocked, Minutes};
    match (category, profile) {
        ("steps", Profile::Default) => Some(Minutes(0.5)),
        ("steps" | "no_ramp", Profile::Slow) => Some(Blocked),
        ("narrow_pavement", Profile::Slow) => Some(Minutes(2.0)),
        ("dangerous_crossing", Profile::Default) => Some(Minutes(2.0)),
        ("dangerous_crossing", Profile::Slow) => Some(Minutes(4.0)),
        ("poor_lighting", _) => Some(Minutes(1.0)),
        _ => None,
    }
}

/// Whether a barrier category changes walking at all (for any profile).
pub fn affects_walking(category: &str) -> bool {
    Profile::ALL.iter().any(|&p| effect(category, p).is_some())
}

/// A barrier as coverage uses it: its category, public position, and whether staff confirmed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    pub category: String,
    pub position: [f64; 2],
    pub confirmed: bool,
}

/// What an impassable barrier costs while no staff member has confirmed it: a detour, not a closed
/// way. Respondent ids are the device's, so k of them may be one person (docs/privacy.md, Known
/// limits); closing a way takes someone who went and looked.
pub const UNCONFIRMED_BLOCK_MINUTES: f64 = 10.0;

/// A barrier entry as the store gives it: public position, the residents behind it (author and
/// "ik ook"), and whether a moderator confirmed it.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub category: &'a str,
    pub position: [f64; 2],
    pub respondents: &'a [String],
    pub confirmed: bool,
}

/// The barriers that count: entries of one category at one public position are one barrier, resting
/// on the distinct residents of them all; it counts when at least `k` residents stand behind it or
/// a moderator confirmed it, so one person (however many entries or "ik ook"s they make) cannot cut
/// a wijk off. Only categories that change walking are kept.
pub fn counted<'a>(reports: impl IntoIterator<Item = Report<'a>>, k: usize) -> Vec<Barrier> {
    use std::collections::{BTreeMap, BTreeSet};
    /// Who stands behind a group, whether it was confirmed, and where it is.
    type Group<'a> = (BTreeSet<&'a str>, bool, [f64; 2]);
    let mut groups: BTreeMap<(&str, u64, u64), Group> = BTreeMap::new();
    for r in reports {
        if !affects_walking(r.category) {
            continue;
        }
        let key = (r.category, r.position[0].to_bits(), r.position[1].to_bits());
        let g = groups
            .entry(key)
            .or_insert_with(|| (BTreeSet::new(), false, r.position));
        g.0.extend(r.respondents.iter().map(String::as_str));
        g.1 |= r.confirmed;
    }
    groups
        .into_iter()
        .filter(|(_, (who, confirmed, _))| *confirmed || who.len() >= k)
        .map(|((category, _, _), (_, confirmed, position))| Barrier {
            category: category.to_string(),
            position,
            confirmed,
        })
        .collect()
}

/// Each segment's plain walking time for the profile, seconds (ignoring barriers and steps).
pub fn plain_seconds(net: &Network, profile: Profile) -> Vec<f64> {
    let v = speed_m_s(profile);
    net.segments.iter().map(|s| s.length_m / v).collect()
}

/// Each segment's cost for the profile with the given barriers: its walking time plus the penalties
/// of the barriers on it (each on the segment nearest its public position), or `None` where it
/// cannot be passed.
pub fn segment_costs(
    net: &Network,
    index: &SnapIndex,
    profile: Profile,
    barriers: &[Barrier],
) -> Costs {
    let mut costs: Costs = net
        .segments
        .iter()
        .zip(plain_seconds(net, profile))
        .map(|(s, t)| passes(profile, s.way).then_some(t))
        .collect();
    for b in barriers {
        let e = match effect(&b.category, profile) {
            None => continue,
            Some(Effect::Blocked) if !b.confirmed => Effect::Minutes(UNCONFIRMED_BLOCK_MINUTES),
            Some(e) => e,
        };
        let Some(on) = index.snap(b.position, NEAR_M) else {
            continue;
        };
        let c = &mut costs[on.segment as usize];
        *c = match (e, *c) {
            (_, None) | (Effect::Blocked, _) => None,
            (Effect::Minutes(m), Some(t)) => Some(t + m * 60.0),
        };
    }
    costs
}

#[cfg(test)]
mod tests {
    use super::super::Segment;
    use super::*;

    fn net() -> Network {
        // Two 100 m segments far apart: a street and a flight of steps.
        let s = |a: u32, b: u32, way, line: Vec<[f64; 2]>| Segment {
            a,
            b,
            length_m: 100.0,
            way,
            line,
        };
        Network {
            nodes: vec![
                [4.90, 52.37],
                [4.9015, 52.37],
                [4.95, 52.37],
                [4.9515, 52.37],
            ],
            segments: vec![
                s(0, 1, WayKind::Street, vec![[4.90, 52.37], [4.9015, 52.37]]),
                s(2, 3, WayKind::Steps, vec![[4.95, 52.37], [4.9515, 52.37]]),
            ],
        }
    }

    #[test]
    fn the_profiles_walk_at_their_speed_and_slow_takes_no_steps() {
        let n = net();
        let idx = SnapIndex::new(&n);
        let d = segment_costs(&n, &idx, Profile::Default, &[]);
        assert_eq!(d, vec![Some(80.0), Some(80.0)]);
        let s = segment_costs(&n, &idx, Profile::Slow, &[]);
        assert!(
            (s[0].unwrap() - 120.0).abs() < 1e-9 && s[1].is_none(),
            "{s:?}"
        );
    }

    #[test]
    fn barriers_cost_the_segments_near_them_by_the_table() {
        let n = net();
        let idx = SnapIndex::new(&n);
        let crossing = Barrier {
            category: "dangerous_crossing".into(),
            position: [4.9007, 52.3702],
            confirmed: false,
        };
        let no_ramp = Barrier {
            category: "no_ramp".into(),
            position: [4.9007, 52.3702],
            confirmed: true,
        };
        let social = Barrier {
            category: "costs_money".into(),
            position: [4.9007, 52.3702],
            confirmed: false,
        };
        let all = [crossing.clone(), no_ramp, social];
        assert_eq!(
            segment_costs(&n, &idx, Profile::Default, &all),
            vec![Some(80.0 + 120.0), Some(80.0)]
        );
        assert_eq!(
            segment_costs(&n, &idx, Profile::Slow, &all),
            vec![None, None]
        );
        // Unconfirmed, an impassable barrier is a detour of 10 minutes.
        let hearsay = Barrier {
            confirmed: false,
            ..all[1].clone()
        };
        let slow = segment_costs(&n, &idx, Profile::Slow, &[hearsay]);
        assert!(
            (slow[0].unwrap() - (120.0 + 600.0)).abs() < 1e-9,
            "{slow:?}"
        );
        // Two barriers near one segment add up.
        assert_eq!(
            segment_costs(&n, &idx, Profile::Default, &[crossing.clone(), crossing])[0],
            Some(80.0 + 240.0)
        );
    }

    #[test]
    fn a_barrier_counts_only_on_k_residents_or_a_moderators_word() {
        let one = vec!["r1".to_string()];
        let same_again = vec!["r1".to_string(), "r1".to_string()];
        let others: Vec<String> = (2..=5).map(|i| format!("r{i}")).collect();
        let at = [4.9, 52.37];
        let report = |respondents: &'static [String], confirmed| Report {
            category: "no_ramp",
            position: at,
            respondents,
            confirmed,
        };
        let one: &'static [String] = one.leak();
        let same_again: &'static [String] = same_again.leak();
        let others: &'static [String] = others.leak();
        // One resident, however many entries and "ik ook"s: nothing.
        assert!(counted([report(one, false), report(same_again, false)], 5).is_empty());
        // Five distinct residents over several entries at one spot: one barrier.
        let five = counted([report(one, false), report(others, false)], 5);
        assert_eq!(five.len(), 1);
        assert_eq!(five[0].position, at);
        // A moderator's confirmation is enough alone.
        assert_eq!(counted([report(one, true)], 5).len(), 1);
        // A barrier that changes no walk is never passed on.
        let social = Report {
            category: "language",
            position: at,
            respondents: others,
            confirmed: true,
        };
        assert!(counted([social], 1).is_empty());
    }

    #[test]
    fn the_table_names_only_physical_barriers() {
        for c in app::model::BARRIER_CATEGORIES {
            let c = *c;
            if affects_walking(c) {
                assert!(app::model::is_physical_barrier(c), "{c}");
            }
        }
        assert!(!affects_walking("no_toilet"));
        assert!(affects_walking("no_ramp"));
    }
}
