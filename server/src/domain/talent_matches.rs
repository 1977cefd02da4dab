//! Suggested matches between residents' wishes and the talents residents offer: near each other and
//! about the same thing ("a wish for a cooking evening, 300 m from a resident who offers to cook").
//! Staff read them to bring people together through the entries themselves; no contact details
//! exist, and a resident is never matched with their own entry.

use super::walking::geodesic_m;

/// How far apart a wish and a talent may be, in metres (a few minutes' walk).
pub const NEAR_M: f64 = 500.0;

/// The most matches listed per wish (the nearest).
pub const PER_WISH: usize = 3;

/// What residents talk about when they wish for something or offer a talent, and the word beginnings
/// that say it (lower case; Dutch first, with the common English, Turkish and Arabic loan words
/// residents use). A word matches a theme when it begins with one of these.
pub const THEMES: &[(&str, &[&str])] = &[
    (
        "cooking",
        &[
            "kook", "koke", "kok", "eten", "maaltijd", "bak", "recept", "cook", "food", "lunch",
            "diner", "soep",
        ],
    ),
    (
        "music",
        &[
            "muziek", "zing", "zang", "koor", "gitaar", "piano", "drum", "music", "sing", "band",
        ],
    ),
    (
        "sport",
        &[
            "sport", "voetbal", "wandel", "loop", "fiets", "yoga", "dans", "zwem", "bewegen",
            "gym", "walk", "run",
        ],
    ),
    (
        "language",
        &[
            "taal",
            "nederlands",
            "les",
            "huiswerk",
            "voorlez",
            "lezen",
            "schrijv",
            "language",
            "dutch",
            "english",
            "engels",
        ],
    ),
    (
        "digital",
        &[
            "computer", "digita", "telefoon", "laptop", "internet", "app", "tablet", "website",
        ],
    ),
    (
        "gardening",
        &[
            "tuin", "groen", "plant", "moestuin", "bloem", "boom", "garden", "snoei",
        ],
    ),
    (
        "repair",
        &[
            "repar", "klus", "timmer", "maken", "fix", "repair", "schilder", "naai", "brei",
            "haak", "knutsel",
        ],
    ),
    (
        "children",
        &[
            "kind", "jeugd", "jonger", "oppas", "speel", "spelen", "tiener", "school",
        ],
    ),
    (
        "care",
        &[
            "boodschap",
            "oudere",
            "zorg",
            "hulp",
            "help",
            "bezoek",
            "eenzaam",
            "vervoer",
            "rijden",
            "mantelzorg",
        ],
    ),
];

/// A wish, with where it is and what it says.
#[derive(Debug, Clone)]
pub struct Wish<'a> {
    pub id: &'a str,
    /// The resident behind it: never shown, only to keep a resident from being matched with themself.
    pub respondent: &'a str,
    pub category: &'a str,
    pub position: [f64; 2],
    pub text: &'a str,
}

/// A talent offered with a wish.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    pub id: &'a str,
    pub respondent: &'a str,
    /// The category of the wish it came with.
    pub category: &'a str,
    pub position: [f64; 2],
    pub talent: &'a str,
}

/// A suggested match: indexes into the wishes and offers given, how far apart, and on what.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub wish: usize,
    pub offer: usize,
    pub metres: u32,
    /// A theme of [`THEMES`], or the wish category both share.
    pub theme: String,
}

/// The themes of a text (see [`THEMES`]), in the order of that list.
pub fn themes_of(text: &str) -> Vec<&'static str> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    THEMES
        .iter()
        .filter(|(_, starts)| {
            words
                .iter()
                .any(|w| starts.iter().any(|s| w.starts_with(s)))
        })
        .map(|(theme, _)| *theme)
        .collect()
}

/// What a wish and an offer share: a theme in their words first (the talent's own words say most),
/// else the wish category both came with (other than `other`).
fn shared_theme(wish: &Wish, offer: &Offer) -> Option<String> {
    let offered = themes_of(offer.talent);
    let wished = themes_of(wish.text);
    if let Some(t) = offered.iter().find(|t| wished.contains(t)) {
        return Some((*t).to_string());
    }
    // A talent whose words name no theme still fits a wish of the category it came with.
    let category_fits = wish.category == offer.category && wish.category != "other";
    if category_fits && (offered.is_empty() || wished.is_empty()) {
        return Some(wish.category.to_string());
    }
    None
}

