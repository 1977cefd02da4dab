//! Residents' photos: processed by [`crate::photo::process`] (resized, every metadata field gone),
//! written as `{hash}.jpg` in the photo folder (fsynced before the row that names it), public only
//! once a moderator publishes it, and removed with their entry or after the campaign's retention.

use std::path::{Path, PathBuf};

use app::model::Kind;

use crate::photo::{process, PhotoError, PhotoLimits};
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
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stored {
    pub hash: String,
    pub width: u32,
    pub height: u32,
    pub public: bool,
}

/// The file of a photo hash (64 hex characters; anything else is no file of ours).
pub fn photo_path(dir: &Path, hash: &str) -> Option<PathBuf> {
    (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
        .then(|| dir.join(format!("{hash}.jpg")))
}

impl Service {
    /// Stores the author's photo of entry `id` (the private link's key proves authorship).
    pub async fn upload_photo(&self, id: &str, key: &str, bytes: Vec<u8>) -> Result<Stored, UploadError> {
        let entry = self.own_entry(id, key).await?.ok_or(UploadError::NotFound)?;
        if entry.kind == Kind::Wish {
            return Err(UploadError::WrongKind);
        }
        // Decoding and resizing take a core for half a second: off the async workers.
        let photo = tokio::task::spawn_blocking(move || process(&bytes, &PhotoLimits::default()))
            .await
            .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))??;
        let dir = self.photo_dir.clone();
        let path = photo_path(&dir, &photo.hash).ok_or(UploadError::Photo(PhotoError::Encode))?;
        let jpeg = photo.jpeg;
        tokio::task::spawn_blocking(move || write_durably(&dir, &path, &jpeg))
            .await
            .map_err(|e| UploadError::Io(std::io::Error::other(e.to_string())))??;
        self.store.set_photo(&entry.id, &photo.hash, photo.width, photo.height).await?;
        Ok(Stored {
            hash: photo.hash,
            width: photo.width,
            height: photo.height,
            public: false,
        })
    }

    /// Deletes photo files no row names any more; returns how many.
    pub async fn collect_photo_files(&self) -> Result<u64, UploadError> {
        let keep: std::collections::HashSet<String> = self.store.photo_hashes().await?.into_iter().collect();
        let dir = self.photo_dir.clone();
        let removed = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
            let mut n = 0;
            let Ok(entries) = std::fs::read_dir(&dir) else {
                return Ok(0);
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if let Some(hash) = name.strip_suffix(".jpg") {
                    if photo_path(&dir, hash).is_some() && !keep.contains(hash) {
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
        assert_eq!(photo_path(dir, &h), Some(PathBuf::from(format!("/p/{h}.jpg"))));
        assert_eq!(photo_path(dir, "../../etc/passwd"), None);
        assert_eq!(photo_path(dir, &"A".repeat(64)), None);
        assert_eq!(photo_path(dir, &"a".repeat(63)), None);
    }
}
