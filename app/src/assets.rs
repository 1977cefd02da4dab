//! The site's own files (`/pkg`, `/js`, `/vendor`, ...) by content version: pages name each file with
//! `?v=<hash of its bytes>`, the server answers such a name with `Cache-Control: immutable`, and the
//! service worker's caches are named after the files it keeps. A returning resident downloads
//! nothing twice, and a deploy that changes a file changes its name, so no page runs old code.
//!
//! The server reads the files once at start (`server/src/assets.rs`) and provides [`Assets`] as
//! context to every render.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;

/// Each file's version (its path under the site root, without a leading `/`) and the service
/// worker's (the version of the shell it keeps).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assets {
    files: Arc<BTreeMap<String, String>>,
    version: String,
}

impl Assets {
    /// `files`: path under the site root → the version of its bytes; `combined`: the service
    /// worker's version, which the server derives from the files it keeps.
    pub fn new(files: BTreeMap<String, String>, combined: String) -> Assets {
        Assets {
            files: Arc::new(files),
            version: combined,
        }
    }

    /// The version of `file` (`js/form.js`), if the site has it.
    pub fn version_of(&self, file: &str) -> Option<&str> {
        self.files.get(file).map(String::as_str)
    }

    /// The service worker's version: its caches' names.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The address of `file` with its version: `/js/form.js?v=3f2a…` (without one when the site
    /// does not have the file, e.g. a test server without a built site).
    pub fn url(&self, file: &str) -> String {
        match self.version_of(file) {
            Some(v) => format!("/{file}?v={v}"),
            None => format!("/{file}"),
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(f, v)| (f.as_str(), v.as_str()))
    }
}

/// The versioned address of `file` in the page being rendered.
pub fn path(file: &str) -> String {
    use_context::<Assets>().unwrap_or_default().url(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_file_is_named_with_its_version_and_an_unknown_one_plainly() {
        let a = Assets::new(
            BTreeMap::from([("js/form.js".to_string(), "abc".to_string())]),
            "all".into(),
        );
        assert_eq!(a.url("js/form.js"), "/js/form.js?v=abc");
        assert_eq!(a.url("js/none.js"), "/js/none.js");
        assert_eq!(a.version(), "all");
    }
}
