//! A campaign's survey results (`domain::survey_results` decides what is released) and the
//! moderation of its text answers.
//!
//! Survey answers have no position of their own: a respondent counts in every area where they made
//! an entry or said "ik ook" in the campaign (as "who took part" counts them), and everyone who
//! answered counts in the campaign as a whole.

use std::collections::{BTreeSet, HashMap, HashSet};

use app::model::{
    text_in, Campaign, OptionResult, Question, QuestionResult, QuestionType, ResultArea,
    ResultAreaChoice, SurveyResults, TextAnswer,
};
use serde_json::{Map, Value};

use crate::domain::areas::{cbs_level, cbs_parent, Level};
use crate::domain::privacy::DEFAULT_K;
use crate::domain::release_steps::in_steps;
use crate::domain::representation::Group;
use crate::domain::roles::Scope;
use crate::domain::survey_results::{
    bucket_indices, buckets, is_additive, release, release_count, tally, Tally,
};
use crate::service::error::{ServiceError, ServiceResult};
use crate::service::Service;
use crate::store::SessionUser;

/// A text answer as its moderators see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ModeratedText {
    /// The answer's own random id.
    pub id: String,
    pub question: String,
    pub text: String,
    /// `waiting`, `published` or `rejected`.
    pub state: String,
}

/// Whether a staff member may read (and, with the role for it, moderate) a campaign's text answers:
/// admins always; others when the campaign runs in one of their gemeenten. A campaign for the
/// whole country has residents of every gemeente, so only admins read its texts.
pub fn sees_texts(user: &SessionUser, campaign: &Campaign) -> bool {
    match user.scope() {
        Scope::All => true,
        Scope::Gemeenten(mine) => campaign.gemeenten.iter().any(|g| mine.contains(g)),
    }
}

/// One respondent: their cell key, their answers and when they gave them, where they took part.
struct Respondent {
    id: String,
    key: u32,
    answered_at: String,
    answers: Map<String, Value>,
    /// Every area (of any level) they took part in → the moment of their first entry or "ik ook"
    /// there.
    areas: HashMap<String, String>,
}

impl Respondent {
    /// When they arrived in `scope` (`None`: the campaign as a whole, where answering is taking
    /// part): once they had answered and taken part there, the later of the two. `None`: not there.
    fn arrival(&self, scope: Option<&str>) -> Option<&str> {
        match scope {
            None => Some(&self.answered_at),
            Some(a) => self.areas.get(a).map(|since| self.arrival_since(since)),
        }
    }

    /// When they arrived in an area they first took part in at `since`.
    fn arrival_since<'s>(&'s self, since: &'s str) -> &'s str {
        since.max(self.answered_at.as_str())
    }

    /// Whether they gave `q` an answer that counts in one of its options.
    fn answered(&self, q: &Question) -> bool {
        self.answers
            .get(&q.id)
            .is_some_and(|a| !bucket_indices(q, a).is_empty())
    }
}

/// The residents of one cell (an area, or an area and a question) as released: in whole steps of k
/// by arrival (`domain::release_steps`). Nothing released (nobody there, or fewer than k) reads as
/// withheld, never 0, so a first resident does not show by turning a 0 into "withheld".
struct Cell<'a> {
    released: Vec<&'a Respondent>,
}

impl<'a> Cell<'a> {
    /// The cell of `scope` (`None`: the campaign as a whole), of those who answered a question
    /// (`answered[i]` for `respondents[i]`; `None`: everyone there).
    fn of(
        respondents: &'a [Respondent],
        scope: Option<&str>,
        answered: Option<&[bool]>,
        k: u64,
    ) -> Cell<'a> {
        let members: Vec<(&str, u32, &Respondent)> = respondents
            .iter()
            .enumerate()
            .filter(|(i, _)| answered.is_none_or(|a| a[*i]))
            .filter_map(|(_, r)| r.arrival(scope).map(|t| (t, r.key, r)))
            .collect();
        Cell::from(members, k)
    }

    fn from(members: Vec<(&'a str, u32, &'a Respondent)>, k: u64) -> Cell<'a> {
        Cell {
            released: in_steps(members, k),
        }
    }

    /// The cell of every area its respondents took part in, in one pass over them.
    fn of_every_area(respondents: &'a [Respondent], k: u64) -> HashMap<&'a str, Cell<'a>> {
        let mut members: HashMap<&str, Vec<(&str, u32, &Respondent)>> = HashMap::new();
        for r in respondents {
            for (area, since) in &r.areas {
                members
                    .entry(area.as_str())
                    .or_default()
                    .push((r.arrival_since(since), r.key, r));
            }
        }
        members
            .into_iter()
            .map(|(area, m)| (area, Cell::from(m, k)))
            .collect()
    }

    fn group(&self) -> Group {
        let mut g = Group::default();
        for r in &self.released {
            g.add(r.key);
        }
        g
    }

    fn tally(&self, q: &Question) -> Tally {
        tally(q, self.released.iter().map(|r| (r.key, &r.answers)))
    }

    /// Its released residents' count. Withheld, never 0, until k are released: a cell's first
    /// resident would otherwise show by turning a 0 into "withheld".
    fn count(&self, k: u64) -> Option<u64> {
        if self.released.is_empty() {
            None
        } else {
            release_count(self.group(), k)
        }
    }
}

