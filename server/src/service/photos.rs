//! Residents' photos: processed by [`crate::domain::photo::process`] (resized, every metadata field gone),
//! written as `{hash}.jpg` in the photo folder (fsynced before the row that names it), public only
//! once a moderator publishes it, and removed with their entry or after the campaign's retention.

use std::path::{Path, PathBuf};

use app::model::Kind;

use crate::domain::photo::{process, PhotoError, PhotoLimits};
use crate::service::error::ServiceError;
use crate::service::Service;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("no entry with this id, or the key does not fit")]
    NotFound,
    #[error("only places and barriers can have a photo")]
    WrongKind,
    #[error("{0}")]
    Photo(#[from] PhotoError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the photo could not be saved: {0}")]
    Io(#[from] std::io::Error),
}

/// A stored photo.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Stored {
    /// The photo's address is `/api/v1/photos/{hash}.jpg`.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub public: bool,
}

/// The file of a photo hash (64 hex characters; anything else is no file of ours).
pub fn photo_path(dir: &Path, hash: &str) -> Option<PathBuf> {
    (hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    .then(|| dir.join(format!("{hash}.jpg")))
}

/// Photo uploads whose bodies may be in memory at once (each up to 10 MiB); the rest wait, with
/// their bytes still in the network's buffers, for up to [`UPLOAD_WAIT`].
pub const UPLOADS_AT_ONCE: usize = 4;
/// Uploads decoded at once: one decode may take a third of a gigabyte (40 megapixels in the widest
/// pixel layout, see `photo::alloc_budget`) and a core for a second.
pub const DECODES_AT_ONCE: usize = 1;
/// How long an upload waits for its turn before it is answered 503.
pub const UPLOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(60);
/// How long an admitted upload may take, its body included: 10 MiB at 0.6 Mbit/s, a weak mobile
/// uplink. A client that trickles its body slower gives its slot back with a 408.
pub const UPLOAD_TIME: std::time::Duration = std::time::Duration::from_secs(150);

/// The two bounds that keep a burst of uploads within memory: peak memory stays under the
/// process's own plus `UPLOADS_AT_ONCE` × 10 MiB plus `DECODES_AT_ONCE` × one decode.
pub struct PhotoSlots {
    pub uploads: std::sync::Arc<tokio::sync::Semaphore>,
    pub decodes: tokio::sync::Semaphore,
    /// [`UPLOAD_TIME`], shorter in tests.
    pub upload_time: std::time::Duration,
}

/// An admitted upload's place (see [`Service::admit_upload`]): held until dropped.
pub struct UploadSlot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    /// How long the body may take to arrive.
    pub time: std::time::Duration,
}

impl Default for PhotoSlots {
    fn default() -> Self {
        PhotoSlots {
            uploads: std::sync::Arc::new(tokio::sync::Semaphore::new(UPLOADS_AT_ONCE)),
            decodes: tokio::sync::Semaphore::new(DECODES_AT_ONCE),
            upload_time: UPLOAD_TIME,
        }
    }
}

impl Service {
    /// Admits an upload of entry `id`'s photo before its body is read: a key that does not open
    /// the entry costs neither a slot nor a byte (`NotFound` at once). Then at most
    /// [`UPLOADS_AT_ONCE`] bodies are in memory; the rest wait their turn and after [`UPLOAD_WAIT`]
    /// are told the service is busy. The slot is held while the body arrives, at most its `time`.
    pub async fn admit_upload(&self, id: &str, key: &str) -> Result<UploadSlot, ServiceError> {
        if !self.private_links.verify(&id.to_ascii_lowercase(), key) {
            return Err(ServiceError::NotFound);
        }
        let slot = tokio::time::timeout(
            UPLOAD_WAIT,
            self.photo_slots.uploads.clone().acquire_owned(),
        )
        .await;
        let Ok(Ok(permit)) = slot else {
            return Err(ServiceError::Busy(
                "many photos are being uploaded right now; try again in a minute",
            ));
        };
        Ok(UploadSlot {
            _permit: permit,
            time: self.photo_slots.upload_time,
        })
    }

    /// The photo file of entry `id` for its author (the private link's key proves authorship),
    /// published or not: its path, or `None`.
    pub async fn own_photo(&self, id: &str, key: &str) -> Result<Option<PathBuf>, StoreError> {
        let Some(entry) = self.own_entry(id, key).await? else {
            return Ok(None);
        };
        Ok(self
            .store
            .photo_of(&entry.id)
            .await?
            .and_then(|(hash, _)| photo_path(&self.photo_dir, &hash)))
    }

