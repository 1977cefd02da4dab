//! Storage faults at run time: a full disk and a database that takes no writes. The server answers
//! writes with 503 and a reason, keeps serving reads, loses nothing stored, and recovers by itself
//! (no restart) once the fault is gone.
//!
//! The full disk is real: the SQLite file lives on a small tmpfs of its own that a ballast file
//! fills up (mounting needs root, as CI runs). The read-only database is real too: on SQLite the
//! file and its WAL are made immutable (`chattr +i`, which refuses writes even through files the
//! server already has open; ext4 and xfs do this, tmpfs does not); on PostgreSQL the database turns
//! read-only and every connection is dropped, as in a failover to a standby, and back.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::helpers::*;

fn run(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {} (these fault tests need root: they mount a tmpfs and use chattr)",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tmpfs of `mib` MiB of its own; unmounted when dropped.
struct SmallDisk {
    mount: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mib: u32) -> SmallDisk {
        let mount = tempfile::tempdir().expect("mount point");
        let dir = mount.path().display().to_string();
        run(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mib}m,mode=0755"),
                "tmpfs",
                &dir,
            ],
        );
        SmallDisk { mount }
    }

    fn path(&self) -> &Path {
        self.mount.path()
    }

    /// Fills every byte left with a ballast file; returns its path.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.path().join("ballast");
        let mut f = std::fs::File::create(&path).expect("ballast");
        let mut chunk = vec![0u8; 1 << 20];
        while chunk.len() >= 512 {
            match f.write(&chunk) {
                Ok(0) | Err(_) => chunk.truncate(chunk.len() / 2),
                Ok(_) => {}
            }
        }
        let _ = f.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: the test's server may still hold its files open.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.mount.path())
            .status();
    }
}

/// `chattr +i` (or `-i`) on the files, checking that this file system enforces it on open files.
fn immutable(files: &[PathBuf], on: bool) {
    for f in files {
        run(
            "chattr",
            &[if on { "+i" } else { "-i" }, &f.display().to_string()],
        );
    }
}

fn assert_chattr_refuses_open_files(dir: &Path) {
    use std::io::Write;
    let probe = dir.join("probe");
    let mut f = std::fs::File::create(&probe).expect("probe");
    immutable(std::slice::from_ref(&probe), true);
    let refused = f.write_all(b"x").and_then(|()| f.sync_all()).is_err();
    immutable(std::slice::from_ref(&probe), false);
    assert!(
        refused,
        "the temporary folder's file system ignores chattr +i on open files (use ext4 or xfs for TMPDIR)"
    );
}

async fn error_of(res: reqwest::Response) -> (u16, Option<String>, String) {
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Value = res.json().await.unwrap_or_default();
    (
        status,
        retry,
        body["error"].as_str().unwrap_or_default().to_string(),
    )
}