/// The gemeenten a campaign's results are about: its own, or, for a campaign without gemeenten,
/// those where its residents took part and k of them are released (a gemeente listed at its first
/// resident would show that resident).
fn campaign_gemeenten(campaign: &Campaign, every_area: &HashMap<&str, Cell>) -> BTreeSet<String> {
    if campaign.gemeenten.is_empty() {
        every_area
            .iter()
            .filter(|(a, c)| cbs_level(a) == Some(Level::Gemeente) && !c.released.is_empty())
            .map(|(a, _)| a.to_string())
            .collect()
    } else {
        campaign.gemeenten.iter().cloned().collect()
    }
}

impl Service {
    /// Every respondent of the campaign, with when they answered and where (and since when) they
    /// took part. What is released of them is cut per cell ([`Cell`]).
    async fn respondents_of(&self, campaign: &str) -> ServiceResult<Vec<Respondent>> {
        let mut areas: HashMap<String, HashMap<String, String>> = HashMap::new();
        for (r, g, w, b, at) in self.store.survey_places(campaign).await? {
            let mine = areas.entry(r).or_default();
            for code in [g, w, b].into_iter().flatten() {
                let first = mine.entry(code).or_insert_with(|| at.clone());
                if at < *first {
                    *first = at.clone();
                }
            }
        }
        let mut out = Vec::new();
        for (id, json, answered_at) in self.store.survey_answers(campaign).await? {
            let answers = match serde_json::from_str(&json) {
                Ok(Value::Object(m)) => m,
                // Stored answers are always an object (`Campaign::check_answers`); anything else is
                // a hand edit, counted as no answers rather than failing every figure.
                _ => Map::new(),
            };
            out.push(Respondent {
                key: self.cell_keys.respondent(&id),
                areas: areas.remove(&id).unwrap_or_default(),
                id,
                answered_at,
                answers,
            });
        }
        Ok(out)
    }

