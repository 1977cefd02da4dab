//! Group commit for new submissions. With synchronous=FULL every commit waits for the disk; one
//! commit per submission would cap a server at the disk's flushes per second. So submissions go to
//! one writer task per server, which takes everything waiting (up to [`MAX_BATCH`]) and stores it in
//! one transaction: one flush acknowledges the whole batch, and nothing is answered before it.
//!
//! If a batch fails as a whole (a statement error aborts a PostgreSQL transaction, a full disk fails
//! the commit), each of its submissions is tried again alone, so one bad row answers only for
//! itself.

use std::collections::{HashMap, HashSet};

use app::model::{AreaCodes, Receipt, Submission};
use sqlx::AnyConnection;
use sqlx::{AnyPool, Row};
use tokio::sync::{mpsc, oneshot};

use super::db::{bump_revision, NOW};
use super::dialect::{float_slots, Backend};
use super::tx::WriteTx;
use super::{StoreError, Stored};
use crate::domain::content_hash::ContentHashes;
use crate::domain::privacy::public_position;

/// The most submissions one transaction takes. Large enough that a burst costs few flushes, small
/// enough that the first in a batch does not wait long for the last.
pub const MAX_BATCH: usize = 256;

/// Submissions waiting for the writer; beyond this, callers wait to queue (back-pressure).
const QUEUE: usize = 4096;

struct Job {
    submission: Submission,
    areas: AreaCodes,
    /// The generation of the area index that found `areas`.
    areas_generation: i64,
    accept_new: bool,
    answer: oneshot::Sender<Result<Stored, StoreError>>,
}

/// The handle to a store's writer task.
#[derive(Clone)]
pub(super) struct Ingest {
    queue: mpsc::Sender<Job>,
}

impl Ingest {
    /// Starts the writer task on `pool`; it ends when the last handle is dropped.
    pub fn start(backend: Backend, pool: AnyPool) -> Ingest {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(backend, pool, jobs));
        Ingest { queue }
    }

    /// Stores one submission; answers once it is committed.
    pub async fn submit(
        &self,
        submission: Submission,
        areas: AreaCodes,
        areas_generation: i64,
        accept_new: bool,
    ) -> Result<Stored, StoreError> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            submission,
            areas,
            areas_generation,
            accept_new,
            answer,
        };
        let stopped = || StoreError::Unavailable("the writer has stopped".into());
        self.queue.send(job).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

async fn write_batches(backend: Backend, pool: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let started = std::time::Instant::now();
        let written = write(backend, &pool, &batch).await;
        tracing::debug!(
            size = batch.len(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            ok = written.is_ok(),
            "group commit"
        );
        match written {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.answer.send(Ok(outcome));
                }
            }
            Err(_) if batch.len() > 1 => {
                for job in batch.drain(..) {
                    let outcome = write(backend, &pool, std::slice::from_ref(&job)).await;
                    let _ = job.answer.send(outcome.map(|mut o| o.remove(0)));
                }
            }
            Err(e) => {
                // The batch was this one job.
                if let Some(job) = batch.pop() {
                    let _ = job.answer.send(Err(e));
                }
            }
        }
    }
}

