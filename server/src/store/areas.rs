//! Areas: the imported boundaries, the wijken and gemeenten they imply (`import::implied`), the
//! names finer files give those, and which import each entry was assigned under.
//!
//! An import counts `area_generation` up and re-assigns every located entry it sees, marking it with
//! the new generation. Entries a running server stores before it has reloaded its index (it polls
//! every 10 s), and on PostgreSQL entries committed while the import ran (invisible to it), keep an
//! older generation; [`Store::reassign_stale`] brings them up to date once the server has the new
//! index, so no entry stays "outside" for good.

use std::collections::BTreeSet;

use app::model::AreaCodes;
use sqlx::AnyConnection;

use super::db::{bump_every_revision, bump_revision, Store, NOW};
use super::dialect::Backend;
use super::{AreaFacts, StoreError, StoredArea};

/// Entries re-assigned per transaction by [`Store::reassign_stale`]: short transactions, so the
/// writer is never held for long.
const SWEEP_BATCH: i64 = 2_000;

/// Ids marked per statement (one JSON list parameter).
const MARK_BATCH: usize = 5_000;

/// A located entry and the areas it is stored with.
#[derive(sqlx::FromRow)]
struct Placed {
    id: String,
    lon: f64,
    lat: f64,
    gemeente: Option<String>,
    wijk: Option<String>,
    buurt: Option<String>,
}

impl Store {
    /// Stores imported areas (replacing areas with the same code), what all areas now imply
    /// (replacing what they implied before) and the names the file gives enclosing areas, counts
    /// the area generation up, re-assigns every located entry with `assign` and marks every
    /// gemeente's figures changed, all in one transaction: a failure changes nothing. Returns how
    /// many entries moved.
    ///
    /// Every located entry is written (those that move, and the mark of those that stay): on
    /// PostgreSQL that is a new row version each, so a large table bloats until (auto)vacuum, and
    /// moderation waits for the import's commit. Imports are rare; run them in quiet hours.
    ///
    /// `read_at` is the [`Store::area_generation`] the caller read before it read the areas that
    /// `implied` and `assign` were made from. Should another import have landed since, this one
    /// would mark entries as assigned by areas it never saw: it stops with
    /// [`StoreError::Changed`] and writes nothing.
    pub async fn import_areas(
        &self,
        read_at: i64,
        areas: &[StoredArea],
        implied: &[StoredArea],
        names: &[(String, String)],
        assign: impl Fn(f64, f64) -> AreaCodes,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        // First, so a concurrent import waits here (PostgreSQL's row lock; SQLite's one writer)
        // and then finds the generation moved on.
        let counted =
            sqlx::query(&self.backend.sql(
                "UPDATE area_generation SET generation = generation + 1 WHERE generation = ?",
            ))
            .bind(read_at)
            .execute(&mut *tx)
            .await?;
        if counted.rows_affected() != 1 {
            return Err(StoreError::Changed(
                "another import of the areas landed while this one read its file; nothing was \
                 stored: run this import again",
            ));
        }
        let generation = read_at + 1;
        // What the areas imply is made again from all of them (see `import::implied`).
        sqlx::query("DELETE FROM implied_areas")
            .execute(&mut *tx)
            .await?;
        for a in implied {
            sqlx::query(&self.backend.sql(
                "INSERT INTO implied_areas (code, level, population, year, shape) VALUES (?, ?, ?, ?, ?)",
            ))
            .bind(&a.code)
            .bind(&a.level)
            .bind(a.population)
            .bind(a.year)
            .bind(&a.shape)
            .execute(&mut *tx)
            .await?;
        }
        for a in areas {
            sqlx::query(&self.backend.sql(&format!(
                "INSERT INTO areas (code, level, name, population, year, shape, imported_at) \
                 VALUES (?, ?, ?, ?, ?, ?, {NOW}) ON CONFLICT (code) DO UPDATE SET level = excluded.level, \
                 name = excluded.name, population = excluded.population, year = excluded.year, \
                 shape = excluded.shape, imported_at = excluded.imported_at"
            )))
            .bind(&a.code)
            .bind(&a.level)
            .bind(&a.name)
            .bind(a.population)
            .bind(a.year)
            .bind(&a.shape)
            .execute(&mut *tx)
            .await?;
        }
        for (code, name) in names {
            sqlx::query(&self.backend.sql(
                "INSERT INTO area_names (code, name) VALUES (?, ?) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            ))
            .bind(code)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        let placed: Vec<Placed> = sqlx::query_as(
            "SELECT id, lon, lat, gemeente, wijk, buurt FROM submissions \
             WHERE lon IS NOT NULL AND lat IS NOT NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        let (moved, _) = reassign(&mut tx, self.backend, generation, placed, &assign).await?;
        // Every gemeente's figures may have changed: bump them all, and add gemeenten new to entries.
        bump_every_revision(&mut tx).await?;
        sqlx::query(
            "INSERT INTO area_revisions (gemeente, revision) \
             SELECT DISTINCT gemeente, 1 FROM submissions WHERE gemeente IS NOT NULL \
             ON CONFLICT (gemeente) DO NOTHING",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Re-assigns, with `assign` (the index of `generation`), the located entries marked with an
    /// older generation, a batch per transaction, and marks the figures of every gemeente an entry
    /// left or joined changed. Returns how many entries moved. Several servers may sweep at once:
    /// they write the same codes.
    pub async fn reassign_stale(
        &self,
        generation: i64,
        assign: impl Fn(f64, f64) -> AreaCodes,
    ) -> Result<u64, StoreError> {
        let mut moved = 0;
        loop {
            // Nearly always nothing is stale: one probe of the partial index on a reader, and the
            // writer is not taken at all.
            let any: Option<i64> = sqlx::query_scalar(&self.backend.sql(
                "SELECT 1 FROM submissions \
                 WHERE lon IS NOT NULL AND lat IS NOT NULL AND areas_generation < ? LIMIT 1",
            ))
            .bind(generation)
            .fetch_optional(&self.reader)
            .await?;
            if any.is_none() {
                return Ok(moved);
            }
            let mut tx = self.write_tx().await?;
            // Rows another server is sweeping, or an import is re-assigning, are passed over: the
            // next round finds them if they are still stale, and nobody waits in a circle.
            let placed: Vec<Placed> = sqlx::query_as(&self.backend.sql(&format!(
                "SELECT id, lon, lat, gemeente, wijk, buurt FROM submissions \
                 WHERE lon IS NOT NULL AND lat IS NOT NULL AND areas_generation < ? LIMIT ?{}",
                self.backend.lock_free_rows()
            )))
            .bind(generation)
            .bind(SWEEP_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            let full = placed.len() as i64 == SWEEP_BATCH;
            if placed.is_empty() {
                return Ok(moved);
            }
            let (n, changed) = reassign(&mut tx, self.backend, generation, placed, &assign).await?;
            // In code order, so two servers' transactions never wait on each other in a circle.
            for g in &changed {
                bump_revision(&mut tx, self.backend, g).await?;
            }
            tx.commit().await?;
            moved += n;
            if !full {
                return Ok(moved);
            }
        }
    }

    /// The generation of the stored areas (see the module's note).
    pub async fn area_generation(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT generation FROM area_generation")
            .fetch_one(&self.reader)
            .await?)
    }

    /// Every stored area, for building the in-memory index.
    pub async fn areas(&self) -> Result<Vec<StoredArea>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT code, level, name, population, year, shape FROM areas ORDER BY code",
        )
        .fetch_all(&self.reader)
        .await?)
    }

    /// Changes whenever areas or key figures are imported (names and inhabitants may have changed).
    pub async fn facts_version(&self) -> Result<String, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT coalesce(max(imported_at), '') || ':' || count(*) FROM areas) || '/' || \
             (SELECT coalesce(max(imported_at), '') || ':' || count(*) FROM population)",
        )
        .fetch_one(&self.reader)
        .await?)
    }

    /// Name and inhabitants of every area, imported or implied: CBS key figures where imported,
    /// else the boundary file's figure (an implied area's parts added up); the name a finer file
    /// gave where the area's own file has none.
    pub async fn area_facts(&self) -> Result<Vec<AreaFacts>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT a.code, a.level, coalesce(a.name, n.name) AS name, \
             coalesce(p.inhabitants, a.population) AS population, a.year \
             FROM {EVERY_AREA} a LEFT JOIN population p ON p.code = a.code \
             LEFT JOIN area_names n ON n.code = a.code ORDER BY a.code"
        ))
        .fetch_all(&self.reader)
        .await?)
    }

    /// Every area with its shape, imported or implied, named and counted as [`Store::area_facts`]
    /// does: what the map draws and the GeoJSON export holds.
    pub async fn shown_areas(&self) -> Result<Vec<StoredArea>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT a.code, a.level, coalesce(a.name, n.name) AS name, \
             coalesce(p.inhabitants, a.population) AS population, a.year, a.shape \
             FROM {EVERY_AREA} a LEFT JOIN population p ON p.code = a.code \
             LEFT JOIN area_names n ON n.code = a.code ORDER BY a.code"
        ))
        .fetch_all(&self.reader)
        .await?)
    }
}