    /// The file of the photo with content hash `hash`, and whether it is public. A waiting photo
    /// only for a `moderator` (role checked by the caller) of one of the gemeenten its entries lie
    /// in; for anyone else it does not exist.
    pub async fn photo_file(
        &self,
        hash: &str,
        moderator: Option<&crate::store::SessionUser>,
    ) -> Result<Option<(PathBuf, bool)>, StoreError> {
        let Some(path) = photo_path(&self.photo_dir, hash) else {
            return Ok(None);
        };
        match self.store.photo_is_public(hash).await? {
            Some(true) => Ok(Some((path, true))),
            Some(false) => {
                let Some(user) = moderator else {
                    return Ok(None);
                };
                let gemeenten = self.store.photo_gemeenten(hash).await?;
                let scope = user.scope();
                Ok(gemeenten
                    .iter()
                    .any(|g| scope.covers(g.as_deref()))
                    .then_some((path, false)))
            }
            None => Ok(None),
        }
    }

    /// Stores the author's photo of entry `id` (the private link's key proves authorship).
    pub async fn upload_photo(
        &self,
        id: &str,
        key: &str,
        bytes: bytes::Bytes,
    ) -> Result<Stored, UploadError> {
        let entry = self
            .own_entry(id, key)
            .await?
            .ok_or(UploadError::NotFound)?;
        if entry.kind == Kind::Wish {
            return Err(UploadError::WrongKind);
        }
        // Decoding and resizing take a core for half a second and up to a third of a gigabyte: off
        // the async workers, and one at a time.
        let _decoding = self
            .photo_slots
            .decodes
            .acquire()
            .await
            .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))?;
        let photo = tokio::task::spawn_blocking(move || process(&bytes, &PhotoLimits::default()))
            .await
            .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))??;
        drop(_decoding);
        let dir = self.photo_dir.clone();
        let path = photo_path(&dir, &photo.hash).ok_or(UploadError::Photo(PhotoError::Encode))?;
        let jpeg = photo.jpeg;
        tokio::task::spawn_blocking(move || write_durably(&dir, &path, &jpeg))
            .await
            .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))??;
        let previous = self.store.photo_of(&entry.id).await?.map(|(hash, _)| hash);
        self.store
            .set_photo(&entry.id, &photo.hash, photo.width, photo.height)
            .await?;
        // A replaced photo's file goes at once (unless another entry shows the same photo).
        if let Some(old) = previous.filter(|h| *h != photo.hash) {
            if let Err(e) = self.remove_photo_files(vec![old]).await {
                tracing::warn!(error = %e, "the replaced photo's file could not be removed");
            }
        }
        Ok(Stored {
            hash: photo.hash,
            width: photo.width,
            height: photo.height,
            public: false,
        })
    }

    /// Deletes the files of `hashes` that no row names any more (a deleted entry's photo, photos
    /// past retention); returns how many. A file another entry still shows stays.
    pub async fn remove_photo_files(&self, hashes: Vec<String>) -> Result<u64, UploadError> {
        let mut gone = Vec::new();
        for hash in hashes {
            if !self.store.photo_is_named(&hash).await? {
                gone.extend(photo_path(&self.photo_dir, &hash));
            }
        }
        let removed = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
            let mut n = 0;
            for path in gone {
                match std::fs::remove_file(&path) {
                    Ok(()) => n += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(n)
        })
        .await
        .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))??;
        Ok(removed)
    }

    /// Deletes photo files no row names and that are older than [`ORPHAN_AGE`] (left by a crash
    /// between writing a file and its row); returns how many. The age matters with several servers
    /// on one photo folder: another server may have written a file whose row is a moment away.
    pub async fn collect_photo_files(&self) -> Result<u64, UploadError> {
        let keep: std::collections::HashSet<String> =
            self.store.photo_hashes().await?.into_iter().collect();
        let dir = self.photo_dir.clone();
        let removed = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
            let mut n = 0;
            let Ok(entries) = std::fs::read_dir(&dir) else {
                return Ok(0);
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let old = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age > ORPHAN_AGE);
                if let Some(hash) = name.strip_suffix(".jpg") {
                    if old && photo_path(&dir, hash).is_some() && !keep.contains(hash) {
                        std::fs::remove_file(e.path())?;
                        n += 1;
                    }
                }
            }
            Ok(n)
        })
        .await
        .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))??;
        Ok(removed)
    }
}

/// How old a file no row names must be before the sweep removes it.
pub const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Writes a file so that it exists whole or not at all after a crash: a temporary name, fsync,
/// rename, fsync of the folder. The row naming it is written only after this returns.
fn write_durably(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    if path.exists() {
        // Same content hash, same bytes: nothing to do.
        return Ok(());
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_content_hashes_name_files() {
        let dir = Path::new("/p");
        let h = "a".repeat(64);
        assert_eq!(
            photo_path(dir, &h),
            Some(PathBuf::from(format!("/p/{h}.jpg")))
        );
        assert_eq!(photo_path(dir, "../../etc/passwd"), None);
        assert_eq!(photo_path(dir, &"A".repeat(64)), None);
        assert_eq!(photo_path(dir, &"a".repeat(63)), None);
    }
}