/// Stores `jobs` in one transaction; their outcomes in order. A handful of statements per batch,
/// not per submission: one lookup each of the tombstones, the stored ids and the open campaigns,
/// inserts of [`INSERT_ROWS`] rows at a time, one revision bump per gemeente.
async fn write(backend: Backend, pool: &AnyPool, jobs: &[Job]) -> Result<Vec<Stored>, StoreError> {
    let mut tx = WriteTx::begin(pool, backend).await?;
    let ids: Vec<&str> = jobs.iter().map(|j| j.submission.id.as_str()).collect();
    let gone = ids_among(
        &mut tx,
        backend,
        "SELECT id FROM tombstones WHERE id IN",
        &ids,
    )
    .await?;
    let mut before = stored(&mut tx, backend, &ids).await?;
    let mut campaigns: Vec<&str> = jobs
        .iter()
        .map(|j| j.submission.campaign.as_str())
        .collect();
    campaigns.sort_unstable();
    campaigns.dedup();
    let open = ids_among(
        &mut tx,
        backend,
        "SELECT id FROM campaigns WHERE status = 'open' AND id IN",
        &campaigns,
    )
    .await?;

    // Decide each job; the same id twice in one batch (a double tap) is a resend of the first.
    let mut outcomes: Vec<Option<Stored>> = vec![None; jobs.len()];
    let mut fresh: Vec<usize> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let s = &job.submission;
        let hashes = ContentHashes::of_canonical(&s.canonical_json());
        outcomes[i] = if gone.contains(&s.id) {
            Some(Stored::Gone)
        } else if let Some(earlier) = before.get(&s.id) {
            Some(earlier.answer(&s.id, &hashes))
        } else if !job.accept_new || !open.contains(&s.campaign) {
            Some(Stored::UnknownCampaign)
        } else {
            before.insert(
                s.id.clone(),
                Earlier {
                    full: Some(hashes.full),
                    wordless: hashes.wordless,
                    areas: job.areas.clone(),
                },
            );
            fresh.push(i);
            None
        };
    }

    // Entries with a position and those without go in separate statements: a missing position is
    // NULL in the text, never a bound missing float (`dialect::float_slots`), and each group's
    // statements still come in the few sizes of `INSERT_ROWS`.
    let (placed, unplaced): (Vec<usize>, Vec<usize>) = fresh
        .iter()
        .partition(|&&i| jobs[i].submission.location.is_some());
    let mut inserted: HashSet<String> = HashSet::with_capacity(fresh.len());
    for (with_position, group) in [(true, &placed), (false, &unplaced)] {
        for rows in chunks(group) {
            let statement = insert_statement(rows.len(), with_position);
            let sql = backend.sql(&statement);
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for &i in rows {
                let (s, areas) = (&jobs[i].submission, &jobs[i].areas);
                q = q
                    .bind(&s.id)
                    .bind(&s.respondent)
                    .bind(&s.campaign)
                    .bind(s.kind.as_str())
                    .bind(&s.category);
                if let Some(l) = s.location {
                    let public = public_position(s.kind, l);
                    q = q.bind(l.lon).bind(l.lat).bind(public.lon).bind(public.lat);
                }
                q = q
                    .bind(serde_json::to_string(&s.details).unwrap_or_else(|_| "{}".into()))
                    .bind(serde_json::Value::Object(s.answers.clone()).to_string())
                    .bind(&s.text)
                    .bind(&s.language)
                    .bind(s.source.as_str())
                    .bind(&s.event)
                    .bind(&areas.gemeente)
                    .bind(&areas.wijk)
                    .bind(&areas.buurt)
                    .bind(jobs[i].areas_generation)
                    .bind(before[&s.id].full.as_deref().unwrap_or_default())
                    .bind(&before[&s.id].wordless);
            }
            inserted.extend(q.fetch_all(&mut *tx).await?);
        }
    }

    // ON CONFLICT: another server stored the same id between the lookup and the insert (PostgreSQL
    // reads committed rows; SQLite's writer would have failed the batch instead). That row decides.
    let raced: Vec<&str> = fresh
        .iter()
        .map(|&i| jobs[i].submission.id.as_str())
        .filter(|id| !inserted.contains(*id))
        .collect();
    let theirs = if raced.is_empty() {
        HashMap::new()
    } else {
        stored(&mut tx, backend, &raced).await?
    };
    let mut changed: Vec<&str> = Vec::new();
    for &i in &fresh {
        let (s, areas) = (&jobs[i].submission, &jobs[i].areas);
        outcomes[i] = Some(if inserted.contains(&s.id) {
            if let Some(g) = &areas.gemeente {
                changed.push(g);
            }
            Stored::Created(Receipt {
                id: s.id.clone(),
                areas: areas.clone(),
                edit_key: None,
            })
        } else {
            match theirs.get(&s.id) {
                Some(earlier) => {
                    earlier.answer(&s.id, &ContentHashes::of_canonical(&s.canonical_json()))
                }
                None => Stored::Conflict,
            }
        });
    }
    // One bump per gemeente, in code order so two servers' batches never wait on each other in a
    // circle.
    changed.sort_unstable();
    changed.dedup();
    for g in changed {
        bump_revision(&mut tx, backend, g).await?;
    }
    tx.commit().await?;
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Stored::Conflict))
        .collect())
}

