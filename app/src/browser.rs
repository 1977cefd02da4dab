//! The few things only a browser can do, behind one small interface so components stay free of
//! `cfg` noise. On the server these are never called from rendering, only from event handlers, which
//! do not run there; their server versions are inert.

#[cfg(feature = "hydrate")]
use crate::model::FormDraft;

/// A random (v4) UUID: the client-made id of a submission or respondent.
pub fn new_uuid() -> String {
    #[cfg(feature = "hydrate")]
    {
        if let Some(c) = web_sys::window().and_then(|w| w.crypto().ok()) {
            return c.random_uuid();
        }
    }
    #[cfg(feature = "ssr")]
    {
        return uuid::Uuid::new_v4().to_string();
    }
    #[allow(unreachable_code)]
    String::new()
}

/// Reads a form the way the browser would post it, so the hydrated form and the plain POST produce the
/// same [`FormDraft`].
#[cfg(feature = "hydrate")]
pub fn read_form(form: &web_sys::HtmlFormElement) -> FormDraft {
    use wasm_bindgen::JsCast;
    let mut pairs = Vec::new();
    if let Ok(fd) = web_sys::FormData::new_with_form(form) {
        if let Ok(Some(entries)) = js_sys::try_iter(&fd) {
            for entry in entries.flatten() {
                let pair: js_sys::Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    pairs.push((k, v));
                }
            }
        }
    }
    FormDraft::from_pairs(&pairs)
}

/// Tells `public/js/map.js` that a position was chosen outside the map (an address from the search):
/// it sets the form's lon/lat, moves the marker and updates the label, so there is one writer of each.
pub fn announce_position(lon: f64, lat: f64, label: &str) {
    #[cfg(feature = "hydrate")]
    {
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"lon".into(), &lon.into());
        let _ = js_sys::Reflect::set(&detail, &"lat".into(), &lat.into());
        let _ = js_sys::Reflect::set(&detail, &"label".into(), &label.into());
        let init = web_sys::CustomEventInit::new();
        init.set_detail(&detail);
        init.set_bubbles(true);
        if let (Ok(ev), Some(doc)) = (
            web_sys::CustomEvent::new_with_event_init_dict("trefpunt:setposition", &init),
            web_sys::window().and_then(|w| w.document()),
        ) {
            let _ = doc.dispatch_event(&ev);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (lon, lat, label);
}

/// Moves keyboard focus to the element with this id (after the DOM has updated).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn focus_id(id: &'static str) {
    #[cfg(feature = "hydrate")]
    leptos::prelude::request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// A full page load to `path` (islands have no client-side router: every page is server-rendered).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// A full page load to `path` that replaces the current history entry: on the kiosk the next
/// resident cannot go back to the last one's pages.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn replace(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Where the kiosk keeps its current respondent (public/js/kiosk.js clears it for the next one).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const KIOSK_RESPONDENT_KEY: &str = "trefpunt.respondent";
/// The prefix of the queue's keys in localStorage, one key per entry (public/js/outbox.js).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub const OUTBOX_PREFIX: &str = "trefpunt.outbox.";

/// The kiosk's current respondent, made on first use.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn kiosk_respondent() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(store) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        if let Ok(Some(r)) = store.get_item(KIOSK_RESPONDENT_KEY) {
            if crate::model::is_uuid(&r) {
                return r;
            }
        }
        let r = new_uuid();
        let _ = store.set_item(KIOSK_RESPONDENT_KEY, &r);
        return r;
    }
    new_uuid()
}

/// Puts an entry in this device's queue (one localStorage key per entry, so two tabs never
/// overwrite each other) and tells public/js/outbox.js, which sends it when it can.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn enqueue(draft: &crate::model::FormDraft) {
    #[cfg(feature = "hydrate")]
    {
        let Some(w) = web_sys::window() else { return };
        let item = serde_json::json!({ "draft": draft, "queued_at": js_sys::Date::now() });
        if let Ok(Some(store)) = w.local_storage() {
            let _ = store.set_item(&format!("{OUTBOX_PREFIX}{}", draft.id), &item.to_string());
        }
        if let (Ok(ev), Some(doc)) = (web_sys::CustomEvent::new("trefpunt:outbox"), w.document()) {
            let _ = doc.dispatch_event(&ev);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = draft;
}