/// Imported and implied areas as one table.
const EVERY_AREA: &str = "(SELECT code, level, name, population, year, shape FROM areas \
     UNION ALL SELECT code, level, NULL AS name, population, year, shape FROM implied_areas)";

/// Gives each entry the areas `assign` finds for it, marked with `generation`: a row per entry whose
/// areas change, one statement per [`MARK_BATCH`] entries for the rest. Returns how many moved and
/// the gemeenten they left or joined.
async fn reassign(
    conn: &mut AnyConnection,
    backend: Backend,
    generation: i64,
    placed: Vec<Placed>,
    assign: &impl Fn(f64, f64) -> AreaCodes,
) -> Result<(u64, BTreeSet<String>), StoreError> {
    let mut moved = 0;
    let mut changed = BTreeSet::new();
    let mut unchanged: Vec<String> = Vec::new();
    for p in placed {
        let now = assign(p.lon, p.lat);
        let before = AreaCodes {
            gemeente: p.gemeente,
            wijk: p.wijk,
            buurt: p.buurt,
        };
        if now == before {
            unchanged.push(p.id);
            continue;
        }
        let r = sqlx::query(&backend.sql(
            "UPDATE submissions SET gemeente = ?2, wijk = ?3, buurt = ?4, areas_generation = ?1 \
             WHERE id = ?5 AND areas_generation < ?1",
        ))
        .bind(generation)
        .bind(&now.gemeente)
        .bind(&now.wijk)
        .bind(&now.buurt)
        .bind(&p.id)
        .execute(&mut *conn)
        .await?;
        if r.rows_affected() == 0 {
            // A newer import's areas got there first: theirs stand.
            continue;
        }
        moved += 1;
        changed.extend(before.gemeente);
        changed.extend(now.gemeente);
    }
    for ids in unchanged.chunks(MARK_BATCH) {
        let ids = serde_json::to_string(ids).map_err(|e| StoreError::Internal(e.to_string()))?;
        sqlx::query(&backend.sql(&format!(
            "UPDATE submissions SET areas_generation = ?1 WHERE id IN {} AND areas_generation < ?1",
            backend.json_list("?2")
        )))
        .bind(generation)
        .bind(ids)
        .execute(&mut *conn)
        .await?;
    }
    Ok((moved, changed))
}
