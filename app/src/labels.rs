//! Translated labels for the API's stable ids (categories, options, validation rules). leptos_i18n keys
//! are compile-time identifiers, so each id list gets one `match`, generated from the id list itself.

use crate::i18n::*;
use crate::model::{Kind, Rule, Violation};

/// `match id { "a" => td_string!(l, ns.a), ... }` for every id listed; unknown ids show as themselves
/// (a campaign may add categories that have no translation yet).
macro_rules! id_labels {
    ($name:ident, $ns:ident, [$($id:ident),* $(,)?]) => {
        pub fn $name(l: Locale, id: &str) -> String {
            match id {
                $(stringify!($id) => td_string!(l, $ns.$id).to_string(),)*
                other => other.replace('_', " "),
            }
        }
    };
}

id_labels!(
    place_category,
    cat,
    [
        community_centre,
        library,
        playground,
        bench,
        park_square,
        sports_club,
        place_of_worship,
        cafe_restaurant,
        school,
        shop,
        other
    ]
);
id_labels!(
    barrier_category,
    barrier,
    [
        steps,
        no_ramp,
        narrow_pavement,
        poor_lighting,
        dangerous_crossing,
        no_toilet,
        no_seating,
        too_far,
        costs_money,
        language,
        unwelcome,
        opening_hours,
        feels_unsafe,
        unknown_place,
        other
    ]
);
id_labels!(
    wish_category,
    wish,
    [
        meeting_place,
        activity,
        green_play,
        traffic_safety,
        care_support,
        sport_health,
        other
    ]
);
id_labels!(
    quality,
    quality,
    [
        free,
        no_membership,
        open_evenings_weekends,
        step_free,
        toilet,
        seating
    ]
);
id_labels!(
    affects,
    affects,
    [
        children,
        youth,
        elderly,
        wheelchair_walker,
        buggy,
        visually_impaired,
        newcomers,
        low_income,
        everyone
    ]
);

pub fn category(l: Locale, kind: Kind, id: &str) -> String {
    match kind {
        Kind::Place => place_category(l, id),
        Kind::Barrier => barrier_category(l, id),
        Kind::Wish => wish_category(l, id),
    }
}

/// A picture next to each category, for residents who read little Dutch (or little at all). Emoji:
/// every phone draws them, in its own style, without an image to load. Decorative: the text says it.
pub fn category_icon(kind: Kind, id: &str) -> &'static str {
    match (kind, id) {
        (Kind::Place, "community_centre") => "🏠",
        (Kind::Place, "library") => "📚",
        (Kind::Place, "playground") => "🧒",
        (Kind::Place, "bench") => "🪑",
        (Kind::Place, "park_square") => "🌳",
        (Kind::Place, "sports_club") => "⚽",
        (Kind::Place, "place_of_worship") => "🕊️",
        (Kind::Place, "cafe_restaurant") => "☕",
        (Kind::Place, "school") => "🏫",
        (Kind::Place, "shop") => "🛒",
        (Kind::Barrier, "steps") => "🪜",
        (Kind::Barrier, "no_ramp") => "♿",
        (Kind::Barrier, "narrow_pavement") => "🚶",
        (Kind::Barrier, "poor_lighting") => "🌑",
        (Kind::Barrier, "dangerous_crossing") => "🚸",
        (Kind::Barrier, "no_toilet") => "🚻",
        (Kind::Barrier, "no_seating") => "🧍",
        (Kind::Barrier, "too_far") => "🗺️",
        (Kind::Barrier, "costs_money") => "💶",
        (Kind::Barrier, "language") => "💬",
        (Kind::Barrier, "unwelcome") => "🚪",
        (Kind::Barrier, "opening_hours") => "🕘",
        (Kind::Barrier, "feels_unsafe") => "⚠️",
        (Kind::Barrier, "unknown_place") => "❓",
        (Kind::Wish, "meeting_place") => "🤝",
        (Kind::Wish, "activity") => "🎉",
        (Kind::Wish, "green_play") => "🌱",
        (Kind::Wish, "traffic_safety") => "🚦",
        (Kind::Wish, "care_support") => "💛",
        (Kind::Wish, "sport_health") => "🏃",
        (Kind::Place, _) => "📍",
        _ => "✏️",
    }
}

