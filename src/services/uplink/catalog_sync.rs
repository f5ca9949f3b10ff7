//! The catalog from the back office: fetched with `If-None-Match`, checked by the same loader as the shipped one,
//! and installed (write, fsync, rename) only when it has no problem at all. The last good one stays otherwise.

use std::fs;
use std::path::{Path, PathBuf};

use crate::backoffice::{CatalogAnswer, Link, LinkError};
use crate::catalog::{self, Catalog};
use crate::durable::write_atomically;
use crate::toml_source::Problem;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error("the back office's catalog is not a JSON catalog document: {0}")]
    NotACatalog(String),
    #[error("the back office's catalog has {} problem(s), kept the current one; first: {}", .0.len(), .0.first().map(|p| p.to_string()).unwrap_or_default())]
    Invalid(Vec<Problem>),
    #[error("cannot save the catalog: {0}")]
    Io(#[from] std::io::Error),
}

/// What a sync did.
#[derive(Debug)]
pub enum Synced {
    Unchanged,
    Installed(Catalog),
}

/// The synced catalog's folder in the data directory: `catalog.toml` and its `etag`.
#[derive(Clone, Debug)]
pub struct CatalogCache {
    dir: PathBuf,
}

impl CatalogCache {
    pub fn new(data_dir: &Path) -> CatalogCache {
        CatalogCache {
            dir: data_dir.join("catalog"),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("catalog.toml")
    }

    /// The tag of the installed catalog, if one is installed.
    pub fn etag(&self) -> Option<String> {
        self.path().exists().then_some(())?;
        fs::read_to_string(self.dir.join("etag"))
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
    }

    /// The installed catalog, when there is one and it still loads.
    pub fn installed(&self) -> Option<Catalog> {
        self.path()
            .exists()
            .then(|| catalog::load(&self.path()).ok())
            .flatten()
    }

    /// Checks a catalog document (the JSON shape of the TOML files, merged) and installs it if it is sound.
    pub fn install(&self, body: &[u8], etag: Option<&str>) -> Result<Catalog, SyncError> {
        let table: toml::Table =
            serde_json::from_slice(body).map_err(|e| SyncError::NotACatalog(e.to_string()))?;
        let text = toml::to_string(&table).map_err(|e| SyncError::NotACatalog(e.to_string()))?;
        let catalog = catalog::load_text(Path::new("back-office catalog"), &text)
            .map_err(SyncError::Invalid)?;
        fs::create_dir_all(&self.dir)?;
        write_atomically(&self.path(), text.as_bytes())?;
        write_atomically(&self.dir.join("etag"), etag.unwrap_or("").as_bytes())?;
        Ok(catalog)
    }
}

/// Asks the back office for a newer catalog than the installed one.
pub async fn sync(link: &Link, cache: &CatalogCache) -> Result<Synced, SyncError> {
    match link.catalog(cache.etag().as_deref()).await? {
        CatalogAnswer::NotModified => Ok(Synced::Unchanged),
        CatalogAnswer::New { etag, body } => {
            Ok(Synced::Installed(cache.install(&body, etag.as_deref())?))
        }
    }
}

/// The catalog the kiosk runs with: the synced one when it loads, else the shipped one at `shipped`.
pub fn effective(shipped: &Path, data_dir: &Path) -> Result<(Catalog, PathBuf), Vec<Problem>> {
    let cache = CatalogCache::new(data_dir);
    match cache.installed() {
        Some(catalog) => Ok((catalog, cache.path())),
        None => catalog::load(shipped).map(|c| (c, shipped.to_path_buf())),
    }
}
