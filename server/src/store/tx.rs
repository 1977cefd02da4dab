//! Write transactions that cannot report a commit that did not happen.
//!
//! sqlx's own `Transaction` counts open transactions per connection, and that count goes wrong when
//! SQLite's COMMIT fails (a full disk, a file that takes no writes): the failed transaction stays
//! open, the next `begin` becomes a savepoint inside it, and releasing that savepoint "commits"
//! without writing anything. A submission would then be acknowledged while it exists only in memory.
//! So writes use plain `BEGIN`/`COMMIT` here, a connection whose commit failed is closed instead of
//! going back to the pool, and one dropped without a commit is rolled back first (closed if even that
//! fails). `server/tests/api/faults.rs` is the test.

use std::ops::{Deref, DerefMut};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor};

use super::dialect::Backend;
use super::StoreError;

pub(super) struct WriteTx {
    /// `None` only once committed.
    conn: Option<PoolConnection<Any>>,
}

impl WriteTx {
    /// Begins a write transaction on a connection of `pool`. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so a second process on the same file waits for it here (within
    /// `busy_timeout`) instead of failing at its first write after reading an older snapshot.
    pub(super) async fn begin(pool: &AnyPool, backend: Backend) -> Result<WriteTx, StoreError> {
        let mut conn = pool.acquire().await?;
        let begin = match backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        if let Err(e) = conn.execute(begin).await {
            // Whatever state it is in, it is not one to hand to the next caller.
            let _ = conn.close().await;
            return Err(e.into());
        }
        Ok(WriteTx { conn: Some(conn) })
    }

    pub(super) async fn commit(mut self) -> Result<(), StoreError> {
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        match conn.execute("COMMIT").await {
            Ok(_) => Ok(()),
            Err(e) => {
                let _ = conn.close().await;
                Err(e.into())
            }
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    // `commit` takes the connection and consumes the transaction with it: no caller can reach it
    // after that.
    #[allow(
        clippy::expect_used,
        reason = "unreachable: commit consumes the transaction"
    )]
    fn deref(&self) -> &AnyConnection {
        self.conn
            .as_deref()
            .expect("a write transaction is used only until its commit")
    }
}

impl DerefMut for WriteTx {
    #[allow(
        clippy::expect_used,
        reason = "unreachable: commit consumes the transaction"
    )]
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn
            .as_deref_mut()
            .expect("a write transaction is used only until its commit")
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        // An early return (nothing to change) or an error: undo, then give the connection back.
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if conn.execute("ROLLBACK").await.is_err() {
                        let _ = conn.close().await;
                    }
                });
            }
            // No runtime left to roll back on (the process is ending): never pool it again.
            Err(_) => drop(conn.detach()),
        }
    }
}
