//! The configuration file edited in place: values changed with `toml_edit` so the comments technicians rely on
//! stay, the result checked by the same loader the kiosk starts with, and only then written atomically (a new
//! file in the same folder, fsync, rename, fsync of the folder), so a power cut leaves the old file or the new
//! one, never half of one.

use std::path::{Path, PathBuf};

use toml_edit::{value, DocumentMut, Item, Table};

use crate::config::Config;
use crate::toml_source::Problem;

/// The configuration being edited.
pub struct ConfigFile {
    path: PathBuf,
    doc: DocumentMut,
}

impl ConfigFile {
    pub fn open(path: &Path) -> Result<ConfigFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let doc = text
            .parse::<DocumentMut>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(ConfigFile {
            path: path.to_path_buf(),
            doc,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn table(&mut self, name: &str) -> &mut Table {
        let item = self.doc.entry(name).or_insert(Item::Table(Table::new()));
        if !item.is_table() {
            *item = Item::Table(Table::new());
        }
        item.as_table_mut().expect("made a table above")
    }

    /// The current value of `section.key` as text, if set.
    pub fn get(&self, section: &str, key: &str) -> Option<String> {
        let item = self.doc.get(section)?.get(key)?;
        item.as_str()
            .map(str::to_string)
            .or_else(|| item.as_integer().map(|i| i.to_string()))
            .or_else(|| item.as_bool().map(|b| b.to_string()))
    }

    pub fn set_str(&mut self, section: &str, key: &str, text: &str) {
        set_keeping_comments(self.table(section), key, value(text));
    }

    pub fn set_int(&mut self, section: &str, key: &str, number: i64) {
        set_keeping_comments(self.table(section), key, value(number));
    }

    pub fn text(&self) -> String {
        self.doc.to_string()
    }

    /// Checks the edited configuration with the kiosk's own loader, then writes it atomically; returns it as
    /// loaded from the written file. On a problem nothing is written and the problems name the keys.
    pub fn save(&self) -> Result<Config, Vec<Problem>> {
        let text = self.text();
        // Checked as a file beside the real one, so relative paths resolve the same way.
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let check = dir.join(".kiosk-check.toml");
        let io = |e: std::io::Error| {
            vec![Problem {
                file: self.path.clone(),
                line: 0,
                message: format!("cannot write the file: {e}"),
            }]
        };
        {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            // It holds the back office's secret like the real file: readable by its owner only.
            let _ = std::fs::remove_file(&check);
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&check)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(io)?;
        }
        let checked = Config::load(&check);
        let _ = std::fs::remove_file(&check);
        checked.map_err(|problems| {
            problems
                .into_iter()
                .map(|p| Problem {
                    file: self.path.clone(),
                    ..p
                })
                .collect::<Vec<_>>()
        })?;
        crate::durable::write_atomically_with_mode(&self.path, text.as_bytes(), 0o640)
            .map_err(io)?;
        Config::load(&self.path)
    }
}

/// Replaces a value and keeps the comment lines above and beside it.
fn set_keeping_comments(table: &mut Table, key: &str, mut new: Item) {
    if let (Some(old), Some(new_value)) =
        (table.get(key).and_then(Item::as_value), new.as_value_mut())
    {
        *new_value.decor_mut() = old.decor().clone();
    }
    // Replaced in place, the key (and the comment lines above it, which belong to the key) stays.
    match table.get_mut(key) {
        Some(item) => *item = new,
        None => {
            table.insert(key, new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped_copy(dir: &Path) -> PathBuf {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/kiosk.toml"))
                .unwrap();
        let path = dir.join("kiosk.toml");
        std::fs::write(
            &path,
            text.replace(
                "catalog = \"catalog\"",
                &format!(
                    "catalog = \"{}\"",
                    concat!(env!("CARGO_MANIFEST_DIR"), "/config/catalog")
                ),
            ),
        )
        .unwrap();
        path
    }

    #[test]
    fn edits_keep_comments_and_are_checked_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = shipped_copy(dir.path());
        let before = std::fs::read_to_string(&path).unwrap();
        let mut file = ConfigFile::open(&path).unwrap();
        file.set_str("devices", "printer", "tcp://10.0.0.5:9100");
        file.set_int("devices", "printer_width_mm", 58);
        let config = file.save().expect("valid");
        assert_eq!(config.devices.printer, "tcp://10.0.0.5:9100");
        assert_eq!(config.devices.paper, drivers::printer::PaperWidth::Mm58);
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.contains("printer = \"tcp://10.0.0.5:9100\""));
        // Every comment line is still there.
        for line in before.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(after.contains(line), "lost: {line}");
        }
        // A bad value writes nothing and names the key.
        let mut bad = ConfigFile::open(&path).unwrap();
        bad.set_str("devices", "camera", "webcam");
        let problems = bad.save().unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.to_string().contains("devices.camera")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| p.to_string().contains("kiosk.toml")),
            "{problems:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
    }

    #[test]
    fn atomic_write_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.toml");
        std::fs::write(&path, "a = 1\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        crate::durable::write_atomically(&path, b"a = 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
