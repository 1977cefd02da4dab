//! What the staff pages show besides the moderation queue: accounts, the audit log and campaigns.

use serde::{Deserialize, Serialize};

use super::*;

/// Which staff page to fill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffView {
    Users,
    Audit,
    Campaigns,
    /// One campaign's form; `None` for a new one.
    Campaign(Option<String>),
    Events,
    /// Every entry of the staff member's gemeenten, searched (or what was wrong with the search).
    Entries(Result<EntrySearch, String>),
    /// Wishes and talents of one gemeente (`None`: choose one).
    Talents(Option<String>),
    /// Activities, networks and links of one gemeente (`None`: choose one), with the entries chosen
    /// to start an activity from.
    Dynamics {
        gemeente: Option<String>,
        chosen: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub id: i64,
    pub email: String,
    pub role: String,
    pub gemeenten: String,
    pub disabled: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub at: String,
    pub email: String,
    pub action: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: String,
    pub title: String,
    pub open: bool,
    pub starts_on: Option<super::Day>,
    pub ends_on: Option<super::Day>,
    pub gemeenten: Vec<String>,
    pub responses: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StaffBody {
    /// Signed in, but this page is not for this role.
    Forbidden,
    Users(Vec<StaffAccount>),
    Audit(Vec<AuditRow>),
    Campaigns(Vec<CampaignRow>),
    /// The form's fields; `None` for an unknown campaign.
    Campaign(Option<Box<CampaignFields>>),
    Events(super::EventsPage),
    Entries(Box<super::EntriesPage>),
    Talents(Box<super::TalentsPage>),
    Dynamics(Box<super::DynamicsDesk>),
}

/// A staff page for the signed-in staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffPageData {
    pub email: String,
    pub role: String,
    pub csrf: String,
    pub body: StaffBody,
}

/// A campaign form posted with mistakes, given back to the page by the server that renders it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignFormState {
    pub fields: CampaignFields,
    pub violations: Vec<Violation>,
}

/// A campaign as a resident's page needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignInfo {
    pub campaign: Campaign,
    /// Open today (status and period).
    pub open: bool,
    /// This visit's respondent already answered the survey.
    pub answered: bool,
}

/// A survey posted with mistakes, rendered again with what was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyState {
    pub answers: Vec<(String, String)>,
    pub violations: Vec<Violation>,
}
