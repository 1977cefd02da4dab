//! A campaign's survey results as the API, the CSV and the results page give them: per question the
//! number of residents behind each option, protected like every figure about people
//! (docs/privacy.md, "Survey results"): a count of 1 to k−1 residents is withheld (`null`), a
//! released one carries cell-key noise, and shares are computed from released counts only.

use serde::{Deserialize, Serialize};

/// An area, by its CBS code and name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResultArea {
    pub code: String,
    pub name: Option<String>,
}

/// One area of the chosen level the page can narrow to, with its respondents (withheld: `null`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResultAreaChoice {
    pub code: String,
    pub name: Option<String>,
    pub respondents: Option<u64>,
}

/// One option of a question (a choice, a scale value, a number or a range of numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OptionResult {
    /// The option's id; for scale and number questions the value or the range (`"3"`, `"10–19"`).
    pub id: String,
    pub text: String,
    /// Residents who chose it; `null` when withheld.
    pub respondents: Option<u64>,
    /// Its released count over the question's released `answered` (0–1); `null` when either is withheld.
    pub share: Option<f64>,
    pub suppressed: bool,
}

/// A published text answer, as signed-in staff with access to the campaign read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TextAnswer {
    /// The answer's own random id (never the respondent's).
    pub id: String,
    pub text: String,
}

/// One question's distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuestionResult {
    pub id: String,
    /// `single`, `multiple`, `scale`, `number` or `text`.
    #[serde(rename = "type")]
    pub kind: super::QuestionType,
    pub text: String,
    /// Residents who answered it; `null` when withheld, and always for text questions.
    pub answered: Option<u64>,
    pub suppressed: bool,
    /// Empty for text questions.
    pub options: Vec<OptionResult>,
    /// Text questions only, for signed-in staff with access: the published answers. Absent for
    /// everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texts: Option<Vec<TextAnswer>>,
}

/// `GET /api/v1/campaigns/{id}/results`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyResults {
    pub campaign: String,
    pub title: String,
    /// The area asked for; `null` for the whole campaign.
    pub area: Option<ResultArea>,
    /// The level of `areas`.
    pub level: String,
    /// The smallest number of residents a released count rests on.
    pub k: u64,
    /// Residents who answered the survey (in the area); `null` when withheld.
    pub respondents: Option<u64>,
    pub suppressed: bool,
    pub questions: Vec<QuestionResult>,
    /// The areas of the campaign's gemeenten at `level`, to narrow to.
    pub areas: Vec<ResultAreaChoice>,
}

/// What the results page asks: the campaign, `level` and `area` as the query string gave them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyResultsQuery {
    pub campaign: String,
    pub level: Option<String>,
    pub area: Option<String>,
    pub lang: String,
}

/// What the results page gets: the results, or the parameter that was wrong and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SurveyResultsPage {
    Results(SurveyResults),
    BadParameter { field: String, message: String },
    NotFound,
}
