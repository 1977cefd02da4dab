//! A resident's entry from arrival to storage: validated against its campaign, assigned to its
//! areas, stored (`store::ingest`); the form's way in, with its address search; "ik ook" and the
//! entries near a spot.

use app::api::SubmitOutcome;
use app::model::{
    is_slug, validate_for, AreaCodes, FormDraft, GeocodeHit, PublicEntry, Rule, Submission,
    SubmissionInput, Violation,
};

use crate::domain::calendar::today;
use crate::pdok::locatieserver::GeocodeError;
use crate::service::{MeToo, Service, ServiceError, ServiceResult};
use crate::store::{EntryFilter, StoreError, Stored};

impl Service {
    /// Validates against the entry's campaign (its kinds, categories and areas) and stores it. A
    /// campaign that is closed or outside its period takes no new entries, but a resend of an entry it
    /// took is still answered as stored.
    pub async fn submit(
        &self,
        input: SubmissionInput,
        credentials: &crate::service::events::Credentials,
    ) -> Result<SubmitOutcome, StoreError> {
        let campaign = match is_slug(input.campaign.trim()) {
            true => self.store.campaign_for_entry(input.campaign.trim()).await?,
            false => None,
        };
        let found = self.proof(&input, credentials).await?;
        let s = match validate_for(&input, campaign.as_ref(), &found.proof) {
            Ok(s) => s,
            Err(v) => return Ok(SubmitOutcome::Invalid(v)),
        };
        let Some(campaign) = campaign else {
            return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                "campaign",
                Rule::UnknownCampaign,
            )]));
        };
        let loaded = self.loaded_areas();
        let areas = match s.location {
            Some(l) => loaded.index.assign(l.lon, l.lat),
            None => AreaCodes::default(),
        };
        // Scope applies once areas exist; without them nothing can be placed in a gemeente.
        if s.location.is_some()
            && !loaded.index.is_empty()
            && !campaign.covers(areas.gemeente.as_deref())
        {
            return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                "location",
                Rule::OutsideCampaign,
            )]));
        }
        // An event's entries count on the event's day, however late the tablet found a network.
        let campaign_open = campaign.is_open_on(found.day.unwrap_or_else(today));
        let outcome = self
            .store_valid(
                &s,
                &areas,
                loaded.generation,
                found.takes_new && campaign_open,
            )
            .await?;
        // A new entry refused because its event closed (or its grace period ended) says so.
        Ok(match outcome {
            SubmitOutcome::Invalid(v)
                if campaign_open
                    && !found.takes_new
                    && v.iter().any(|v| v.rule == Rule::UnknownCampaign) =>
            {
                SubmitOutcome::Invalid(vec![Violation::new("event", Rule::EventClosed)])
            }
            other => other,
        })
    }

    async fn store_valid(
        &self,
        s: &Submission,
        areas: &AreaCodes,
        generation: i64,
        open: bool,
    ) -> Result<SubmitOutcome, StoreError> {
        Ok(match self.store.submit(s, areas, generation, open).await? {
            Stored::Created(r) => SubmitOutcome::Created(self.with_key(r)),
            Stored::Replayed(r) => SubmitOutcome::Replayed(self.with_key(r)),
            Stored::Conflict => SubmitOutcome::Conflict,
            Stored::Gone => SubmitOutcome::Gone,
            Stored::UnknownCampaign => {
                SubmitOutcome::Invalid(vec![Violation::new("campaign", Rule::UnknownCampaign)])
            }
        })
    }

    /// The resident form: when no map position was given but an address was typed, the best PDOK match
    /// becomes the position.
    pub async fn submit_form(
        &self,
        draft: FormDraft,
        credentials: &crate::service::events::Credentials,
    ) -> Result<SubmitOutcome, StoreError> {
        if draft.is_robot() {
            // Answered as if stored, so the robot learns nothing; nothing about it is logged.
            tracing::info!("form with the hidden field filled in: not stored");
            return Ok(SubmitOutcome::Created(app::model::Receipt {
                id: draft.id.trim().to_ascii_lowercase(),
                areas: AreaCodes::default(),
                edit_key: None,
            }));
        }
        if let Err(v) = draft.check() {
            return Ok(SubmitOutcome::Invalid(v));
        }
        let location = match draft.location() {
            Ok(Some(l)) => Some(l),
            Ok(None) if !draft.address.trim().is_empty() => {
                // `check` kept the address within a search's length.
                match self.geocoder.search(draft.address.trim(), 1).await {
                    Ok(hits) => match hits.into_iter().next() {
                        Some(hit) => Some(hit.location),
                        None => {
                            return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                                "address",
                                Rule::AddressNotFound,
                            )]))
                        }
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "address lookup failed");
                        return Ok(SubmitOutcome::Invalid(vec![Violation::new(
                            "address",
                            Rule::LookupUnavailable,
                        )]));
                    }
                }
            }
            Ok(None) => None,
            Err(v) => return Ok(SubmitOutcome::Invalid(vec![v])),
        };
        self.submit(draft.to_input(location), credentials).await
    }

    /// One visible entry as the public sees it.
    pub async fn entry(&self, id: &str) -> Result<Option<PublicEntry>, StoreError> {
        self.store.entry(id).await
    }

    /// Address search: up to six PDOK matches. A query outside
    /// [`ADDRESS_QUERY_CHARS`](app::model::ADDRESS_QUERY_CHARS) finds nothing and is not sent.
    pub async fn geocode(&self, q: &str) -> Result<Vec<GeocodeHit>, GeocodeError> {
        let q = q.trim();
        if !app::model::ADDRESS_QUERY_CHARS.contains(&q.chars().count()) {
            return Ok(Vec::new());
        }
        self.geocoder.search(q, 6).await
    }

    /// One respondent's "ik ook" on a visible entry; [`ServiceError::Invalid`] for a malformed
    /// respondent id.
    pub async fn me_too(&self, id: &str, respondent: &str) -> ServiceResult<MeToo> {
        if !app::model::is_uuid(respondent) {
            return Err(ServiceError::Invalid(vec![Violation::new(
                "respondent",
                Rule::NotUuid,
            )]));
        }
        if !app::model::is_uuid(id) {
            return Ok(MeToo::Unknown);
        }
        Ok(self
            .store
            .me_too(&id.to_ascii_lowercase(), &respondent.to_ascii_lowercase())
            .await?)
    }

    /// Visible entries of `kind` near a position (by their public position), nearest first: what a
    /// resident sees while adding one, to say "ik ook" instead.
    pub async fn nearby(
        &self,
        kind: app::model::Kind,
        lon: f64,
        lat: f64,
    ) -> Result<Vec<PublicEntry>, StoreError> {
        // About 200 m each way at Dutch latitudes.
        let (dlon, dlat) = (0.003, 0.0018);
        let mut found = self
            .store
            .public_entries(&EntryFilter {
                bbox: Some(app::model::Bbox {
                    min_lon: lon - dlon,
                    min_lat: lat - dlat,
                    max_lon: lon + dlon,
                    max_lat: lat + dlat,
                }),
                kind: Some(kind),
                limit: 200,
                ..Default::default()
            })
            .await?;
        let dist = |e: &PublicEntry| {
            e.location.map_or(f64::MAX, |p| {
                let dx = (p.lon - lon) * (lat.to_radians().cos());
                let dy = p.lat - lat;
                dx * dx + dy * dy
            })
        };
        found.sort_by(|a, b| dist(a).total_cmp(&dist(b)));
        found.truncate(5);
        Ok(found)
    }

    pub async fn public_entries(&self, f: &EntryFilter) -> Result<Vec<PublicEntry>, StoreError> {
        self.store.public_entries(f).await
    }
}
