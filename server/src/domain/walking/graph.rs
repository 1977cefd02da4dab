//! The network as adjacency lists, and walking times from every place at once.
//!
//! One Dijkstra run from all places together (each place a start with its own head start) gives every
//! node its time to the *nearest* place; a sample point's time is then read off the two ends of the
//! segment it lies on. That is one run per question, however many places there are.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::Network;

/// Where a point lies on the network: on `segment`, `along_m` metres from its node `a`, `off_m`
/// metres (straight) from the point itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    pub segment: u32,
    pub along_m: f64,
    pub off_m: f64,
}

/// What walking a whole segment costs, seconds; `None` where it cannot be passed.
pub type Costs = Vec<Option<f64>>;

/// Compressed adjacency lists: for node `n`, `targets[offsets[n]..offsets[n + 1]]` are its neighbours,
/// reached over the segments `via[...]`.
#[derive(Debug, Clone)]
pub struct Graph {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    via: Vec<u32>,
}

impl Graph {
    /// Builds both directions of every segment.
    pub fn new(net: &Network) -> Graph {
        let n = net.nodes.len();
        let mut degree = vec![0u32; n + 1];
        for s in &net.segments {
            degree[s.a as usize] += 1;
            degree[s.b as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut sum = 0u32;
        for d in &degree[..n] {
            offsets.push(sum);
            sum += d;
        }
        offsets.push(sum);
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; sum as usize];
        let mut via = vec![0u32; sum as usize];
        for (i, s) in net.segments.iter().enumerate() {
            for (from, to) in [(s.a, s.b), (s.b, s.a)] {
                let slot = fill[from as usize] as usize;
                targets[slot] = to;
                via[slot] = i as u32;
                fill[from as usize] += 1;
            }
        }
        Graph {
            offsets,
            targets,
            via,
        }
    }

    fn edges(&self, node: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let (lo, hi) = (
            self.offsets[node as usize] as usize,
            self.offsets[node as usize + 1] as usize,
        );
        self.targets[lo..hi]
            .iter()
            .copied()
            .zip(self.via[lo..hi].iter().copied())
    }
}

/// The cost of walking part of a segment: its share of the whole (a barrier's penalty is spread along
/// the segment it lies on). A blocked segment is still left by a point on it, by its nearer end, at
/// the walking time alone: a home beside a flight of steps is not cut off, it just cannot pass them.
fn part(cost: Option<f64>, fallback_s: f64, fraction: f64) -> f64 {
    cost.unwrap_or(fallback_s) * fraction
}

/// Seconds from each node to the nearest of `sources`, walking at most `cap_s` (farther nodes are
/// `f64::INFINITY`). `plain_s[i]` is segment `i`'s unpenalised walking time, used where a point lies
/// on a blocked segment.
pub fn walk_times(
    net: &Network,
    graph: &Graph,
    costs: &[Option<f64>],
    plain_s: &[f64],
    sources: &[Snap],
    cap_s: f64,
) -> Vec<f64> {
    let mut time = vec![f64::INFINITY; net.nodes.len()];
    let mut heap = BinaryHeap::new();
    let mut start = |node: u32, t: f64, time: &mut Vec<f64>| {
        if t <= cap_s && t < time[node as usize] {
            time[node as usize] = t;
            heap.push(Reverse((t.to_bits(), node)));
        }
    };
    for s in sources {
        let i = s.segment as usize;
        let seg = &net.segments[i];
        let frac = fraction(s.along_m, seg.length_m);
        let (to_a, to_b) = (
            part(costs[i], plain_s[i], frac),
            part(costs[i], plain_s[i], 1.0 - frac),
        );
        if costs[i].is_some() {
            start(seg.a, to_a, &mut time);
            start(seg.b, to_b, &mut time);
        } else if to_a <= to_b {
            start(seg.a, to_a, &mut time);
        } else {
            start(seg.b, to_b, &mut time);
        }
    }
    // Non-negative f64s order as their bit patterns do, so the heap needs no float wrapper.
    while let Some(Reverse((bits, node))) = heap.pop() {
        let t = f64::from_bits(bits);
        if t > time[node as usize] {
            continue;
        }
        for (next, seg) in graph.edges(node) {
            let Some(c) = costs[seg as usize] else {
                continue;
            };
            let nt = t + c;
            if nt <= cap_s && nt < time[next as usize] {
                time[next as usize] = nt;
                heap.push(Reverse((nt.to_bits(), next)));
            }
        }
    }
    time
}

fn fraction(along_m: f64, length_m: f64) -> f64 {
    if length_m > 0.0 {
        (along_m / length_m).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The places on each segment, for points that share a segment with a place (they walk straight to
/// it, not round by a node).
#[derive(Debug, Default, Clone)]
pub struct SourcesBySegment(FxHashMap<u32, Vec<f64>>);

impl SourcesBySegment {
    pub fn new(sources: &[Snap]) -> SourcesBySegment {
        let mut m: FxHashMap<u32, Vec<f64>> = FxHashMap::default();
        for s in sources {
            m.entry(s.segment).or_default().push(s.along_m);
        }
        SourcesBySegment(m)
    }
}

/// Seconds from a point on the network to the nearest place, given the nodes' times; `None` if no
/// place is within `cap_s` (the cap the times were computed with). The walk from the point to the
/// segment itself is not counted (it is the same for every place).
pub fn time_at(
    net: &Network,
    costs: &[Option<f64>],
    plain_s: &[f64],
    times: &[f64],
    same_segment: &SourcesBySegment,
    at: &Snap,
    cap_s: f64,
) -> Option<f64> {
    let i = at.segment as usize;
    let seg = &net.segments[i];
    let frac = fraction(at.along_m, seg.length_m);
    let (to_a, to_b) = (
        part(costs[i], plain_s[i], frac),
        part(costs[i], plain_s[i], 1.0 - frac),
    );
    let mut best = if costs[i].is_some() {
        (times[seg.a as usize] + to_a).min(times[seg.b as usize] + to_b)
    } else if to_a <= to_b {
        times[seg.a as usize] + to_a
    } else {
        times[seg.b as usize] + to_b
    };
    if let Some(alongs) = same_segment.0.get(&at.segment) {
        let whole = costs[i].unwrap_or(plain_s[i]);
        for &s in alongs {
            let there = fraction(s, seg.length_m);
            // Straight along an impassable segment only on the same side of it: a point and a place
            // at the foot of the same steps, not at either end.
            if costs[i].is_none() && (frac <= 0.5) != (there <= 0.5) {
                continue;
            }
            best = best.min(whole * (frac - there).abs());
        }
    }
    (best <= cap_s).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::super::{Segment, WayKind};
    use super::*;

    /// A path 0 - 1 - 2 - 3 of 100 m segments, and a shortcut 0 - 3 of 500 m.
    fn line_net() -> Network {
        let nodes = vec![[0.0, 0.0], [0.001, 0.0], [0.002, 0.0], [0.003, 0.0]];
        let seg = |a: u32, b: u32, length_m: f64| Segment {
            a,
            b,
            length_m,
            way: WayKind::Street,
            line: vec![nodes[a as usize], nodes[b as usize]],
        };
        let segments = vec![
            seg(0, 1, 100.0),
            seg(1, 2, 100.0),
            seg(2, 3, 100.0),
            seg(0, 3, 500.0),
        ];
        Network { nodes, segments }
    }

    fn at(segment: u32, along_m: f64) -> Snap {
        Snap {
            segment,
            along_m,
            off_m: 0.0,
        }
    }

    #[test]
    fn times_run_from_the_nearest_of_all_places() {
        let net = line_net();
        let g = Graph::new(&net);
        let costs: Costs = net.segments.iter().map(|s| Some(s.length_m)).collect();
        let plain: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
        // Places at node 0 (start of segment 0) and halfway along segment 2.
        let t = walk_times(&net, &g, &costs, &plain, &[at(0, 0.0), at(2, 50.0)], 1e9);
        assert_eq!(t, vec![0.0, 100.0, 50.0, 50.0]);
        // The cap leaves farther nodes unreached.
        let t = walk_times(&net, &g, &costs, &plain, &[at(0, 0.0)], 250.0);
        assert_eq!(t, vec![0.0, 100.0, 200.0, f64::INFINITY]);
    }

    #[test]
    fn a_blocked_segment_is_walked_round() {
        let net = line_net();
        let g = Graph::new(&net);
        let mut costs: Costs = net.segments.iter().map(|s| Some(s.length_m)).collect();
        costs[1] = None;
        let plain: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
        let t = walk_times(&net, &g, &costs, &plain, &[at(0, 0.0)], 1e9);
        assert_eq!(t, vec![0.0, 100.0, 600.0, 500.0]);
        // A point on the blocked segment leaves it by its nearer end only.
        let by = SourcesBySegment::default();
        let near_1 = time_at(&net, &costs, &plain, &t, &by, &at(1, 30.0), 1e9);
        assert_eq!(near_1, Some(130.0));
        let near_2 = time_at(&net, &costs, &plain, &t, &by, &at(1, 80.0), 1e9);
        assert_eq!(near_2, Some(620.0));
    }

    #[test]
    fn a_point_beside_a_place_on_its_own_segment_walks_straight_there() {
        let net = line_net();
        let g = Graph::new(&net);
        let costs: Costs = net.segments.iter().map(|s| Some(s.length_m)).collect();
        let plain: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
        let places = [at(3, 250.0)];
        let t = walk_times(&net, &g, &costs, &plain, &places, 1e9);
        let by = SourcesBySegment::new(&places);
        let t_near = time_at(&net, &costs, &plain, &t, &by, &at(3, 240.0), 1e9).unwrap();
        assert!((t_near - 10.0).abs() < 1e-9, "{t_near}");
        // Elsewhere it goes by the nodes: 40 m back to node 0, then 250 m along the shortcut.
        assert_eq!(
            time_at(&net, &costs, &plain, &t, &by, &at(0, 40.0), 1e9),
            Some(290.0)
        );
        // No place at all: nothing reachable.
        let none = walk_times(&net, &g, &costs, &plain, &[], 1e9);
        assert_eq!(
            time_at(
                &net,
                &costs,
                &plain,
                &none,
                &SourcesBySegment::default(),
                &at(0, 1.0),
                1e9
            ),
            None
        );
    }

    #[test]
    fn a_point_and_a_place_on_an_impassable_segment_meet_only_on_the_same_side() {
        let net = line_net();
        let g = Graph::new(&net);
        let plain: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
        let mut costs: Costs = plain.iter().map(|&p| Some(p)).collect();
        costs[1] = None;
        let places = [at(1, 10.0)];
        let t = walk_times(&net, &g, &costs, &plain, &places, 1e9);
        let by = SourcesBySegment::new(&places);
        // Same side (near node 1): straight there.
        let near = time_at(&net, &costs, &plain, &t, &by, &at(1, 30.0), 1e9).unwrap();
        assert!((near - 20.0).abs() < 1e-9, "{near}");
        // The far side: round by nodes 2, 3, 0 and 1 (20 + 100 + 500 + 100 + 10).
        let far = time_at(&net, &costs, &plain, &t, &by, &at(1, 80.0), 1e9).unwrap();
        assert!((far - 730.0).abs() < 1e-9, "{far}");
        // Beyond the cap: nothing.
        assert_eq!(
            time_at(&net, &costs, &plain, &t, &by, &at(1, 80.0), 600.0),
            None
        );
    }

    #[test]
    fn a_penalty_is_spread_along_its_segment() {
        let net = line_net();
        let g = Graph::new(&net);
        let plain: Vec<f64> = net.segments.iter().map(|s| s.length_m).collect();
        let mut costs: Costs = plain.iter().map(|&p| Some(p)).collect();
        costs[0] = Some(100.0 + 60.0);
        let t = walk_times(&net, &g, &costs, &plain, &[at(0, 50.0)], 1e9);
        assert_eq!(t[0], 80.0);
        assert_eq!(t[1], 80.0);
    }
}
