//! The staff page's plain HTML forms (`/staff`): sign in, sign out, moderate one entry, staff
//! accounts. They go through the same service as the API (sign-in limit, moderation rules) behind
//! [`StaffForm`] (session, role, the form's CSRF token) and answer with a 303 back to
//! `/staff?melding=...`; a missing session or wrong role gets the API's 401/403.

use app::model::{EntrySearch, Moderation, Status};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::abuse::Client;
use super::error::ApiError;
use super::extract::{Admins, AnyStaff, Moderators, NotCrossSite, StaffForm};
use super::staff::session_cookies;
use crate::auth;
use crate::domain::roles::split_codes;
use crate::service::{Service, ServiceError};

pub fn router() -> Router<Service> {
    Router::new()
        .route("/staff/inloggen", post(sign_in))
        .route("/staff/uitloggen", post(sign_out))
        .route("/staff/melding/{id}", post(moderate))
        .route("/staff/gebruikers", post(add_user))
        .route("/staff/gebruikers/{id}", post(change_user))
}

fn back(outcome: &str) -> Response {
    back_to("/staff", outcome)
}

fn back_to(page: &str, outcome: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("{page}?melding={outcome}"))],
    )
        .into_response()
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

async fn sign_in(
    State(svc): State<Service>,
    not_cross_site: Result<NotCrossSite, ApiError>,
    Client(client): Client,
    headers: HeaderMap,
    Form(f): Form<SignIn>,
) -> Response {
    if let Err(refused) = not_cross_site {
        return refused.into_response();
    }
    let device = crate::cookies::value(&headers, auth::DEVICE_COOKIE);
    match svc.sign_in(client, device, &f.email, &f.password).await {
        Ok(signed) => {
            let [session, device] = session_cookies(&svc, &signed);
            (
                StatusCode::SEE_OTHER,
                axum::response::AppendHeaders([
                    session,
                    device,
                    (header::LOCATION, "/staff".to_string()),
                ]),
            )
                .into_response()
        }
        Err(ServiceError::TooManyAttempts { .. }) => back("teveel"),
        Err(ServiceError::SignInRefused(_)) => back("fout"),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A form that carries nothing but its CSRF token.
#[derive(Deserialize)]
struct Csrf {
    csrf: Option<String>,
}

async fn sign_out(
    State(svc): State<Service>,
    headers: HeaderMap,
    StaffForm { staff, .. }: StaffForm<AnyStaff, Csrf>,
) -> Result<Response, ApiError> {
    svc.sign_out(&staff.user, auth::cookie_token(&headers).as_deref())
        .await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                auth::expired_cookie(svc.secure_cookies()),
            ),
            (header::LOCATION, "/staff".to_string()),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
struct ModerationForm {
    csrf: Option<String>,
    text: Option<String>,
    status: Option<String>,
    status_note: Option<String>,
    text_public: Option<String>,
    hidden: Option<String>,
    /// Present when the form showed a waiting photo, so its unchecked box means "not public".
    photo_shown: Option<String>,
    photo_public: Option<String>,
    category: Option<String>,
    /// The id of the entry this one duplicates (empty: none).
    merge_into: Option<String>,
    /// Present when the form showed the current note, so an empty note removes it.
    note_shown: Option<String>,
    reply: Option<String>,
    /// The text and reply as the form showed them (see `Moderation::text_was`).
    text_was: Option<String>,
    reply_was: Option<String>,
    /// Present when the form showed the resident's reply, so its unchecked box means "not public".
    reply_shown: Option<String>,
    reply_public: Option<String>,
    /// Present when the form showed a wish's talent.
    talent_shown: Option<String>,
    talent_public: Option<String>,
    /// The search of `/staff/meldingen` the form came from (its query string).
    terug: Option<String>,
}

/// One entry's form: the text as edited, the status with its note (the form shows the current
/// one: an empty note removes it), the resident's reply, the checkboxes (unchecked means no), and
/// the entry it duplicates if any. Back to the queue, or to the search it came from.
async fn moderate(
    State(svc): State<Service>,
    Path(id): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<Moderators, ModerationForm>,
) -> Result<Response, ApiError> {
    // Only a search this page could have made goes into the address: read, then written anew.
    let page = match f.terug.as_deref() {
        None => "/staff".to_string(),
        Some(q) => {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap_or_default();
            let search = EntrySearch::from_pairs(&pairs).unwrap_or_default();
            let query = app::html::query_string(&search.to_pairs());
            format!("/staff/meldingen?{query}")
        }
    };
    let back = |outcome: &str| {
        let join = if page.ends_with('?') {
            ""
        } else if page.contains('?') {
            "&"
        } else {
            "?"
        };
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("{page}{join}melding={outcome}"))],
        )
            .into_response()
    };
    // An unknown entry or one outside the moderator's gemeenten is answered as such (404, 403)
    // whatever the form holds.
    svc.moderatable(&staff.user, &id).await?;
    let status = match f.status.as_deref() {
        None => None,
        Some(s) => match Status::parse(s) {
            Some(s) => Some(s),
            None => return Ok(back("ongeldig")),
        },
    };
    let merge_into = f.merge_into.filter(|m| !m.is_empty());
    let merging = merge_into.is_some();
    let m = Moderation {
        status,
        status_note: if f.note_shown.is_some() {
            Some(f.status_note.unwrap_or_default())
        } else {
            f.status_note.filter(|n| !n.trim().is_empty())
        },
        text_was: f.text_was,
        reply_was: f.reply_shown.as_ref().and(f.reply_was),
        reply: f.reply_shown.is_some().then(|| f.reply.unwrap_or_default()),
        reply_public: f.reply_shown.is_some().then_some(f.reply_public.is_some()),
        talent_public: f
            .talent_shown
            .is_some()
            .then_some(f.talent_public.is_some()),
        hidden: Some(f.hidden.is_some()),
        category: f.category.filter(|c| !c.is_empty()),
        text: f.text,
        text_public: Some(f.text_public.is_some()),
        photo_public: f.photo_shown.is_some().then_some(f.photo_public.is_some()),
        merge_into,
        confirmed: None,
    };
    match svc
        .moderate(&staff.user, &id, &m, Some("from the staff page"))
        .await
    {
        Ok(()) if merging => Ok(back("samengevoegd")),
        Ok(()) => Ok(back("opgeslagen")),
        Err(ServiceError::Invalid(_)) => Ok(back("ongeldig")),
        Err(ServiceError::Conflict(_)) => Ok(back("gewijzigd")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct NewUserForm {
    csrf: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    gemeenten: String,
    #[serde(default)]
    password: String,
}

/// Adds a staff member with a first password the admin passes on.
async fn add_user(
    State(svc): State<Service>,
    StaffForm { staff, form: f, .. }: StaffForm<Admins, NewUserForm>,
) -> Result<Response, ApiError> {
    let page = "/staff/gebruikers";
    let gemeenten = split_codes(&f.gemeenten.replace(' ', ","));
    match svc
        .add_user(&staff.user, &f.email, &f.role, &gemeenten, Some(f.password))
        .await
    {
        Ok(_) => Ok(back_to(page, "opgeslagen")),
        Err(ServiceError::Conflict(_)) => Ok(back_to(page, "bestaat")),
        Err(ServiceError::Field { .. }) => Ok(back_to(page, "ongeldig")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct UserForm {
    csrf: Option<String>,
    #[serde(default)]
    role: String,
    #[serde(default)]
    gemeenten: String,
    disabled: Option<String>,
}

async fn change_user(
    State(svc): State<Service>,
    Path(id): Path<String>,
    StaffForm { staff, form: f, .. }: StaffForm<Admins, UserForm>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let page = "/staff/gebruikers";
    let gemeenten = split_codes(&f.gemeenten.replace(' ', ","));
    match svc
        .change_user(&staff.user, id, &f.role, &gemeenten, f.disabled.is_some())
        .await
    {
        Ok(_) => Ok(back_to(page, "opgeslagen")),
        Err(ServiceError::OwnAccount) => Ok(back_to(page, "zelf")),
        Err(ServiceError::Field { .. }) => Ok(back_to(page, "ongeldig")),
        Err(e) => Err(e.into()),
    }
}

super::extract::csrf_field!(Csrf, ModerationForm, NewUserForm, UserForm);
