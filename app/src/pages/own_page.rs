use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::own_entry;
use crate::i18n::*;
use crate::labels;
use crate::model::{is_uuid, OwnEntry, MAX_REPLY_CHARS, MAX_TEXT_CHARS};

/// `/mijn/{id}?sleutel=KEY`: the author's own entry through its private link. See, change (category,
/// text) or delete it, with plain forms that post to `/mijn/{id}` and `/mijn/{id}/verwijderen`.
#[component]
pub fn OwnPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .filter(|s| is_uuid(s))
        .unwrap_or_default();
    let query = use_query_map().get_untracked();
    let key = query.get("sleutel").unwrap_or_default();
    let outcome = query.get("melding");
    let data = {
        let key = key.clone();
        Resource::new_blocking(
            move || (id.clone(), key.clone()),
            |(id, key)| async move {
                if id.is_empty() || key.is_empty() {
                    Ok(None)
                } else {
                    own_entry(id, key).await
                }
            },
        )
    };
    view! {
        <Title text=move || t_string!(i18n, own_title).to_string() />
        <h1>{t!(i18n, own_title)}</h1>
        <Suspense>
            {move || {
                let key = key.clone();
                let outcome = outcome.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(e)) => view! { <Own e key outcome /> }.into_any(),
                        Ok(None) if outcome.as_deref() == Some("verwijderd") => {
                            view! { <p class="notice" role="status">{t!(i18n, own_deleted)}</p> }.into_any()
                        }
                        Ok(None) => {
                            crate::pages::set_status(404);
                            view! { <p>{t!(i18n, own_not_found)}</p> }.into_any()
                        }
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Own(e: OwnEntry, key: String, outcome: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let problem = |text: &'static str| {
        view! { <div class="error-summary" role="alert" id="error-summary" tabindex="-1"><p>{text}</p></div> }.into_any()
    };
    let message = outcome.map(|o| match o.as_str() {
        "ongeldig" => problem(t_string!(i18n, staff_invalid)),
        "foto-te-groot" => problem(t_string!(i18n, photo_err_too_large)),
        "foto-geen" => problem(t_string!(i18n, photo_err_not_image)),
        "foto-pixels" => problem(t_string!(i18n, photo_err_pixels)),
        "foto-kapot" => problem(t_string!(i18n, photo_err_broken)),
        "foto" => view! { <div class="notice" role="status"><p>{t!(i18n, photo_saved)}</p></div> }
            .into_any(),
        "antwoord" => {
            view! { <div class="notice" role="status"><p>{t!(i18n, own_reply_saved)}</p></div> }
                .into_any()
        }
        _ => view! { <div class="notice" role="status"><p>{t!(i18n, staff_saved)}</p></div> }
            .into_any(),
    });
    let photo = (e.kind != crate::model::Kind::Wish).then(|| {
        let own_src = format!("/api/v1/submissions/{}/photo?key={key}", e.id);
        let current = e.photo.clone().map(|(_, public)| {
            let src = own_src.clone();
            let state = if public { t_string!(i18n, photo_public) } else { t_string!(i18n, photo_waiting) };
            view! {
                <figure class="own-photo">
                    <img src=src alt=t_string!(i18n, report_photo_alt) width="320" />
                    <figcaption>{state}</figcaption>
                </figure>
            }
        });
        view! {
            <section aria-labelledby="photo-title">
                <h2 id="photo-title">{t!(i18n, photo_title)}</h2>
                {current}
                <p class="hint" id="photo-hint">{t!(i18n, photo_text)}</p>
                // The key in the address: the server checks it before it takes in the photo.
                <form method="post" action=format!("/mijn/{}/foto?sleutel={}", e.id, key) enctype="multipart/form-data" class="photo-form">
                    <div class="field">
                        <label for="own-photo">{t!(i18n, photo_label)}</label>
                        <input id="own-photo" name="foto" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" required aria-describedby="photo-hint" />
                    </div>
                    <button type="submit" class="button">{t!(i18n, photo_send)}</button>
                </form>
            </section>
        }
    });
    let categories = e
        .kind
        .categories()
        .iter()
        .map(|c| {
            let id = format!("own-cat-{c}");
            let for_id = id.clone();
            view! {
                <label class="choice" for=for_id>
                    <input type="radio" id=id name="category" value=*c checked=e.category == *c />
                    <span>{labels::category(l, e.kind, c)}</span>
                </label>
            }
        })
        .collect_view();
    let text_state = match (&e.text, e.text_public, e.hidden) {
        (_, _, true) => t_string!(i18n, own_hidden),
        (Some(_), true, _) => t_string!(i18n, own_text_public),
        (Some(_), false, _) => t_string!(i18n, own_text_private),
        (None, _, _) => "",
    };
    // Staff's note on the entry can be answered: a short reply a moderator reads before anyone sees it.
    // Shown while there is a note, or a reply the resident may want to change or remove.
    let reply = (e.status_note.is_some() || e.reply.is_some()).then(|| {
        let state = match (&e.reply, e.reply_public) {
            (Some(_), true) => t_string!(i18n, own_reply_public),
            (Some(_), false) => t_string!(i18n, own_reply_waiting),
            (None, _) => t_string!(i18n, own_reply_hint),
        };
        view! {
            <section aria-labelledby="reply-title" class="own-reply">
                <h2 id="reply-title">{t!(i18n, own_reply_title)}</h2>
                <form method="post" action=format!("/mijn/{}/antwoord", e.id)>
                    <input type="hidden" name="sleutel" value=key.clone() />
                    <div class="field">
                        <label for="own-reply">{t!(i18n, own_reply_label)}</label>
                        <p class="hint" id="own-reply-hint">{state}</p>
                        <textarea id="own-reply" name="antwoord" rows="3" maxlength=MAX_REPLY_CHARS.to_string() aria-describedby="own-reply-hint">{crate::html::textarea_text(e.reply.as_deref().unwrap_or_default())}</textarea>
                    </div>
                    <button type="submit" class="button">{t!(i18n, own_reply_send)}</button>
                </form>
            </section>
        }
    });
    view! {
        {message}
        <p class="lead">{t!(i18n, own_intro)}</p>
        <dl class="facts">
            <dt>{t!(i18n, map_col_kind)}</dt><dd>{labels::kind(l, e.kind)}</dd>
            <dt>{t!(i18n, report_when)}</dt><dd>{e.created_at.clone()}</dd>
            <dt>{t!(i18n, report_status)}</dt><dd>{labels::status(l, e.status)}</dd>
        </dl>
        {e.status_note.clone().map(|n| view! { <p class="status-note">{n}</p> })}
        {reply}
        <form method="post" action=format!("/mijn/{}", e.id) class="own-form">
            <input type="hidden" name="sleutel" value=key.clone() />
            <fieldset class="group">
                <legend class="question">{t!(i18n, own_category)}</legend>
                <div class="choices">{categories}</div>
            </fieldset>
            <div class="field">
                <label for="own-text">{t!(i18n, form_text)}</label>
                {(!text_state.is_empty()).then(|| view! { <p class="hint" id="own-text-hint">{text_state}</p> })}
                <textarea id="own-text" name="text" rows="4" maxlength=MAX_TEXT_CHARS.to_string()>{crate::html::textarea_text(e.text.as_deref().unwrap_or_default())}</textarea>
            </div>
            <button type="submit" class="button primary">{t!(i18n, staff_save)}</button>
        </form>
        {photo}
        <h2>{t!(i18n, own_delete_title)}</h2>
        <form method="post" action=format!("/mijn/{}/verwijderen", e.id) class="own-delete">
            <input type="hidden" name="sleutel" value=key />
            <label class="check"><input type="checkbox" name="zeker" value="ja" required />{t!(i18n, own_delete_confirm)}</label>
            <button type="submit" class="button danger">{t!(i18n, own_delete)}</button>
        </form>
    }
}
