//! The staff pages besides the moderation queue: campaigns, events, accounts and the audit log. Plain forms
//! that post to `/staff/campagnes...` and `/staff/gebruikers...` (server/src/routes/staff_forms.rs
//! and campaign_form.rs); every page asks the server for its data with the session cookie.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::staff_view;
use crate::i18n::*;
use crate::labels;
use crate::model::{
    AuditRow, CampaignFields, CampaignFormState, CampaignRow, EventRow, EventStatus, EventsPage,
    Kind, QuestionFields, StaffAccount, StaffBody, StaffPageData, StaffView, Violation,
    OTHER_LANGUAGES, PHYSICAL_BARRIERS,
};

/// Links between the staff pages; admins see all of them.
#[component]
pub fn StaffNav(role: String) -> impl IntoView {
    let i18n = use_i18n();
    let admin = role == "admin";
    view! {
        <nav class="staff-nav" aria-label=move || t_string!(i18n, staff_nav).to_string()>
            <ul>
                <li><a href="/staff">{t!(i18n, staff_queue)}</a></li>
                <li><a href="/staff/meldingen">{t!(i18n, staff_entries)}</a></li>
                <li><a href="/staff/talenten">{t!(i18n, talents_title)}</a></li>
                <li><a href="/staff/activiteiten">{t!(i18n, sdyn_title)}</a></li>
                <li><a href="/staff/campagnes">{t!(i18n, staff_campaigns)}</a></li>
                {(admin || role == "worker").then(|| view! { <li><a href="/staff/evenementen">{t!(i18n, staff_events)}</a></li> })}
                {admin.then(|| view! {
                    <li><a href="/staff/gebruikers">{t!(i18n, staff_users)}</a></li>
                    <li><a href="/staff/logboek">{t!(i18n, staff_audit)}</a></li>
                })}
            </ul>
        </nav>
    }
}

/// The `?melding=` a form's answer came back with.
fn outcome_message() -> Option<impl IntoView> {
    let i18n = use_i18n();
    let outcome = use_query_map().get_untracked().get("melding")?;
    let (text, class) = match outcome.as_str() {
        "ongeldig" => (t_string!(i18n, staff_invalid).to_string(), "error-summary"),
        "bestaat" => (t_string!(i18n, staff_exists).to_string(), "error-summary"),
        "zelf" => (
            t_string!(i18n, staff_not_yourself).to_string(),
            "error-summary",
        ),
        "gewijzigd" => (
            t_string!(i18n, staff_changed_meanwhile).to_string(),
            "error-summary",
        ),
        "samengevoegd" => (t_string!(i18n, staff_merged).to_string(), "notice"),
        "verwijderd" => (t_string!(i18n, sdyn_deleted).to_string(), "notice"),
        _ => (t_string!(i18n, staff_saved).to_string(), "notice"),
    };
    Some(view! { <div class=class role="status"><p>{text}</p></div> })
}

