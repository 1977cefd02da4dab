use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::NotFound;
use crate::api::FormState;
use crate::browser::new_uuid;
use crate::components::entry_form::{kind_from_slug, EntryForm};
use crate::i18n::*;
use crate::model::{is_uuid, FormDraft, DEFAULT_CAMPAIGN};

/// `/meedoen/{plek|drempel|wens}?r=<respondent>`: the form for one kind of entry. Rendered on the
/// server; the form itself is an island that receives its starting state as a prop.
#[component]
pub fn EntryPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let slug = use_params_map().read_untracked().get("kind");
    let respondent = use_query_map().read_untracked().get("r");
    // Only present while the server renders a failed plain form POST again.
    let returned = use_context::<FormState>();
    match form_state(slug, respondent, returned, locale.as_str()) {
        Some(state) => view! {
            <EntryForm state locale=locale.as_str().to_string() />
            <crate::IslandScripts />
        }
        .into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

fn form_state(
    slug: Option<String>,
    respondent: Option<String>,
    returned: Option<FormState>,
    language: &str,
) -> Option<FormState> {
    let kind = kind_from_slug(slug.as_deref()?)?;
    if let Some(r) = returned.filter(|r| r.draft.kind == kind.as_str()) {
        return Some(r);
    }
    Some(FormState {
        draft: FormDraft {
            id: new_uuid(),
            // One respondent per visit: the thank-you page passes it on to the next form.
            respondent: respondent.filter(|r| is_uuid(r)).unwrap_or_else(new_uuid),
            campaign: DEFAULT_CAMPAIGN.into(),
            kind: kind.as_str().into(),
            language: language.to_string(),
            ..Default::default()
        },
        violations: Vec::new(),
        notice: None,
    })
}
