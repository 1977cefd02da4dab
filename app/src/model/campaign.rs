//! Campaigns: what residents answer to. A campaign says where and when it runs, which kinds of entry
//! it asks for and with which categories, how small a released figure may be (k), and which short
//! survey residents see after their map entries.
//!
//! Pure data and rules: staff's JSON (`POST /api/v1/campaigns`) and the staff page's form both end in
//! [`Campaign::check`], and a resident's survey answers in [`Campaign::check_answers`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::*;

/// Texts keyed by language code (`nl`, `en`, ...). Dutch is required: it is the fallback.
pub type Texts = BTreeMap<String, String>;

pub const MAX_TITLE_CHARS: usize = 120;
pub const MAX_INTRO_CHARS: usize = 1000;
pub const MAX_QUESTIONS: usize = 20;
pub const MAX_OPTIONS: usize = 20;
pub const MAX_QUESTION_CHARS: usize = 300;
pub const MAX_ANSWER_CHARS: usize = 300;
/// A campaign may protect residents more than the deployment's default k, never less.
pub const MIN_K: u32 = 5;
pub const MAX_K: u32 = 50;

/// The CBS age bands, also the survey's age question's options.
pub const AGE_BANDS: &[&str] = &["0_14", "15_24", "25_44", "45_64", "65_plus"];
pub const YEARS_HERE: &[&str] = &["lt_1", "1_5", "5_10", "10_plus"];
pub const HOME_LANGUAGES: &[&str] = &["nl", "en", "tr", "ar", "pl", "uk", "other"];
/// The ids of the built-in demographic questions; a campaign's own questions may not use them.
pub const DEMOGRAPHIC_QUESTIONS: &[&str] = &["age_band", "years_here", "home_language"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CampaignStatus {
    #[default]
    Open,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum QuestionType {
    /// One option.
    Single,
    /// Any number of options.
    Multiple,
    /// 1 (not at all) to 5 (very much).
    Scale,
    /// A whole number within `min`..=`max`.
    Number,
    /// A short text (at most 300 characters).
    Text,
}

impl QuestionType {
    pub const ALL: [QuestionType; 5] = [
        QuestionType::Single,
        QuestionType::Multiple,
        QuestionType::Scale,
        QuestionType::Number,
        QuestionType::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::Single => "single",
            QuestionType::Multiple => "multiple",
            QuestionType::Scale => "scale",
            QuestionType::Number => "number",
            QuestionType::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<QuestionType> {
        QuestionType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    fn has_options(self) -> bool {
        matches!(self, QuestionType::Single | QuestionType::Multiple)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QuestionOption {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::slug))]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::texts))]
    pub text: Texts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Question {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::slug))]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::texts))]
    pub text: Texts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<QuestionOption>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Campaign {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::slug))]
    pub id: String,
    #[serde(default)]
    pub status: CampaignStatus,
    /// Title per language (`nl` required).
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::texts))]
    pub title: Texts,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::texts))]
    pub intro: Texts,
    /// First and last day (`YYYY-MM-DD`, inclusive, Dutch days); open-ended when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<Day>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_on: Option<Day>,
    /// CBS gemeente codes (`GM0505`); empty means the whole country.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::gemeente_codes))]
    pub gemeenten: Vec<String>,
    /// The kinds residents may add.
    pub kinds: Vec<Kind>,
    /// Per kind (`place`, `barrier`, `wish`) the offered category ids, in the catalog's order; a kind
    /// left out offers all its categories.
    #[serde(default)]
    pub categories: BTreeMap<String, Vec<String>>,
    /// A campaign's own wording for a category, per language: `{"bench": {"nl": "Bankje"}}`.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::labels))]
    pub labels: BTreeMap<String, Texts>,
    #[serde(default = "default_k")]
    #[cfg_attr(feature = "ssr", schema(minimum = 5, maximum = 50))]
    pub k: u32,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_items = 20))]
    pub questions: Vec<Question>,
    /// Adds the optional questions on age band (CBS bands), years in the neighbourhood and language
    /// at home. Never required.
    #[serde(default)]
    pub demographics: bool,
    /// Days after the campaign's end after which free text and photos are removed (counts remain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 3650))]
    pub retention_days: Option<u32>,
}

