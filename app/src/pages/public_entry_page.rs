use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::entry;
use crate::i18n::*;
use crate::labels;
use crate::model::{is_uuid, PublicEntry};

/// `/melding/{id}`: one entry as the public sees it, with what was done with it ("you said, we did").
/// The thank-you page links here; the id is the resident's private way back.
#[component]
pub fn PublicEntryPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .filter(|s| is_uuid(s))
        .unwrap_or_default();
    let data = Resource::new_blocking(
        move || id.clone(),
        |id| async move {
            if id.is_empty() {
                Ok(None)
            } else {
                entry(id).await
            }
        },
    );
    // The title sits outside the Suspense: a <title> set inside it can miss the streamed <head>.
    view! {
        <Title text=move || t_string!(i18n, report_title).to_string() />
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(e)) => view! { <Entry e /> }.into_any(),
                    Ok(None) => {
                        crate::pages::set_status(404);
                        view! {
                            <h1>{t!(i18n, report_title)}</h1>
                            <p>{t!(i18n, report_not_found)}</p>
                        }
                        .into_any()
                    }
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Entry(e: PublicEntry) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let query = use_query_map().get_untracked();
    let thanked = query.get("ikook").is_some();
    // The visit's respondent when there is one, else a fresh id for this "ik ook".
    let respondent = query
        .get("r")
        .filter(|r| is_uuid(r))
        .unwrap_or_else(crate::api::new_uuid);
    let month = labels::month(l, &e.month);
    view! {
        <h1>{t!(i18n, report_title)}</h1>
        <dl class="facts">
            <dt>{t!(i18n, map_col_kind)}</dt><dd>{labels::kind(l, e.kind)}</dd>
            <dt>{t!(i18n, map_col_what)}</dt><dd>{labels::category(l, e.kind, &e.category)}</dd>
            <dt>{t!(i18n, report_when)}</dt><dd><time datetime=e.month.clone()>{month}</time></dd>
            {(!e.qualities.is_empty()).then(|| view! {
                <dt>{t!(i18n, profile_qualities)}</dt>
                <dd>{e.qualities.iter().map(|q| labels::quality(l, q)).collect::<Vec<_>>().join(", ")}</dd>
            })}
            {e.severity.map(|s| view! {
                <dt>{t!(i18n, col_severity)}</dt>
                <dd>{match s {
                    1 => t_string!(i18n, sev_1).to_string(),
                    2 => t_string!(i18n, sev_2).to_string(),
                    _ => t_string!(i18n, sev_3).to_string(),
                }}</dd>
            })}
            {(!e.affects.is_empty()).then(|| view! {
                <dt>{t!(i18n, map_affects)}</dt>
                <dd>{e.affects.iter().map(|a| labels::affects(l, a)).collect::<Vec<_>>().join(", ")}</dd>
            })}
        </dl>
        {e.photo.clone().map(|src| view! {
            <figure class="entry-photo"><img src=src alt=t_string!(i18n, report_photo_alt) width="480" /></figure>
        })}
        <h2>{t!(i18n, report_status)}</h2>
        <p class="status-badge" data-status=e.status.as_str()>{labels::status(l, e.status)}</p>
        {e.status_note.map(|n| view! { <p class="status-note">{n}</p> })}
        {e.reply.map(|r| view! {
            <h3>{t!(i18n, report_reply)}</h3>
            <p class="resident-reply">{r}</p>
        })}
        <h2>{t!(i18n, report_text)}</h2>
        {match e.text {
            Some(t) => view! { <p class="resident-text">{t}</p> }.into_any(),
            None => view! { <p class="hint">{t!(i18n, report_private_text)}</p> }.into_any(),
        }}
        <h2>{t!(i18n, report_me_too)}</h2>
        {match e.me_too {
            0 => None,
            1 => Some(view! { <p>{t!(i18n, report_me_too_count_one)}</p> }.into_any()),
            n => Some(view! { <p>{t!(i18n, report_me_too_count, n = n)}</p> }.into_any()),
        }}
        {if thanked {
            view! { <p class="notice" role="status">{t!(i18n, report_me_too_thanks)}</p> }.into_any()
        } else {
            view! {
                <form method="post" action=format!("/melding/{}/ik-ook", e.id)>
                    <input type="hidden" name="respondent" value=respondent />
                    <button type="submit" class="button">{t!(i18n, nearby_me_too)}</button>
                </form>
            }
            .into_any()
        }}
        <p><a href="/kaart" class="button secondary">{t!(i18n, thanks_map)}</a></p>
    }
}
