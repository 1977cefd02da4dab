//! The staff page's campaign form as plain strings: filled from a stored [`Campaign`] to edit it, or
//! from a posted form (so a form with mistakes comes back exactly as typed), and turned into a
//! [`Campaign`] that [`Campaign::check`] judges.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;

/// The site's languages besides Dutch and English, whose campaign title and intro the form takes too.
pub const OTHER_LANGUAGES: [&str; 4] = ["tr", "ar", "pl", "uk"];

/// Question slots the form offers (a campaign's survey is short on purpose).
pub const QUESTION_SLOTS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuestionFields {
    /// Kept when editing, so stored answers stay linked to their question.
    pub id: String,
    /// A [`QuestionType`] id, or empty for an unused slot.
    pub kind: String,
    pub nl: String,
    pub en: String,
    /// The question in the site's other languages ([`OTHER_LANGUAGES`]), by language code; an empty
    /// one falls back to Dutch for residents.
    #[serde(default)]
    pub other: BTreeMap<String, String>,
    /// One option per line, `Dutch | English` (English optional).
    pub options: String,
    pub required: bool,
    pub min: String,
    pub max: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignFields {
    pub id: String,
    pub status: String,
    pub title_nl: String,
    pub title_en: String,
    pub intro_nl: String,
    pub intro_en: String,
    /// Title and intro in the site's other languages ([`OTHER_LANGUAGES`]), by language code; empty
    /// ones fall back to Dutch for residents.
    #[serde(default)]
    pub title_other: BTreeMap<String, String>,
    #[serde(default)]
    pub intro_other: BTreeMap<String, String>,
    pub starts_on: String,
    pub ends_on: String,
    /// Codes separated by commas or spaces.
    pub gemeenten: String,
    pub kinds: Vec<String>,
    /// Offered category ids of every kind.
    pub categories: Vec<String>,
    pub k: String,
    pub retention_days: String,
    pub demographics: bool,
    pub questions: Vec<QuestionFields>,
    /// Labels are edited through the API only; kept as they were.
    pub labels: BTreeMap<String, Texts>,
}

impl CampaignFields {
    /// A new campaign's form: open, every kind and category, k = 5.
    pub fn new_campaign() -> CampaignFields {
        let mut f = CampaignFields::of(&Campaign::general());
        f.id.clear();
        f.title_nl.clear();
        f.title_en.clear();
        f
    }

    pub fn of(c: &Campaign) -> CampaignFields {
        let t = |m: &Texts, l: &str| m.get(l).cloned().unwrap_or_default();
        let mut questions: Vec<QuestionFields> = c
            .questions
            .iter()
            .map(|q| QuestionFields {
                id: q.id.clone(),
                kind: q.kind.as_str().into(),
                nl: t(&q.text, "nl"),
                en: t(&q.text, "en"),
                other: OTHER_LANGUAGES
                    .iter()
                    .map(|l| ((*l).to_string(), t(&q.text, l)))
                    .collect(),
                options: q
                    .options
                    .iter()
                    .map(|o| match o.text.get("en") {
                        Some(en) if !en.is_empty() => format!("{} | {en}", t(&o.text, "nl")),
                        _ => t(&o.text, "nl"),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                required: q.required,
                min: q.min.map(|n| n.to_string()).unwrap_or_default(),
                max: q.max.map(|n| n.to_string()).unwrap_or_default(),
            })
            .collect();
        questions.resize(
            QUESTION_SLOTS.max(questions.len()),
            QuestionFields::default(),
        );
        CampaignFields {
            id: c.id.clone(),
            status: match c.status {
                CampaignStatus::Open => "open".into(),
                CampaignStatus::Closed => "closed".into(),
            },
            title_nl: t(&c.title, "nl"),
            title_en: t(&c.title, "en"),
            intro_nl: t(&c.intro, "nl"),
            intro_en: t(&c.intro, "en"),
            title_other: OTHER_LANGUAGES
                .iter()
                .map(|l| ((*l).to_string(), t(&c.title, l)))
                .collect(),
            intro_other: OTHER_LANGUAGES
                .iter()
                .map(|l| ((*l).to_string(), t(&c.intro, l)))
                .collect(),
            starts_on: c.starts_on.map(|d| d.to_string()).unwrap_or_default(),
            ends_on: c.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            gemeenten: c.gemeenten.join(", "),
            kinds: c.kinds.iter().map(|k| k.as_str().to_string()).collect(),
            categories: Kind::ALL
                .iter()
                .flat_map(|k| c.categories_of(*k))
                .map(String::from)
                .collect(),
            k: c.k.to_string(),
            retention_days: c.retention_days.map(|d| d.to_string()).unwrap_or_default(),
            demographics: c.demographics,
            questions,
            labels: c.labels.clone(),
        }
    }

    /// Reads `application/x-www-form-urlencoded` pairs (`q3_nl`, `kinds`, `categories`, ...).
    pub fn from_pairs(pairs: &[(String, String)]) -> CampaignFields {
        let mut f = CampaignFields {
            questions: vec![QuestionFields::default(); QUESTION_SLOTS],
            ..Default::default()
        };
        for (k, v) in pairs {
            if let Some((slot, field)) = k
                .strip_prefix('q')
                .and_then(|r| r.split_once('_'))
                .and_then(|(n, field)| Some((n.parse::<usize>().ok()?, field)))
            {
                if slot >= MAX_QUESTIONS {
                    continue;
                }
                if slot >= f.questions.len() {
                    f.questions.resize(slot + 1, QuestionFields::default());
                }
                let q = &mut f.questions[slot];
                match field {
                    "id" => q.id = v.clone(),
                    "type" => q.kind = v.clone(),
                    "nl" => q.nl = v.clone(),
                    "en" => q.en = v.clone(),
                    lang if OTHER_LANGUAGES.contains(&lang) => {
                        q.other.insert(lang.to_string(), v.clone());
                    }
                    "options" => q.options = v.clone(),
                    "required" => q.required = true,
                    "min" => q.min = v.clone(),
                    "max" => q.max = v.clone(),
                    _ => {}
                }
                continue;
            }
            match k.as_str() {
                "id" => f.id = v.clone(),
                "status" => f.status = v.clone(),
                "title_nl" => f.title_nl = v.clone(),
                "title_en" => f.title_en = v.clone(),
                "intro_nl" => f.intro_nl = v.clone(),
                "intro_en" => f.intro_en = v.clone(),
                other if other.starts_with("title_") && OTHER_LANGUAGES.contains(&&other[6..]) => {
                    f.title_other.insert(other[6..].to_string(), v.clone());
                }
                other if other.starts_with("intro_") && OTHER_LANGUAGES.contains(&&other[6..]) => {
                    f.intro_other.insert(other[6..].to_string(), v.clone());
                }
                "starts_on" => f.starts_on = v.clone(),
                "ends_on" => f.ends_on = v.clone(),
                "gemeenten" => f.gemeenten = v.clone(),
                "kinds" => f.kinds.push(v.clone()),
                "categories" => f.categories.push(v.clone()),
                "k" => f.k = v.clone(),
                "retention_days" => f.retention_days = v.clone(),
                "demographics" => f.demographics = true,
                _ => {}
            }
        }
        f
    }

    /// The campaign these fields describe, checked. Field names in the violations are the
    /// campaign's (`title.nl`, `questions.2.options`), which the form maps back to its inputs.
    pub fn to_campaign(&self) -> Result<Campaign, Vec<Violation>> {
        let mut errs = Vec::new();
        let texts = |nl: &str, en: &str| {
            let mut m = Texts::new();
            for (l, s) in [("nl", nl.trim()), ("en", en.trim())] {
                if !s.is_empty() {
                    m.insert(l.into(), s.to_string());
                }
            }
            m
        };
        let number = |s: &str, field: &str, errs: &mut Vec<Violation>| -> Option<i64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            let n = s.parse::<i64>().ok();
            if n.is_none() {
                errs.push(Violation::new(
                    field,
                    Rule::WrongType {
                        expected: "a whole number".into(),
                    },
                ));
            }
            n
        };
        let kinds: Vec<Kind> = self.kinds.iter().filter_map(|k| Kind::parse(k)).collect();
        let categories = Kind::ALL
            .iter()
            .map(|k| {
                let offered: Vec<String> = k
                    .categories()
                    .iter()
                    .filter(|c| self.categories.iter().any(|x| x == *c))
                    .map(std::string::ToString::to_string)
                    .collect();
                (k.as_str().to_string(), offered)
            })
            // Offering everything is the default; only a narrowed list is stored.
            .filter(|(k, offered)| {
                Kind::parse(k).is_some_and(|k| offered.len() != k.categories().len())
            })
            .collect();
        let mut questions = Vec::new();
        // The form slot of each question in use: violations name slots, so the form can show them.
        let mut slots = Vec::new();
        let mut taken: Vec<String> = self.questions.iter().map(|q| q.id.clone()).collect();
        for (i, q) in self.questions.iter().enumerate() {
            if q.kind.trim().is_empty() {
                continue;
            }
            let field = format!("questions.{i}");
            let Some(kind) = QuestionType::parse(q.kind.trim()) else {
                errs.push(Violation::new(format!("{field}.type"), Rule::UnknownValue));
                continue;
            };
            let id = if is_slug(q.id.trim()) {
                q.id.trim().to_string()
            } else {
                let id = (i + 1..)
                    .map(|n| format!("q{n}"))
                    .find(|c| !taken.contains(c))
                    .unwrap_or_default();
                taken.push(id.clone());
                id
            };
            let mut options: Vec<QuestionOption> = Vec::new();
            if matches!(kind, QuestionType::Single | QuestionType::Multiple) {
                for line in q.options.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let (nl, en) = line.split_once('|').unwrap_or((line, ""));
                    let base = slug_of(nl);
                    let id = (1..)
                        .map(|n| {
                            if n == 1 {
                                base.clone()
                            } else {
                                format!("{base}-{n}")
                            }
                        })
                        .find(|c| !options.iter().any(|o| &o.id == c))
                        .unwrap_or_default();
                    options.push(QuestionOption {
                        id,
                        text: texts(nl, en),
                    });
                }
            }
            slots.push(i);
            questions.push(Question {
                id,
                kind,
                text: with_others(texts(&q.nl, &q.en), &q.other),
                options,
                required: q.required,
                min: number(&q.min, &format!("{field}.min"), &mut errs),
                max: number(&q.max, &format!("{field}.max"), &mut errs),
            });
        }
        let k = number(&self.k, "k", &mut errs).unwrap_or(i64::from(MIN_K));
        let retention = number(&self.retention_days, "retention_days", &mut errs);
        // A day left empty is an open end; anything else must be a day that exists.
        let day = |s: &str, field: &str, errs: &mut Vec<Violation>| -> Option<Day> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            let day = Day::parse(s);
            if day.is_none() {
                errs.push(Violation::new(
                    field,
                    Rule::WrongType {
                        expected: "a date YYYY-MM-DD".into(),
                    },
                ));
            }
            day
        };
        let starts_on = day(&self.starts_on, "starts_on", &mut errs);
        let ends_on = day(&self.ends_on, "ends_on", &mut errs);
        let c = Campaign {
            id: self.id.trim().to_lowercase(),
            status: if self.status == "closed" {
                CampaignStatus::Closed
            } else {
                CampaignStatus::Open
            },
            title: with_others(texts(&self.title_nl, &self.title_en), &self.title_other),
            intro: with_others(texts(&self.intro_nl, &self.intro_en), &self.intro_other),
            starts_on,
            ends_on,
            gemeenten: self
                .gemeenten
                .split([',', ' ', ';', '\n'])
                .map(|g| g.trim().to_uppercase())
                .filter(|g| !g.is_empty())
                .collect(),
            kinds,
            categories,
            labels: self.labels.clone(),
            k: u32::try_from(k).unwrap_or(0),
            questions,
            demographics: self.demographics,
            retention_days: retention.map(|d| u32::try_from(d).unwrap_or(0)),
        };
        if let Err(v) = c.check() {
            errs.extend(v.into_iter().map(|mut v| {
                if let Some(rest) = v.field.strip_prefix("questions.") {
                    let (n, tail) = rest.split_once('.').unwrap_or((rest, ""));
                    if let Some(slot) = n.parse::<usize>().ok().and_then(|j| slots.get(j)) {
                        v.field = if tail.is_empty() {
                            format!("questions.{slot}")
                        } else {
                            format!("questions.{slot}.{tail}")
                        };
                    }
                }
                v
            }));
        }
        if errs.is_empty() {
            Ok(c)
        } else {
            Err(errs)
        }
    }
}