fn default_k() -> u32 {
    MIN_K
}

/// The text in `lang`, else Dutch, else any.
pub fn text_in<'a>(texts: &'a Texts, lang: &str) -> &'a str {
    texts
        .get(lang)
        .or_else(|| texts.get("nl"))
        .or_else(|| texts.values().next())
        .map_or("", String::as_str)
}

impl Campaign {
    /// The campaign a fresh database has: everywhere, always, every kind and category, no survey.
    pub fn general() -> Campaign {
        Campaign {
            id: DEFAULT_CAMPAIGN.into(),
            status: CampaignStatus::Open,
            title: BTreeMap::from([
                ("nl".into(), "Ontmoeten in de buurt".into()),
                ("en".into(), "Meeting in the neighbourhood".into()),
            ]),
            intro: Texts::new(),
            starts_on: None,
            ends_on: None,
            gemeenten: Vec::new(),
            kinds: Kind::ALL.to_vec(),
            categories: BTreeMap::new(),
            labels: BTreeMap::new(),
            k: MIN_K,
            questions: Vec::new(),
            demographics: false,
            retention_days: None,
        }
    }

    /// Open on `day` (today in the Netherlands, or an event's day): its status is open and the
    /// day lies within its period.
    pub fn is_open_on(&self, day: Day) -> bool {
        self.status == CampaignStatus::Open
            && self.starts_on.is_none_or(|s| s <= day)
            && self.ends_on.is_none_or(|e| day <= e)
    }

    pub fn offers_kind(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    /// The category ids offered for `kind`, in the catalog's order.
    pub fn categories_of(&self, kind: Kind) -> Vec<&'static str> {
        match self.categories.get(kind.as_str()) {
            None => kind.categories().to_vec(),
            Some(ids) => kind
                .categories()
                .iter()
                .copied()
                .filter(|c| ids.iter().any(|i| i == c))
                .collect(),
        }
    }

    /// The campaign's own label for a category in `lang`, if it has one.
    pub fn label(&self, category: &str, lang: &str) -> Option<&str> {
        self.labels
            .get(category)
            .map(|t| text_in(t, lang))
            .filter(|s| !s.is_empty())
    }

    /// Whether a location in `gemeente` (None: outside every imported area) is in scope.
    pub fn covers(&self, gemeente: Option<&str>) -> bool {
        self.gemeenten.is_empty() || gemeente.is_some_and(|g| self.gemeenten.iter().any(|c| c == g))
    }

    /// Every question a resident sees: the campaign's own, then the demographic ones if asked for.
    pub fn survey(&self) -> Vec<Question> {
        let mut all = self.questions.clone();
        if self.demographics {
            all.extend(demographic_questions());
        }
        all
    }

