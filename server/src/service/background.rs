//! The service's work besides answering requests: reloading the area index after an import (and
//! re-assigning what arrived in between), building the aggregate tables at start, and removing free
//! text past its retention. The application owns it and stops it before the database closes: a
//! reload or retention round under way finishes first (within [`STOP_GRACE`]), so none is cut off
//! by a closed pool; the warm-up, which only fills a cache, stops between two gemeenten.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::service::Service;

/// How often a server looks for imported areas.
pub const AREA_RELOAD: Duration = Duration::from_secs(10);
/// How often retention runs.
pub const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// How long [`Background::stop`] lets the rounds under way finish, all together, before they are
/// dropped.
pub const STOP_GRACE: Duration = Duration::from_secs(10);

/// The running background tasks (see the module's documentation). Dropping it without
/// [`Background::stop`] also ends them, each after its round under way.
#[must_use = "dropping it stops the background tasks after their first round"]
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Service {
    /// Starts the background tasks on the current runtime.
    pub fn start_background(&self) -> Background {
        let (stop, stopped) = watch::channel(false);
        let svc = self.clone();
        let areas = every(AREA_RELOAD, stopped.clone(), move || {
            let svc = svc.clone();
            async move {
                if let Err(e) = svc.refresh_areas().await {
                    tracing::warn!(error = %e, "areas not refreshed; trying again");
                }
            }
        });
        let svc = self.clone();
        let retention = every(RETENTION_EVERY, stopped.clone(), move || {
            let svc = svc.clone();
            async move {
                match svc.apply_retention().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(entries = n, "retention: free text removed"),
                    Err(e) => {
                        tracing::warn!(error = %e, "retention failed; tried again in an hour");
                    }
                }
            }
        });
        let svc = self.clone();
        let mut stopped_warm = stopped;
        let warm = tokio::spawn(async move {
            tokio::select! {
                () = svc.warm_tables() => {}
                _ = stopped_warm.wait_for(|s| *s) => {}
            }
        });
        Background {
            stop,
            tasks: vec![areas, retention, warm],
        }
    }
}

/// Runs `round` now and then every `period`, until `stopped` turns true; a round under way is not
/// interrupted by the signal (only by [`Background::stop`]'s grace running out).
fn every<F, Fut>(period: Duration, mut stopped: watch::Receiver<bool>, round: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            if *stopped.borrow() {
                return;
            }
            round().await;
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                _ = stopped.wait_for(|s| *s) => return,
            }
        }
    })
}

impl Background {
    /// Stops every task: each ends after the round it is in; what still runs after [`STOP_GRACE`]
    /// (counted once, for all) is dropped.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + STOP_GRACE;
        for task in self.tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout_at(deadline, task).await.is_err() {
                tracing::warn!("a background task did not stop in time; dropped");
                abort.abort();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn a_stopped_task_runs_no_further_round() {
        let (stop, stopped) = watch::channel(false);
        let rounds = Arc::new(AtomicUsize::new(0));
        let counted = rounds.clone();
        let task = every(Duration::from_secs(10), stopped, move || {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::time::sleep(Duration::from_secs(25)).await;
        assert_eq!(rounds.load(Ordering::SeqCst), 3, "at 0, 10 and 20 s");
        let background = Background {
            stop,
            tasks: vec![task],
        };
        background.stop().await;
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(rounds.load(Ordering::SeqCst), 3, "none after the stop");
    }

    #[tokio::test(start_paused = true)]
    async fn a_round_under_way_finishes_before_the_stop_returns() {
        let (stop, stopped) = watch::channel(false);
        let finished = Arc::new(AtomicUsize::new(0));
        let done = finished.clone();
        let task = every(Duration::from_secs(3600), stopped, move || {
            let done = done.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(2)).await;
                done.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::time::sleep(Duration::from_secs(1)).await;
        Background {
            stop,
            tasks: vec![task],
        }
        .stop()
        .await;
        assert_eq!(finished.load(Ordering::SeqCst), 1);
    }
}
