//! Wishes and talents per area with suggested matches, for staff of the gemeente; and the published
//! talents an area's public profile lists.

use app::model::{
    Status, TalentArea, TalentCard, TalentMatch, TalentsOverview, TalentsPage, WishCard,
};

use crate::domain::talent_matches::{suggest, Offer, Wish};
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::Service;
use crate::store::{SessionUser, StoreError, WishRow};

impl Service {
    /// The staff page: the gemeenten to choose from, and the chosen one's overview.
    pub async fn talents_page(
        &self,
        user: &SessionUser,
        gemeente: Option<String>,
    ) -> ServiceResult<TalentsPage> {
        let (gemeenten, gemeente) = self.staff_gemeenten(user, gemeente).await?;
        let overview = match gemeente {
            Some(g) => Some(self.talents(user, &g).await?),
            None => None,
        };
        Ok(TalentsPage {
            gemeenten,
            overview,
        })
    }

    /// Wishes and talents of `gemeente` per buurt with suggested matches (403 outside the staff
    /// member's gemeenten, 404 for an unknown gemeente).
    pub async fn talents(
        &self,
        user: &SessionUser,
        gemeente: &str,
    ) -> ServiceResult<TalentsOverview> {
        if !user.scope().covers(Some(gemeente)) {
            return Err(ServiceError::NotAllowed(
                "this gemeente is not one you work for",
            ));
        }
        let facts = self.facts().await?;
        let gemeente_name = facts
            .get(gemeente)
            .ok_or(ServiceError::NotFound)?
            .name
            .clone()
            .unwrap_or_else(|| gemeente.to_string());
        let rows = self.store.wishes_of(gemeente).await?;
        let name_of = |code: &str| {
            facts
                .get(code)
                .and_then(|f| f.name.clone())
                .unwrap_or_else(|| code.to_string())
        };
        let mut areas: Vec<TalentArea> = Vec::new();
        for r in &rows {
            let code = r.buurt.clone().unwrap_or_else(|| gemeente.to_string());
            let i = match areas.iter().position(|a| a.code == code) {
                Some(i) => i,
                None => {
                    areas.push(TalentArea {
                        name: name_of(&code),
                        code,
                        wishes: Vec::new(),
                        talents: Vec::new(),
                    });
                    areas.len() - 1
                }
            };
            areas[i].wishes.push(wish_card(r));
            if let Some(t) = talent_card(r) {
                areas[i].talents.push(t);
            }
        }
        areas.sort_by(|a, b| a.name.cmp(&b.name).then(a.code.cmp(&b.code)));
        Ok(TalentsOverview {
            gemeente: gemeente.to_string(),
            gemeente_name,
            matches: matches(&rows),
            areas,
        })
    }

    /// The talents published for area `code`, for its public profile.
    pub async fn published_talents(&self, code: &str) -> Result<Vec<String>, StoreError> {
        self.store.published_talents(code).await
    }
}

fn wish_card(r: &WishRow) -> WishCard {
    WishCard {
        id: r.id.clone(),
        category: r.category.clone(),
        day: r.created_at.get(..10).unwrap_or_default().to_string(),
        status: Status::parse(&r.status).unwrap_or_default(),
        text: r.text.clone(),
    }
}

fn talent_card(r: &WishRow) -> Option<TalentCard> {
    let talent = r
        .talent
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())?;
    Some(TalentCard {
        id: r.id.clone(),
        category: r.category.clone(),
        talent: talent.to_string(),
        public: r.talent_public == 1,
    })
}

/// The suggested matches among a gemeente's wishes (those with a position).
fn matches(rows: &[WishRow]) -> Vec<TalentMatch> {
    let placed: Vec<&WishRow> = rows
        .iter()
        .filter(|r| r.lon.is_some() && r.lat.is_some())
        .collect();
    let position = |r: &WishRow| [r.lon.unwrap_or_default(), r.lat.unwrap_or_default()];
    let wishes: Vec<Wish> = placed
        .iter()
        .map(|r| Wish {
            id: &r.id,
            respondent: &r.respondent,
            category: &r.category,
            position: position(r),
            text: r.text.as_deref().unwrap_or_default(),
        })
        .collect();
    let offered: Vec<&WishRow> = placed
        .iter()
        .copied()
        .filter(|r| talent_card(r).is_some())
        .collect();
    let offers: Vec<Offer> = offered
        .iter()
        .map(|r| Offer {
            id: &r.id,
            respondent: &r.respondent,
            category: &r.category,
            position: position(r),
            talent: r.talent.as_deref().unwrap_or_default(),
        })
        .collect();
    suggest(&wishes, &offers)
        .into_iter()
        .filter_map(|m| {
            Some(TalentMatch {
                wish: wish_card(placed[m.wish]),
                talent: talent_card(offered[m.offer])?,
                metres: m.metres,
                theme: m.theme,
            })
        })
        .collect()
}
