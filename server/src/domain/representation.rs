//! Who took part, against who lives there: respondents per CBS age band (from the optional survey
//! question) beside the population per band from CBS's key figures. Small counts are suppressed
//! like every other figure: a band below k is hidden, and when exactly one band would be hidden
//! the next smallest is hidden with it, so the total minus the shown bands cannot reveal it.

use app::model::{BandFigure, Representation, AGE_BANDS};

/// `respondents[i]`: respondents in age band `AGE_BANDS[i]`; `unknown`: respondents who did not
/// give an age band; `population[i]`: CBS inhabitants per band, when imported.
pub fn representation(
    respondents: [u64; 5],
    unknown: u64,
    population: Option<[u64; 5]>,
    k: u64,
) -> Representation {
    let answered: u64 = respondents.iter().sum();
    let mut hidden: Vec<bool> = respondents.iter().map(|&n| n > 0 && n < k).collect();
    // Zero is released as zero (an empty band reveals no one); hidden bands need a partner.
    if hidden.iter().filter(|h| **h).count() == 1 {
        let partner = (0..5)
            .filter(|&i| !hidden[i] && respondents[i] > 0)
            .min_by_key(|&i| respondents[i]);
        if let Some(i) = partner {
            hidden[i] = true;
        }
    }
    let total_released = answered >= k;
    let pop_total: u64 = population.map_or(0, |p| p.iter().sum());
    let bands = AGE_BANDS
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let shown = total_released && !hidden[i];
            BandFigure {
                band: band.to_string(),
                respondents: shown.then_some(respondents[i]),
                share: (shown && answered > 0).then(|| respondents[i] as f64 / answered as f64),
                population_share: population
                    .filter(|_| pop_total > 0)
                    .map(|p| p[i] as f64 / pop_total as f64),
            }
        })
        .collect();
    Representation {
        bands,
        answered: total_released.then_some(answered),
        unknown: (unknown == 0 || unknown >= k).then_some(unknown),
        has_population: population.is_some_and(|_| pop_total > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_below_k_are_hidden_with_a_partner_and_shares_compare_with_cbs() {
        let r = representation([0, 6, 12, 3, 9], 7, Some([150, 120, 260, 270, 200]), 5);
        let shown: Vec<Option<u64>> = r.bands.iter().map(|b| b.respondents).collect();
        assert_eq!(shown, [Some(0), None, Some(12), None, Some(9)], "45-64 hidden, and 15-24 with it");
        assert_eq!(r.answered, Some(30));
        assert_eq!(r.unknown, Some(7));
        assert!((r.bands[2].share.expect("share") - 0.4).abs() < 1e-9);
        assert!((r.bands[0].population_share.expect("cbs") - 0.15).abs() < 1e-9);
        assert!(r.has_population);

        // Two bands small: they protect each other.
        let r = representation([2, 0, 3, 10, 10], 0, None, 5);
        let shown: Vec<Option<u64>> = r.bands.iter().map(|b| b.respondents).collect();
        assert_eq!(shown, [None, Some(0), None, Some(10), Some(10)]);
        assert!(!r.has_population && r.bands[0].population_share.is_none());

        // Too few answers at all: nothing but zeros... not even those.
        let r = representation([1, 0, 2, 0, 1], 3, Some([1, 1, 1, 1, 1]), 5);
        assert!(r.bands.iter().all(|b| b.respondents.is_none()));
        assert_eq!((r.answered, r.unknown), (None, None));
    }
}
