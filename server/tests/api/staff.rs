//! Staff accounts: `trefpunt user add`, signing in and out, sessions, CSRF, the limit on failed
//! sign-ins, raw exports and the audit log; and every protected route refusing the wrong caller,
//! walked from the same table the router is built from.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::Method;
use serde_json::{json, Value};
use server::domain::roles::Role;

use crate::helpers::*;

pub const PASSWORD: &str = "lang-genoeg-wachtwoord";

/// `trefpunt user add --role ROLE EMAIL --password-stdin`, as an operator runs it.
pub fn add_staff(app: &TestApp, role: &str, email: &str) {
    add_staff_in(app, role, email, &[]);
}

/// The same, for a staff member working in `gemeenten`.
pub fn add_staff_in(app: &TestApp, role: &str, email: &str, gemeenten: &[&str]) {
    let mut args = vec!["user", "add", "--role", role, "--password-stdin"];
    for g in gemeenten {
        args.extend(["--gemeente", g]);
    }
    args.push(email);
    let mut child = Command::new(env!("CARGO_BIN_EXE_trefpunt"))
        .args(&args)
        .env("TREFPUNT_DATABASE_URL", &app.db_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run trefpunt user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A signed-in staff member: the cookie to send and the session's CSRF token.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The `name=value` of the session cookie a response sets.
pub fn cookie_pair(res: &reqwest::Response) -> String {
    let set = res.headers()[SET_COOKIE].to_str().expect("cookie");
    set.split(';').next().expect("pair").to_string()
}

pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("post")
}

pub async fn session(app: &TestApp, email: &str) -> Session {
    let res = sign_in(app, email, PASSWORD).await;
    assert_eq!(res.status(), 200);
    let cookie = cookie_pair(&res);
    let body: Value = res.json().await.expect("json");
    Session {
        cookie,
        csrf: body["csrf"].as_str().expect("csrf").to_string(),
    }
}

pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    session: Option<&Session>,
    csrf: bool,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method, app.url(&format!("/api/v1{path}")));
    if let Some(s) = session {
        req = req.header(COOKIE, &s.cookie);
        if csrf {
            req = req.header("x-csrf-token", &s.csrf);
        }
    }
    req.json(&json!({})).send().await.expect("request")
}

