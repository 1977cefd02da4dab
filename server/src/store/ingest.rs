//! Group commit for new submissions. With synchronous=FULL every commit waits for the disk; one
//! commit per submission would cap a server at the disk's flushes per second. So submissions go to
//! one writer task per server, which takes everything waiting (up to [`MAX_BATCH`]) and stores it in
//! one transaction: one flush acknowledges the whole batch, and nothing is answered before it.
//!
//! If a batch fails as a whole (a statement error aborts a PostgreSQL transaction, a full disk fails
//! the commit), each of its submissions is tried again alone, so one bad row answers only for
//! itself.

use app::model::{AreaCodes, Receipt, Submission};
use sqlx::AnyConnection;
use sqlx::{AnyPool, Row};
use tokio::sync::{mpsc, oneshot};

use super::db::{bump_revision, NOW};
use super::dialect::Backend;
use super::{StoreError, Stored};

/// The most submissions one transaction takes. Large enough that a burst costs few flushes, small
/// enough that the first in a batch does not wait long for the last.
pub const MAX_BATCH: usize = 256;

/// Submissions waiting for the writer; beyond this, callers wait to queue (back-pressure).
const QUEUE: usize = 4096;

struct Job {
    submission: Submission,
    areas: AreaCodes,
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
        accept_new: bool,
    ) -> Result<Stored, StoreError> {
        let (answer, answered) = oneshot::channel();
        let job = Job { submission, areas, accept_new, answer };
        let stopped = || StoreError::Unavailable("the writer has stopped".into());
        self.queue.send(job).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

async fn write_batches(backend: Backend, pool: AnyPool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match write(backend, &pool, &batch).await {
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
                for job in batch.drain(..) {
                    let _ = job.answer.send(Err(e));
                    break; // the batch was this one job
                }
            }
        }
    }
}

/// Stores `jobs` in one transaction; their outcomes in order.
async fn write(backend: Backend, pool: &AnyPool, jobs: &[Job]) -> Result<Vec<Stored>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut changed: Vec<&str> = Vec::new();
    for job in jobs {
        let outcome = store_one(&mut tx, backend, job).await?;
        if let (Stored::Created(_), Some(g)) = (&outcome, &job.areas.gemeente) {
            changed.push(g);
        }
        outcomes.push(outcome);
    }
    // One bump per gemeente, in code order so two servers' batches never wait on each other in a
    // circle.
    changed.sort_unstable();
    changed.dedup();
    for g in changed {
        bump_revision(&mut tx, backend, g).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// One submission inside the batch's transaction: deleted before, stored before (the same body or
/// another), refused, or new.
async fn store_one(conn: &mut AnyConnection, backend: Backend, job: &Job) -> Result<Stored, StoreError> {
    let s = &job.submission;
    if sqlx::query(&backend.sql("SELECT 1 FROM tombstones WHERE id = ?"))
        .bind(&s.id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some()
    {
        return Ok(Stored::Gone);
    }
    let canonical = s.canonical_json();
    if let Some(stored) = stored_before(conn, backend, s, &canonical).await? {
        return Ok(stored);
    }
    if !job.accept_new
        || sqlx::query(&backend.sql("SELECT 1 FROM campaigns WHERE id = ? AND status = 'open'"))
            .bind(&s.campaign)
            .fetch_optional(&mut *conn)
            .await?
            .is_none()
    {
        return Ok(Stored::UnknownCampaign);
    }
    let details = serde_json::to_string(&s.details).unwrap_or_else(|_| "{}".into());
    let answers = serde_json::Value::Object(s.answers.clone()).to_string();
    let areas = &job.areas;
    // ON CONFLICT: another server may store the same id between the check above and here.
    let inserted = sqlx::query(&backend.sql(&format!(
        "INSERT INTO submissions (id, respondent, campaign, kind, category, lon, lat, details, answers, text, \
         language, source, event, gemeente, wijk, buurt, canonical, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {NOW}) ON CONFLICT (id) DO NOTHING"
    )))
    .bind(&s.id)
    .bind(&s.respondent)
    .bind(&s.campaign)
    .bind(s.kind.as_str())
    .bind(&s.category)
    .bind(s.location.map(|l| l.lon))
    .bind(s.location.map(|l| l.lat))
    .bind(details)
    .bind(answers)
    .bind(&s.text)
    .bind(&s.language)
    .bind(s.source.as_str())
    .bind(&s.event)
    .bind(&areas.gemeente)
    .bind(&areas.wijk)
    .bind(&areas.buurt)
    .bind(&canonical)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(stored_before(conn, backend, s, &canonical).await?.unwrap_or(Stored::Conflict));
    }
    Ok(Stored::Created(Receipt { id: s.id.clone(), areas: areas.clone(), edit_key: None }))
}

/// What a resend of `s` gets when its id is stored: the stored receipt for the same body, a
/// conflict for another.
async fn stored_before(
    conn: &mut AnyConnection,
    backend: Backend,
    s: &Submission,
    canonical: &str,
) -> Result<Option<Stored>, StoreError> {
    let Some(row) = sqlx::query(&backend.sql(
        "SELECT canonical, gemeente, wijk, buurt FROM submissions WHERE id = ?",
    ))
    .bind(&s.id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let stored: String = row.try_get("canonical")?;
    if stored != canonical {
        return Ok(Some(Stored::Conflict));
    }
    let areas = AreaCodes {
        gemeente: row.try_get("gemeente")?,
        wijk: row.try_get("wijk")?,
        buurt: row.try_get("buurt")?,
    };
    Ok(Some(Stored::Replayed(Receipt { id: s.id.clone(), areas, edit_key: None })))
}