pub fn kind(l: Locale, kind: Kind) -> String {
    match kind {
        Kind::Place => td_string!(l, kind_place),
        Kind::Barrier => td_string!(l, kind_barrier),
        Kind::Wish => td_string!(l, kind_wish),
    }
    .to_string()
}

/// A CBS age band (`0_14`, `65_plus`) as people write it.
pub fn age_band(l: Locale, band: &str) -> String {
    match band {
        "65_plus" => td_string!(l, age_65_plus).to_string(),
        b => {
            let (from, to) = b.split_once('_').unwrap_or((b, b));
            let to = to
                .parse::<u32>()
                .map_or_else(|_| to.to_string(), |t| t.to_string());
            td_string!(l, age_range, from = from.to_string(), to = to).to_string()
        }
    }
}

/// The resident-facing message for a violation, in plain language.
pub fn violation(l: Locale, v: &Violation) -> String {
    match &v.rule {
        // Radio groups: the resident picks, they do not fill in.
        Rule::Required if v.field == "category" || v.field == "details.severity" => {
            td_string!(l, err_category_required).to_string()
        }
        Rule::Required if v.field == "location" => td_string!(l, err_location_required).to_string(),
        Rule::Required => td_string!(l, err_required).to_string(),
        Rule::TooLong { max } => td_string!(l, err_too_long, max = *max).to_string(),
        Rule::UnknownValue | Rule::Duplicate => td_string!(l, err_unknown_value).to_string(),
        Rule::OutOfRange { .. } => td_string!(l, err_out_of_range).to_string(),
        Rule::OutsideNetherlands => td_string!(l, err_outside_nl).to_string(),
        Rule::OutsideCampaign => td_string!(l, err_outside_campaign).to_string(),
        Rule::AddressNotFound => td_string!(l, err_address_not_found).to_string(),
        Rule::LookupUnavailable => td_string!(l, err_lookup_unavailable).to_string(),
        Rule::EventClosed => td_string!(l, err_event_closed).to_string(),
        _ => td_string!(l, err_other).to_string(),
    }
}

/// The form field a violation belongs to: its label and the id of the element to jump to.
pub fn field(l: Locale, field: &str) -> (String, &'static str) {
    let base = field.split('.').take(2).collect::<Vec<_>>().join(".");
    match base.as_str() {
        "category" | "kind" => (td_string!(l, field_category).to_string(), "f-category"),
        "location" => (td_string!(l, field_location).to_string(), "f-address"),
        "address" => (td_string!(l, field_address).to_string(), "f-address"),
        "details.name" => (td_string!(l, field_name).to_string(), "f-name"),
        "details.who" => (td_string!(l, field_who).to_string(), "f-who"),
        "details.severity" => (td_string!(l, field_severity).to_string(), "f-severity"),
        "details.qualities" => (td_string!(l, form_qualities).to_string(), "f-qualities"),
        "details.affects" => (td_string!(l, field_affects).to_string(), "f-affects"),
        "details.talent" => (td_string!(l, field_talent).to_string(), "f-talent"),
        "text" => (td_string!(l, field_text).to_string(), "f-text"),
        _ => (td_string!(l, field_form).to_string(), "entry-form"),
    }
}

/// "2026", "2026, kwartaal 3", "september 2026".
pub fn period(l: Locale, p: crate::model::Period) -> String {
    use crate::model::Period;
    match p {
        Period::All => td_string!(l, f_all_time).to_string(),
        Period::Year(y) => y.to_string(),
        Period::Quarter(y, q) => format!("{y}, {} {q}", td_string!(l, quarter)),
        Period::Month(y, m) => {
            let names = td_string!(l, month_names).to_string();
            let name = names.split(',').nth(usize::from(m) - 1).unwrap_or_default();
            format!("{name} {y}")
        }
    }
}

/// "september 2026" for a `YYYY-MM` month (an entry's public date); the text itself if it is none.
pub fn month(l: Locale, month: &str) -> String {
    match crate::model::Period::parse(month) {
        Some(p @ crate::model::Period::Month(..)) => period(l, p),
        _ => month.to_string(),
    }
}