/// Every wish's nearest offers within [`NEAR_M`] that share a theme with it, at most [`PER_WISH`]
/// each; never an offer by the wish's own resident. Ordered by wish, then distance.
pub fn suggest(wishes: &[Wish], offers: &[Offer]) -> Vec<Match> {
    let mut out = Vec::new();
    for (wi, w) in wishes.iter().enumerate() {
        let mut found: Vec<Match> = offers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.respondent != w.respondent && o.id != w.id)
            .filter_map(|(oi, o)| {
                let metres = geodesic_m(w.position, o.position);
                if metres > NEAR_M {
                    return None;
                }
                shared_theme(w, o).map(|theme| Match {
                    wish: wi,
                    offer: oi,
                    metres: metres.round() as u32,
                    theme,
                })
            })
            .collect();
        found.sort_by_key(|m| (m.metres, m.offer));
        found.truncate(PER_WISH);
        out.extend(found);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point `east` and `north` metres from a spot in Dordrecht.
    fn at(east: f64, north: f64) -> [f64; 2] {
        let lat: f64 = 51.81;
        [
            4.67 + east / (111_195.0 * lat.to_radians().cos()),
            lat + north / 111_195.0,
        ]
    }

    fn wish<'a>(id: &'a str, category: &'a str, position: [f64; 2], text: &'a str) -> Wish<'a> {
        Wish {
            id,
            respondent: id,
            category,
            position,
            text,
        }
    }

    fn offer<'a>(id: &'a str, category: &'a str, position: [f64; 2], talent: &'a str) -> Offer<'a> {
        Offer {
            id,
            respondent: id,
            category,
            position,
            talent,
        }
    }

    #[test]
    fn words_name_their_themes() {
        assert_eq!(themes_of("Ik kan goed koken"), ["cooking"]);
        assert_eq!(themes_of("Een KOOKAVOND voor de buurt"), ["cooking"]);
        assert_eq!(
            themes_of("Wandelen en gitaar spelen"),
            ["music", "sport", "children"]
        );
        assert!(themes_of("ja").is_empty());
    }

    #[test]
    fn a_cooking_wish_finds_the_cook_nearby_and_not_the_far_one_or_the_singer() {
        let wishes = [wish(
            "w",
            "activity",
            at(0.0, 0.0),
            "Een kookavond in het buurthuis",
        )];
        let offers = [
            offer(
                "cook",
                "meeting_place",
                at(300.0, 0.0),
                "Ik kan koken voor 20 mensen",
            ),
            offer("far", "activity", at(0.0, 900.0), "Ik kook graag"),
            offer("singer", "activity", at(50.0, 0.0), "Ik zing in een koor"),
        ];
        let m = suggest(&wishes, &offers);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(offers[m[0].offer].id, "cook");
        assert_eq!(m[0].theme, "cooking");
        assert!((295..=305).contains(&m[0].metres), "{}", m[0].metres);
    }

    #[test]
    fn a_talent_without_theme_words_fits_a_wish_of_its_category() {
        let wishes = [wish("w", "green_play", at(0.0, 0.0), "")];
        let offers = [
            offer("o", "green_play", at(100.0, 0.0), "Ik heb een grasmaaier"),
            offer("x", "other", at(100.0, 0.0), "Ik heb een grasmaaier"),
        ];
        let m = suggest(&wishes, &offers);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].theme, "green_play");
        let other = [wish("w", "other", at(0.0, 0.0), "")];
        let odd = [offer("o", "other", at(10.0, 0.0), "iets")];
        assert!(
            suggest(&other, &odd).is_empty(),
            "'other' says nothing shared"
        );
    }

    #[test]
    fn nobody_is_matched_with_themself_and_the_nearest_come_first() {
        let mut own = offer("o0", "activity", at(10.0, 0.0), "koken");
        own.respondent = "w";
        let offers = [
            own,
            offer("o1", "activity", at(400.0, 0.0), "koken"),
            offer("o2", "activity", at(200.0, 0.0), "koken"),
            offer("o3", "activity", at(100.0, 0.0), "koken"),
            offer("o4", "activity", at(300.0, 0.0), "koken"),
        ];
        let wishes = [wish("w", "activity", at(0.0, 0.0), "samen koken")];
        let ids: Vec<&str> = suggest(&wishes, &offers)
            .iter()
            .map(|m| offers[m.offer].id)
            .collect();
        assert_eq!(ids, ["o3", "o2", "o4"]);
    }
}