    /// A campaign's survey results, for the whole campaign or one area (`level` defaults to
    /// gemeente; `area` must be an area of that level). `staff`: a signed-in staff member, who reads
    /// the published text answers when the campaign is theirs. `None` for an unknown campaign.
    pub async fn survey_results(
        &self,
        id: &str,
        level: Option<&str>,
        area: Option<&str>,
        lang: &str,
        staff: Option<&SessionUser>,
    ) -> ServiceResult<Option<SurveyResults>> {
        let Some(campaign) = self.store.campaign(id).await? else {
            return Ok(None);
        };
        let level = match level.filter(|l| !l.is_empty()) {
            None => Level::Gemeente,
            Some(l) => Level::parse(l).ok_or(ServiceError::Field {
                field: "level".into(),
                reason: "must be gemeente, wijk or buurt",
            })?,
        };
        let facts = self.facts().await?;
        let area = area.filter(|a| !a.is_empty());
        if let Some(code) = area {
            match facts.get(code).and_then(|f| Level::parse(&f.level)) {
                None => return Err(ServiceError::Field {
                    field: "area".into(),
                    reason:
                        "is not a known area (a CBS code such as GM0505, WK050501 or BU05050101)",
                }),
                Some(l) if l != level => {
                    return Err(ServiceError::Field {
                        field: "area".into(),
                        reason: "is not an area of the chosen level",
                    })
                }
                Some(_) => {}
            }
        }
        let k = u64::from(self.store.strictest_k().await?).max(DEFAULT_K as u64);
        let respondents = self.respondents_of(&campaign.id).await?;
        // The areas holding the one asked for, outermost first, then the area itself: an additive
        // question withheld in one of them stays withheld inside it (`domain::survey_results`).
        let mut chain: Vec<Option<String>> = vec![None];
        if let Some(code) = area {
            for up in [Level::Gemeente, Level::Wijk] {
                if let Some(p) = cbs_parent(code, up).filter(|p| p != code) {
                    chain.push(Some(p));
                }
            }
            chain.push(Some(code.to_string()));
        }
        let here = Cell::of(&respondents, area, None, k);
        let every_area = Cell::of_every_area(&respondents, k);
        // The areas to narrow to: those of the chosen level in the campaign's gemeenten (for a
        // campaign without gemeenten, where its residents took part).
        let gemeenten = campaign_gemeenten(&campaign, &every_area);
        // Text answers only for a gemeente, of its released residents, and for the campaign as a
        // whole, of those released in one of its gemeenten: a wijk or buurt (and overlapping ones
        // compared) would narrow a text down to a few residents, whose entries staff see exactly.
        // So a text appears when its gemeente steps, with k others, and no list is the difference of
        // others plus a few: not the campaign's minus its gemeenten's (a small gemeente's, or a
        // gemeente's last few), nor one that loses a text when its author makes an entry (the
        // answers of residents without an entry in an imported area stay in the moderation list).
        let gemeente_level = area.is_none_or(|code| cbs_level(code) == Some(Level::Gemeente));
        let text_authors: HashSet<&str> = match area {
            _ if !gemeente_level => HashSet::new(),
            Some(_) => here.released.iter().map(|r| r.id.as_str()).collect(),
            None => every_area
                .iter()
                .filter(|(a, _)| cbs_level(a) == Some(Level::Gemeente))
                .flat_map(|(_, c)| c.released.iter().map(|r| r.id.as_str()))
                .collect(),
        };
        let texts = match staff.filter(|u| !text_authors.is_empty() && sees_texts(u, &campaign)) {
            Some(_) => Some(self.published_texts(&campaign, &respondents).await?),
            None => None,
        };
        let questions = campaign
            .survey()
            .iter()
            .map(|q| {
                // Who answered it, once for every cell of it.
                let answered: Vec<bool> = respondents.iter().map(|r| r.answered(q)).collect();
                let cells: Vec<Cell> = chain
                    .iter()
                    .map(|scope| Cell::of(&respondents, scope.as_deref(), Some(&answered), k))
                    .collect();
                let tallies: Vec<Tally> = cells.iter().map(|c| c.tally(q)).collect();
                // The campaign as a whole answers to its gemeenten too (`domain::survey_results`,
                // rule 3).
                let parts: Vec<Cell> = match area {
                    None => gemeenten
                        .iter()
                        .map(|g| Cell::of(&respondents, Some(g), Some(&answered), k))
                        .collect(),
                    Some(_) => Vec::new(),
                };
                let part_tallies: Vec<Tally> = parts.iter().map(|c| c.tally(q)).collect();
                let mut released = release(q.kind, &tallies, &part_tallies, k);
                // A gemeente that releases nobody who answered it (1 to k−1, or none yet) cannot
                // withhold the campaign's distribution with its own figures, so it withholds it
                // itself until it releases k: it changes with k of its residents, never with one.
                if is_additive(q.kind) && parts.iter().any(|c| c.released.is_empty()) {
                    released.options.iter_mut().for_each(|o| *o = None);
                    released.shares.iter_mut().for_each(|s| *s = None);
                }
                // Nothing of the question is released here yet (nobody, or fewer than k, answered
                // it): withheld, zeros too, so its first answer does not show by turning 0 into
                // "withheld".
                if cells.last().is_none_or(|c| c.released.is_empty()) {
                    released.answered = None;
                    released.options.iter_mut().for_each(|o| *o = None);
                    released.shares.iter_mut().for_each(|s| *s = None);
                }
                let options = buckets(q)
                    .into_iter()
                    .zip(released.options.iter().zip(&released.shares))
                    .map(|(b, (count, share))| OptionResult {
                        text: b.option.map_or_else(
                            || b.id.clone(),
                            |i| text_in(&q.options[i].text, lang).to_string(),
                        ),
                        id: b.id,
                        respondents: *count,
                        share: *share,
                        suppressed: count.is_none(),
                    })
                    .collect();
                QuestionResult {
                    id: q.id.clone(),
                    kind: q.kind,
                    text: text_in(&q.text, lang).to_string(),
                    answered: released.answered,
                    suppressed: released.answered.is_none(),
                    options,
                    texts: (q.kind == QuestionType::Text)
                        .then(|| {
                            texts.as_ref().map(|t| {
                                t.iter()
                                    .filter(|(r, qid, _)| {
                                        qid == &q.id && text_authors.contains(r.as_str())
                                    })
                                    .map(|(_, _, a)| a.clone())
                                    .collect()
                            })
                        })
                        .flatten(),
                }
            })
            .collect();
        let mut areas: Vec<ResultAreaChoice> = facts
            .values()
            .filter(|f| f.level == level.as_str())
            .filter(|f| {
                let g = match level {
                    Level::Gemeente => Some(f.code.clone()),
                    _ => cbs_parent(&f.code, Level::Gemeente),
                };
                g.is_some_and(|g| gemeenten.contains(&g))
            })
            .map(|f| ResultAreaChoice {
                code: f.code.clone(),
                name: f.name.clone(),
                respondents: every_area.get(f.code.as_str()).and_then(|c| c.count(k)),
            })
            .collect();
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        let respondents_released = here.count(k);
        Ok(Some(SurveyResults {
            campaign: campaign.id.clone(),
            title: text_in(&campaign.title, lang).to_string(),
            area: area.map(|code| ResultArea {
                code: code.to_string(),
                name: facts.get(code).and_then(|f| f.name.clone()),
            }),
            level: level.as_str().to_string(),
            k,
            respondents: respondents_released,
            suppressed: respondents_released.is_none(),
            questions,
            areas,
        }))
    }