    /// Checks a campaign as staff wrote it; every problem names its field.
    pub fn check(&self) -> Result<(), Vec<Violation>> {
        let mut errs = Vec::new();
        if !is_slug(&self.id) {
            errs.push(Violation::new(
                "id",
                Rule::WrongType {
                    expected: "lowercase letters, digits, - or _ (at most 64)".into(),
                },
            ));
        }
        check_texts(&self.title, "title", MAX_TITLE_CHARS, true, &mut errs);
        check_texts(&self.intro, "intro", MAX_INTRO_CHARS, false, &mut errs);
        if let (Some(s), Some(e)) = (self.starts_on, self.ends_on) {
            if e < s {
                errs.push(Violation::new("ends_on", Rule::BeforeStart));
            }
        }
        for (i, g) in self.gemeenten.iter().enumerate() {
            if !is_gemeente_code(g) {
                errs.push(Violation::new(
                    format!("gemeenten.{i}"),
                    Rule::WrongType {
                        expected: "a CBS gemeente code such as GM0505".into(),
                    },
                ));
            }
        }
        if self.kinds.is_empty() {
            errs.push(Violation::new("kinds", Rule::Required));
        }
        if has_duplicates(self.kinds.iter().map(|k| k.as_str())) {
            errs.push(Violation::new("kinds", Rule::Duplicate));
        }
        for (kind, ids) in &self.categories {
            let Some(k) = Kind::parse(kind) else {
                errs.push(Violation::new(
                    format!("categories.{kind}"),
                    Rule::UnknownField,
                ));
                continue;
            };
            if ids.is_empty() && self.kinds.contains(&k) {
                errs.push(Violation::new(format!("categories.{kind}"), Rule::Required));
            }
            for (i, id) in ids.iter().enumerate() {
                if !k.categories().contains(&id.as_str()) {
                    errs.push(Violation::new(
                        format!("categories.{kind}.{i}"),
                        Rule::UnknownValue,
                    ));
                }
            }
        }
        for (category, texts) in &self.labels {
            if !Kind::ALL
                .iter()
                .any(|k| k.categories().contains(&category.as_str()))
            {
                errs.push(Violation::new(
                    format!("labels.{category}"),
                    Rule::UnknownValue,
                ));
            }
            check_texts(
                texts,
                &format!("labels.{category}"),
                MAX_NAME_CHARS,
                false,
                &mut errs,
            );
        }
        if !(MIN_K..=MAX_K).contains(&self.k) {
            errs.push(Violation::new(
                "k",
                Rule::OutOfRange {
                    min: MIN_K.into(),
                    max: MAX_K.into(),
                },
            ));
        }
        if self.questions.len() > MAX_QUESTIONS {
            errs.push(Violation::new(
                "questions",
                Rule::OutOfRange {
                    min: 0,
                    max: MAX_QUESTIONS as i64,
                },
            ));
        }
        for (i, q) in self.questions.iter().enumerate() {
            check_question(q, &format!("questions.{i}"), &mut errs);
        }
        if has_duplicates(self.questions.iter().map(|q| q.id.as_str())) {
            errs.push(Violation::new("questions", Rule::Duplicate));
        }
        if self.retention_days.is_some_and(|d| d == 0 || d > 3650) {
            errs.push(Violation::new(
                "retention_days",
                Rule::OutOfRange { min: 1, max: 3650 },
            ));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    /// Checks one respondent's answers to [`Campaign::survey`] and returns them tidied (text trimmed,
    /// multiple choices sorted, empty answers left out). Fields are `answers.{question id}`.
    pub fn check_answers(
        &self,
        answers: &Map<String, Value>,
    ) -> Result<Map<String, Value>, Vec<Violation>> {
        let survey = self.survey();
        let mut errs = Vec::new();
        let mut tidy = Map::new();
        for key in answers.keys() {
            if !survey.iter().any(|q| &q.id == key) {
                errs.push(Violation::new(format!("answers.{key}"), Rule::UnknownField));
            }
        }
        for q in &survey {
            let field = format!("answers.{}", q.id);
            match answers.get(&q.id).filter(|v| !is_empty_answer(v)) {
                None if q.required => errs.push(Violation::new(field, Rule::Required)),
                None => {}
                Some(v) => match check_answer(q, v) {
                    Ok(v) => {
                        tidy.insert(q.id.clone(), v);
                    }
                    Err(rule) => errs.push(Violation::new(field, rule)),
                },
            }
        }
        if errs.is_empty() {
            Ok(tidy)
        } else {
            Err(errs)
        }
    }
}

fn is_empty_answer(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn check_answer(q: &Question, v: &Value) -> Result<Value, Rule> {
    let is_option = |s: &str| q.options.iter().any(|o| o.id == s);
    match q.kind {
        QuestionType::Single => match v.as_str() {
            Some(s) if is_option(s) => Ok(Value::String(s.into())),
            _ => Err(Rule::UnknownValue),
        },
        QuestionType::Multiple => {
            let list: Vec<&str> = match v {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().ok_or(Rule::UnknownValue))
                    .collect::<Result<_, _>>()?,
                _ => return Err(Rule::UnknownValue),
            };
            if !list.iter().all(|s| is_option(s)) {
                return Err(Rule::UnknownValue);
            }
            let mut ids: Vec<String> = list.into_iter().map(String::from).collect();
            ids.sort_unstable();
            ids.dedup();
            Ok(Value::from(ids))
        }
        QuestionType::Scale => whole_number(v, 1, 5).map(Value::from),
        QuestionType::Number => {
            whole_number(v, q.min.unwrap_or(0), q.max.unwrap_or(1_000_000)).map(Value::from)
        }
        QuestionType::Text => {
            let s = v.as_str().ok_or(Rule::WrongType {
                expected: "text".into(),
            })?;
            let s = s.trim();
            if s.chars().count() > MAX_ANSWER_CHARS {
                Err(Rule::TooLong {
                    max: MAX_ANSWER_CHARS,
                })
            } else {
                Ok(Value::String(s.into()))
            }
        }
    }
}

/// A whole number from JSON or from a form's text.
fn whole_number(v: &Value, min: i64, max: i64) -> Result<i64, Rule> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    n.filter(|n| (min..=max).contains(n))
        .ok_or(Rule::OutOfRange { min, max })
}

fn check_question(q: &Question, field: &str, errs: &mut Vec<Violation>) {
    if !is_slug(&q.id) || DEMOGRAPHIC_QUESTIONS.contains(&q.id.as_str()) {
        errs.push(Violation::new(format!("{field}.id"), Rule::UnknownValue));
    }
    check_texts(
        &q.text,
        &format!("{field}.text"),
        MAX_QUESTION_CHARS,
        true,
        errs,
    );
    if q.kind.has_options() {
        if q.options.len() < 2 || q.options.len() > MAX_OPTIONS {
            errs.push(Violation::new(
                format!("{field}.options"),
                Rule::OutOfRange {
                    min: 2,
                    max: MAX_OPTIONS as i64,
                },
            ));
        }
        for (j, o) in q.options.iter().enumerate() {
            if !is_slug(&o.id) {
                errs.push(Violation::new(
                    format!("{field}.options.{j}.id"),
                    Rule::UnknownValue,
                ));
            }
            check_texts(
                &o.text,
                &format!("{field}.options.{j}.text"),
                MAX_NAME_CHARS,
                true,
                errs,
            );
        }
        if has_duplicates(q.options.iter().map(|o| o.id.as_str())) {
            errs.push(Violation::new(format!("{field}.options"), Rule::Duplicate));
        }
    } else if !q.options.is_empty() {
        errs.push(Violation::new(
            format!("{field}.options"),
            Rule::UnknownField,
        ));
    }
    let bounded = q.kind == QuestionType::Number;
    if !bounded && (q.min.is_some() || q.max.is_some()) {
        errs.push(Violation::new(format!("{field}.min"), Rule::UnknownField));
    }
    for (name, v) in [("min", q.min), ("max", q.max)] {
        if v.is_some_and(|v| !(-NUMBER_LIMIT..=NUMBER_LIMIT).contains(&v)) {
            errs.push(Violation::new(
                format!("{field}.{name}"),
                Rule::OutOfRange {
                    min: -NUMBER_LIMIT,
                    max: NUMBER_LIMIT,
                },
            ));
        }
    }
    if let (Some(a), Some(b)) = (q.min, q.max) {
        if a >= b {
            errs.push(Violation::new(
                format!("{field}.max"),
                Rule::OutOfRange {
                    min: a.saturating_add(1),
                    max: i64::MAX,
                },
            ));
        }
    }
}

fn check_texts(t: &Texts, field: &str, max: usize, required: bool, errs: &mut Vec<Violation>) {
    if required && t.get("nl").is_none_or(|s| s.trim().is_empty()) {
        errs.push(Violation::new(format!("{field}.nl"), Rule::Required));
    }
    for (lang, s) in t {
        if !is_language_tag(lang) {
            errs.push(Violation::new(
                format!("{field}.{lang}"),
                Rule::UnknownField,
            ));
        } else if s.chars().count() > max {
            errs.push(Violation::new(
                format!("{field}.{lang}"),
                Rule::TooLong { max },
            ));
        }
    }
}

fn has_duplicates<'a>(items: impl Iterator<Item = &'a str>) -> bool {
    let mut seen: Vec<&str> = items.collect();
    let n = seen.len();
    seen.sort_unstable();
    seen.dedup();
    seen.len() != n
}

