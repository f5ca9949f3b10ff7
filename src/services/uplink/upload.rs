//! One package's two-step upload: its files, then its manifest, uploading whatever the back office says it misses.

use crate::backoffice::wire::Received;
use crate::backoffice::{Link, LinkError, ManifestAnswer};
use crate::package::Package;

/// How many times a manifest is sent within one attempt while the back office keeps naming missing files.
const MISSING_FILE_ROUNDS: usize = 3;

/// Delivers `package` over `link`. `files_first` sends every file before the manifest (a first attempt); otherwise
/// the manifest goes first and only the files the back office misses follow (a retry, which usually finds most
/// files already there). Safe to repeat: files are named by hash and an identical manifest is answered 200.
pub async fn deliver(
    link: &Link,
    package: &Package,
    manifest_json: &[u8],
    files_first: bool,
) -> Result<Received, LinkError> {
    let id = &package.manifest.package_id;
    let mut to_send: Vec<_> = if files_first {
        package.files.iter().collect()
    } else {
        Vec::new()
    };
    for _ in 0..MISSING_FILE_ROUNDS {
        for file in &to_send {
            link.put_file(id, file).await?;
        }
        match link.put_manifest(id, manifest_json).await? {
            ManifestAnswer::Stored { received, .. } => return Ok(received),
            ManifestAnswer::MissingFiles(missing) => {
                to_send = package
                    .files
                    .iter()
                    .filter(|f| missing.contains(&f.sha256))
                    .collect();
                if to_send.len() != missing.len() {
                    return Err(LinkError::Protocol(
                        "the back office asks for files this package does not have".into(),
                    ));
                }
            }
        }
    }
    Err(LinkError::Protocol(
        "the back office still misses files after they were uploaded".into(),
    ))
}
