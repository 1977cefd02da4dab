//! Residents' photos: resized and stripped of every metadata field, stored by content hash, public
//! only after moderation; a non-image, an oversized file or a decompression bomb is refused.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::staff::{add_staff_in, call, send_json, session};

/// A 2400×1200 JPEG whose APP1 segment carries EXIF with a camera model and a GPS marker.
fn phone_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(2400, 1200, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 90])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&img)
        .expect("encode");
    let payload =
        b"Exif\0\0MM\0*\0\0\0\x08TREFPUNT-TEST-PHONE GPSLatitude 51.8123 GPSLongitude 4.6712";
    let len = (payload.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

async fn put_photo(app: &TestApp, id: &str, key: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/submissions/{id}/photo")))
        .header("x-edit-key", key)
        .body(body)
        .send()
        .await
        .expect("put")
}

#[tokio::test]
async fn a_photo_is_cleaned_stored_and_shown_only_after_moderation() {
    let app = spawn_drechtsteden_app().await;
    add_staff_in(&app, "worker", "opbouw@welzijn.nl", &["GM0505"]);
    let worker = session(&app, "opbouw@welzijn.nl").await;
    let (id, r) = (new_id(), new_id());
    let receipt: Value = app
        .post_json(&barrier(&id, &r))
        .await
        .json()
        .await
        .expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();

    let original = phone_photo();
    assert!(original.windows(19).any(|w| w == b"TREFPUNT-TEST-PHONE"));
    assert_eq!(
        put_photo(
            &app,
            &id,
            "0123456789abcdef0123456789abcdef",
            original.clone()
        )
        .await
        .status(),
        404,
        "only the author"
    );
    let res = put_photo(&app, &id, &key, original).await;
    assert_eq!(res.status(), 201);
    let stored: Value = res.json().await.expect("json");
    assert_eq!(
        (stored["width"].as_u64(), stored["height"].as_u64()),
        (Some(1600), Some(800))
    );
    let hash = stored["hash"].as_str().expect("hash").to_string();

    // Not public yet: not on the entry, the file hidden from the public, shown to the moderator.
    let url = format!("/api/v1/photos/{hash}.jpg");
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert!(public.get("photo").is_none());
    assert_eq!(app.get(&url).await.status(), 404);
    let queue: Vec<Value> = call(&app, Method::GET, "/moderation", Some(&worker), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(queue[0]["photo"], url.as_str());
    let seen = app.get_with_cookie(&url, &worker.cookie).await;
    assert_eq!(seen.status(), 200);
    let bytes = seen.bytes().await.expect("bytes");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF left");
    assert!(!bytes.windows(19).any(|w| w == b"TREFPUNT-TEST-PHONE"));
    assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"));
    assert!(
        !bytes.windows(2).any(|w| w == [0xFF, 0xE1]),
        "no APP1 segment at all"
    );

    // Published by the moderator: on the entry and its page.
    let res = send_json(
        &app,
        Method::PATCH,
        &format!("/submissions/{id}"),
        &worker,
        &json!({"photo_public": true}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let public: Value = app.get_json(&format!("/api/v1/submissions/{id}")).await;
    assert_eq!(public["photo"], url.as_str());
    let file = app.get(&url).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    assert!(app
        .get_text(&format!("/melding/{id}"))
        .await
        .contains(&format!(r#"src="{url}""#)));

    // Deleting the entry takes the file with it.
    let dir = app.photo_dir();
    assert!(dir.join(format!("{hash}.jpg")).exists());
    let del = app
        .client
        .delete(app.url(&format!("/api/v1/submissions/{id}/private")))
        .header("x-edit-key", &key)
        .send()
        .await
        .expect("delete");
    assert_eq!(del.status(), 204);
    assert!(!dir.join(format!("{hash}.jpg")).exists());
    assert_eq!(app.get(&url).await.status(), 404);
}

#[tokio::test]
async fn non_images_oversized_files_and_bombs_are_refused_with_a_reason() {
    let app = spawn_app().await;
    let (id, r) = (new_id(), new_id());
    let receipt: Value = app
        .post_json(&barrier(&id, &r))
        .await
        .json()
        .await
        .expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();
    let message = |v: Value| {
        v["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };

    let text = put_photo(&app, &id, &key, b"just some text, not a photo".to_vec()).await;
    assert_eq!(text.status(), 422);
    assert!(message(text.json().await.expect("json")).contains("not a JPEG, PNG or WebP"));

    let big = put_photo(&app, &id, &key, vec![0xFF; 11 * 1024 * 1024]).await;
    assert_eq!(big.status(), 413);

    // A PNG that says it is 60000×60000 pixels: a few KB that would decode to 10 GB.
    let small = image::GrayImage::new(100, 100);
    let mut png = Vec::new();
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(small.as_raw(), 100, 100, image::ExtendedColorType::L8)
        .expect("png");
    png[16..20].copy_from_slice(&60000u32.to_be_bytes());
    png[20..24].copy_from_slice(&60000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    let started = std::time::Instant::now();
    let bomb = put_photo(&app, &id, &key, png).await;
    assert_eq!(bomb.status(), 422);
    assert!(message(bomb.json().await.expect("json")).contains("too many pixels"));
    assert!(started.elapsed().as_secs() < 5, "refused without decoding");

    let mut wish = barrier(&new_id(), &r);
    wish["kind"] = json!("wish");
    wish["category"] = json!("activity");
    wish["details"] = json!({});
    let w: Value = app.post_json(&wish).await.json().await.expect("json");
    let res = put_photo(
        &app,
        w["id"].as_str().expect("id"),
        w["edit_key"].as_str().expect("key"),
        phone_photo(),
    )
    .await;
    assert_eq!(res.status(), 422, "wishes have no photo");
    assert_eq!(app.count_rows("photos").await, 0);
}

/// CRC-32 (IEEE), for the patched PNG header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test]
async fn the_private_page_takes_a_photo_from_a_plain_form() {
    let app = spawn_app().await;
    let (id, r) = (new_id(), new_id());
    let receipt: Value = app
        .post_json(&barrier(&id, &r))
        .await
        .json()
        .await
        .expect("json");
    let key = receipt["edit_key"].as_str().expect("key").to_string();
    let page = app.get_text(&format!("/mijn/{id}?sleutel={key}")).await;
    assert!(
        page.contains(r#"enctype="multipart/form-data""#)
            && page.contains(r#"capture="environment""#)
    );
    // The form posts to where the page says: the key rides in that address, so the server can
    // turn a wrong one away before it takes in the photo.
    let action = format!("/mijn/{id}/foto?sleutel={key}");
    assert!(page.contains(&format!(r#"action="{action}""#)), "{page}");
    let send_to = |to: String, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "foto",
            reqwest::multipart::Part::bytes(bytes).file_name("IMG_0001.JPG"),
        );
        app.client.post(app.url(&to)).multipart(form).send()
    };
    let send = |bytes: Vec<u8>| send_to(action.clone(), bytes);
    // No key at all is 401, a wrong one is 404 (as if the entry did not exist); neither stores.
    for (wrong, status) in [
        (format!("/mijn/{id}/foto"), 401),
        (
            format!("/mijn/{id}/foto?sleutel={}", "0".repeat(key.len())),
            404,
        ),
    ] {
        let res = send_to(wrong.clone(), phone_photo()).await.expect("post");
        assert_eq!(res.status(), status, "{wrong}");
    }
    assert_eq!(app.count_rows("photos").await, 0);
    let bad = send(b"%PDF-1.4 not a photo".to_vec()).await.expect("post");
    assert_eq!(bad.status(), 303);
    let to = bad.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(to.ends_with("melding=foto-geen"), "{to}");
    assert!(app.get_text(&to).await.contains("Dit is geen foto."));
    let ok = send(phone_photo()).await.expect("post");
    assert!(ok.headers()["location"]
        .to_str()
        .expect("location")
        .ends_with("melding=foto"));
    assert_eq!(app.count_rows("photos").await, 1);
    let page = app.get_text(&format!("/mijn/{id}?sleutel={key}")).await;
    assert!(page.contains("Je foto wacht nog op een medewerker."));
    let own = format!("/api/v1/submissions/{id}/photo?key={key}");
    assert!(page.contains(&own), "the author sees the waiting photo");
    assert_eq!(app.get(&own).await.status(), 200);
    assert_eq!(
        app.get(&format!("/api/v1/submissions/{id}/photo?key=nope"))
            .await
            .status(),
        404
    );
}

/// A 40-megapixel photo (the most `PhotoLimits` accepts) padded with comment segments to just under
/// the 10 MiB an upload may have: the largest decode from the largest body.
fn maximal_photo() -> Vec<u8> {
    let (w, h) = (8000, 5000);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x / 32 % 256) as u8,
            (y / 20 % 256) as u8,
            ((x + y) / 50 % 256) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&img)
        .expect("encode");
    let target = 10 * 1024 * 1024 - 4096;
    let mut out = jpeg[..2].to_vec();
    while out.len() + jpeg.len() - 2 + 4 < target {
        let room = (target - out.len() - (jpeg.len() - 2) - 4).min(65_533);
        out.extend([0xFF, 0xFE]);
        out.extend(((room + 2) as u16).to_be_bytes());
        out.extend(std::iter::repeat_n(b'x', room));
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The peak resident memory of a process (`VmHWM`), in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb * 1024
}

/// The bound this test holds the server to: well under 1 GiB.
const PEAK_BOUND: u64 = 700 * 1024 * 1024;

/// Twenty maximal uploads at once to the release binary: they wait their turn instead of being
/// decoded together, every one is stored, and the process's peak memory stays under
/// [`PEAK_BOUND`]. Run by `scripts/test.sh` after the release build (`TREFPUNT_BIN`); ignored in a
/// plain `cargo test`, whose debug build would measure the wrong program.
#[tokio::test]
#[ignore = "needs the release binary in TREFPUNT_BIN"]
async fn twenty_maximal_uploads_at_once_stay_within_memory() {
    let bin = std::env::var("TREFPUNT_BIN").expect("TREFPUNT_BIN: the release binary");
    let db = TestDb::fresh().await;
    let photos = db.dir.path().join("photos");
    let (mut child, addr) = start_binary_from(
        std::path::Path::new(&bin),
        &db.url,
        &[("TREFPUNT_PHOTO_DIR", photos.to_str().expect("path"))],
    );
    let client = client();
    let photo = axum::body::Bytes::from(maximal_photo());
    assert!(photo.len() > 10_000_000, "{} bytes", photo.len());
    let mut entries = Vec::new();
    for _ in 0..20 {
        let (id, r) = (new_id(), new_id());
        let receipt: Value = client
            .post(format!("http://{addr}/api/v1/submissions"))
            .json(&barrier(&id, &r))
            .send()
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        entries.push((id, receipt["edit_key"].as_str().expect("key").to_string()));
    }
    let before = peak_memory(child.id());
    let started = std::time::Instant::now();
    let uploads = entries.iter().map(|(id, key)| {
        let (client, photo) = (client.clone(), photo.clone());
        let url = format!("http://{addr}/api/v1/submissions/{id}/photo");
        async move {
            client
                .put(url)
                .header("x-edit-key", key)
                .body(photo)
                .send()
                .await
                .expect("put")
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(uploads).await;
    let took = started.elapsed();
    let peak = peak_memory(child.id());
    let _ = child.kill();
    let _ = child.wait();
    eprintln!(
        "photo load: 20 uploads of {} bytes (8000 × 5000) in {took:.1?}; peak resident memory \
         {} MiB (before the uploads {} MiB); bound {} MiB",
        photo.len(),
        peak / 1024 / 1024,
        before / 1024 / 1024,
        PEAK_BOUND / 1024 / 1024
    );
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    assert!(peak < PEAK_BOUND, "peak {} MiB", peak / 1024 / 1024);
}
