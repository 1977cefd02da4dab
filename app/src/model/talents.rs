//! Residents' wishes and the talents they offer, side by side per area, with suggested matches: the
//! staff page `/staff/talenten` and `GET /api/v1/talents?gemeente=`. Staff only: the words are the
//! residents' own, published or not (no contact details exist: staff reach a resident through a
//! note on the entry).

use serde::{Deserialize, Serialize};

use super::{BadParam, Status};

/// A wish as staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WishCard {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub id: String,
    /// The wish's category (its theme).
    pub category: String,
    /// The day it was made.
    #[cfg_attr(feature = "ssr", schema(format = Date))]
    pub day: String,
    pub status: Status,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub text: Option<String>,
}

/// A talent offered with a wish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TalentCard {
    /// The wish it was offered with.
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub id: String,
    pub category: String,
    pub talent: String,
    /// Whether a moderator published it (then the area profile lists it).
    pub public: bool,
}

/// One area (a buurt, or the gemeente for entries outside every buurt) with its wishes and talents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TalentArea {
    pub code: String,
    pub name: String,
    pub wishes: Vec<WishCard>,
    pub talents: Vec<TalentCard>,
}

/// A suggested match: a wish and a talent near each other about the same thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TalentMatch {
    pub wish: WishCard,
    pub talent: TalentCard,
    /// Straight-line distance in metres.
    pub metres: u32,
    /// What they share: a theme (`cooking`, `music`, `sport`, `language`, `digital`, `gardening`,
    /// `repair`, `children`, `care`) or the wish category both came with.
    pub theme: String,
}

/// The talents page of one gemeente.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TalentsOverview {
    pub gemeente: String,
    pub gemeente_name: String,
    pub matches: Vec<TalentMatch>,
    /// Areas with wishes or talents, by name.
    pub areas: Vec<TalentArea>,
}

/// The staff page: the gemeenten to choose from and, once one is chosen, its overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TalentsPage {
    /// (code, name) of the gemeenten within the staff member's scope.
    pub gemeenten: Vec<(String, String)>,
    pub overview: Option<TalentsOverview>,
}

/// The `gemeente` parameter: a CBS gemeente code.
pub fn gemeente_param(value: Option<&str>) -> Result<Option<String>, BadParam> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(g) if g.starts_with("GM") && super::is_area_code(g) => Ok(Some(g.to_string())),
        Some(_) => Err(super::insight::bad(
            "gemeente",
            "must be a CBS gemeente code such as GM0505",
        )),
    }
}
