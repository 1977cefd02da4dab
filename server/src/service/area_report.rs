//! The printable area report: the area's profile, a map the server draws, walking coverage, survey
//! results, "you said, we did", and what it all rests on. Every part is what a public page already
//! releases, under the same rules (see `app::model::area_report`).

use crate::domain::areas::{cbs_gemeente, cbs_level};
use crate::domain::calendar::today;
use crate::domain::privacy::DEFAULT_K;
use crate::domain::report_map::draw;
use crate::service::error::ServiceResult;
use crate::service::Service;
use crate::store::EntryFilter;
use app::model::{AreaCoverage, AreaReport, InsightFilter, REPORT_CHANGES};

/// The most campaigns whose survey results a report shows (it must stay a few pages).
const MOST_SURVEYS: usize = 2;

/// The most entries a report's map draws.
const MOST_DOTS: u32 = 10_000;

impl Service {
    /// The report of area `code`; `None` for an unknown area.
    pub async fn area_report(&self, code: &str, lang: &str) -> ServiceResult<Option<AreaReport>> {
        let Some(profile) = self.profile(code, &InsightFilter::default()).await? else {
            return Ok(None);
        };
        let Some(changes) = self.area_changes(code).await? else {
            return Ok(None);
        };
        let mut changes = changes;
        changes.entries.truncate(REPORT_CHANGES);
        let coverage = self
            .area_coverage(code)
            .await?
            .into_iter()
            .map(|(profile, barriers, row)| AreaCoverage {
                profile,
                barriers,
                row,
            })
            .collect();
        let k = u64::from(self.store.strictest_k().await?).max(DEFAULT_K as u64);
        Ok(Some(AreaReport {
            map: self.report_map(code).await?,
            surveys: self.report_surveys(code, lang).await?,
            profile,
            coverage,
            changes,
            k,
            day: today().to_string(),
        }))
    }

    /// The area's outline and its entries at their public positions (an entry belongs to the area
    /// its public position lies in, as on the map and "you said, we did").
    async fn report_map(&self, code: &str) -> ServiceResult<app::model::ReportMap> {
        let area = self.public_area(code);
        let Some([min_lon, min_lat, max_lon, max_lat]) = area.bbox() else {
            return Ok(app::model::ReportMap::default());
        };
        let entries = self
            .store
            .public_entries(&EntryFilter {
                bbox: Some(app::model::Bbox {
                    min_lon,
                    min_lat,
                    max_lon,
                    max_lat,
                }),
                limit: MOST_DOTS,
                ..Default::default()
            })
            .await?;
        let points: Vec<_> = entries
            .iter()
            .filter_map(|e| e.location.map(|l| (e.kind, l.lon, l.lat)))
            .filter(|&(_, lon, lat)| area.holds(lon, lat))
            .collect();
        Ok(draw(&area.shape(), &points))
    }

    /// The released survey results in this area of the campaigns that asked in its gemeente.
    async fn report_surveys(
        &self,
        code: &str,
        lang: &str,
    ) -> ServiceResult<Vec<app::model::SurveyResults>> {
        let Some(level) = cbs_level(code) else {
            return Ok(Vec::new());
        };
        let gemeente = cbs_gemeente(code);
        let mut out = Vec::new();
        for c in self.store.campaign_list().await? {
            if out.len() == MOST_SURVEYS {
                break;
            }
            if (c.questions.is_empty() && !c.demographics) || !c.covers(gemeente.as_deref()) {
                continue;
            }
            let results = self
                .survey_results(&c.id, Some(level.as_str()), Some(code), lang, None)
                .await?;
            if let Some(r) = results.filter(|r| r.respondents.is_some()) {
                out.push(r);
            }
        }
        Ok(out)
    }
}