/// Loads one staff view and renders it with `body`; without a session it points to the sign-in.
pub(super) fn staff_section<V: IntoView + 'static>(
    view: StaffView,
    body: impl Fn(StaffPageData) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(move || view.clone(), staff_view);
    view! {
        {outcome_message()}
        <Suspense>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(d)) if d.body == StaffBody::Forbidden => {
                            crate::pages::set_status(403);
                            view! {
                                <StaffNav role=d.role.clone() />
                                <p class="field-error">{t!(i18n, staff_forbidden)}</p>
                            }
                            .into_any()
                        }
                        Ok(Some(d)) => view! { <StaffNav role=d.role.clone() /> {body(d)} }.into_any(),
                        Ok(None) => {
                            crate::pages::set_status(401);
                            view! { <p><a href="/staff">{t!(i18n, staff_sign_in_first)}</a></p> }.into_any()
                        }
                        Err(_) => view! { <p class="field-error">{t!(i18n, err_unavailable)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/staff/logboek`: who did what, when (admins).
#[component]
pub fn StaffAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, staff_audit).to_string() />
        <h1>{t!(i18n, staff_audit)}</h1>
        {staff_section(StaffView::Audit, move |d| {
            let StaffBody::Audit(rows) = d.body else { return ().into_any() };
            let rows = rows
                .into_iter()
                .map(|AuditRow { at, email, action, detail }| view! {
                    <tr><td><time datetime=at.clone()>{at.get(..19).unwrap_or_default().replace('T', " ")}</time></td><td>{email}</td><td>{action}</td><td>{detail}</td></tr>
                })
                .collect_view();
            view! {
                <table class="data">
                    <caption>{t!(i18n, staff_audit_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, staff_col_when)}</th>
                        <th scope="col">{t!(i18n, staff_email)}</th>
                        <th scope="col">{t!(i18n, staff_col_action)}</th>
                        <th scope="col">{t!(i18n, staff_col_detail)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        })}
    }
}

fn role_options(selected: &str) -> impl IntoView {
    let i18n = use_i18n();
    [
        ("worker", t_string!(i18n, role_worker)),
        ("advisor", t_string!(i18n, role_advisor)),
        ("admin", t_string!(i18n, role_admin)),
    ]
    .into_iter()
    .map(|(v, label)| view! { <option value=v selected=selected == v>{label}</option> })
    .collect_view()
}

/// `/staff/gebruikers`: staff accounts, their role and gemeenten (admins).
#[component]
pub fn StaffUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, staff_users).to_string() />
        <h1>{t!(i18n, staff_users)}</h1>
        {staff_section(StaffView::Users, move |d| {
            let StaffBody::Users(users) = d.body else { return ().into_any() };
            let csrf = d.csrf.clone();
            let rows = users
                .into_iter()
                .map(|u| view! { <UserRow u csrf=csrf.clone() /> })
                .collect_view();
            view! {
                <table class="data">
                    <caption>{t!(i18n, staff_users_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, staff_email)}</th>
                        <th scope="col">{t!(i18n, staff_col_role)}</th>
                        <th scope="col">{t!(i18n, staff_col_gemeenten)}</th>
                        <th scope="col">{t!(i18n, staff_col_disabled)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, staff_save)}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <h2>{t!(i18n, staff_add_user)}</h2>
                <form method="post" action="/staff/gebruikers" class="staff-form">
                    <input type="hidden" name="csrf" value=d.csrf.clone() />
                    <div class="field">
                        <label for="u-email">{t!(i18n, staff_email)}</label>
                        <input id="u-email" name="email" type="email" autocomplete="off" required />
                    </div>
                    <div class="field">
                        <label for="u-role">{t!(i18n, staff_col_role)}</label>
                        <select id="u-role" name="role">{role_options("worker")}</select>
                    </div>
                    <div class="field">
                        <label for="u-gemeenten">{t!(i18n, staff_col_gemeenten)}</label>
                        <p class="hint" id="u-gemeenten-hint">{t!(i18n, staff_gemeenten_hint)}</p>
                        <input id="u-gemeenten" name="gemeenten" type="text" aria-describedby="u-gemeenten-hint" />
                    </div>
                    <div class="field">
                        <label for="u-password">{t!(i18n, staff_first_password)}</label>
                        <p class="hint" id="u-password-hint">{t!(i18n, staff_password_hint)}</p>
                        <input id="u-password" name="password" type="password" autocomplete="new-password" minlength="12" required aria-describedby="u-password-hint" />
                    </div>
                    <button type="submit" class="button primary">{t!(i18n, staff_add_user)}</button>
                </form>
            }
            .into_any()
        })}
    }
}

#[component]
fn UserRow(u: StaffAccount, csrf: String) -> impl IntoView {
    let i18n = use_i18n();
    let form = format!("user-{}", u.id);
    let id = |name: &str| format!("{name}-{}", u.id);
    view! {
        <tr>
            <th scope="row">{u.email.clone()}</th>
            <td>
                <label class="visually-hidden" for=id("role")>{t!(i18n, staff_col_role)}</label>
                <select id=id("role") name="role" form=form.clone()>{role_options(&u.role)}</select>
            </td>
            <td>
                <label class="visually-hidden" for=id("gemeenten")>{t!(i18n, staff_col_gemeenten)}</label>
                <input id=id("gemeenten") name="gemeenten" type="text" value=u.gemeenten.clone() form=form.clone() size="14" />
            </td>
            <td>
                <label class="check"><input type="checkbox" name="disabled" value="true" checked=u.disabled form=form.clone() />{t!(i18n, staff_col_disabled)}</label>
            </td>
            <td>
                <form id=form method="post" action=format!("/staff/gebruikers/{}", u.id)>
                    <input type="hidden" name="csrf" value=csrf />
                    <button type="submit" class="button">{t!(i18n, staff_save)}</button>
                </form>
            </td>
        </tr>
    }
}

/// `/staff/campagnes`: the campaigns this staff member works with (admins: all, and they edit).
#[component]
pub fn StaffCampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, staff_campaigns).to_string() />
        <h1>{t!(i18n, staff_campaigns)}</h1>
        {staff_section(StaffView::Campaigns, move |d| {
            let StaffBody::Campaigns(list) = d.body else { return ().into_any() };
            let admin = d.role == "admin";
            let rows = list
                .into_iter()
                .map(|c: CampaignRow| {
                    let period = format!(
                        "{} – {}",
                        c.starts_on.map(|d| d.to_string()).unwrap_or_default(),
                        c.ends_on.map(|d| d.to_string()).unwrap_or_default()
                    );
                    let state = if c.open { t_string!(i18n, staff_campaign_open) } else { t_string!(i18n, staff_campaign_closed) };
                    let scope = if c.gemeenten.is_empty() { t_string!(i18n, staff_everywhere).to_string() } else { c.gemeenten.join(", ") };
                    view! {
                        <tr>
                            <th scope="row">
                                {if admin {
                                    view! { <a href=format!("/staff/campagnes/{}", c.id)>{c.title.clone()}</a> }.into_any()
                                } else {
                                    view! { <span>{c.title.clone()}</span> }.into_any()
                                }}
                            </th>
                            <td><a href=format!("/campagne/{}", c.id)>{format!("/campagne/{}", c.id)}</a></td>
                            <td>{state}</td>
                            <td>{period}</td>
                            <td>{scope}</td>
                            <td class="num">{c.responses}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                {admin.then(|| view! { <p><a class="button primary" href="/staff/campagnes/nieuw">{t!(i18n, staff_new_campaign)}</a></p> })}
                <table class="data">
                    <caption>{t!(i18n, staff_campaigns_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, staff_col_title)}</th>
                        <th scope="col">{t!(i18n, staff_col_link)}</th>
                        <th scope="col">{t!(i18n, staff_col_state)}</th>
                        <th scope="col">{t!(i18n, staff_col_period)}</th>
                        <th scope="col">{t!(i18n, staff_col_gemeenten)}</th>
                        <th scope="col">{t!(i18n, staff_col_responses)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
            .into_any()
        })}
    }
}

/// `/staff/campagnes/{id}` (`nieuw` for a new one): a campaign's settings and survey (admins).
#[component]
pub fn StaffCampaignPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let new = id == "nieuw";
    let returned = use_context::<CampaignFormState>();
    let view_of = StaffView::Campaign((!new).then(|| id.clone()));
    view! {
        <Title text=move || t_string!(i18n, staff_campaign).to_string() />
        <h1>{if new { t!(i18n, staff_new_campaign).into_any() } else { t!(i18n, staff_campaign).into_any() }}</h1>
        {staff_section(view_of, move |d| {
            let StaffBody::Campaign(fields) = d.body else { return ().into_any() };
            let (fields, violations) = match returned.clone() {
                Some(r) => (Some(Box::new(r.fields)), r.violations),
                None => (fields, Vec::new()),
            };
            match fields {
                Some(fields) => view! { <CampaignForm fields=*fields violations csrf=d.csrf.clone() new /> }.into_any(),
                None => {
                    crate::pages::set_status(404);
                    view! { <p>{t!(i18n, staff_no_campaign)}</p> }.into_any()
                }
            }
        })}
    }
}

/// The message for a campaign field (`title.nl`, `questions.2.options`), if it is wrong.
fn problem(l: Locale, violations: &[Violation], field: &str) -> Option<String> {
    violations
        .iter()
        .find(|v| v.field == field || v.field.starts_with(&format!("{field}.")))
        .map(|v| match v.rule {
            crate::model::Rule::BeforeStart => td_string!(l, staff_err_before_start).to_string(),
            _ => labels::violation(l, v),
        })
}

#[component]
fn CampaignForm(
    fields: CampaignFields,
    violations: Vec<Violation>,
    csrf: String,
    new: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let err = |field: &str| {
        problem(l, &violations, field).map(|m| view! { <p class="field-error">{m}</p> })
    };
    let action = if new {
        "/staff/campagnes/nieuw".to_string()
    } else {
        format!("/staff/campagnes/{}", fields.id)
    };
    let summary = (!violations.is_empty()).then(|| {
        let items = violations
            .iter()
            .map(|v| view! { <li><code>{v.field.clone()}</code> ": " {v.rule.message()}</li> })
            .collect_view();
        view! {
            <div class="error-summary" id="error-summary" role="alert" tabindex="-1">
                <h2>{t!(i18n, form_error_summary)}</h2>
                <ul>{items}</ul>
            </div>
        }
    });
    let kinds = Kind::ALL
        .into_iter()
        .map(|k| {
            let checked = fields.kinds.iter().any(|x| x == k.as_str());
            let cats = k
                .categories()
                .iter()
                .map(|c| {
                    let id = format!("c-{}-{c}", k.as_str());
                    let for_id = id.clone();
                    let checked = fields.categories.iter().any(|x| x == c);
                    let group = if k == Kind::Barrier && !PHYSICAL_BARRIERS.contains(c) { "social" } else { "" };
                    view! {
                        <label class="check" for=for_id data-group=group>
                            <input type="checkbox" id=id name="categories" value=*c checked=checked />
                            {labels::category(l, k, c)}
                        </label>
                    }
                })
                .collect_view();
            let kid = format!("k-{}", k.as_str());
            let for_kid = kid.clone();
            view! {
                <fieldset class="group">
                    <legend>
                        <label class="check" for=for_kid>
                            <input type="checkbox" id=kid name="kinds" value=k.as_str() checked=checked />
                            {labels::kind(l, k)}
                        </label>
                    </legend>
                    {err(&format!("categories.{}", k.as_str()))}
                    <div class="choices compact">{cats}</div>
                </fieldset>
            }
        })
        .collect_view();
    let questions = fields
        .questions
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, q)| view! { <QuestionSlot i q violations=violations.clone() /> })
        .collect_view();
    let text =
        |id: &'static str, label: String, value: String, field: &str, hint: Option<String>| {
            let hint_id = format!("{id}-hint");
            view! {
                <div class="field">
                    <label for=id>{label}</label>
                    {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                    {err(field)}
                    <input id=id name=id type="text" value=value />
                </div>
            }
        };
    view! {
        {summary}
        <form method="post" action=action class="staff-form campaign-form" novalidate>
            <input type="hidden" name="csrf" value=csrf />
            {if new {
                text("id", t_string!(i18n, staff_campaign_id).to_string(), fields.id.clone(), "id", Some(t_string!(i18n, staff_campaign_id_hint).to_string())).into_any()
            } else {
                view! { <input type="hidden" name="id" value=fields.id.clone() /> <p>{t!(i18n, staff_col_link)} ": " <a href=format!("/campagne/{}", fields.id)>{format!("/campagne/{}", fields.id)}</a></p> }.into_any()
            }}
            {text("title_nl", t_string!(i18n, staff_title_nl).to_string(), fields.title_nl.clone(), "title.nl", None)}
            {text("title_en", t_string!(i18n, staff_title_en).to_string(), fields.title_en.clone(), "title.en", None)}
            <div class="field">
                <label for="intro_nl">{t!(i18n, staff_intro_nl)}</label>
                {err("intro.nl")}
                <textarea id="intro_nl" name="intro_nl" rows="3">{crate::html::textarea_text(&fields.intro_nl)}</textarea>
            </div>
            <div class="field">
                <label for="intro_en">{t!(i18n, staff_intro_en)}</label>
                {err("intro.en")}
                <textarea id="intro_en" name="intro_en" rows="3">{crate::html::textarea_text(&fields.intro_en)}</textarea>
            </div>
            <details class="field other-languages" open=fields.title_other.values().chain(fields.intro_other.values()).any(|t| !t.trim().is_empty())>
                <summary>{t!(i18n, staff_other_languages)}</summary>
                <p class="hint">{t!(i18n, staff_other_languages_hint)}</p>
                {OTHER_LANGUAGES.iter().map(|&lang| {
                    let name = crate::i18n::Locale::get_all()
                        .iter()
                        .find(|l| l.as_str() == lang)
                        .map(|&l| td_string!(l, language_name).to_string())
                        .unwrap_or_default();
                    let (title_id, intro_id) = (format!("title_{lang}"), format!("intro_{lang}"));
                    let (title_for, intro_for) = (title_id.clone(), intro_id.clone());
                    let title = fields.title_other.get(lang).cloned().unwrap_or_default();
                    let intro = fields.intro_other.get(lang).cloned().unwrap_or_default();
                    let dir = if lang == "ar" { "rtl" } else { "ltr" };
                    view! {
                        <fieldset class="subgroup" lang=lang dir=dir>
                            <legend>{name}</legend>
                            {err(&format!("title.{lang}"))}
                            <label for=title_for>{t!(i18n, staff_other_title)}</label>
                            <input id=title_id.clone() name=title_id type="text" value=title />
                            {err(&format!("intro.{lang}"))}
                            <label for=intro_for>{t!(i18n, staff_other_intro)}</label>
                            <textarea id=intro_id.clone() name=intro_id rows="2">{crate::html::textarea_text(&intro)}</textarea>
                        </fieldset>
                    }
                }).collect_view()}
            </details>
            <div class="field-row">
                <div class="field">
                    <label for="starts_on">{t!(i18n, staff_starts_on)}</label>
                    {err("starts_on")}
                    <input id="starts_on" name="starts_on" type="date" value=fields.starts_on.clone() />
                </div>
                <div class="field">
                    <label for="ends_on">{t!(i18n, staff_ends_on)}</label>
                    {err("ends_on")}
                    <input id="ends_on" name="ends_on" type="date" value=fields.ends_on.clone() />
                </div>
            </div>
            {text("gemeenten", t_string!(i18n, staff_col_gemeenten).to_string(), fields.gemeenten.clone(), "gemeenten", Some(t_string!(i18n, staff_campaign_gemeenten_hint).to_string()))}
            <fieldset class="group">
                <legend class="question">{t!(i18n, staff_campaign_kinds)}</legend>
                {err("kinds")}
                {kinds}
            </fieldset>
            <div class="field-row">
                <div class="field">
                    <label for="k">{t!(i18n, staff_campaign_k)}</label>
                    <p class="hint" id="k-hint">{t!(i18n, staff_campaign_k_hint)}</p>
                    {err("k")}
                    <input id="k" name="k" type="number" min="5" max="50" value=fields.k.clone() aria-describedby="k-hint" />
                </div>
                <div class="field">
                    <label for="retention_days">{t!(i18n, staff_retention)}</label>
                    <p class="hint" id="retention-hint">{t!(i18n, staff_retention_hint)}</p>
                    {err("retention_days")}
                    <input id="retention_days" name="retention_days" type="number" min="1" max="3650" value=fields.retention_days.clone() aria-describedby="retention-hint" />
                </div>
            </div>
            <div class="field">
                <label for="status">{t!(i18n, staff_col_state)}</label>
                <select id="status" name="status">
                    <option value="open" selected=fields.status != "closed">{t!(i18n, staff_campaign_open)}</option>
                    <option value="closed" selected=fields.status == "closed">{t!(i18n, staff_campaign_closed)}</option>
                </select>
            </div>
            <h2>{t!(i18n, staff_survey)}</h2>
            <p class="hint">{t!(i18n, staff_survey_hint)}</p>
            {err("questions")}
            {questions}
            <label class="check"><input type="checkbox" name="demographics" value="true" checked=fields.demographics />{t!(i18n, staff_demographics)}</label>
            <p><button type="submit" class="button primary">{t!(i18n, staff_save)}</button></p>
        </form>
    }
}

#[component]
fn QuestionSlot(i: usize, q: QuestionFields, violations: Vec<Violation>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    // Violations name form slots (CampaignFields::to_campaign maps them).
    let field = format!("questions.{i}");
    let err = move |f: &str| {
        problem(l, &violations, &format!("{field}.{f}"))
            .map(|m| view! { <p class="field-error">{m}</p> })
    };
    let name = |f: &str| format!("q{i}_{f}");
    let types = [
        ("", t_string!(i18n, staff_q_unused)),
        ("single", t_string!(i18n, staff_q_single)),
        ("multiple", t_string!(i18n, staff_q_multiple)),
        ("scale", t_string!(i18n, staff_q_scale)),
        ("number", t_string!(i18n, staff_q_number)),
        ("text", t_string!(i18n, staff_q_text)),
    ]
    .into_iter()
    .map(|(v, label)| view! { <option value=v selected=q.kind == v>{label}</option> })
    .collect_view();
    view! {
        <fieldset class="group question-slot">
            <legend>{t!(i18n, staff_question, n = i + 1)}</legend>
            <input type="hidden" name=name("id") value=q.id.clone() />
            <div class="field">
                <label for=name("type")>{t!(i18n, staff_q_type)}</label>
                {err("type")}
                <select id=name("type") name=name("type")>{types}</select>
            </div>
            <div class="field">
                <label for=name("nl")>{t!(i18n, staff_q_text_nl)}</label>
                {err("text")}
                <input id=name("nl") name=name("nl") type="text" value=q.nl.clone() />
            </div>
            <div class="field">
                <label for=name("en")>{t!(i18n, staff_q_text_en)}</label>
                <input id=name("en") name=name("en") type="text" value=q.en.clone() />
            </div>
            // The question in the other languages residents read the survey in (empty: Dutch).
            <details class="field other-languages" open=q.other.values().any(|t| !t.trim().is_empty())>
                <summary>{t!(i18n, staff_q_other_languages)}</summary>
                {OTHER_LANGUAGES.iter().map(|&lang| {
                    let language = crate::i18n::Locale::get_all()
                        .iter()
                        .find(|l| l.as_str() == lang)
                        .map(|&l| td_string!(l, language_name).to_string())
                        .unwrap_or_default();
                    let id = name(lang);
                    let dir = if lang == "ar" { "rtl" } else { "ltr" };
                    view! {
                        <div class="field" lang=lang dir=dir>
                            <label for=id.clone()>{language}</label>
                            <input id=id.clone() name=id type="text" value=q.other.get(lang).cloned().unwrap_or_default() />
                        </div>
                    }
                }).collect_view()}
            </details>
            <div class="field">
                <label for=name("options")>{t!(i18n, staff_q_options)}</label>
                <p class="hint" id=name("options-hint")>{t!(i18n, staff_q_options_hint)}</p>
                {err("options")}
                <textarea id=name("options") name=name("options") rows="3" aria-describedby=name("options-hint")>{crate::html::textarea_text(&q.options)}</textarea>
            </div>
            <div class="field-row">
                <div class="field">
                    <label for=name("min")>{t!(i18n, staff_q_min)}</label>
                    {err("min")}
                    <input id=name("min") name=name("min") type="number" value=q.min.clone() />
                </div>
                <div class="field">
                    <label for=name("max")>{t!(i18n, staff_q_max)}</label>
                    {err("max")}
                    <input id=name("max") name=name("max") type="number" value=q.max.clone() />
                </div>
            </div>
            <label class="check"><input type="checkbox" name=name("required") value="true" checked=q.required />{t!(i18n, staff_q_required)}</label>
        </fieldset>
    }
}

/// `/staff/evenementen` (workers): new events, and per event its kiosk link for the tablet, the QR
/// code and printable poster for residents' own phones, paper forms, and closing it.
#[component]
pub fn StaffEventsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, staff_events).to_string() />
        <h1>{t!(i18n, staff_events)}</h1>
        {staff_section(StaffView::Events, move |d| {
            let StaffBody::Events(EventsPage { events, campaigns }) = d.body else { return ().into_any() };
            let csrf = d.csrf.clone();
            let options = campaigns
                .into_iter()
                .map(|(id, title)| view! { <option value=id>{title}</option> })
                .collect_view();
            let rows = events
                .into_iter()
                .map(|row| view! { <EventCard row csrf=csrf.clone() /> })
                .collect_view();
            view! {
                <section class="staff-form" aria-labelledby="new-event">
                    <h2 id="new-event">{t!(i18n, staff_event_new)}</h2>
                    <form method="post" action="/staff/evenementen" class="event-form">
                        <input type="hidden" name="csrf" value=d.csrf.clone() />
                        <p><label for="ev-campaign">{t!(i18n, staff_event_campaign)}</label>
                            <select id="ev-campaign" name="campaign">{options}</select></p>
                        <p><label for="ev-name">{t!(i18n, staff_event_name)}</label>
                            <input id="ev-name" name="name" type="text" required maxlength="120" /></p>
                        <p><label for="ev-place">{t!(i18n, staff_event_place)}</label>
                            <input id="ev-place" name="place" type="text" maxlength="160" /></p>
                        <p><label for="ev-day">{t!(i18n, staff_event_day)}</label>
                            <input id="ev-day" name="day" type="date" required /></p>
                        <button type="submit" class="button primary">{t!(i18n, staff_event_create)}</button>
                    </form>
                </section>
                <div class="event-list">{rows}</div>
            }
            .into_any()
        })}
    }
}

#[component]
fn EventCard(row: EventRow, csrf: String) -> impl IntoView {
    let i18n = use_i18n();
    let e = row.event;
    let open = e.status == EventStatus::Open;
    let paper = |kind: Kind| {
        format!(
            "/meedoen/{}?c={}&papier={}",
            crate::components::entry_form::kind_slug(kind),
            e.campaign,
            e.id
        )
    };
    let (place_form, barrier_form, wish_form) =
        (paper(Kind::Place), paper(Kind::Barrier), paper(Kind::Wish));
    view! {
        <article class="event-card" id=format!("evenement-{}", e.id)>
            <h2>{e.name.clone()}</h2>
            <p class="hint">{row.campaign_title} " · " {e.place.clone()} " · " {e.day.to_string()} " · "
                {if open { t_string!(i18n, staff_campaign_open) } else { t_string!(i18n, staff_campaign_closed) }}</p>
            <p>{t!(i18n, staff_event_entries, n = e.entries)}</p>
            <h3>{t!(i18n, staff_event_kiosk)}</h3>
            <p class="hint">{t!(i18n, staff_event_kiosk_hint)}</p>
            <p><a href=e.kiosk_path() class="event-kiosk-link">{e.kiosk_path()}</a></p>
            <h3>{t!(i18n, staff_event_qr)}</h3>
            <img class="event-qr" src=format!("/staff/evenementen/{}/qr.svg", e.id) alt=t_string!(i18n, staff_event_qr_alt).to_string() width="200" height="200" />
            <p><a href=format!("/staff/evenementen/{}/poster", e.id) class="button secondary">{t!(i18n, staff_event_poster)}</a></p>
            <h3>{t!(i18n, staff_event_paper)}</h3>
            <ul>
                <li><a href=place_form>{t!(i18n, home_place_title)}</a></li>
                <li><a href=barrier_form>{t!(i18n, home_barrier_title)}</a></li>
                <li><a href=wish_form>{t!(i18n, home_wish_title)}</a></li>
            </ul>
            <form method="post" action=format!("/staff/evenementen/{}/status", e.id)>
                <input type="hidden" name="csrf" value=csrf />
                <input type="hidden" name="status" value=if open { "closed" } else { "open" } />
                <button type="submit" class="button secondary">
                    {if open { t_string!(i18n, staff_event_close) } else { t_string!(i18n, staff_event_reopen) }}
                </button>
            </form>
        </article>
    }
}
