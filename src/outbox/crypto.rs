//! Personal data at rest: AES-256-GCM with a device key kept in a file only the kiosk's user can read.

use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

/// The device key or sealed data that cannot be used. The Display is technical English; the app words it by
/// [`CryptoError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// No key where it should be (a first start, or a key lost): the outbox decides whether a new one may be made.
    #[error("device key {0}: {1}")]
    NoKey(String, &'static str),
    #[error("device key file {0}: {1}")]
    KeyFile(String, String),
    #[error("sealed data damaged, or sealed by another device's key")]
    Corrupt,
}

/// What is wrong with the key or the sealed data, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CryptoErrorKind {
    NoKey,
    KeyFile,
    Corrupt,
}

impl CryptoError {
    pub fn kind(&self) -> CryptoErrorKind {
        match self {
            CryptoError::NoKey(..) => CryptoErrorKind::NoKey,
            CryptoError::KeyFile(..) => CryptoErrorKind::KeyFile,
            CryptoError::Corrupt => CryptoErrorKind::Corrupt,
        }
    }
}

pub struct DeviceKey {
    cipher: Aes256Gcm,
}

impl DeviceKey {
    /// Reads the key at `path`: [`CryptoError::NoKey`] when there is none (missing or empty, as a power cut in an
    /// old version's first start could leave it), [`CryptoError::KeyFile`] when it is there but unusable.
    pub fn load(path: &Path) -> Result<DeviceKey, CryptoError> {
        let shown = || path.display().to_string();
        let fail = |e: io::Error| CryptoError::KeyFile(shown(), e.to_string());
        let mut file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(CryptoError::NoKey(shown(), "missing"))
            }
            Err(e) => return Err(fail(e)),
        };
        let mode = file.metadata().map_err(fail)?.permissions().mode() & 0o777;
        let mut bytes = zeroize::Zeroizing::new(Vec::new());
        file.read_to_end(&mut bytes).map_err(fail)?;
        if bytes.is_empty() {
            return Err(CryptoError::NoKey(shown(), "empty"));
        }
        if mode & 0o077 != 0 {
            return Err(CryptoError::KeyFile(
                shown(),
                format!("others may read it (mode {mode:o}); it must be 600"),
            ));
        }
        if bytes.len() != KEY_LEN {
            return Err(CryptoError::KeyFile(shown(), "not a 32-byte key".into()));
        }
        Ok(DeviceKey {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)),
        })
    }

    /// Makes a new key at `path` (mode 0600), written whole or not at all: a temporary file, fsync, rename, fsync
    /// of the folder. A power cut leaves no key or the whole key, never an empty file.
    pub fn create(path: &Path) -> Result<DeviceKey, CryptoError> {
        let fail = |e: io::Error| CryptoError::KeyFile(path.display().to_string(), e.to_string());
        let mut key = zeroize::Zeroizing::new([0u8; KEY_LEN]);
        OsRng.fill_bytes(key.as_mut());
        // An empty file left where the key should be is removed first, so the key is written 0600 and this
        // process's own, never with that file's mode or owner.
        crate::durable::remove_any(path).map_err(fail)?;
        crate::durable::write_atomically_with_mode(path, key.as_ref(), 0o600).map_err(fail)?;
        Ok(DeviceKey {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key.as_ref())),
        })
    }

    /// Reads the key at `path`, or makes one there on first start (for tools with an outbox of their own).
    pub fn load_or_create(path: &Path) -> Result<DeviceKey, CryptoError> {
        match DeviceKey::load(path) {
            Err(CryptoError::NoKey(..)) => DeviceKey::create(path),
            other => other,
        }
    }

    /// Encrypts `plain`, bound to `context` (e.g. the package id and file name, so files cannot be swapped).
    /// The output is the nonce followed by the ciphertext.
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self.cipher.encrypt(
            &nonce,
            Payload {
                msg: plain,
                aad: context,
            },
        );
        // AES-GCM encryption fails only for messages beyond 64 GiB, which a package never holds.
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed.unwrap_or_default());
        out
    }

    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Corrupt);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .map_err(|_| CryptoError::Corrupt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_readable_by_the_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        let key = DeviceKey::load_or_create(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let sealed = key.seal(b"pkg/file", "张三 11010519491231002X".as_bytes());
        let again = DeviceKey::load_or_create(&path).unwrap();
        assert_eq!(
            again.open(b"pkg/file", &sealed).unwrap(),
            "张三 11010519491231002X".as_bytes()
        );
        assert!(!String::from_utf8_lossy(&sealed).contains("11010519491231002X"));
    }

    #[test]
    fn tampering_or_the_wrong_context_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let key = DeviceKey::load_or_create(&dir.path().join("k")).unwrap();
        let mut sealed = key.seal(b"a", b"secret");
        assert!(matches!(key.open(b"b", &sealed), Err(CryptoError::Corrupt)));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(key.open(b"a", &sealed), Err(CryptoError::Corrupt)));
        assert!(matches!(
            key.open(b"a", &[1, 2, 3]),
            Err(CryptoError::Corrupt)
        ));
    }

    #[test]
    fn a_key_others_can_read_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        std::fs::write(&path, [7u8; 32]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            DeviceKey::load_or_create(&path),
            Err(CryptoError::KeyFile(..))
        ));
    }
}
