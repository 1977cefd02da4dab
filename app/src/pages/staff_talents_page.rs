use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::staff_admin_page::staff_section;
use crate::i18n::*;
use crate::labels;
use crate::model::{
    gemeente_param, Kind, StaffBody, StaffView, TalentArea, TalentMatch, TalentsOverview,
    TalentsPage, WishCard,
};

/// `/staff/talenten?gemeente=`: a gemeente's wishes and the talents residents offer, side by side per
/// buurt, with suggested matches on top. Each wish links to its form in the staff search, where the
/// worker leaves the note the resident reads through their private link.
#[component]
pub fn StaffTalentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let gemeente = gemeente_param(use_query_map().get_untracked().get("gemeente").as_deref())
        .ok()
        .flatten();
    view! {
        <Title text=move || t_string!(i18n, talents_title).to_string() />
        <h1>{t!(i18n, talents_title)}</h1>
        {staff_section(StaffView::Talents(gemeente), move |d| {
            let StaffBody::Talents(page) = d.body else { return ().into_any() };
            view! { <Talents page=*page /> }.into_any()
        })}
    }
}

#[component]
fn Talents(page: TalentsPage) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = page.overview.as_ref().map(|o| o.gemeente.clone());
    let options = page
        .gemeenten
        .iter()
        .map(|(code, name)| {
            view! { <option value=code.clone() selected=chosen.as_deref() == Some(code.as_str())>{name.clone()}</option> }
        })
        .collect_view();
    view! {
        <p class="lead">{t!(i18n, talents_intro)}</p>
        <form method="get" action="/staff/talenten" class="filters">
            <div class="field">
                <label for="t-gemeente">{t!(i18n, f_gemeente)}</label>
                <select id="t-gemeente" name="gemeente">{options}</select>
            </div>
            <button type="submit" class="button">{t!(i18n, f_apply)}</button>
        </form>
        {page.overview.map(|o| view! { <Overview o /> })}
    }
}

#[component]
fn Overview(o: TalentsOverview) -> impl IntoView {
    let i18n = use_i18n();
    let empty = o.matches.is_empty();
    let matches = o
        .matches
        .into_iter()
        .map(|m| view! { <MatchItem m /> })
        .collect_view();
    let areas = o
        .areas
        .into_iter()
        .map(|a| view! { <Area a /> })
        .collect_view();
    // One form around the lists: ticked wishes and talents open the activity form with them.
    view! {
        <form method="get" action="/staff/activiteiten" class="pick-origins">
        <input type="hidden" name="gemeente" value=o.gemeente.clone() />
        <section aria-labelledby="matches">
            <h2 id="matches">{t!(i18n, talents_matches, area = o.gemeente_name.clone())}</h2>
            <p class="hint">{t!(i18n, talents_matches_hint)}</p>
            {if empty {
                view! { <p>{t!(i18n, talents_no_matches)}</p> }.into_any()
            } else {
                view! { <ul class="matches">{matches}</ul> }.into_any()
            }}
        </section>
        <h2>{t!(i18n, talents_per_area)}</h2>
        {areas}
        <button type="submit" class="button">{t!(i18n, talents_start_activity)}</button>
        </form>
    }
}

/// A wish in words: its theme and, where the resident wrote one, their text.
fn wish_words(l: Locale, w: &WishCard) -> String {
    let theme = labels::category(l, Kind::Wish, &w.category);
    match &w.text {
        Some(t) => format!("{theme}: “{t}”"),
        None => theme,
    }
}

fn note_link(id: &str) -> String {
    format!("/staff/meldingen?id={id}")
}

#[component]
fn MatchItem(m: TalentMatch) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let theme = labels::talent_theme(l, &m.theme);
    view! {
        <li class="match">
            <p>
                <Pick id=m.wish.id.clone() />
                <strong>{wish_words(l, &m.wish)}</strong>
                " — "{t!(i18n, talents_match_line, metres = m.metres, talent = m.talent.talent.clone(), theme = theme)}
            </p>
            <p>
                <a href=note_link(&m.wish.id)>{t!(i18n, talents_note_wish)}</a>
                " · "
                <Pick id=m.talent.id.clone() />
                <a href=note_link(&m.talent.id)>{t!(i18n, talents_note_talent)}</a>
            </p>
        </li>
    }
}

#[component]
fn Area(a: TalentArea) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let heading_id = format!("area-{}", a.code);
    let wishes = a
        .wishes
        .iter()
        .map(|w| {
            view! {
                <li>
                    <Pick id=w.id.clone() />
                    <a href=note_link(&w.id)>{wish_words(l, w)}</a>
                    " "<span class="hint">{format!("{} · {}", w.day, labels::status(l, w.status))}</span>
                </li>
            }
        })
        .collect_view();
    let talents = a
        .talents
        .iter()
        .map(|t| {
            let state = if t.public { t_string!(i18n, talents_public) } else { t_string!(i18n, talents_waiting) };
            view! { <li><Pick id=t.id.clone() /><a href=note_link(&t.id)>{t.talent.clone()}</a>" "<span class="hint">{state}</span></li> }
        })
        .collect_view();
    let no_talents = a.talents.is_empty();
    let labelled_by = heading_id.clone();
    view! {
        <section aria-labelledby=labelled_by class="talent-area">
            <h3 id=heading_id>{a.name.clone()}</h3>
            <div class="side-by-side">
                <div>
                    <h4>{t!(i18n, profile_wishes)}</h4>
                    <ul>{wishes}</ul>
                </div>
                <div>
                    <h4>{t!(i18n, talents_offered)}</h4>
                    {if no_talents {
                        view! { <p class="hint">{t!(i18n, talents_none)}</p> }.into_any()
                    } else {
                        view! { <ul>{talents}</ul> }.into_any()
                    }}
                </div>
            </div>
        </section>
    }
}

/// A box to tick an entry for a new activity (its label is the entry's link beside it).
#[component]
fn Pick(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let label = t_string!(i18n, talents_pick).to_string();
    view! { <input type="checkbox" name="uit" value=id aria-label=label class="pick" />" " }
}
