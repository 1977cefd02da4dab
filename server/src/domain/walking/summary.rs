//! What a set of sample points says: the share of an area within reach of a place, and how far its
//! typical and its far-off residents walk.
//!
//! Each point comes with its walking time and a weight (the ground it stands for, see
//! [`super::sample`]), so every figure is a share of the area, not of the points: an area sampled
//! on a finer grid is not counted more heavily.
//!
//! Points that could not be put on the network (farther than the snapping distance from any
//! segment) are neither near nor far: we do not know. They stay in the total, so they lower the
//! share within reach rather than silently raising it, are reported as their own share, and are
//! left out of the walking times. Points on the network from which no place can be reached count
//! as infinitely far: they push the median and the 90th percentile up, and when they are more than
//! half of the network's points the median itself is out of reach (`None`).

use serde::Serialize;

/// One sample point's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// Walking time in seconds to the nearest place.
    Seconds(f64),
    /// On the network, but no place can be reached (or only beyond the computation's cap).
    Unreachable,
    /// Farther than the snapping distance from any segment: counted apart, never as reachable.
    OffNetwork,
}

/// A sample point's outcome and the ground it stands for (any unit, the same for all points).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weighted {
    pub reach: Reach,
    pub weight: f64,
}

/// The figures of a set of points. Exact: the caller rounds for display.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Share of the total weight within `limit_s` (inclusive). Off-network and unreachable points
    /// count in the total, not as within.
    pub share_within: f64,
    /// Share of the total weight off the network.
    pub share_off_network: f64,
    /// Weighted median walking time in minutes over the points on the network (unreachable ones
    /// count as infinitely far): `None` when it is unreachable, or no point is on the network.
    pub median_minutes: Option<f64>,
    /// Weighted 90th percentile, likewise.
    pub p90_minutes: Option<f64>,
    /// How many points were counted: those with a usable weight.
    pub points: usize,
}

/// Cumulative weights are sums of floats: a quantile is reached when the cumulative weight is
/// within this fraction of the total below its target, so that ten points of weight 0.1 reach 90 %
/// at the ninth (0.1 × 9 sums to 0.8999…), as they do exactly with weight 1.
const TOLERANCE: f64 = 1e-9;

/// The share within `limit_s` seconds, the share off the network, and the weighted median and 90th
/// percentile (in minutes) of `points`.
///
/// The q-quantile is the *lower* weighted quantile: the smallest time `t` such that the points
/// with a time `<= t` hold at least `q` of the weight on the network (unreachable points sorted
/// last, as infinitely far). It is always one of the points' own times, never an interpolation:
/// with equal weights the median of 1, 2, 3, 4 minutes is 2.
///
/// Points whose weight is zero, negative, infinite or NaN are ignored altogether (they stand for
/// no ground). A time that is NaN counts as unreachable. An empty input (or one with no usable
/// weight) gives shares of 0, no quantiles and 0 points.
pub fn summarize(points: &[Weighted], limit_s: f64) -> Summary {
    let mut total = 0.0;
    let mut within = 0.0;
    let mut off = 0.0;
    let mut counted = 0;
    // On the network: (seconds, weight), unreachable as +∞.
    let mut on: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for p in points {
        let w = p.weight;
        if !(w.is_finite() && w > 0.0) {
            continue;
        }
        counted += 1;
        total += w;
        match p.reach {
            Reach::Seconds(t) if t.is_nan() => on.push((f64::INFINITY, w)),
            Reach::Seconds(t) => {
                if t <= limit_s {
                    within += w;
                }
                on.push((t, w));
            }
            Reach::Unreachable => on.push((f64::INFINITY, w)),
            Reach::OffNetwork => off += w,
        }
    }
    on.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let on_total: f64 = on.iter().map(|p| p.1).sum();
    let share = |w: f64| if total > 0.0 { w / total } else { 0.0 };
    Summary {
        share_within: share(within),
        share_off_network: share(off),
        median_minutes: quantile(&on, on_total, 0.5),
        p90_minutes: quantile(&on, on_total, 0.9),
        points: counted,
    }
}

