//! Waiting packages carried out on a USB stick when the network is down for days, and taken in again on a center
//! PC that delivers them through the normal upload path.
//!
//! Each package travels as one file, `{package_id}.age`: its manifest and files in a small container, sealed with
//! [age](https://age-encryption.org) to the back office's X25519 recipient (`[export] recipient` in the kiosk's
//! configuration). Only the holder of the matching identity can open it, so a stick that is lost reveals nothing;
//! the kiosk's own device key never leaves the kiosk. Every file is written whole (temporary name, fsync, rename)
//! and the index `export.json` comes last, so a stick pulled half way holds whole packages and no index.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::queue::Entry;
use super::store::{OutboxError, OutboxErrorKind};
use crate::durable::{sync_dir, write_atomically_with_mode};
use crate::package::{sha256_hex, Manifest, Package, PackageFile};

const MAGIC: &[u8] = b"one-thing-package-container/1\n";
pub const INDEX: &str = "export.json";
/// A container larger than this is not a package (ten 500 KB pages and signatures are about 6 MB).
const MOST_BYTES: u64 = 256 * 1024 * 1024;

/// Why an export or import failed. The Display is technical English; the app words it by
/// [`TransferError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("invalid export recipient (an age1… X25519 recipient is expected): {0}")]
    Recipient(String),
    #[error("invalid identity file: {0}")]
    Identity(String),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("sealing failed: {0}")]
    Seal(String),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
}

/// What went wrong in an export or import, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferErrorKind {
    Recipient,
    Identity,
    Io,
    Seal,
    Outbox(OutboxErrorKind),
}

impl TransferError {
    pub fn kind(&self) -> TransferErrorKind {
        match self {
            TransferError::Recipient(_) => TransferErrorKind::Recipient,
            TransferError::Identity(_) => TransferErrorKind::Identity,
            TransferError::Io(..) => TransferErrorKind::Io,
            TransferError::Seal(_) => TransferErrorKind::Seal,
            TransferError::Outbox(e) => TransferErrorKind::Outbox(e.kind()),
        }
    }
}

/// The back office's public key packages are sealed to.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

impl FromStr for Recipient {
    type Err = TransferError;
    fn from_str(text: &str) -> Result<Recipient, TransferError> {
        age::x25519::Recipient::from_str(text.trim())
            .map(Recipient)
            .map_err(|e| TransferError::Recipient(e.to_string()))
    }
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The back office's private key, which opens what was sealed to its recipient.
pub struct Identity(age::x25519::Identity);

impl Identity {
    /// A new identity, as `AGE-SECRET-KEY-1…` text, with its recipient.
    pub fn generate() -> (Zeroizing<String>, Recipient) {
        use age::secrecy::ExposeSecret;
        let identity = age::x25519::Identity::generate();
        let text = Zeroizing::new(identity.to_string().expose_secret().to_string());
        (text, Recipient(identity.to_public()))
    }