    /// Gives every text answer of the campaign a moderation row (answers stored before one existed
    /// get theirs here), and returns the rows with their words.
    async fn text_rows(
        &self,
        campaign: &Campaign,
        respondents: &[Respondent],
    ) -> ServiceResult<Vec<(crate::store::SurveyText, String)>> {
        let survey = campaign.survey();
        let text_questions: Vec<&Question> = survey
            .iter()
            .filter(|q| q.kind == QuestionType::Text)
            .collect();
        let words = |r: &Respondent, q: &str| -> Option<String> {
            r.answers
                .get(q)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let mut rows = self.store.survey_texts(&campaign.id).await?;
        let have: HashSet<(String, String)> = rows
            .iter()
            .map(|t| (t.respondent.clone(), t.question.clone()))
            .collect();
        let missing: Vec<(String, String)> = respondents
            .iter()
            .flat_map(|r| {
                text_questions
                    .iter()
                    .filter(|q| words(r, &q.id).is_some())
                    .map(|q| (r.id.clone(), q.id.clone()))
            })
            .filter(|x| !have.contains(x))
            .collect();
        if !missing.is_empty() {
            self.store.add_survey_texts(&campaign.id, &missing).await?;
            rows = self.store.survey_texts(&campaign.id).await?;
        }
        let by_id: HashMap<&str, &Respondent> =
            respondents.iter().map(|r| (r.id.as_str(), r)).collect();
        Ok(rows
            .into_iter()
            .filter_map(|t| {
                let text = by_id
                    .get(t.respondent.as_str())
                    .and_then(|r| words(r, &t.question))?;
                Some((t, text))
            })
            .collect())
    }

    /// The published text answers: (respondent, question, answer). Respondent ids stay here: the
    /// caller uses them to keep an area's answers, never to show them.
    async fn published_texts(
        &self,
        campaign: &Campaign,
        respondents: &[Respondent],
    ) -> ServiceResult<Vec<(String, String, TextAnswer)>> {
        Ok(self
            .text_rows(campaign, respondents)
            .await?
            .into_iter()
            .filter(|(t, _)| t.state == "published")
            .map(|(t, text)| (t.respondent, t.question, TextAnswer { id: t.id, text }))
            .collect())
    }

    /// A campaign's text answers for its moderators (workers and admins whose gemeenten it runs
    /// in); `None` for an unknown campaign.
    pub async fn survey_texts_to_moderate(
        &self,
        user: &SessionUser,
        id: &str,
    ) -> ServiceResult<Option<Vec<ModeratedText>>> {
        let Some(campaign) = self.store.campaign(id).await? else {
            return Ok(None);
        };
        if !sees_texts(user, &campaign) {
            return Err(ServiceError::NotAllowed(
                "this campaign does not run in your gemeenten",
            ));
        }
        let respondents = self.respondents_of(&campaign.id).await?;
        Ok(Some(
            self.text_rows(&campaign, &respondents)
                .await?
                .into_iter()
                .map(|(t, text)| ModeratedText {
                    id: t.id,
                    question: t.question,
                    text,
                    state: t.state,
                })
                .collect(),
        ))
    }

    /// Publishes or rejects one text answer (`state`: `published` or `rejected`), written to the
    /// audit log. `NotFound` for an unknown campaign or answer.
    pub async fn moderate_survey_text(
        &self,
        user: &SessionUser,
        id: &str,
        text_id: &str,
        state: &str,
    ) -> ServiceResult<()> {
        if !matches!(state, "published" | "rejected") {
            return Err(ServiceError::Field {
                field: "state".into(),
                reason: "must be published or rejected",
            });
        }
        let campaign = self
            .store
            .campaign(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !sees_texts(user, &campaign) {
            return Err(ServiceError::NotAllowed(
                "this campaign does not run in your gemeenten",
            ));
        }
        match self
            .store
            .moderate_survey_text(user, &campaign.id, text_id, state)
            .await?
        {
            true => Ok(()),
            false => Err(ServiceError::NotFound),
        }
    }
}