/// The lower weighted `q`-quantile of `sorted` (seconds ascending, with their weights summing to
/// `total`), in minutes; `None` when it is infinite or there is no weight.
fn quantile(sorted: &[(f64, f64)], total: f64, q: f64) -> Option<f64> {
    if total <= 0.0 {
        return None;
    }
    let target = q * total - TOLERANCE * total;
    let mut cumulative = 0.0;
    for &(t, w) in sorted {
        cumulative += w;
        if cumulative >= target {
            return t.is_finite().then_some(t / 60.0);
        }
    }
    // Only by rounding: the last time holds the rest.
    sorted
        .last()
        .and_then(|&(t, _)| t.is_finite().then_some(t / 60.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(m: &[f64]) -> Vec<Weighted> {
        m.iter()
            .map(|&m| Weighted {
                reach: Reach::Seconds(m * 60.0),
                weight: 1.0,
            })
            .collect()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn equal_weights_give_the_plain_median() {
        let s = summarize(&minutes(&[3.0, 1.0, 5.0, 2.0, 4.0]), 3.0 * 60.0);
        assert!(close(s.median_minutes, 3.0), "{s:?}");
        assert!(close(s.p90_minutes, 5.0), "{s:?}");
        assert!((s.share_within - 0.6).abs() < 1e-12);
        assert_eq!(s.share_off_network, 0.0);
        assert_eq!(s.points, 5);
        // Even count: the lower median.
        assert!(close(
            summarize(&minutes(&[1.0, 2.0, 3.0, 4.0]), 0.0).median_minutes,
            2.0
        ));
    }

    #[test]
    fn weights_move_the_median() {
        let mut pts = minutes(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        pts[4].weight = 10.0; // 5 minutes: most of the area
        assert!(close(summarize(&pts, 600.0).median_minutes, 5.0));
        pts[4].weight = 1.0;
        pts[0].weight = 10.0; // 1 minute: most of the area
        assert!(close(summarize(&pts, 600.0).median_minutes, 1.0));
    }

    #[test]
    fn off_network_points_lower_the_share_but_not_the_median() {
        let mut pts = minutes(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let before = summarize(&pts, 600.0);
        assert_eq!(before.share_within, 1.0);
        pts.push(Weighted {
            reach: Reach::OffNetwork,
            weight: 5.0,
        });
        let after = summarize(&pts, 600.0);
        assert!((after.share_within - 0.5).abs() < 1e-12);
        assert!((after.share_off_network - 0.5).abs() < 1e-12);
        assert_eq!(after.median_minutes, before.median_minutes);
        assert_eq!(after.p90_minutes, before.p90_minutes);
        assert_eq!(after.points, 6);
    }

    #[test]
    fn mostly_unreachable_has_no_median() {
        let mut pts = minutes(&[1.0, 2.0]);
        for _ in 0..3 {
            pts.push(Weighted {
                reach: Reach::Unreachable,
                weight: 1.0,
            });
        }
        let s = summarize(&pts, 600.0);
        assert_eq!(s.median_minutes, None);
        assert_eq!(s.p90_minutes, None);
        assert!((s.share_within - 0.4).abs() < 1e-12);
        // Fewer than half unreachable: a median, but no 90th percentile.
        let mut pts = minutes(&[1.0, 2.0, 3.0]);
        pts.push(Weighted {
            reach: Reach::Unreachable,
            weight: 1.0,
        });
        let s = summarize(&pts, 600.0);
        assert!(close(s.median_minutes, 2.0));
        assert_eq!(s.p90_minutes, None);
    }

    #[test]
    fn p90_of_ten_points() {
        let pts = minutes(&[10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]);
        let s = summarize(&pts, 0.0);
        assert!(close(s.p90_minutes, 9.0), "{s:?}");
        assert!(close(s.median_minutes, 5.0), "{s:?}");
        // Weights that do not add up exactly in floating point: still the ninth.
        let tenths: Vec<Weighted> = pts.iter().map(|p| Weighted { weight: 0.1, ..*p }).collect();
        let s = summarize(&tenths, 0.0);
        assert!(close(s.p90_minutes, 9.0), "{s:?}");
        assert!(close(s.median_minutes, 5.0), "{s:?}");
    }

    #[test]
    fn the_limit_is_inclusive() {
        let s = summarize(&minutes(&[5.0, 10.0, 10.5]), 600.0);
        assert!((s.share_within - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn unusable_weights_are_ignored() {
        let mut pts = minutes(&[1.0, 2.0, 3.0]);
        for w in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            pts.push(Weighted {
                reach: Reach::Seconds(10_000.0),
                weight: w,
            });
        }
        let s = summarize(&pts, 600.0);
        assert_eq!(s.points, 3);
        assert_eq!(s.share_within, 1.0);
        assert!(close(s.p90_minutes, 3.0));
    }

    #[test]
    fn nothing_gives_nothing() {
        let empty = Summary {
            share_within: 0.0,
            share_off_network: 0.0,
            median_minutes: None,
            p90_minutes: None,
            points: 0,
        };
        assert_eq!(summarize(&[], 600.0), empty);
        // Everything off the network: a share, but no times.
        let off = [Weighted {
            reach: Reach::OffNetwork,
            weight: 2.0,
        }];
        let s = summarize(&off, 600.0);
        assert_eq!(s.share_off_network, 1.0);
        assert_eq!(s.share_within, 0.0);
        assert_eq!(s.median_minutes, None);
        assert_eq!(s.points, 1);
    }

    #[test]
    fn a_nan_time_is_unreachable() {
        let mut pts = minutes(&[1.0]);
        pts.push(Weighted {
            reach: Reach::Seconds(f64::NAN),
            weight: 2.0,
        });
        let s = summarize(&pts, 600.0);
        assert_eq!(s.median_minutes, None);
        assert!((s.share_within - 1.0 / 3.0).abs() < 1e-12);
    }
}
