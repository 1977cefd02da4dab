use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::staff_desk;
use crate::i18n::*;
use crate::labels;
use crate::model::{QueueItem, StaffDesk, Status};

/// `/staff`: sign in, then the moderation queue. Plain forms that work without JavaScript; they post
/// to `/staff/inloggen`, `/staff/uitloggen` and `/staff/melding/{id}` (server/src/routes/staff_forms.rs),
/// which come back here with `?melding=` saying how it went.
#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let outcome = use_query_map().get_untracked().get("melding");
    let data = Resource::new_blocking(|| (), |()| staff_desk());
    let message = outcome.map(|o| {
        let (text, class) = match o.as_str() {
            "fout" => (t_string!(i18n, staff_wrong).to_string(), "error-summary"),
            "teveel" => (t_string!(i18n, staff_locked).to_string(), "error-summary"),
            "ongeldig" => (t_string!(i18n, staff_invalid).to_string(), "error-summary"),
            "samengevoegd" => (t_string!(i18n, staff_merged).to_string(), "notice"),
            _ => (t_string!(i18n, staff_saved).to_string(), "notice"),
        };
        view! { <div class=class role="status"><p>{text}</p></div> }
    });
    view! {
        <Title text=move || t_string!(i18n, staff_title).to_string() />
        <h1>{t!(i18n, staff_title)}</h1>
        {message}
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(desk)) => view! { <Desk desk /> }.into_any(),
                    Ok(None) => view! { <SignIn /> }.into_any(),
                    Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action="/staff/inloggen" class="staff-sign-in">
            <div class="field">
                <label for="s-email">{t!(i18n, staff_email)}</label>
                <input id="s-email" name="email" type="email" autocomplete="username" required />
            </div>
            <div class="field">
                <label for="s-password">{t!(i18n, staff_password)}</label>
                <input id="s-password" name="password" type="password" autocomplete="current-password" required />
            </div>
            <button type="submit" class="button primary">{t!(i18n, staff_sign_in)}</button>
        </form>
    }
}

#[component]
fn Desk(desk: StaffDesk) -> impl IntoView {
    let i18n = use_i18n();
    let csrf = desk.csrf.clone();
    let items = desk
        .queue
        .iter()
        .cloned()
        .map(|item| view! { <Item item csrf=csrf.clone() /> })
        .collect_view();
    let empty = desk.queue.is_empty();
    view! {
        <super::StaffNav role=desk.role.clone() />
        <p>{t!(i18n, staff_signed_in, email = desk.email.clone(), role = desk.role.clone())}</p>
        <form method="post" action="/staff/uitloggen">
            <input type="hidden" name="csrf" value=desk.csrf.clone() />
            <button type="submit" class="button secondary">{t!(i18n, staff_sign_out)}</button>
        </form>
        <h2>{t!(i18n, staff_queue)}</h2>
        {if empty {
            view! { <p>{t!(i18n, staff_queue_empty)}</p> }.into_any()
        } else {
            view! { <ul class="queue">{items}</ul> }.into_any()
        }}
    }
}

/// One entry to review: its text (editable, with what looks like personal data listed), its status
/// and note, and whether to publish the text or hide the entry.
#[component]
fn Item(item: QueueItem, csrf: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let id = item.id.clone();
    let field = move |name: &str| format!("{name}-{id}");
    let statuses = Status::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=s == item.status>{labels::status(l, s)}</option> })
        .collect_view();
    let categories = item
        .kind
        .categories()
        .iter()
        .map(|c| view! { <option value=*c selected=item.category == *c>{labels::category(l, item.kind, c)}</option> })
        .collect_view();
    let merge = (!item.duplicates.is_empty()).then(|| {
        let options = item
            .duplicates
            .iter()
            .map(|d| {
                let snippet: String = d.text.clone().unwrap_or_default().chars().take(60).collect();
                view! { <option value=d.id.clone()>{format!("{} · {} {}", &d.id[..8], d.created_at, snippet)}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for=field("merge")>{t!(i18n, staff_merge)}</label>
                <p class="hint" id=field("merge-hint")>{t!(i18n, staff_merge_hint)}</p>
                <select id=field("merge") name="merge_into" aria-describedby=field("merge-hint")>
                    <option value="">{t!(i18n, staff_merge_none)}</option>
                    {options}
                </select>
            </div>
        }
    });
    let flagged = (!item.flagged.is_empty()).then(|| {
        let list = item
            .flagged
            .iter()
            .map(|f| view! { <li><code>{f.clone()}</code></li> })
            .collect_view();
        view! { <div class="notice"><p>{t!(i18n, staff_flagged)}</p><ul>{list}</ul></div> }
    });
    let heading = format!(
        "{}: {} · {}",
        labels::kind(l, item.kind),
        labels::category(l, item.kind, &item.category),
        item.created_at.get(..10).unwrap_or_default()
    );
    view! {
        <li>
            <article class="queue-item" aria-label=heading.clone()>
                <h3>{heading.clone()}</h3>
                {flagged}
                <form method="post" action=format!("/staff/melding/{}", item.id)>
                    <input type="hidden" name="csrf" value=csrf />
                    <div class="field">
                        <label for=field("text")>{t!(i18n, staff_text)}</label>
                        <textarea id=field("text") name="text" rows="4">{crate::html::textarea_text(&item.text)}</textarea>
                    </div>
                    <div class="field">
                        <label for=field("category")>{t!(i18n, col_category)}</label>
                        <select id=field("category") name="category">{categories}</select>
                    </div>
                    {merge}
                    <div class="field">
                        <label for=field("status")>{t!(i18n, map_col_status)}</label>
                        <select id=field("status") name="status">{statuses}</select>
                    </div>
                    <div class="field">
                        <label for=field("note")>{t!(i18n, staff_note)}</label>
                        <input id=field("note") name="status_note" type="text" maxlength="500" />
                    </div>
                    {item.photo.clone().map(|src| view! {
                        <figure class="queue-photo">
                            <img src=src alt=t_string!(i18n, staff_photo_alt) width="320" loading="lazy" />
                        </figure>
                        <input type="hidden" name="photo_shown" value="true" />
                        <label class="check"><input type="checkbox" name="photo_public" value="true" />{t!(i18n, staff_photo_publish)}</label>
                    })}
                    <label class="check"><input type="checkbox" name="text_public" value="true" />{t!(i18n, staff_publish)}</label>
                    <label class="check"><input type="checkbox" name="hidden" value="true" />{t!(i18n, staff_hide)}</label>
                    <button type="submit" class="button">{t!(i18n, staff_save)}</button>
                </form>
            </article>
        </li>
    }
}