/// `GM` and four digits.
pub fn is_gemeente_code(s: &str) -> bool {
    s.len() == 6 && s.starts_with("GM") && s[2..].bytes().all(|c| c.is_ascii_digit())
}

/// The languages the built-in texts come in, in the order [`texts`] takes them.
const BUILT_IN_LANGUAGES: [&str; 6] = ["nl", "en", "tr", "ar", "pl", "uk"];

/// A built-in text in every language of the site (Dutch B1 first; the others are drafts awaiting a
/// native speaker's review, like the site's own texts).
fn texts(t: [&str; 6]) -> Texts {
    BUILT_IN_LANGUAGES
        .iter()
        .zip(t)
        .map(|(l, s)| ((*l).into(), s.into()))
        .collect()
}

fn options(ids: &[&str], labels: &[[&str; 6]]) -> Vec<QuestionOption> {
    ids.iter()
        .zip(labels)
        .map(|(id, t)| QuestionOption {
            id: (*id).into(),
            text: texts(*t),
        })
        .collect()
}

/// The largest bound a number question may have either way: room for any count a survey asks
/// (years, people, euros), and figures over it never overflow.
pub const NUMBER_LIMIT: i64 = 1_000_000_000;

/// Age band (CBS's bands, so answers compare with the population), years in the neighbourhood and
/// language at home. Never required: nobody has to say who they are.
pub fn demographic_questions() -> Vec<Question> {
    let single = |id: &str, text: Texts, opts: Vec<QuestionOption>| Question {
        id: id.into(),
        kind: QuestionType::Single,
        text,
        options: opts,
        required: false,
        min: None,
        max: None,
    };
    vec![
        single(
            "age_band",
            texts([
                "Hoe oud ben je?",
                "How old are you?",
                "Kaç yaşındasınız?",
                "كم عمرك؟",
                "Ile masz lat?",
                "Скільки вам років?",
            ]),
            options(
                AGE_BANDS,
                &[
                    [
                        "0 tot 15 jaar",
                        "0 to 14",
                        "0-14 yaş",
                        "من 0 إلى 14 سنة",
                        "0–14 lat",
                        "0–14 років",
                    ],
                    [
                        "15 tot 25 jaar",
                        "15 to 24",
                        "15-24 yaş",
                        "من 15 إلى 24 سنة",
                        "15–24 lata",
                        "15–24 роки",
                    ],
                    [
                        "25 tot 45 jaar",
                        "25 to 44",
                        "25-44 yaş",
                        "من 25 إلى 44 سنة",
                        "25–44 lata",
                        "25–44 роки",
                    ],
                    [
                        "45 tot 65 jaar",
                        "45 to 64",
                        "45-64 yaş",
                        "من 45 إلى 64 سنة",
                        "45–64 lata",
                        "45–64 роки",
                    ],
                    [
                        "65 jaar of ouder",
                        "65 or older",
                        "65 yaş ve üstü",
                        "65 سنة أو أكثر",
                        "65 lat lub więcej",
                        "65 років і більше",
                    ],
                ],
            ),
        ),
        single(
            "years_here",
            texts([
                "Hoe lang woon je in deze buurt?",
                "How long have you lived in this neighbourhood?",
                "Bu mahallede ne kadar zamandır yaşıyorsunuz?",
                "منذ متى تسكن في هذا الحي؟",
                "Jak długo mieszkasz w tej okolicy?",
                "Як довго ви живете в цьому районі?",
            ]),
            options(
                YEARS_HERE,
                &[
                    [
                        "Korter dan 1 jaar",
                        "Less than a year",
                        "1 yıldan az",
                        "أقل من سنة",
                        "Krócej niż rok",
                        "Менше року",
                    ],
                    [
                        "1 tot 5 jaar",
                        "1 to 5 years",
                        "1-5 yıl",
                        "من سنة إلى 5 سنوات",
                        "1–5 lat",
                        "1–5 років",
                    ],
                    [
                        "5 tot 10 jaar",
                        "5 to 10 years",
                        "5-10 yıl",
                        "من 5 إلى 10 سنوات",
                        "5–10 lat",
                        "5–10 років",
                    ],
                    [
                        "10 jaar of langer",
                        "10 years or more",
                        "10 yıl veya daha fazla",
                        "10 سنوات أو أكثر",
                        "10 lat lub dłużej",
                        "10 років і більше",
                    ],
                ],
            ),
        ),
        single(
            "home_language",
            texts([
                "Welke taal spreek je thuis het meest?",
                "Which language do you speak most at home?",
                "Evde en çok hangi dili konuşuyorsunuz?",
                "ما اللغة التي تتحدثها أكثر في البيت؟",
                "Jakim językiem najczęściej mówisz w domu?",
                "Якою мовою ви найчастіше розмовляєте вдома?",
            ]),
            options(
                HOME_LANGUAGES,
                &[
                    [
                        "Nederlands",
                        "Dutch",
                        "Felemenkçe",
                        "الهولندية",
                        "Niderlandzki",
                        "Нідерландська",
                    ],
                    [
                        "Engels",
                        "English",
                        "İngilizce",
                        "الإنجليزية",
                        "Angielski",
                        "Англійська",
                    ],
                    [
                        "Turks",
                        "Turkish",
                        "Türkçe",
                        "التركية",
                        "Turecki",
                        "Турецька",
                    ],
                    [
                        "Arabisch",
                        "Arabic",
                        "Arapça",
                        "العربية",
                        "Arabski",
                        "Арабська",
                    ],
                    [
                        "Pools",
                        "Polish",
                        "Lehçe",
                        "البولندية",
                        "Polski",
                        "Польська",
                    ],
                    [
                        "Oekraïens",
                        "Ukrainian",
                        "Ukraynaca",
                        "الأوكرانية",
                        "Ukraiński",
                        "Українська",
                    ],
                    [
                        "Een andere taal",
                        "Another language",
                        "Başka bir dil",
                        "لغة أخرى",
                        "Inny język",
                        "Інша мова",
                    ],
                ],
            ),
        ),
    ]
}