    /// Reads an identity file: the `AGE-SECRET-KEY-1…` line, comments (`#`) and blank lines allowed.
    pub fn read(path: &Path) -> Result<Identity, TransferError> {
        let text = Zeroizing::new(
            fs::read_to_string(path).map_err(|e| TransferError::Io(path.to_path_buf(), e))?,
        );
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .ok_or_else(|| TransferError::Identity(format!("{}: no key in it", path.display())))?;
        age::x25519::Identity::from_str(line)
            .map(Identity)
            .map_err(|e| TransferError::Identity(format!("{}: {e}", path.display())))
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    manifest: Manifest,
    files: Vec<HeaderFile>,
}

#[derive(Serialize, Deserialize)]
struct HeaderFile {
    sha256: String,
    content_type: String,
    bytes: u64,
}

/// A package as one byte string: the magic line, the header's length and JSON, then each file's bytes.
fn container(package: &Package) -> Result<Zeroizing<Vec<u8>>, TransferError> {
    let header = Header {
        manifest: package.manifest.clone(),
        files: package
            .files
            .iter()
            .map(|f| HeaderFile {
                sha256: f.sha256.clone(),
                content_type: f.content_type.to_string(),
                bytes: f.bytes.len() as u64,
            })
            .collect(),
    };
    let json = Zeroizing::new(
        serde_json::to_vec(&header).map_err(|e| TransferError::Seal(e.to_string()))?,
    );
    let mut out = Zeroizing::new(Vec::with_capacity(
        json.len() + package.files.iter().map(|f| f.bytes.len()).sum::<usize>() + 64,
    ));
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    for file in &package.files {
        out.extend_from_slice(&file.bytes);
    }
    Ok(out)
}

fn open_container(bytes: &[u8]) -> Result<Package, String> {
    let rest = bytes.strip_prefix(MAGIC).ok_or("not a package container")?;
    let (length, rest) = rest.split_at_checked(8).ok_or("cut short")?;
    let length = u64::from_le_bytes(length.try_into().map_err(|_| "cut short")?) as usize;
    let (json, mut rest) = rest.split_at_checked(length).ok_or("cut short")?;
    let header: Header = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for f in header.files {
        let (bytes, after) = rest
            .split_at_checked(usize::try_from(f.bytes).map_err(|_| "file too large")?)
            .ok_or("cut short")?;
        if sha256_hex(bytes) != f.sha256 {
            return Err(format!("file {} does not match its hash", f.sha256));
        }
        files.push(PackageFile {
            content_type: crate::package::content_type(&f.content_type),
            sha256: f.sha256,
            bytes: bytes.to_vec(),
        });
        rest = after;
    }
    if !rest.is_empty() {
        return Err("bytes after the last file".into());
    }
    Ok(Package {
        manifest: header.manifest,
        files,
    })
}

/// The stick's index: what was exported, so an import can tell a whole export from a partial one.
#[derive(Serialize, Deserialize)]
struct ExportIndex {
    format: String,
    kiosk_id: String,
    exported_at: String,
    packages: Vec<IndexEntry>,
}

#[derive(Serialize, Deserialize)]
struct IndexEntry {
    package_id: String,
    receipt_no: String,
    file: String,
    sha256: String,
}

/// What an export did.
#[derive(Debug, Default)]
pub struct Exported {
    pub packages: usize,
    /// Receipt numbers of packages that could not be read here (they are damaged; the caller marks them).
    pub unreadable: Vec<(String, String)>,
}

/// Seals each of `entries` (loaded one at a time by `load`) to `recipient` into `dir`, telling `progress`
/// (done, total) after each, then writes the index.
pub fn export(
    entries: &[Entry],
    mut load: impl FnMut(&str) -> Result<Package, OutboxError>,
    dir: &Path,
    kiosk_id: &str,
    recipient: &Recipient,
    mut progress: impl FnMut(usize, usize),
) -> Result<Exported, TransferError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e| TransferError::Io(path, e)
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let mut exported = Exported::default();
    let mut index = ExportIndex {
        format: "kiosk-export/1".into(),
        kiosk_id: kiosk_id.into(),
        exported_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        packages: Vec::new(),
    };
    for (i, entry) in entries.iter().enumerate() {
        let package = match load(&entry.package_id) {
            Ok(package) => package,
            // The whole outbox cannot be read now (the device key is lost, the database fails): no package is to
            // blame, so none is marked damaged; the export stops with the reason.
            Err(e @ (OutboxError::KeyLost(_) | OutboxError::Db(_))) => return Err(e.into()),
            Err(e) => {
                exported
                    .unreadable
                    .push((entry.receipt_no.clone(), e.to_string()));
                progress(i + 1, entries.len());
                continue;
            }
        };
        let plain = container(&package)?;
        drop(package);
        let sealed =
            age::encrypt(&recipient.0, &plain).map_err(|e| TransferError::Seal(e.to_string()))?;
        drop(plain);
        let name = format!("{}.age", entry.package_id);
        let path = dir.join(&name);
        write_atomically_with_mode(&path, &sealed, 0o600).map_err(io(&path))?;
        index.packages.push(IndexEntry {
            package_id: entry.package_id.clone(),
            receipt_no: entry.receipt_no.clone(),
            file: name,
            sha256: sha256_hex(&sealed),
        });
        exported.packages += 1;
        progress(i + 1, entries.len());
    }
    let json = serde_json::to_vec_pretty(&index).map_err(|e| TransferError::Seal(e.to_string()))?;
    let path = dir.join(INDEX);
    write_atomically_with_mode(&path, &json, 0o600).map_err(io(&path))?;
    sync_dir(dir).map_err(io(dir))?;
    Ok(exported)
}

/// One package file from a stick, opened.
pub struct Opened {
    pub file: PathBuf,
    pub result: Result<Package, String>,
}

/// Opens every `*.age` package in `dir` with `identity`, checking each against the index when there is one.
pub fn open_all(dir: &Path, identity: &Identity) -> Result<Vec<Opened>, TransferError> {
    let io = |e| TransferError::Io(dir.to_path_buf(), e);
    let index: Option<ExportIndex> = fs::read(dir.join(INDEX))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "age"))
        .collect();
    files.sort();
    Ok(files
        .into_iter()
        .map(|file| {
            let result = open_one(&file, identity, index.as_ref());
            Opened { file, result }
        })
        .collect())
}