/// A stable id from an option's Dutch text: lowercase letters and digits, words joined by `-`.
/// Adds the other languages' non-empty texts.
fn with_others(mut texts: Texts, others: &BTreeMap<String, String>) -> Texts {
    for (lang, text) in others {
        if OTHER_LANGUAGES.contains(&lang.as_str()) && !text.trim().is_empty() {
            texts.insert(lang.clone(), text.trim().to_string());
        }
    }
    texts
}

fn slug_of(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "option".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_posted_form_becomes_a_campaign_and_back() {
        let mut p = pairs(&[
            ("id", "crabbehof-2027"),
            ("status", "open"),
            ("title_nl", "Samen in Crabbehof"),
            ("title_en", ""),
            ("title_tr", "Crabbehof'ta birlikte"),
            ("intro_ar", "  "),
            ("title_xx", "not a language of the site"),
            ("starts_on", "2027-03-01"),
            ("gemeenten", "gm0505, GM0590"),
            ("kinds", "place"),
            ("kinds", "wish"),
            ("k", "7"),
            ("demographics", "on"),
            ("q0_type", "single"),
            ("q0_nl", "Hoe vaak spreekt u de buren?"),
            ("q0_ar", "كم مرة تتحدث مع جيرانك؟"),
            ("q0_pl", " "),
            ("q0_xx", "not a language of the site"),
            ("q0_options", "Elke week | Every week\nZelden\nZelden\n"),
            ("q0_required", "on"),
            ("q1_type", ""),
            ("q2_type", "number"),
            ("q2_nl", "Hoeveel kinderen?"),
            ("q2_min", "0"),
            ("q2_max", "12"),
        ]);
        for c in Kind::Place
            .categories()
            .iter()
            .chain(Kind::Wish.categories())
        {
            if *c != "bench" {
                p.push(("categories".into(), c.to_string()));
            }
        }
        let c = CampaignFields::from_pairs(&p).to_campaign().expect("valid");
        assert_eq!(c.gemeenten, ["GM0505", "GM0590"]);
        assert_eq!(
            c.title.keys().collect::<Vec<_>>(),
            ["nl", "tr"],
            "other languages, when filled in"
        );
        assert!(c.intro.is_empty());
        assert_eq!(
            CampaignFields::of(&c).title_other["tr"],
            "Crabbehof'ta birlikte"
        );
        assert_eq!(
            c.questions[0].text.keys().collect::<Vec<_>>(),
            ["ar", "nl"],
            "a question in the other languages, when filled in"
        );
        assert_eq!(
            CampaignFields::of(&c).questions[0].other["ar"],
            "كم مرة تتحدث مع جيرانك؟"
        );
        assert_eq!(c.kinds, [Kind::Place, Kind::Wish]);
        assert!(!c.categories_of(Kind::Place).contains(&"bench"));
        assert!(
            !c.categories.contains_key("wish"),
            "all wishes offered: nothing stored"
        );
        assert_eq!(c.k, 7);
        assert_eq!(c.questions.len(), 2);
        assert_eq!(c.questions[0].id, "q1");
        assert_eq!(c.questions[1].id, "q3");
        let ids: Vec<&str> = c.questions[0]
            .options
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(ids, ["elke-week", "zelden", "zelden-2"]);
        assert_eq!(
            c.questions[0].options[0].text.get("en").map(String::as_str),
            Some("Every week")
        );
        assert_eq!(c.questions[1].max, Some(12));

        let again = CampaignFields::of(&c).to_campaign().expect("round trip");
        assert_eq!(again, c);
    }

    #[test]
    fn mistakes_come_back_named() {
        let p = pairs(&[
            ("id", "x y"),
            ("kinds", "place"),
            ("categories", "bench"),
            ("k", "vijf"),
            ("q3_type", "multiple"),
            ("q3_nl", "Wat?"),
            ("q3_options", "Alleen dit"),
        ]);
        let fields: Vec<String> = CampaignFields::from_pairs(&p)
            .to_campaign()
            .expect_err("invalid")
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(
            fields,
            ["k", "id", "title.nl", "questions.3.options"],
            "named by form slot"
        );
    }

    #[test]
    fn option_ids_are_plain() {
        assert_eq!(slug_of("Één keer per week!"), "een-keer-per-week");
        assert_eq!(slug_of("  ?? "), "option");
    }
}
