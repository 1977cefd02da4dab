use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::staff_desk;
use crate::components::staff_entry::StaffEntryForm;
use crate::i18n::*;
use crate::model::StaffDesk;

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
            "gewijzigd" => (
                t_string!(i18n, staff_changed_meanwhile).to_string(),
                "error-summary",
            ),
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
        .map(|entry| view! { <li><StaffEntryForm entry csrf=csrf.clone() back=None /></li> })
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
