//! A resident's private link to their own entry: `/mijn/{id}?sleutel=KEY`, where KEY is a MAC of
//! the entry's id under a secret of this deployment. Only the submission's answer hands the key out
//! (the thank-you page shows the link when its address carries the key the answer gave); with it the
//! author reads, changes or deletes that one entry. And retention: a campaign's free text removed after its period.

use app::model::{Campaign, OwnChange, OwnEntry, Receipt, Rule, Violation};

use crate::service::{Service, ServiceError, ServiceResult};
use crate::store::StoreError;

impl Service {
    fn key_of(&self, id: &str) -> String {
        self.private_links.key(id)
    }

    /// The receipt with its private-link key.
    pub fn with_key(&self, mut r: Receipt) -> Receipt {
        r.edit_key = Some(self.key_of(&r.id));
        r
    }

    /// The entry behind a private link, if the key fits.
    pub async fn own_entry(&self, id: &str, key: &str) -> Result<Option<OwnEntry>, StoreError> {
        let id = id.to_ascii_lowercase();
        if !self.private_links.verify(&id, key) {
            return Ok(None);
        }
        self.store.own_entry(&id).await
    }

    /// Applies the author's change; `None` when the link does not fit, [`ServiceError::Invalid`]
    /// for a category the campaign does not offer or a text that is too long.
    pub async fn change_own(
        &self,
        id: &str,
        key: &str,
        change: &OwnChange,
    ) -> ServiceResult<Option<OwnEntry>> {
        let Some(entry) = self.own_entry(id, key).await? else {
            return Ok(None);
        };
        let category = change
            .category
            .clone()
            .unwrap_or_else(|| entry.category.clone());
        let campaign = self.store.campaign(&entry.campaign).await?;
        let offered = campaign.as_ref().map_or_else(
            || entry.kind.categories().to_vec(),
            |c| c.categories_of(entry.kind),
        );
        let mut errs = Vec::new();
        if !offered.contains(&category.as_str()) {
            errs.push(Violation::new("category", Rule::UnknownValue));
        }
        // What really changes: the same words again (the page's form always sends its text) are no
        // change, so they are neither checked against a removal nor written.
        use crate::domain::moderation::normalize;
        let changed = |given: &Option<String>, now: &Option<String>| {
            given
                .as_deref()
                .map(normalize)
                .filter(|g| *g != normalize(now.as_deref().unwrap_or_default()))
        };
        let text = changed(&change.text, &entry.text);
        let reply = changed(&change.reply, &entry.reply);
        for (field, value, max) in [
            ("text", &text, app::model::MAX_TEXT_CHARS),
            ("reply", &reply, app::model::MAX_REPLY_CHARS),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errs.push(Violation::new(field, Rule::TooLong { max }));
            }
        }
        // A reply answers staff's note on the entry: with no note there is nothing to answer.
        if reply.as_ref().is_some_and(|r| !r.is_empty()) && entry.status_note.is_none() {
            errs.push(Violation::new("reply", Rule::NothingToAnswer));
        }
        // Words taken in after retention or a merge removed the entry's words would be kept for good.
        if (text.is_some() || reply.is_some()) && self.store.words_removed(&entry.id).await? {
            for (field, value) in [("text", &text), ("reply", &reply)] {
                if value.is_some() {
                    errs.push(Violation::new(field, Rule::WordsRemoved));
                }
            }
        }
        if !errs.is_empty() {
            return Err(ServiceError::Invalid(errs));
        }
        // Each part alone: a reply does not write back a copy of the text a moderator may be editing.
        if change.category.is_some() || text.is_some() {
            self.store
                .edit_own(&entry.id, &category, text.as_deref())
                .await?;
        }
        if let Some(reply) = reply {
            self.store.reply_own(&entry.id, &reply).await?;
        }
        Ok(self.store.own_entry(&entry.id).await?)
    }

    /// Deletes the entry behind a private link; `false` when the link does not fit.
    pub async fn delete_own(&self, id: &str, key: &str) -> Result<bool, StoreError> {
        let Some(e) = self.own_entry(id, key).await? else {
            return Ok(false);
        };
        let photo = self.store.photo_of(&e.id).await?.map(|(hash, _)| hash);
        let deleted = self.store.delete_own(&e.id).await?;
        // Its photo file goes too (unless another entry has the very same photo).
        if let Err(err) = self.remove_photo_files(photo.into_iter().collect()).await {
            tracing::warn!(error = %err, "photo files could not be cleaned up");
        }
        Ok(deleted)
    }

    /// Applies every campaign's retention period once: free text and photos go, counts stay.
    /// Returns how many entries lost text.
    pub async fn apply_retention(&self) -> Result<u64, StoreError> {
        let mut removed = 0;
        let mut expired = Vec::new();
        for c in self.store.campaign_list().await? {
            if let Some(days) = c.retention_days {
                let ends_on = c.ends_on.map(|d| d.to_string());
                removed += self
                    .store
                    .apply_retention(&c.id, days, ends_on.as_deref(), &text_questions(&c))
                    .await?;
                expired.extend(
                    self.store
                        .drop_expired_photos(&c.id, days, ends_on.as_deref())
                        .await?,
                );
            }
        }
        let cleaned = match self.remove_photo_files(expired).await {
            Ok(_) => self.collect_photo_files().await.map(drop),
            Err(e) => Err(e),
        };
        if let Err(e) = cleaned {
            tracing::warn!(error = %e, "photo files could not be cleaned up");
        }
        // Whatever was removed this hour (here, by an author, by a moderator) also leaves the
        // journal's old frames.
        self.store.truncate_journal().await?;
        Ok(removed)
    }
}

fn text_questions(c: &Campaign) -> Vec<String> {
    c.survey()
        .into_iter()
        .filter(|q| q.kind == app::model::QuestionType::Text)
        .map(|q| q.id)
        .collect()
}