/// One respondent's survey answers (`POST /api/v1/campaigns/{id}/responses`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SurveyInput {
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::uuid))]
    pub respondent: String,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::survey_answers))]
    pub answers: Map<String, Value>,
    #[cfg_attr(feature = "ssr", schema(schema_with = super::schema::language_tag))]
    pub language: String,
    /// The street event whose tablet collected these answers (its token in `X-Event-Token`): the
    /// answers then count as collected on the event's day, as its entries do, and a tablet that
    /// syncs late still lands in the campaign's period. Left out on a resident's own device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// A campaign as residents see it in a list: enough to choose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignCard {
    pub id: String,
    pub title: String,
    pub intro: String,
    pub starts_on: Option<Day>,
    pub ends_on: Option<Day>,
    pub kinds: Vec<Kind>,
    pub has_survey: bool,
}

impl CampaignCard {
    pub fn of(c: &Campaign, lang: &str) -> CampaignCard {
        CampaignCard {
            id: c.id.clone(),
            title: text_in(&c.title, lang).into(),
            intro: text_in(&c.intro, lang).into(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            kinds: c.kinds.clone(),
            has_survey: !c.survey().is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_questions_speak_every_language_of_the_site() {
        use leptos_i18n::Locale as _;
        for q in demographic_questions() {
            for l in crate::i18n::Locale::get_all() {
                let l = l.as_str();
                assert!(
                    q.text.get(l).is_some_and(|t| !t.is_empty()),
                    "{} in {l}",
                    q.id
                );
                for o in &q.options {
                    assert!(
                        o.text.get(l).is_some_and(|t| !t.is_empty()),
                        "{}.{} in {l}",
                        q.id,
                        o.id
                    );
                }
            }
        }
    }
    use serde_json::json;

    fn sample() -> Campaign {
        serde_json::from_value(json!({
            "id": "dordrecht-2027",
            "title": {"nl": "Samen in Crabbehof", "en": "Together in Crabbehof"},
            "starts_on": "2027-03-01", "ends_on": "2027-05-31",
            "gemeenten": ["GM0505"],
            "kinds": ["place", "barrier"],
            "categories": {"place": ["bench", "library"]},
            "labels": {"bench": {"nl": "Bankje"}},
            "k": 10,
            "questions": [
                {"id": "meet", "type": "single", "text": {"nl": "Hoe vaak spreekt u buren?"},
                 "options": [{"id": "weekly", "text": {"nl": "Elke week"}}, {"id": "rarely", "text": {"nl": "Zelden"}}],
                 "required": true},
                {"id": "feel", "type": "scale", "text": {"nl": "Voelt u zich thuis?"}},
                {"id": "kids", "type": "number", "text": {"nl": "Hoeveel kinderen?"}, "min": 0, "max": 20},
                {"id": "what", "type": "multiple", "text": {"nl": "Wat doet u graag?"},
                 "options": [{"id": "sport", "text": {"nl": "Sport"}}, {"id": "music", "text": {"nl": "Muziek"}}]},
                {"id": "idea", "type": "text", "text": {"nl": "Uw idee"}}
            ],
            "demographics": true
        }))
        .expect("sample campaign")
    }

    #[test]
    fn a_well_formed_campaign_passes_and_offers_what_it_says() {
        let c = sample();
        assert_eq!(c.check(), Ok(()));
        assert_eq!(
            c.categories_of(Kind::Place),
            ["library", "bench"],
            "catalog order"
        );
        assert_eq!(
            c.categories_of(Kind::Barrier).len(),
            Kind::Barrier.categories().len()
        );
        assert!(!c.offers_kind(Kind::Wish));
        assert_eq!(
            c.label("bench", "en"),
            Some("Bankje"),
            "Dutch is the fallback"
        );
        assert_eq!(c.label("library", "nl"), None);
        assert!(c.covers(Some("GM0505")) && !c.covers(Some("GM0482")) && !c.covers(None));
        assert!(Campaign::general().covers(None));
        assert_eq!(c.survey().len(), 8, "5 own + 3 demographic");
        let day = |s: &str| Day::parse(s).expect("day");
        assert!(c.is_open_on(day("2027-03-01")) && c.is_open_on(day("2027-05-31")));
        assert!(!c.is_open_on(day("2027-02-28")) && !c.is_open_on(day("2027-06-01")));
        assert_eq!(Campaign::general().check(), Ok(()));
    }

    #[test]
    fn every_mistake_in_a_campaign_is_named() {
        let mut c = sample();
        c.id = "Not A Slug".into();
        c.title.remove("nl");
        c.ends_on = Day::parse("2027-02-01");
        c.gemeenten.push("0505".into());
        c.categories.insert("wish".into(), vec!["bench".into()]);
        c.k = 2;
        c.questions[0].options.truncate(1);
        c.questions[1].id = "age_band".into();
        c.questions[2].min = Some(30);
        let fields: Vec<String> = c
            .check()
            .expect_err("invalid")
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            [
                "id",
                "title.nl",
                "ends_on",
                "gemeenten.1",
                "categories.wish.0",
                "k",
                "questions.0.options",
                "questions.1.id",
                "questions.2.max"
            ]
        );
    }

    #[test]
    fn answers_are_checked_and_tidied() {
        let c = sample();
        let ok = c
            .check_answers(
                json!({"meet": "weekly", "feel": "4", "kids": 2, "what": ["music", "sport", "music"],
                       "idea": "  Een moestuin  ", "age_band": "65_plus", "years_here": ""})
                .as_object()
                .expect("object"),
            )
            .expect("valid");
        assert_eq!(
            Value::Object(ok),
            json!({"meet": "weekly", "feel": 4, "kids": 2, "what": ["music", "sport"],
                   "idea": "Een moestuin", "age_band": "65_plus"})
        );
        let errs = c
            .check_answers(
                json!({"feel": 6, "kids": 21, "what": ["dance"], "age_band": "80_plus", "who": "x"})
                    .as_object()
                    .expect("object"),
            )
            .expect_err("invalid");
        let fields: Vec<&str> = errs.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "answers.who",
                "answers.meet",
                "answers.feel",
                "answers.kids",
                "answers.what",
                "answers.age_band"
            ]
        );
        assert_eq!(errs[1].rule, Rule::Required);
    }

    #[test]
    fn gemeente_codes() {
        assert!(
            is_gemeente_code("GM0505")
                && !is_gemeente_code("GM505")
                && !is_gemeente_code("WK050501")
        );
    }
}
