//! Who took part, against who lives there: respondents per CBS age band (from the optional survey
//! question) beside the population per band from CBS's key figures, per gemeente and campaign only
//! (docs/privacy.md: one small table per campaign, a tree, so exact suppression is enough).
//!
//! A band resting on 1 to k−1 respondents is withheld; when the total of those who gave an age is
//! released, the withheld bands must be none or several that together hold at least k people, so
//! the total minus the shown bands gives no band away (else the next smallest band is withheld too,
//! and if none is left, the total). Those who gave no age are counted with cell-key noise: with
//! the total they add up to the campaign's respondents, which the aggregates release with noise.

use app::model::{BandFigure, Representation, AGE_BANDS};

use super::cell_key::perturb;

/// A group of respondents: how many, and the sum (mod 2^32) of their respondent keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Group {
    pub n: u64,
    pub key: u32,
}

impl Group {
    pub fn add(&mut self, respondent_key: u32) {
        self.n += 1;
        self.key = self.key.wrapping_add(respondent_key);
    }
}

/// Whether an answer to the age question names one of the bands (else it counts as not given).
pub fn known_band(band: Option<&str>) -> bool {
    band.is_some_and(|b| AGE_BANDS.contains(&b))
}

/// The respondents of an area, by the age band they gave (`None`: not given), with their keys.
pub fn group_by_band<'a>(
    respondents: impl IntoIterator<Item = (Option<&'a str>, u32)>,
) -> ([Group; 5], Group) {
    let mut bands = [Group::default(); 5];
    let mut unknown = Group::default();
    for (band, key) in respondents {
        match band.and_then(|b| AGE_BANDS.iter().position(|x| *x == b)) {
            Some(i) => bands[i].add(key),
            None => unknown.add(key),
        }
    }
    (bands, unknown)
}

/// `population[i]`: CBS inhabitants per band, when imported.
pub fn representation(
    bands: [Group; 5],
    unknown: Group,
    population: Option<[u64; 5]>,
    k: u64,
) -> Representation {
    let n: Vec<u64> = bands.iter().map(|b| b.n).collect();
    let answered: u64 = n.iter().sum();
    let total_released = answered >= k;
    // Zero is released as zero (an empty band reveals no one); 1 to k−1 not at all.
    let mut hidden: Vec<bool> = n.iter().map(|&x| x > 0 && x < k).collect();
    loop {
        let withheld: u64 = (0..5).filter(|&i| hidden[i]).map(|i| n[i]).sum();
        let count = hidden.iter().filter(|h| **h).count();
        if !total_released || count == 0 || (count >= 2 && withheld >= k) {
            break;
        }
        match (0..5)
            .filter(|&i| !hidden[i] && n[i] > 0)
            .min_by_key(|&i| n[i])
        {
            Some(i) => hidden[i] = true,
            // Nothing left to hide with them: only the total can go (below).
            None => break,
        }
    }
    let withheld: u64 = (0..5).filter(|&i| hidden[i]).map(|i| n[i]).sum();
    let count = hidden.iter().filter(|h| **h).count();
    let total_released = total_released && (count == 0 || (count >= 2 && withheld >= k));
    let pop_total: u64 = population.map_or(0, |p| p.iter().sum());
    let figures = AGE_BANDS
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let shown = total_released && !hidden[i];
            BandFigure {
                band: band.to_string(),
                respondents: shown.then_some(n[i]),
                share: (shown && answered > 0).then(|| n[i] as f64 / answered as f64),
                population_share: population
                    .filter(|_| pop_total > 0)
                    .map(|p| p[i] as f64 / pop_total as f64),
            }
        })
        .collect();
    Representation {
        bands: figures,
        answered: total_released.then_some(answered),
        unknown: match unknown.n {
            0 => Some(0),
            u if u < k => None,
            u => Some(perturb(u, unknown.key)),
        },
        has_population: population.is_some_and(|_| pop_total > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cell_key::MAX_NOISE;

    fn group(n: u64) -> Group {
        let mut g = Group::default();
        for i in 0..n {
            g.add(
                (i as u32)
                    .wrapping_mul(2_654_435_761)
                    .wrapping_add(n as u32),
            );
        }
        g
    }

    fn shown(r: &Representation) -> Vec<Option<u64>> {
        r.bands.iter().map(|b| b.respondents).collect()
    }

    #[test]
    fn bands_below_k_are_withheld_with_a_partner_and_shares_compare_with_cbs() {
        let bands = [group(0), group(6), group(12), group(3), group(9)];
        let r = representation(bands, group(7), Some([150, 120, 260, 270, 200]), 5);
        assert_eq!(
            shown(&r),
            [Some(0), None, Some(12), None, Some(9)],
            "45-64 withheld, and 15-24 with it"
        );
        assert_eq!(r.answered, Some(30));
        assert!(r.unknown.is_some_and(|u| (u as i64 - 7).abs() <= MAX_NOISE));
        assert!((r.bands[2].share.expect("share") - 0.4).abs() < 1e-9);
        assert!((r.bands[0].population_share.expect("cbs") - 0.15).abs() < 1e-9);
        assert!(r.has_population);

        // Two small bands of five people together protect each other.
        let r = representation(
            [group(2), group(0), group(3), group(10), group(10)],
            group(0),
            None,
            5,
        );
        assert_eq!(shown(&r), [None, Some(0), None, Some(10), Some(10)]);
        assert_eq!(r.unknown, Some(0));
        assert!(!r.has_population && r.bands[0].population_share.is_none());

        // Two small bands of three people together are not enough: the next smallest goes too.
        let r = representation(
            [group(1), group(2), group(6), group(10), group(0)],
            group(0),
            None,
            5,
        );
        assert_eq!(shown(&r), [None, None, None, Some(10), Some(0)]);

        // Too few answers at all: no band is shown.
        let r = representation(
            [group(1), group(0), group(2), group(0), group(1)],
            group(3),
            Some([1; 5]),
            5,
        );
        assert!(r.bands.iter().all(|b| b.respondents.is_none()));
        assert_eq!((r.answered, r.unknown), (None, None));
    }

    #[test]
    fn respondents_are_grouped_by_the_band_they_gave() {
        let (bands, unknown) = group_by_band([
            (Some("65_plus"), 1),
            (Some("65_plus"), 2),
            (None, 4),
            (Some("nonsense"), 8),
        ]);
        assert_eq!(bands[4], Group { n: 2, key: 3 });
        assert_eq!(unknown, Group { n: 2, key: 12 });
    }
}