/// The insert of `rows` submissions, all with a position (bound) or all without (NULL): 17
/// parameters a row, 21 with a position.
fn insert_statement(rows: usize, with_position: bool) -> String {
    let position = float_slots(with_position, 4);
    let row = format!("(?, ?, ?, ?, ?, {position}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, {NOW})");
    format!(
        "INSERT INTO submissions (id, respondent, campaign, kind, category, lon, lat, pub_lon, pub_lat, details, answers, \
         text, language, source, event, gemeente, wijk, buurt, areas_generation, content_hash, wordless_hash, \
         details_public, created_at) \
         VALUES {} \
         ON CONFLICT (id) DO NOTHING RETURNING id",
        vec![row; rows].join(", ")
    )
}

/// Rows per multi-row insert: a batch is inserted 64, 16, 4 and 1 rows at a time, so a handful of
/// statement texts serve every batch size (and stay in the prepared-statement cache), and no
/// statement comes near SQLite's 32,766 parameters.
const INSERT_ROWS: [usize; 4] = [64, 16, 4, 1];

fn chunks(rows: &[usize]) -> Vec<&[usize]> {
    let mut out = Vec::new();
    let mut rest = rows;
    for size in INSERT_ROWS {
        while rest.len() >= size {
            let (chunk, tail) = rest.split_at(size);
            out.push(chunk);
            rest = tail;
        }
    }
    out
}

/// A JSON array of strings: one parameter for a whole `IN` list (see [`Backend::json_list`]).
fn json_list(items: &[&str]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// The ids `select` (a query ending in `IN`) finds among `ids`, in one statement.
async fn ids_among(
    conn: &mut AnyConnection,
    backend: Backend,
    select: &str,
    ids: &[&str],
) -> Result<HashSet<String>, StoreError> {
    let statement = format!("{select} {}", backend.json_list("?"));
    let sql = backend.sql(&statement);
    let found: Vec<String> = sqlx::query_scalar(&sql)
        .bind(json_list(ids))
        .fetch_all(conn)
        .await?;
    Ok(found.into_iter().collect())
}

/// A stored submission, as a resend is judged against it (see [`ContentHashes`]).
struct Earlier {
    /// `None` once the entry's words were removed.
    full: Option<String>,
    wordless: String,
    areas: AreaCodes,
}

impl Earlier {
    /// The stored receipt for the same body, a conflict for another.
    fn answer(&self, id: &str, hashes: &ContentHashes) -> Stored {
        if hashes.same_entry(self.full.as_deref(), &self.wordless) {
            Stored::Replayed(Receipt {
                id: id.to_string(),
                areas: self.areas.clone(),
                edit_key: None,
            })
        } else {
            Stored::Conflict
        }
    }
}

/// The stored submissions among `ids`.
async fn stored(
    conn: &mut AnyConnection,
    backend: Backend,
    ids: &[&str],
) -> Result<HashMap<String, Earlier>, StoreError> {
    let rows = sqlx::query(&backend.sql(&format!(
        "SELECT id, content_hash, wordless_hash, gemeente, wijk, buurt FROM submissions WHERE id IN {}",
        backend.json_list("?")
    )))
    .bind(json_list(ids))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let full: String = row.try_get("content_hash")?;
            let earlier = Earlier {
                full: Some(full).filter(|f| !f.is_empty()),
                wordless: row.try_get("wordless_hash")?,
                areas: AreaCodes {
                    gemeente: row.try_get("gemeente")?,
                    wijk: row.try_get("wijk")?,
                    buurt: row.try_get("buurt")?,
                },
            };
            Ok((row.try_get("id")?, earlier))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row's placeholders are what its binds fill: 21 with a position, 17 without, and the
    /// statement texts are as few as the sizes times the two groups.
    #[test]
    fn an_insert_has_as_many_placeholders_as_its_rows_bind() {
        for (with_position, per_row) in [(true, 21), (false, 17)] {
            for rows in INSERT_ROWS {
                let sql = insert_statement(rows, with_position);
                assert_eq!(
                    sql.matches('?').count(),
                    rows * per_row,
                    "{rows} {with_position}"
                );
                assert_eq!(
                    sql.matches("NULL").count(),
                    if with_position { 0 } else { 4 * rows }
                );
            }
        }
    }

    #[test]
    fn batches_are_inserted_in_a_few_fixed_sizes() {
        let rows: Vec<usize> = (0..87).collect();
        let sizes: Vec<usize> = chunks(&rows).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [64, 16, 4, 1, 1, 1]);
        assert_eq!(chunks(&rows).concat(), rows, "every row once, in order");
        assert!(chunks(&[]).is_empty());
    }
}