/// A state-changing staff API call with a JSON body, as a signed-in staff member (session and CSRF
/// token). `path` is under `/api/v1`.
pub async fn send_json(
    app: &TestApp,
    method: Method,
    path: &str,
    s: &Session,
    body: &Value,
) -> reqwest::Response {
    app.client
        .request(method, app.url(&format!("/api/v1{path}")))
        .header(COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .json(body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn staff_sign_in_hold_a_session_and_sign_out() {
    let app = spawn_app().await;
    add_staff(&app, "admin", "beheer@gemeente.nl");

    assert_eq!(
        sign_in(&app, "beheer@gemeente.nl", "fout-wachtwoord-1")
            .await
            .status(),
        401
    );
    assert_eq!(
        sign_in(&app, "niemand@gemeente.nl", PASSWORD)
            .await
            .status(),
        401
    );
    let res = sign_in(&app, "Beheer@Gemeente.nl", PASSWORD).await;
    assert_eq!(res.status(), 200, "e-mail addresses are not case-sensitive");
    let cookie = res.headers()[SET_COOKIE]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(cookie.starts_with("trefpunt_staff="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http on localhost: {cookie}"
    );

    let s = session(&app, "beheer@gemeente.nl").await;
    let me: Value = call(&app, Method::GET, "/session", Some(&s), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["role"], "admin");
    // Signing out changes state: it needs the CSRF token.
    assert_eq!(
        call(&app, Method::DELETE, "/session", Some(&s), false)
            .await
            .status(),
        403
    );
    let out = call(&app, Method::DELETE, "/session", Some(&s), true).await;
    assert_eq!(out.status(), 204);
    assert!(out.headers()[SET_COOKIE]
        .to_str()
        .expect("cookie")
        .contains("Max-Age=0"));
    assert_eq!(
        call(&app, Method::GET, "/session", Some(&s), false)
            .await
            .status(),
        401
    );
    let forged = Session {
        cookie: "trefpunt_staff=00ff".into(),
        csrf: String::new(),
    };
    assert_eq!(
        call(&app, Method::GET, "/session", Some(&forged), false)
            .await
            .status(),
        401
    );

    // The database keeps a hash of the token, never the token itself; passwords as argon2id.
    let pool = app.pool().await;
    let token = s.cookie.split_once('=').expect("pair").1.to_string();
    let stored: i64 =
        sqlx::query_scalar(&app.sql("SELECT count(*) FROM staff_sessions WHERE token_hash = ?"))
            .bind(&token)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(stored, 0);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM staff_users")
        .fetch_one(&pool)
        .await
        .expect("hash");
    assert!(hash.starts_with("$argon2id$"));
}

/// A sign-in from `client`, as a trusted proxy in front of the app passes it on.
async fn sign_in_from(
    app: &TestApp,
    client: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/session"))
        .header("x-forwarded-for", client)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn a_flood_from_one_address_neither_locks_out_the_owner_nor_floods_the_password_checks() {
    let app = spawn_app().await;
    add_staff(&app, "admin", "beheer@gemeente.nl");
    // The attacker: 200 guesses at once from one address, at the admin and at made-up accounts.
    let guesses = (0..200).map(|i| {
        let email = if i % 2 == 0 {
            "beheer@gemeente.nl".to_string()
        } else {
            format!("gok{i}@gemeente.nl")
        };
        let app = &app;
        async move { sign_in_from(app, "203.0.113.7", &email, &format!("gok-{i}")).await }
    });
    let answers = futures::future::join_all(guesses).await;
    let checked = answers.iter().filter(|r| r.status() == 401).count();
    let refused: Vec<_> = answers.iter().filter(|r| r.status() == 429).collect();
    assert_eq!(
        checked + refused.len(),
        200,
        "every guess is answered 401 or 429"
    );
    assert!(
        checked <= server::domain::sign_in::CLIENT_BURST as usize,
        "{checked} guesses reached a password check"
    );
    assert!(refused
        .iter()
        .all(|r| r.headers().contains_key("retry-after")));
    // The owner, from another address, gets in at once.
    let started = std::time::Instant::now();
    let owner = sign_in_from(&app, "198.51.100.20", "beheer@gemeente.nl", PASSWORD).await;
    assert_eq!(owner.status(), 200, "the owner is not locked out");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    // And the attacker's address is still refused.
    let again = sign_in_from(&app, "203.0.113.7", "beheer@gemeente.nl", PASSWORD).await;
    assert_eq!(again.status(), 429);
}

#[tokio::test]
async fn many_failures_from_many_addresses_slow_the_account_down_without_locking_it() {
    let app = spawn_app().await;
    add_staff(&app, "advisor", "beleid@gemeente.nl");
    let free = server::domain::sign_in::ACCOUNT_FREE_FAILURES;
    let retry_after = |res: &reqwest::Response| -> u64 {
        res.headers()["retry-after"]
            .to_str()
            .expect("header")
            .parse()
            .expect("seconds")
    };
    // Guesses from many addresses: the free failures, then three more that each wait their turn
    // (1, 2 and 4 s after the one before).
    let (mut failures, mut waits) = (0, 0);
    while failures < free + 3 {
        let res = sign_in_from(
            &app,
            &format!("192.0.2.{}", failures + 1),
            "beleid@gemeente.nl",
            "nog-een-gok",
        )
        .await;
        match res.status().as_u16() {
            401 => failures += 1,
            429 => {
                assert!(failures >= free, "failure {failures} costs nothing yet");
                waits += 1;
                tokio::time::sleep(std::time::Duration::from_secs(retry_after(&res))).await;
            }
            other => panic!("{other}"),
        }
    }
    assert!(
        waits <= 3,
        "one wait per failure past the free ones at most"
    );
    // The next attempt waits 8 s after the last failure, whoever makes it: the owner too, but
    // only that long.
    let slowed = sign_in_from(&app, "198.51.100.20", "beleid@gemeente.nl", PASSWORD).await;
    assert_eq!(slowed.status(), 429);
    let wait = retry_after(&slowed);
    assert!((1..=9).contains(&wait), "Retry-After {wait}");
    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    let owner = sign_in_from(&app, "198.51.100.20", "beleid@gemeente.nl", PASSWORD).await;
    assert_eq!(owner.status(), 200, "after the wait the owner gets in");
    // A success forgives the failures: the next wrong password is an ordinary 401.
    let res = sign_in_from(&app, "192.0.2.200", "beleid@gemeente.nl", "fout").await;
    assert_eq!(res.status(), 401);
}

/// The device mark a sign-in answer sets, as a `Cookie` header value.
fn device_mark(res: &reqwest::Response) -> String {
    let set = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("trefpunt_device="))
        .expect("a device mark")
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().unwrap_or_default().to_string()
}

/// A trickle of wrong guesses from ever new addresses keeps every unknown browser waiting, but not
/// the owner's own browser, which signed in before (its device mark): the attacker cannot keep
/// the owner out by sending one guess per wait.
#[tokio::test]
async fn a_trickle_of_guesses_cannot_keep_the_owner_out_of_their_own_browser() {
    let app = spawn_app().await;
    add_staff(&app, "advisor", "beleid@gemeente.nl");
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    let first = sign_in_from(&app, "198.51.100.20", "beleid@gemeente.nl", PASSWORD).await;
    assert_eq!(first.status(), 200);
    let mark = device_mark(&first);
    let colleague = sign_in_from(&app, "198.51.100.21", "opbouw@welzijn.nl", PASSWORD).await;
    let colleagues_mark = device_mark(&colleague);
    // The attacker: the free failures and one more, each from a new address.
    for i in 0..=server::domain::sign_in::ACCOUNT_FREE_FAILURES {
        let res = sign_in_from(
            &app,
            &format!("192.0.2.{}", i + 1),
            "beleid@gemeente.nl",
            "gok",
        )
        .await;
        assert!(
            matches!(res.status().as_u16(), 401 | 429),
            "{}",
            res.status()
        );
    }
    let with_cookie = |cookie: String, client: &'static str| {
        app.client
            .post(app.url("/api/v1/session"))
            .header("x-forwarded-for", client)
            .header("cookie", cookie)
            .json(&json!({"email": "beleid@gemeente.nl", "password": PASSWORD}))
            .send()
    };
    // A browser without the mark waits, right password or not; so does one with another
    // account's mark or a forged one.
    let stranger = sign_in_from(&app, "198.51.100.30", "beleid@gemeente.nl", PASSWORD).await;
    assert_eq!(stranger.status(), 429);
    let borrowed = with_cookie(colleagues_mark, "198.51.100.31")
        .await
        .expect("post");
    assert_eq!(borrowed.status(), 429, "another account's mark");
    let forged = format!("trefpunt_device={}.{}", "0".repeat(32), "0".repeat(64));
    let forged = with_cookie(forged, "198.51.100.32").await.expect("post");
    assert_eq!(forged.status(), 429, "a forged mark");
    // The owner's own browser gets in at once, and gets a fresh mark.
    let owner = with_cookie(mark, "198.51.100.20").await.expect("post");
    assert_eq!(owner.status(), 200, "the owner's browser is not kept out");
    assert!(device_mark(&owner).starts_with("trefpunt_device="));
}

/// Many servers' attempts on one account at the same moment: exactly the free failures get through,
/// however the database interleaves them (PostgreSQL reads at READ COMMITTED), and the window
/// slides: a failure now keeps the earlier ones for another window.
#[tokio::test]
async fn parallel_attempts_on_one_account_cannot_share_a_count() {
    use server::domain::sign_in::{ACCOUNT_FREE_FAILURES, WINDOW};
    let db = TestDb::fresh().await;
    let store = server::store::Store::open(&db.url).await.expect("open");
    let now_ms = 1_800_000_000_000_i64;
    let attempts = (0..3 * ACCOUNT_FREE_FAILURES).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.sign_in_attempt("account-hash", now_ms).await })
    });
    let mut counted = 0;
    for attempt in futures::future::join_all(attempts).await {
        if attempt.expect("task").expect("attempt").is_none() {
            counted += 1;
        }
    }
    assert_eq!(counted, ACCOUNT_FREE_FAILURES);
    // Shortly before the window ends, one more failure (its wait long over) ...
    let later = now_ms + WINDOW.as_millis() as i64 - 1_000;
    assert_eq!(
        store
            .sign_in_attempt("account-hash", later)
            .await
            .expect("attempt"),
        None
    );
    // ... so a window after the first failures the account still waits for the last one.
    let after = now_ms + WINDOW.as_millis() as i64 + 500;
    assert!(store
        .sign_in_attempt("account-hash", after)
        .await
        .expect("attempt")
        .is_some());
    // A window of quiet forgets them all.
    let quiet = later + WINDOW.as_millis() as i64 + 1;
    assert_eq!(
        store
            .sign_in_attempt("account-hash", quiet)
            .await
            .expect("attempt"),
        None
    );
    store.close().await;
}

