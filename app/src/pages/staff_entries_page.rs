use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::staff_admin_page::staff_section;
use crate::components::staff_entry::StaffEntryForm;
use crate::html::query_string;
use crate::i18n::*;
use crate::labels;
use crate::model::{EntriesPage, EntrySearch, Kind, StaffBody, StaffView, Status};

/// `/staff/meldingen?kind=&category=&status=&area=&text=&from=&to=&page=`: every entry of the staff
/// member's gemeenten (hidden ones too), newest first, searchable; each with the form that sets its
/// status and note, publishes the resident's words or hides it.
#[component]
pub fn StaffEntriesPage() -> impl IntoView {
    let i18n = use_i18n();
    let pairs: Vec<(String, String)> = use_query_map()
        .get_untracked()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let search = EntrySearch::from_pairs(&pairs).map_err(|b| format!("{}: {}", b.field, b.message));
    view! {
        <Title text=move || t_string!(i18n, staff_entries).to_string() />
        <h1>{t!(i18n, staff_entries)}</h1>
        {staff_section(StaffView::Entries(search), move |d| {
            let StaffBody::Entries(page) = d.body else { return ().into_any() };
            view! { <Entries page=*page csrf=d.csrf.clone() /> }.into_any()
        })}
    }
}

#[component]
fn Entries(page: EntriesPage, csrf: String) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let s = page.search.clone();
    let back = query_string(&s.to_pairs());
    let kinds = Kind::ALL
        .iter()
        .map(|k| view! { <option value=k.as_str() selected=s.kind == Some(*k)>{labels::kind(l, *k)}</option> })
        .collect_view();
    let categories = Kind::ALL
        .iter()
        .filter(|k| s.kind.is_none_or(|kind| kind == **k))
        .flat_map(|k| k.categories().iter().map(move |c| (*k, *c)))
        .map(|(k, c)| {
            let label = format!("{} · {}", labels::kind(l, k), labels::category(l, k, c));
            view! { <option value=c selected=s.category.as_deref() == Some(c)>{label}</option> }
        })
        .collect_view();
    let statuses = Status::ALL
        .into_iter()
        .map(|st| view! { <option value=st.as_str() selected=s.status == Some(st)>{labels::status(l, st)}</option> })
        .collect_view();
    let areas = page
        .areas
        .iter()
        .map(|(code, name)| {
            let label = format!("{name} ({code})");
            view! { <option value=code.clone() selected=s.area.as_deref() == Some(code.as_str())>{label}</option> }
        })
        .collect_view();
    let page_link = |n: u32| {
        let mut next = s.clone();
        next.page = n;
        format!("/staff/meldingen?{}", query_string(&next.to_pairs()))
    };
    let previous = (s.page > 0).then(|| page_link(s.page - 1));
    let next = page.more.then(|| page_link(s.page + 1));
    let empty = page.entries.is_empty();
    let items = page
        .entries
        .into_iter()
        .map(|entry| view! { <li><StaffEntryForm entry csrf=csrf.clone() back=Some(back.clone()) /></li> })
        .collect_view();
    view! {
        <form method="get" action="/staff/meldingen" class="filters staff-search" role="search">
            <div class="field">
                <label for="se-kind">{t!(i18n, f_kind)}</label>
                <select id="se-kind" name="kind"><option value="">{t!(i18n, f_all_kinds)}</option>{kinds}</select>
            </div>
            <div class="field">
                <label for="se-category">{t!(i18n, f_category)}</label>
                <select id="se-category" name="category"><option value="">{t!(i18n, f_all_categories)}</option>{categories}</select>
            </div>
            <div class="field">
                <label for="se-status">{t!(i18n, map_col_status)}</label>
                <select id="se-status" name="status"><option value="">{t!(i18n, staff_every_status)}</option>{statuses}</select>
            </div>
            <div class="field">
                <label for="se-area">{t!(i18n, col_area)}</label>
                <select id="se-area" name="area"><option value="">{t!(i18n, staff_every_area)}</option>{areas}</select>
            </div>
            <div class="field">
                <label for="se-text">{t!(i18n, staff_search_text)}</label>
                <input id="se-text" name="text" type="search" maxlength="100" value=s.text.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="se-from">{t!(i18n, staff_search_from)}</label>
                <input id="se-from" name="from" type="date" value=s.from.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="se-to">{t!(i18n, staff_search_to)}</label>
                <input id="se-to" name="to" type="date" value=s.to.clone().unwrap_or_default() />
            </div>
            <button type="submit" class="button">{t!(i18n, staff_search)}</button>
        </form>
        {page.problem.map(|p| view! {
            <div class="error-summary" role="alert"><p>{t!(i18n, insight_bad_filter)}": "{p}</p></div>
        })}
        {if empty {
            view! { <p>{t!(i18n, staff_entries_none)}</p> }.into_any()
        } else {
            view! { <ul class="queue">{items}</ul> }.into_any()
        }}
        <nav class="pages" aria-label=t_string!(i18n, staff_pages)>
            {previous.map(|href| view! { <a href=href rel="prev">{t!(i18n, staff_previous)}</a> })}
            " "
            {next.map(|href| view! { <a href=href rel="next">{t!(i18n, staff_next)}</a> })}
        </nav>
    }
}