/// Reads still work: the public list with what was stored, the map page, readiness, the figures.
async fn reads_work(app: &TestApp, stored: &[String]) {
    let list: Value = app.get_json("/api/v1/submissions").await;
    let ids: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    for id in stored {
        assert!(ids.contains(&id.as_str()), "{id} is still listed");
    }
    assert_eq!(app.get("/kaart").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(
        app.get("/api/v1/aggregates?level=gemeente").await.status(),
        200
    );
}

#[tokio::test]
async fn a_full_disk_refuses_writes_serves_reads_and_recovers_without_restart() {
    let fresh = TestDb::fresh().await;
    if fresh.is_postgres() {
        // PostgreSQL stops itself when its WAL cannot be written (PANIC), by design: its disk must be
        // watched (docs/deployment.md). The read-only test below covers the PostgreSQL side.
        return;
    }
    let disk = SmallDisk::mount(16);
    let db = TestDb {
        url: format!("sqlite://{}/trefpunt.db", disk.path().display()),
        dir: fresh.dir,
    };
    let app = spawn_app_on(db, "http://127.0.0.1:9".into()).await;
    let mut stored = Vec::new();
    for _ in 0..3 {
        let id = new_id();
        assert_eq!(app.post_json(&barrier(&id, &new_id())).await.status(), 201);
        stored.push(id);
    }

    let ballast = disk.fill();
    let waiting = barrier(&new_id(), &new_id());
    for body in [
        waiting.clone(),
        barrier(&new_id(), &new_id()),
        waiting.clone(),
        barrier(&new_id(), &new_id()),
        waiting.clone(),
    ] {
        let (status, retry, error) = error_of(app.post_json(&body).await).await;
        assert_eq!(status, 503, "{error}");
        assert!(error.contains("disk is full"), "{error}");
        assert!(
            retry.is_some_and(|s| s.parse::<u32>().is_ok()),
            "Retry-After in seconds"
        );
    }
    // The resident's plain form keeps what was typed and says it could not be sent.
    let form = [
        ("id", new_id()),
        ("respondent", new_id()),
        ("campaign", "default".into()),
        ("kind", "barrier".into()),
        ("language", "nl".into()),
        ("category", "steps".into()),
        ("severity", "2".into()),
        ("lon", "4.68".into()),
        ("lat", "51.81".into()),
        ("text", "Trap zonder leuning".into()),
    ]
    .map(|(k, v)| (k.to_string(), v));
    let page = app.post_form("/meedoen/drempel", &form).await;
    assert_eq!(page.status(), 503);
    assert!(page
        .text()
        .await
        .expect("html")
        .contains("Trap zonder leuning"));
    // The form's server function says it typed, so form.js keeps the entry on the device.
    let draft = app::model::FormDraft::from_pairs(&form);
    let res = app
        .client
        .post(app.url("/_fn/submit"))
        .json(&serde_json::json!({ "draft": draft }))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    let said: serde_json::Value = res.json().await.expect("json");
    assert!(
        said["Unavailable"]
            .as_str()
            .is_some_and(|why| why.contains("disk is full")),
        "{said}"
    );
    reads_work(&app, &stored).await;

    // Space returns: the same server takes the waiting entry, which had not been stored.
    std::fs::remove_file(&ballast).expect("free the disk");
    assert_eq!(app.post_json(&waiting).await.status(), 201);
    assert_eq!(app.count_rows("submissions").await, 4);
    let store = server::store::Store::open(&app.db_url).await.expect("open");
    store.integrity_check().await.expect("the file is sound");
    store.close().await;
}

#[tokio::test]
async fn a_read_only_database_refuses_writes_serves_reads_and_recovers_without_restart() {
    let db = TestDb::fresh().await;
    if !db.is_postgres() {
        assert_chattr_refuses_open_files(db.dir.path());
    }
    let app = spawn_app_on(db, "http://127.0.0.1:9".into()).await;
    let mut stored = Vec::new();
    for _ in 0..3 {
        let id = new_id();
        assert_eq!(app.post_json(&barrier(&id, &new_id())).await.status(), 201);
        stored.push(id);
    }

    let files: Vec<PathBuf> = {
        let db = app.db_url.trim_start_matches("sqlite://");
        vec![PathBuf::from(db), PathBuf::from(format!("{db}-wal"))]
    };
    // Every connection of the server's pools is dropped; new ones get read-only transactions. Each
    // step uses a connection of its own that is read-write whatever the database's default says:
    // a pooled one could be one the previous step opened after the switch, or one it terminated.
    let db_url = app.db_url.clone();
    let failover = |read_only: bool| {
        let db_url = db_url.clone();
        async move {
            use sqlx::Connection;
            let mut admin = sqlx::AnyConnection::connect(&db_url)
                .await
                .expect("connect");
            sqlx::query("SET default_transaction_read_only = off")
                .execute(&mut admin)
                .await
                .expect("read-write session");
            let name: String = sqlx::query_scalar("SELECT current_database()::text")
                .fetch_one(&mut admin)
                .await
                .expect("name");
            let setting = if read_only { "on" } else { "off" };
            sqlx::query(&format!(
                "ALTER DATABASE {name} SET default_transaction_read_only = {setting}"
            ))
            .execute(&mut admin)
            .await
            .expect("alter database");
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .execute(&mut admin)
            .await
            .expect("drop the connections");
            admin.close().await.expect("close");
        }
    };
    if app.is_postgres() {
        failover(true).await;
    } else {
        immutable(&files, true);
    }

    // Several, one after the other: a write path that lost track of a failed commit would start
    // acknowledging entries it never wrote from the second or third on.
    let waiting = barrier(&new_id(), &new_id());
    let mut last = String::new();
    for body in [
        waiting.clone(),
        barrier(&new_id(), &new_id()),
        waiting.clone(),
        barrier(&new_id(), &new_id()),
        waiting.clone(),
    ] {
        let (status, retry, error) = error_of(app.post_json(&body).await).await;
        assert_eq!(status, 503, "{error}");
        assert!(retry.is_some());
        last = error;
    }
    assert!(last.contains("takes no changes"), "{last}");
    reads_work(&app, &stored).await;

    if app.is_postgres() {
        failover(false).await;
    } else {
        immutable(&files, false);
    }
    // The first request after a failover may still meet a dropped connection; the server replaces
    // it by itself.
    let mut status = 0;
    for _ in 0..5 {
        status = app.post_json(&waiting).await.status().as_u16();
        if status == 201 {
            break;
        }
        assert_eq!(status, 503);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(status, 201, "the same server takes writes again");
    assert_eq!(app.count_rows("submissions").await, 4);
    if !app.is_postgres() {
        let store = server::store::Store::open(&app.db_url).await.expect("open");
        store.integrity_check().await.expect("the file is sound");
        store.close().await;
    }
}