/// The operations of the OpenAPI document that need a staff session: method, path and the roles
/// its `x-roles` names.
async fn secured_operations(app: &TestApp) -> Vec<(Method, String, Vec<Role>)> {
    let doc: Value = app.get_json("/api/v1/openapi.json").await;
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            if op.get("security").is_none() {
                continue;
            }
            let roles = op["x-roles"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path}: a secured operation names its x-roles"))
                .iter()
                .map(|r| Role::parse(r.as_str().expect("role")).expect("a known role"))
                .collect();
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            out.push((method, path.clone(), roles));
        }
    }
    out
}

/// The staff page's plain forms: method, path and who may post them.
const STAFF_FORMS: &[(&str, &[Role])] = &[
    (
        "/staff/uitloggen",
        &[Role::Admin, Role::Advisor, Role::Worker],
    ),
    (
        "/staff/melding/{id}",
        &[Role::Admin, Role::Advisor, Role::Worker],
    ),
    ("/staff/gebruikers", &[Role::Admin]),
    ("/staff/gebruikers/{id}", &[Role::Admin]),
    ("/staff/campagnes/{id}", &[Role::Admin]),
    ("/staff/evenementen", &[Role::Admin, Role::Worker]),
    (
        "/staff/evenementen/{id}/status",
        &[Role::Admin, Role::Worker],
    ),
];