pub fn level(l: Locale, level: &str) -> String {
    match level {
        "gemeente" => td_string!(l, level_gemeente),
        "wijk" => td_string!(l, level_wijk),
        _ => td_string!(l, level_buurt),
    }
    .to_string()
}

pub fn source(l: Locale, s: crate::model::Source) -> String {
    use crate::model::Source;
    match s {
        Source::Web => td_string!(l, source_web),
        Source::Event => td_string!(l, source_event),
        Source::Paper => td_string!(l, source_paper),
    }
    .to_string()
}

/// A count as an advisor reads it: "12", or "verborgen" when suppressed.
pub fn figure(l: Locale, count: Option<u64>) -> String {
    match count {
        Some(c) => c.to_string(),
        None => td_string!(l, suppressed_value).to_string(),
    }
}

/// The residents behind a released count: the noisy number, "verborgen" when the count is withheld,
/// and "–" where the figure counts entries only (narrowed by details: docs/privacy.md).
pub fn residents(l: Locale, count: Option<u64>, respondents: Option<u64>) -> String {
    match (count, respondents) {
        (Some(_), None) => "–".to_string(),
        _ => figure(l, respondents),
    }
}

/// A decimal in the locale's notation: 12,5 in Dutch, 12.5 in English.
pub fn decimal(l: Locale, x: f64) -> String {
    let s = if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    };
    if l == Locale::nl {
        s.replace('.', ",")
    } else {
        s
    }
}

pub fn status(l: Locale, s: crate::model::Status) -> String {
    use crate::model::Status;
    match s {
        Status::Received => td_string!(l, status_received),
        Status::InProgress => td_string!(l, status_in_progress),
        Status::TakenUp => td_string!(l, status_taken_up),
        Status::Done => td_string!(l, status_done),
        Status::NotPossible => td_string!(l, status_not_possible),
    }
    .to_string()
}

/// A theme of the suggested matches between wishes and talents (see the server's
/// `domain::talent_matches::THEMES`), or a wish category both share.
pub fn talent_theme(l: Locale, theme: &str) -> String {
    match theme {
        "cooking" => td_string!(l, theme_cooking).to_string(),
        "music" => td_string!(l, theme_music).to_string(),
        "sport" => td_string!(l, theme_sport).to_string(),
        "language" => td_string!(l, theme_language).to_string(),
        "digital" => td_string!(l, theme_digital).to_string(),
        "gardening" => td_string!(l, theme_gardening).to_string(),
        "repair" => td_string!(l, theme_repair).to_string(),
        "children" => td_string!(l, theme_children).to_string(),
        "care" => td_string!(l, theme_care).to_string(),
        category => wish_category(l, category).to_lowercase(),
    }
}

id_labels!(
    node_kind_id,
    node,
    [activity, resident_group, local_network, institution]
);
id_labels!(
    link_kind_id,
    link,
    [residents, residents_networks, networks_institutions, led_to]
);
id_labels!(
    capital_id,
    capital,
    [natural, cultural, human, social, political, financial, built]
);
id_labels!(origin_id, origin, [wish, talent, entry, activity, event]);

/// What a node of the community's graph is, in words.
pub fn node_kind(l: Locale, k: crate::model::NodeKind) -> String {
    node_kind_id(l, k.as_str())
}

/// A link's relation, in words.
pub fn link_kind(l: Locale, k: crate::model::LinkKind) -> String {
    link_kind_id(l, k.as_str())
}

/// A Community Capital, in words.
pub fn capital(l: Locale, c: crate::model::Capital) -> String {
    capital_id(l, c.as_str())
}

/// What an activity grew from, in words.
pub fn origin(l: Locale, k: crate::model::SourceKind) -> String {
    origin_id(l, k.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_its_own_icon_within_its_group() {
        for kind in Kind::ALL {
            let cats = kind.categories();
            let mut icons: Vec<&str> = cats.iter().map(|c| category_icon(kind, c)).collect();
            icons.sort_unstable();
            icons.dedup();
            assert_eq!(
                icons.len(),
                cats.len(),
                "{kind:?}: two categories share an icon"
            );
        }
    }
}
