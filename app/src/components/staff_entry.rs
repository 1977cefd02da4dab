//! One entry as staff change it: on the moderation queue (`/staff`) and in the search over every
//! entry (`/staff/meldingen`). A plain form posting to `/staff/melding/{id}`; every field shows the
//! entry's current state, so saving without a change changes nothing.

use leptos::prelude::*;

use crate::i18n::*;
use crate::labels;
use crate::model::{StaffEntry, Status, MAX_NOTE, MAX_REPLY_CHARS};

/// The entry's form. `back`: the search to return to (its query string), `None` for the queue.
#[component]
pub fn StaffEntryForm(entry: StaffEntry, csrf: String, back: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let id = entry.id.clone();
    let field = move |name: &str| format!("{name}-{id}");
    let statuses = Status::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=s == entry.status>{labels::status(l, s)}</option> })
        .collect_view();
    let categories = entry
        .kind
        .categories()
        .iter()
        .map(|c| view! { <option value=*c selected=entry.category == *c>{labels::category(l, entry.kind, c)}</option> })
        .collect_view();
    let merge = (!entry.duplicates.is_empty()).then(|| {
        let options = entry
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
    let flagged = (!entry.flagged.is_empty()).then(|| {
        let list = entry
            .flagged
            .iter()
            .map(|f| view! { <li><code>{f.clone()}</code></li> })
            .collect_view();
        view! { <div class="notice"><p>{t!(i18n, staff_flagged)}</p><ul>{list}</ul></div> }
    });
    // The resident's answer to the note: editable (to remove personal data) and to publish.
    let reply = entry.reply.clone().map(|r| {
        view! {
            <div class="field">
                <label for=field("reply")>{t!(i18n, staff_reply)}</label>
                <textarea id=field("reply") name="reply" rows="2" maxlength=MAX_REPLY_CHARS.to_string()>{crate::html::textarea_text(&r)}</textarea>
            </div>
            <input type="hidden" name="reply_shown" value="true" />
            <input type="hidden" name="reply_was" value=r.clone() />
            <label class="check"><input type="checkbox" name="reply_public" value="true" checked=entry.reply_public />{t!(i18n, staff_reply_publish)}</label>
        }
    });
    let talent = entry.talent.clone().map(|t| {
        view! {
            <p class="staff-talent"><strong>{t!(i18n, staff_talent)}</strong>" " {t}</p>
            <input type="hidden" name="talent_shown" value="true" />
            <label class="check"><input type="checkbox" name="talent_public" value="true" checked=entry.talent_public />{t!(i18n, staff_talent_publish)}</label>
        }
    });
    let heading = format!(
        "{}: {} · {}",
        labels::kind(l, entry.kind),
        labels::category(l, entry.kind, &entry.category),
        entry.created_at.get(..10).unwrap_or_default()
    );
    view! {
        <article class="queue-item" aria-label=heading.clone()>
            <h3>{heading.clone()}</h3>
            <p class="hint">
                {entry.area.clone().unwrap_or_else(|| t_string!(i18n, staff_no_area).to_string())}
                " · "<a href=format!("/melding/{}", entry.id)>{t!(i18n, staff_public_page)}</a>
                {entry.hidden.then(|| view! { " · "<strong>{t!(i18n, staff_hidden)}</strong> })}
            </p>
            {flagged}
            <form method="post" action=format!("/staff/melding/{}", entry.id)>
                <input type="hidden" name="csrf" value=csrf />
                {back.map(|b| view! { <input type="hidden" name="terug" value=b /> })}
                <div class="field">
                    <label for=field("text")>{t!(i18n, staff_text)}</label>
                    <textarea id=field("text") name="text" rows="4">{crate::html::textarea_text(&entry.text)}</textarea>
                    // What the page showed: a save after the resident changed it applies nothing.
                    <input type="hidden" name="text_was" value=entry.text.clone() />
                </div>
                {talent}
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
                    <p class="hint" id=field("note-hint")>{t!(i18n, staff_note_hint)}</p>
                    <input id=field("note") name="status_note" type="text" maxlength=MAX_NOTE.to_string()
                        value=entry.status_note.clone().unwrap_or_default() aria-describedby=field("note-hint") />
                    <input type="hidden" name="note_shown" value="true" />
                </div>
                {reply}
                {entry.photo.clone().map(|src| view! {
                    <figure class="queue-photo">
                        <img src=src alt=t_string!(i18n, staff_photo_alt) width="320" loading="lazy" />
                    </figure>
                    <input type="hidden" name="photo_shown" value="true" />
                    <label class="check"><input type="checkbox" name="photo_public" value="true" />{t!(i18n, staff_photo_publish)}</label>
                })}
                <label class="check"><input type="checkbox" name="text_public" value="true" checked=entry.text_public />{t!(i18n, staff_publish)}</label>
                <label class="check"><input type="checkbox" name="hidden" value="true" checked=entry.hidden />{t!(i18n, staff_hide)}</label>
                <button type="submit" class="button">{t!(i18n, staff_save)}</button>
            </form>
        </article>
    }
}