#[tokio::test]
async fn every_staff_route_refuses_the_wrong_caller() {
    let app = spawn_app().await;
    let mut sessions = Vec::new();
    for role in Role::ALL {
        let email = format!("{}@gemeente.nl", role.as_str());
        add_staff(&app, role.as_str(), &email);
        sessions.push((role, session(&app, &email).await));
    }
    // Every secured operation of the OpenAPI document, with the roles it names: the document and
    // the router's guards are checked against each other.
    let mut routes = secured_operations(&app).await;
    let raw_exporters = vec![Role::Admin, Role::Advisor];
    routes.push((
        Method::GET,
        "/export.csv?raw=true".into(),
        raw_exporters.clone(),
    ));
    routes.push((
        Method::GET,
        "/export.geojson?raw=true".into(),
        raw_exporters,
    ));
    assert!(routes.len() >= 16, "{} secured operations", routes.len());
    for (method, path, allowed) in routes {
        let anonymous = call(&app, method.clone(), &path, None, false).await;
        assert_eq!(anonymous.status(), 401, "{method} {path} without a session");
        for (role, s) in &mut sessions {
            if allowed.contains(role) {
                if !matches!(method, Method::GET | Method::HEAD) {
                    let no_csrf = call(&app, method.clone(), &path, Some(s), false).await;
                    assert_eq!(
                        no_csrf.status(),
                        403,
                        "{method} {path} as {role:?} without CSRF"
                    );
                }
                let res = call(&app, method.clone(), &path, Some(s), true).await;
                assert!(
                    ![401, 403].contains(&res.status().as_u16()),
                    "{method} {path} as {role:?}: {}",
                    res.status()
                );
                if method == Method::DELETE && path == "/session" {
                    // That signed out: sign in again for the routes still to come.
                    *s = session(&app, &format!("{}@gemeente.nl", role.as_str())).await;
                }
            } else {
                let res = call(&app, method.clone(), &path, Some(s), true).await;
                assert_eq!(res.status(), 403, "{method} {path} as {role:?}");
            }
        }
    }
}