fn open_one(
    file: &Path,
    identity: &Identity,
    index: Option<&ExportIndex>,
) -> Result<Package, String> {
    let mut sealed = Vec::new();
    fs::File::open(file)
        .and_then(|f| f.take(MOST_BYTES).read_to_end(&mut sealed))
        .map_err(|e| e.to_string())?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if let Some(listed) = index.and_then(|i| i.packages.iter().find(|p| p.package_id == stem)) {
        if listed.sha256 != sha256_hex(&sealed) {
            return Err(
                "the file is not the one exported (its hash differs from the index)".into(),
            );
        }
    }
    let plain = Zeroizing::new(age::decrypt(&identity.0, &sealed).map_err(|e| e.to_string())?);
    let package = open_container(&plain)?;
    if package.manifest.package_id != stem {
        return Err(format!(
            "the file is named {stem} but holds package {}",
            package.manifest.package_id
        ));
    }
    Ok(package)
}

/// Writes a new identity to `path` (mode 0600, refusing to overwrite one) and returns its recipient, for
/// `[export] recipient` in the kiosks' configuration.
pub fn new_identity(path: &Path) -> Result<Recipient, TransferError> {
    use std::os::unix::fs::OpenOptionsExt;
    let (text, recipient) = Identity::generate();
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| TransferError::Io(path.to_path_buf(), e))?;
    writeln!(
        file,
        "# The back office's key for packages exported from kiosks. Keep it secret.\n# recipient: {recipient}\n{}",
        text.as_str()
    )
    .and_then(|_| file.sync_all())
    .map_err(|e| TransferError::Io(path.to_path_buf(), e))?;
    Ok(recipient)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        crate::outbox::tests::package(crate::outbox::tests::ID, "XX-KIOSK-01-20261128-0001")
    }

    #[test]
    fn a_container_opens_to_the_same_package_and_refuses_tampering() {
        let original = package();
        let bytes = container(&original).unwrap();
        let opened = open_container(&bytes).unwrap();
        assert!(opened.manifest == original.manifest);
        assert!(opened.files == original.files);
        let mut bent = bytes.to_vec();
        let last = bent.len() - 1;
        bent[last] ^= 1;
        assert!(open_container(&bent).err().unwrap().contains("hash"));
        assert!(open_container(&bytes[..bytes.len() - 3]).is_err());
        assert!(open_container(b"garbage").is_err());
    }

    #[test]
    fn sealed_to_a_recipient_it_opens_only_with_its_identity() {
        let dir = tempfile::tempdir().unwrap();
        let recipient = new_identity(&dir.path().join("identity.txt")).unwrap();
        let identity = Identity::read(&dir.path().join("identity.txt")).unwrap();
        let other = new_identity(&dir.path().join("other.txt")).unwrap();
        let _ = other;
        let p = package();
        let entry = Entry {
            package_id: p.manifest.package_id.clone(),
            receipt_no: p.manifest.receipt_no.clone(),
            created_at: p.manifest.created_at.clone(),
            state: crate::outbox::State::Queued,
            attempts: 0,
            last_error: None,
            next_try_at: 0,
            files: 1,
            bytes: 0,
            test: false,
        };
        let stick = dir.path().join("stick");
        let mut seen = Vec::new();
        let exported = export(
            &[entry],
            |_| Ok(package()),
            &stick,
            "XX-KIOSK-01",
            &recipient,
            |done, total| seen.push((done, total)),
        )
        .unwrap();
        assert_eq!(exported.packages, 1);
        assert_eq!(seen, vec![(1, 1)]);
        let opened = open_all(&stick, &identity).unwrap();
        assert_eq!(opened.len(), 1);
        assert!(opened[0].result.as_ref().unwrap().manifest == p.manifest);
        let wrong = Identity::read(&dir.path().join("other.txt")).unwrap();
        assert!(open_all(&stick, &wrong).unwrap()[0].result.is_err());
        assert!("age1notakey".parse::<Recipient>().is_err());
    }
}
