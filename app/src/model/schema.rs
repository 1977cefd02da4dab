//! The OpenAPI schemas of the contract's constrained strings and loosely typed objects, built from
//! the constants the validator uses (the catalog, the text limits), so the served document says
//! what [`validate`] checks and cannot drift from it. The model's types name these
//! with `#[schema(schema_with = ...)]`; everything else in their schemas is derived from the types.
//!
//! Server only (`ssr`).

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, Object, ObjectBuilder, SchemaFormat, Type,
};

use super::*;

/// Any UUID, either case (`8-4-4-4-12` hexadecimal digits): [`is_uuid`].
pub const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// A random UUID (version 4): [`is_random_uuid`].
pub const RANDOM_UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$";
/// [`is_slug`].
pub const SLUG_PATTERN: &str = "^[a-z0-9_-]{1,64}$";
/// [`is_gemeente_code`].
pub const GEMEENTE_PATTERN: &str = "^GM[0-9]{4}$";
/// [`is_language_tag`].
pub const LANGUAGE_PATTERN: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,3})?$";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn one_of_names(names: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    string().enum_values(Some(names))
}

/// A client-made id: a random UUID, because the id is public and a time-based one would date it.
pub fn random_uuid() -> Object {
    string()
        .format(Some(SchemaFormat::Custom("uuid".into())))
        .pattern(Some(RANDOM_UUID_PATTERN))
        .description(Some(
            "Client-made and random (UUID version 4): a time-based UUID (version 1, 6, 7) is \
             refused (422), since it would tell when the entry was made",
        ))
        .build()
}

/// Any UUID.
pub fn uuid() -> Object {
    string()
        .format(Some(SchemaFormat::Custom("uuid".into())))
        .pattern(Some(UUID_PATTERN))
        .build()
}

/// A client-made id of an activity, a network or a link: a slug, so a lowercase UUID fits.
pub fn client_id() -> Object {
    string()
        .pattern(Some(SLUG_PATTERN))
        .description(Some(
            "Made by the client (lowercase letters, digits, `-` and `_`; a lowercase UUID fits): \
             a resend of the same body answers 200, another body under the same id 409",
        ))
        .build()
}

/// `YYYY-MM-DD`, or left out.
pub fn optional_day() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .build()
}

/// A campaign or question id.
pub fn slug() -> Object {
    string().pattern(Some(SLUG_PATTERN)).build()
}

/// A campaign id where it may be left out: the general campaign.
pub fn campaign_id() -> Object {
    string()
        .pattern(Some(SLUG_PATTERN))
        .default(Some(DEFAULT_CAMPAIGN.into()))
        .build()
}

/// A CBS gemeente code.
pub fn gemeente_code() -> Object {
    string().pattern(Some(GEMEENTE_PATTERN)).build()
}

/// A list of CBS gemeente codes.
pub fn gemeente_codes() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new().items(gemeente_code()).build()
}

/// A language tag such as `nl`, `ar` or `pt-BR`.
pub fn language_tag() -> Object {
    string().pattern(Some(LANGUAGE_PATTERN)).build()
}

/// `YYYY-MM-DD`.
pub fn day() -> Object {
    string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .build()
}

/// The name of a kind, where the body carries it as a plain string.
pub fn kind_name() -> Object {
    one_of_names(Kind::ALL.map(Kind::as_str)).build()
}

/// Every category id of every kind (which kind takes which is in the description).
pub fn any_category() -> Object {
    let mut all: Vec<&'static str> = Kind::ALL
        .iter()
        .flat_map(|k| k.categories().iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    let per_kind = Kind::ALL
        .map(|k| format!("{}: {}", k.as_str(), k.categories().join(", ")))
        .join("; ");
    one_of_names(all)
        .description(Some(format!(
            "a category id of the entry's kind ({per_kind})"
        )))
        .build()
}

/// Where an entry was collected, as the body names it.
pub fn source_name() -> Object {
    one_of_names(Source::ALL.map(Source::as_str))
        .default(Some("web".into()))
        .description(Some(
            "web; event needs the event's token (X-Event-Token), paper a worker's session and CSRF \
             token (refused with 422 without them)",
        ))
        .build()
}

fn bounded_text(max: usize) -> Object {
    string().max_length(Some(max)).build()
}

fn unique_names(names: &'static [&'static str]) -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(one_of_names(names.iter().copied()))
        .unique_items(true)
        .build()
}

/// An entry's details: which fields a kind takes is the validator's business, and it names every
/// field that does not belong to the kind.
pub fn entry_details() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "place {name?, qualities[], who?}; barrier {severity 1..3, affects[]}; wish {talent?}",
        ))
        .property("name", bounded_text(MAX_NAME_CHARS))
        .property("qualities", unique_names(PLACE_QUALITIES))
        .property("who", bounded_text(MAX_WHO_CHARS))
        .property(
            "severity",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(3)),
        )
        .property("affects", unique_names(BARRIER_AFFECTS))
        .property("talent", bounded_text(MAX_TALENT_CHARS))
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
}

/// `answers` of an entry: reserved for campaign surveys, which ask nothing per entry (yet).
pub fn no_answers() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .max_properties(Some(0))
        .description(Some(
            "Reserved for campaign surveys; no campaign asks questions per entry, so every key is \
             refused (422)",
        ))
        .build()
}

/// A resident's free text: private until a moderator publishes it.
pub fn free_text() -> Object {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::String,
            Type::Null,
        ]))
        .max_length(Some(MAX_TEXT_CHARS))
        .description(Some("Private until a moderator publishes it"))
        .build()
}

/// Texts keyed by language code.
pub fn texts() -> Object {
    texts_builder().build()
}

fn texts_builder() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(string()))
        .description(Some(
            "text per language code (nl, en, ...); Dutch is the fallback",
        ))
}

/// A campaign's own names of categories: per category id, per language.
pub fn labels() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(texts_builder()))
        .description(Some(
            "the campaign's own name for a category, per language: {\"bench\": {\"nl\": \"Bankje\"}}",
        ))
        .build()
}

/// A survey's answers by question id.
pub fn survey_answers() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "by question id: an option id, a list of option ids, a whole number, or short text",
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_category_list_is_every_kinds_categories() {
        let schema = serde_json::to_value(any_category()).expect("json");
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .expect("enum")
            .iter()
            .map(|v| v.as_str().expect("name"))
            .collect();
        for kind in Kind::ALL {
            for c in kind.categories() {
                assert!(listed.contains(c), "{c}");
            }
        }
        assert!(listed.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
    }
}