#[tokio::test]
async fn admins_add_staff_advisors_export_raw_rows_and_the_audit_log_says_so() {
    let app = spawn_drechtsteden_app().await;
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let admin = session(&app, "beheer@gemeente.nl").await;
    let res = send_json(
        &app,
        Method::POST,
        "/users",
        &admin,
        &json!({"email": "beleid@gemeente.nl", "role": "advisor", "gemeenten": ["GM0505"]}),
    )
    .await;
    assert_eq!(res.status(), 201);
    let added: Value = res.json().await.expect("json");
    let generated = added["password"]
        .as_str()
        .expect("a generated password")
        .to_string();
    assert_eq!(generated.len(), 20);
    assert_eq!(
        sign_in(&app, "beleid@gemeente.nl", &generated)
            .await
            .status(),
        200
    );
    let again = send_json(
        &app,
        Method::POST,
        "/users",
        &admin,
        &json!({"email": "beleid@gemeente.nl", "role": "worker"}),
    )
    .await;
    assert_eq!(again.status(), 409);
    let users: Vec<Value> = call(&app, Method::GET, "/users", Some(&admin), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(users.len(), 2);
    assert!(users.iter().all(|u| u.get("password_hash").is_none()));

    // An entry, then the advisor's raw export: exact position and free text, no respondent id.
    let body = barrier(&new_id(), &new_id());
    assert_eq!(app.post_json(&body).await.status(), 201);
    let res = sign_in(&app, "beleid@gemeente.nl", &generated).await;
    let cookie = cookie_pair(&res);
    let csv = app
        .get_with_cookie("/api/v1/export.csv?raw=true&kind=barrier", &cookie)
        .await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("text");
    assert!(
        text.starts_with("id,created_at,kind,category,lon,lat"),
        "{text}"
    );
    assert!(text.contains("Hoge stoep bij de bushalte"));
    assert!(text.contains("4.6712345"));
    assert!(!text.contains(body["respondent"].as_str().expect("respondent")));

    let log: Vec<Value> = call(&app, Method::GET, "/audit", Some(&admin), false)
        .await
        .json()
        .await
        .expect("json");
    let actions: Vec<(String, String)> = log
        .iter()
        .map(|e| {
            (
                e["email"].as_str().unwrap_or("").to_string(),
                e["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        actions[0],
        ("beleid@gemeente.nl".into(), "raw export (CSV)".into()),
        "{actions:?}"
    );
    assert!(actions.contains(&("beheer@gemeente.nl".into(), "add staff member".into())));
    assert!(log.iter().all(|e| e["at"].is_string()));
}

#[tokio::test]
async fn a_worker_moderates_and_residents_see_what_was_done() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let mut body = barrier(&new_id(), &new_id());
    body["text"] = json!("Hoge stoep. Bel me op 06-12345678");
    assert_eq!(app.post_json(&body).await.status(), 201);
    let id = body["id"].as_str().expect("id").to_string();
    let patch = |m: Value| {
        let req = app
            .client
            .patch(app.url(&format!("/api/v1/submissions/{id}")))
            .header(COOKIE, &worker.cookie)
            .header("x-csrf-token", &worker.csrf)
            .json(&m);
        async move { req.send().await.expect("patch") }
    };

    // The queue shows the text with what looks like personal data marked.
    let queue: Vec<Value> = call(&app, Method::GET, "/moderation", Some(&worker), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(queue.len(), 1);
    let text = queue[0]["text"].as_str().expect("text");
    let span = &queue[0]["personal_data"][0];
    let (a, b) = (
        span[0].as_u64().expect("start") as usize,
        span[1].as_u64().expect("end") as usize,
    );
    assert_eq!(&text[a..b], "06-12345678");

    let fresh: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(fresh["status"], "received");
    assert!(
        fresh.get("text").is_none(),
        "free text is private until published"
    );

    let wrong = patch(json!({"category": "library", "status": "soon"})).await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(patch(json!({})).await.status(), 422, "nothing to change");
    let res = patch(json!({
        "status": "done", "status_note": "De stoep is verlaagd.",
        "text": "Hoge stoep.", "text_public": true
    }))
    .await;
    assert_eq!(res.status(), 200);
    let seen: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(seen["status"], "done");
    assert_eq!(seen["status_note"], "De stoep is verlaagd.");
    assert_eq!(
        seen["text"], "Hoge stoep.",
        "published without the phone number"
    );
    let list: Vec<Value> = app.get_json("/api/v1/submissions").await;
    assert_eq!(list[0]["status"], "done");
    let queue: Vec<Value> = call(&app, Method::GET, "/moderation", Some(&worker), false)
        .await
        .json()
        .await
        .expect("json");
    assert!(queue.is_empty(), "published: out of the queue");
    let page = app.get_text(&format!("/melding/{id}")).await;
    assert!(
        page.contains("Afgerond") && page.contains("De stoep is verlaagd."),
        "the entry's page"
    );
    assert!(page.contains("Hoge stoep.") && !page.contains("06-12345678"));
    let map = app.get_text("/kaart").await;
    assert!(
        map.contains(&format!("href=\"/melding/{id}\">Afgerond")),
        "the public list links the status"
    );

    assert_eq!(patch(json!({"hidden": true})).await.status(), 200);
    assert_eq!(
        app.get(&format!("/api/v1/submissions/{id}")).await.status(),
        404
    );
    assert_eq!(app.get(&format!("/melding/{id}")).await.status(), 404);
    let list: Vec<Value> = app.get_json("/api/v1/submissions").await;
    assert!(list.is_empty(), "hidden entries are not public");

    let unknown = app
        .client
        .patch(app.url(&format!("/api/v1/submissions/{}", new_id())))
        .header(COOKIE, &worker.cookie)
        .header("x-csrf-token", &worker.csrf)
        .json(&json!({"status": "done"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_staff_page_signs_in_and_moderates_with_plain_forms() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let mut body = barrier(&new_id(), &new_id());
    body["text"] = json!("Donker pad </textarea><b>x</b> bel 06-12345678");
    assert_eq!(app.post_json(&body).await.status(), 201);
    let id = body["id"].as_str().expect("id").to_string();

    // The forms refuse callers without a session, and with one but without the page's CSRF token.
    for (path, _) in STAFF_FORMS {
        let method = Method::POST;
        let path = path.replace("{id}", &id);
        let res = app
            .client
            .request(method.clone(), app.url(&path))
            .form(&[("x", "y")])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 401, "{method} {path} without a session");
    }

    let page = app.get_text("/staff").await;
    assert!(
        page.contains(r#"action="/staff/inloggen""#),
        "the sign-in form"
    );
    let wrong = app
        .post_form(
            "/staff/inloggen",
            &[
                ("email".into(), "opbouw@welzijn.nl".into()),
                ("password".into(), "fout-fout-fout".into()),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 303);
    assert_eq!(wrong.headers()["location"], "/staff?melding=fout");
    let ok = app
        .post_form(
            "/staff/inloggen",
            &[
                ("email".into(), "opbouw@welzijn.nl".into()),
                ("password".into(), PASSWORD.into()),
            ],
        )
        .await;
    assert_eq!(ok.status(), 303);
    let cookie = cookie_pair(&ok);

    let desk = app.get_text_with_cookie("/staff", &cookie).await;
    assert!(
        desk.contains("&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"),
        "the resident's text, escaped"
    );
    assert!(
        desk.contains("<code>06-12345678</code>"),
        "the phone number flagged"
    );
    let csrf = desk
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf field")
        .to_string();

    let path = format!("/staff/melding/{id}");
    let no_csrf = app
        .client
        .post(app.url(&path))
        .header(COOKIE, &cookie)
        .form(&[("status", "done")])
        .send()
        .await
        .expect("post");
    assert_eq!(no_csrf.status(), 403);
    let saved = app
        .client
        .post(app.url(&path))
        .header(COOKIE, &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "Donker pad"),
            ("status", "taken_up"),
            ("status_note", "De gemeente plaatst een lantaarnpaal."),
            ("text_public", "true"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()["location"], "/staff?melding=opgeslagen");
    let seen: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(seen["status"], "taken_up");
    assert_eq!(seen["text"], "Donker pad");
    assert_eq!(seen["status_note"], "De gemeente plaatst een lantaarnpaal.");

    let out = app
        .client
        .post(app.url("/staff/uitloggen"))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(out.status(), 303);
    let after = app.get_text_with_cookie("/staff", &cookie).await;
    assert!(
        after.contains(r#"action="/staff/inloggen""#),
        "signed out: the sign-in form again"
    );
}

#[tokio::test]
async fn a_moderator_merges_a_duplicate_and_its_resident_still_counts() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let first = barrier(&new_id(), &new_id());
    let mut second = barrier(&new_id(), &new_id());
    second["location"] = json!({"lon": 4.6713, "lat": 51.8124});
    second["text"] = json!("Zelfde hoge stoep");
    let mut other = barrier(&new_id(), &new_id());
    other["category"] = json!("poor_lighting");
    for b in [&first, &second, &other] {
        assert_eq!(app.post_json(b).await.status(), 201);
    }
    let (a, b, c) = (
        first["id"].as_str().expect("id"),
        second["id"].as_str().expect("id"),
        other["id"].as_str().expect("id"),
    );
    // The staff page offers the nearby entry of the same category, not the other one.
    let page = app.get_text_with_cookie("/staff", &worker.cookie).await;
    assert!(
        page.contains(&format!(r#"<option value="{a}">"#)),
        "offered as duplicate"
    );
    assert!(!page.contains(&format!(r#"<option value="{c}">"#)));

    let patch = |id: &str, body: Value| {
        let req = app
            .client
            .patch(app.url(&format!("/api/v1/submissions/{id}")))
            .header(COOKIE, &worker.cookie)
            .header("x-csrf-token", &worker.csrf)
            .json(&body);
        async move { req.send().await.expect("patch") }
    };
    assert_eq!(
        patch(b, json!({"merge_into": c})).await.status(),
        422,
        "another category"
    );
    assert_eq!(
        patch(b, json!({"merge_into": new_id()})).await.status(),
        404
    );
    assert_eq!(patch(b, json!({"merge_into": a})).await.status(), 200);
    assert_eq!(
        app.get(&format!("/api/v1/submissions/{b}")).await.status(),
        404,
        "the duplicate is hidden"
    );
    let kept: Value = app.get_json(&format!("/api/v1/submissions/{a}")).await;
    assert_eq!(kept["me_too"], 1, "its resident counts as 'ik ook'");
    assert_eq!(app.count_rows("submissions").await, 3, "nothing deleted");
}

#[tokio::test]
async fn every_staff_page_and_form_refuses_the_wrong_caller() {
    let app = spawn_app().await;
    add_staff(&app, "worker", "opbouw@welzijn.nl");
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let admin = session(&app, "beheer@gemeente.nl").await;
    let get = |path: &'static str, cookie: Option<String>| {
        let mut req = app.client.get(app.url(path));
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        async move { req.send().await.expect("get") }
    };
    // Pages: 401 without a session, 403 for a role they are not for, 200 for the right one.
    for (path, admin_only) in [
        ("/staff/campagnes", false),
        ("/staff/meldingen", false),
        ("/staff/campagnes/nieuw", true),
        ("/staff/gebruikers", true),
        ("/staff/logboek", true),
    ] {
        assert_eq!(
            get(path, None).await.status(),
            401,
            "{path} without a session"
        );
        let as_worker = get(path, Some(worker.cookie.clone())).await.status();
        assert_eq!(
            as_worker,
            if admin_only { 403 } else { 200 },
            "{path} as a worker"
        );
        assert_eq!(
            get(path, Some(admin.cookie.clone())).await.status(),
            200,
            "{path} as an admin"
        );
    }
    // Forms: with the worker's own CSRF token, still 403 where only admins may post. Signing out
    // goes last: it ends the session the others use.
    let mut forms = STAFF_FORMS.to_vec();
    forms.sort_by_key(|(path, _)| *path == "/staff/uitloggen");
    for (path, allowed) in forms {
        let method = Method::POST;
        let path = path.replace("{id}", "1");
        let res = app
            .client
            .request(method.clone(), app.url(&path))
            .header(COOKIE, &worker.cookie)
            .form(&[("csrf", worker.csrf.as_str())])
            .send()
            .await
            .expect("post");
        if allowed.contains(&Role::Worker) {
            assert_ne!(res.status(), 403, "{method} {path} as a worker");
        } else {
            assert_eq!(res.status(), 403, "{method} {path} as a worker");
        }
        let forged = app
            .client
            .request(method.clone(), app.url(&path))
            .header(COOKIE, &admin.cookie)
            .form(&[("csrf", "not-the-token")])
            .send()
            .await
            .expect("post");
        assert_eq!(
            forged.status(),
            403,
            "{method} {path} without the page's CSRF token"
        );
    }
}

/// An entry made at 00:30 on 1 December in the Netherlands (23:30 UTC on 30 November) is a December
/// entry: the period filter follows the Dutch day, as campaign periods do.
#[tokio::test]
async fn the_period_filter_counts_an_entry_in_its_dutch_month() {
    let app = spawn_drechtsteden_app().await;
    add_staff(&app, "admin", "beheer@gemeente.nl");
    let admin = session(&app, "beheer@gemeente.nl").await;
    let late = new_id();
    let evening = new_id();
    for id in [&late, &evening] {
        assert_eq!(app.post_json(&barrier(id, &new_id())).await.status(), 201);
    }
    let pool = app.pool().await;
    for (id, at) in [
        (&late, "2026-11-30T23:30:00.000Z"),
        (&evening, "2026-11-30T22:30:00.000Z"),
    ] {
        sqlx::query(&app.sql("UPDATE submissions SET created_at = ? WHERE id = ?"))
            .bind(at)
            .bind(id)
            .execute(&pool)
            .await
            .expect("move the entry in time");
    }
    let rows = |period: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            let res = call(
                app,
                Method::GET,
                &format!("/export.csv?raw=true&period={period}"),
                Some(admin),
                false,
            )
            .await;
            assert_eq!(res.status(), 200);
            res.text().await.expect("csv")
        }
    };
    let december = rows("2026-12").await;
    let november = rows("2026-11").await;
    assert!(december.contains(late.as_str()), "{december}");
    assert!(!december.contains(evening.as_str()), "{december}");
    assert!(november.contains(evening.as_str()), "{november}");
    assert!(!november.contains(late.as_str()), "{november}");
}
