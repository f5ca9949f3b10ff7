//! A document camera whose vendor tool drops JPEGs into a folder: each new file is one captured page. The file is
//! taken out of the folder once read, so no page image stays behind on the terminal.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::{decode_scaled, preview_from_jpeg, CameraError, DocumentCamera, Frame};

pub struct FolderCamera {
    folder: PathBuf,
    wait: Duration,
    /// The preview of the newest file, which file it was and the size asked for: the frame only, never the
    /// whole picture.
    preview: Option<(PathBuf, SystemTime, (u32, u32), Frame)>,
}

impl FolderCamera {
    pub fn open(folder: &Path) -> Result<FolderCamera, CameraError> {
        if !folder.is_dir() {
            return Err(CameraError::Absent(format!(
                "{} is not a folder",
                folder.display()
            )));
        }
        Ok(FolderCamera {
            folder: folder.to_path_buf(),
            wait: Duration::from_secs(10),
            preview: None,
        })
    }

    /// How long `capture` waits for the vendor tool to drop a file.
    pub fn with_wait(mut self, wait: Duration) -> FolderCamera {
        self.wait = wait;
        self
    }

    /// JPEG files in the folder, oldest first.
    fn pictures(&self) -> Result<Vec<(PathBuf, SystemTime)>, CameraError> {
        let mut found: Vec<(PathBuf, SystemTime)> = std::fs::read_dir(&self.folder)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg")
                })
            })
            .filter_map(|p| {
                let modified = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
                Some((p, modified))
            })
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        Ok(found)
    }
}

impl DocumentCamera for FolderCamera {
    fn preview(&mut self, max_width: u32, max_height: u32) -> Result<Frame, CameraError> {
        let newest = self.pictures()?.pop();
        let Some((path, modified)) = newest else {
            // Nothing dropped yet: a blank frame, not an error.
            return Ok(Frame {
                width: 0,
                height: 0,
                rgb: Vec::new(),
            });
        };
        let size = (max_width, max_height);
        let current = self
            .preview
            .as_ref()
            .is_some_and(|(p, m, s, _)| *p == path && *m == modified && *s == size);
        if !current {
            let frame = preview_from_jpeg(&std::fs::read(&path)?, max_width, max_height)?;
            self.preview = Some((path, modified, size, frame));
        }
        let (_, _, _, frame) = self.preview.as_ref().ok_or(CameraError::Timeout)?;
        Ok(frame.clone())
    }

    fn capture(&mut self) -> Result<Vec<u8>, CameraError> {
        let requested = SystemTime::now();
        let deadline = Instant::now() + self.wait;
        // A file that stays undecodable at the same size is not being written: it is broken.
        let mut unchanged: Option<(PathBuf, u64, Instant)> = None;
        loop {
            for (path, modified) in self.pictures()? {
                // Older pages are someone else's (an earlier applicant, a dropped retake): never hand them on.
                if modified + FRESH < requested {
                    std::fs::remove_file(&path)?;
                    continue;
                }
                let bytes = std::fs::read(&path)?;
                // Every byte read (at the smallest scale): a file still being written is not taken.
                if decode_scaled(&bytes, 1).is_ok() {
                    std::fs::remove_file(&path)?;
                    self.preview = None;
                    return Ok(bytes);
                }
                let size = bytes.len() as u64;
                match &unchanged {
                    Some((p, s, since)) if *p == path && *s == size => {
                        if since.elapsed() >= STALLED {
                            std::fs::remove_file(&path)?;
                            unchanged = None;
                        }
                    }
                    _ => unchanged = Some((path, size, Instant::now())),
                }
                // Wait for this file before looking at newer ones, so pages keep their order.
                break;
            }
            if Instant::now() >= deadline {
                return Err(CameraError::Timeout);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn reset(&mut self) -> Result<(), CameraError> {
        for (path, _) in self.pictures()? {
            std::fs::remove_file(&path)?;
        }
        self.preview = None;
        Ok(())
    }
}

/// A page dropped this long before the capture was asked for still counts (the camera's own button was pressed
/// a moment before the screen's).
const FRESH: Duration = Duration::from_secs(5);
/// An undecodable file whose size has not changed for this long is broken, not half-written.
const STALLED: Duration = Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::{encode_jpeg, SimCamera};

    #[test]
    fn takes_dropped_pages_in_order_and_leaves_none_behind() {
        let dir = std::env::temp_dir().join(format!("kiosk-folder-camera-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut camera = FolderCamera::open(&dir)
            .unwrap()
            .with_wait(Duration::from_millis(300));
        assert!(matches!(camera.capture(), Err(CameraError::Timeout)));
        assert_eq!(camera.preview(100, 100).unwrap().width, 0);

        let mut sim = SimCamera::new(320, 240);
        let first = sim.capture().unwrap();
        let second = sim.capture().unwrap();
        std::fs::write(dir.join("scan-001.jpg"), &first).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(dir.join("scan-002.JPG"), &second).unwrap();
        std::fs::write(dir.join("notes.txt"), b"not a picture").unwrap();
        assert_eq!(camera.preview(160, 160).unwrap().width, 160);
        assert_eq!(camera.capture().unwrap(), first);
        assert_eq!(camera.capture().unwrap(), second);
        assert!(!dir.join("scan-001.jpg").exists() && !dir.join("scan-002.JPG").exists());

        // A half-written file is not taken until it is whole.
        let whole = encode_jpeg(&image::RgbImage::new(64, 64), 80).unwrap();
        std::fs::write(dir.join("scan-003.jpg"), &whole[..whole.len() / 2]).unwrap();
        assert!(matches!(camera.capture(), Err(CameraError::Timeout)));
        std::fs::write(dir.join("scan-003.jpg"), &whole).unwrap();
        assert_eq!(camera.capture().unwrap(), whole);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_earlier_applicants_page_is_never_handed_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut camera = FolderCamera::open(dir.path())
            .unwrap()
            .with_wait(Duration::from_millis(300));
        let old = dir.path().join("scan-old.jpg");
        std::fs::write(&old, SimCamera::new(64, 48).capture().unwrap()).unwrap();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        assert!(matches!(camera.capture(), Err(CameraError::Timeout)));
        assert!(!old.exists(), "the stale page is deleted");

        std::fs::write(
            dir.path().join("a.jpg"),
            SimCamera::new(64, 48).capture().unwrap(),
        )
        .unwrap();
        camera.reset().unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "a new session starts with an empty folder"
        );
    }

    #[test]
    fn a_broken_file_does_not_jam_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let mut camera = FolderCamera::open(dir.path())
            .unwrap()
            .with_wait(Duration::from_millis(2600));
        std::fs::write(dir.path().join("broken.jpg"), b"\xFF\xD8 not really").unwrap();
        assert!(matches!(camera.capture(), Err(CameraError::Timeout)));
        assert!(!dir.path().join("broken.jpg").exists());
    }
}
