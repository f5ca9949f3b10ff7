//! Compiles the Slint UI, and prepares the on-screen keyboard's pinyin table (`src/ime/table_format.rs`) once,
//! so the kiosk maps it read-only instead of building a dictionary on its heap at every start.

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "src/ime/table_build.rs"]
mod table_build;
#[path = "src/ime/table_format.rs"]
#[allow(dead_code)]
mod table_format;

fn main() {
    slint_build::compile("ui/app.slint").expect("Slint UI failed to compile");
    if let Err(why) = pinyin_table() {
        panic!("the pinyin table could not be prepared: {why}");
    }
}

fn pinyin_table() -> Result<(), String> {
    println!("cargo:rerun-if-changed=src/ime/table_build.rs");
    println!("cargo:rerun-if-changed=src/ime/table_format.rs");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let table = out_dir.join("pinyin_table.bin");
    let stamp_path = out_dir.join("pinyin_table.stamp");
    let dict = jieba_dict()?;
    // What the table is made from: the dictionary's path (it names jieba-rs's version) and the code that writes
    // it, so a change to either rebuilds it.
    let stamp = format!(
        "{}\n{}{}",
        dict.display(),
        include_str!("src/ime/table_build.rs"),
        include_str!("src/ime/table_format.rs")
    );
    // The build script reruns whenever the UI changes; the table only when its sources do.
    if table.exists()
        && std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str())
    {
        return Ok(());
    }
    let text = std::fs::read_to_string(&dict).map_err(|e| format!("{}: {e}", dict.display()))?;
    let bytes = table_build::build(&text)?;
    std::fs::write(&table, bytes).map_err(|e| format!("{}: {e}", table.display()))?;
    std::fs::write(&stamp_path, stamp).map_err(|e| format!("{}: {e}", stamp_path.display()))?;
    Ok(())
}

/// jieba's `dict.txt`, in the `jieba-rs` sources cargo resolved for this build (wherever they live: the registry,
/// a vendor directory or a git checkout). `KIOSK_JIEBA_DICT` names another copy.
fn jieba_dict() -> Result<PathBuf, String> {
    println!("cargo:rerun-if-env-changed=KIOSK_JIEBA_DICT");
    if let Ok(path) = std::env::var("KIOSK_JIEBA_DICT") {
        return Ok(PathBuf::from(path));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let target = std::env::var("TARGET").map_err(|e| e.to_string())?;
    let metadata = |offline: bool| {
        let mut command = Command::new(&cargo);
        command.args([
            "metadata",
            "--format-version",
            "1",
            "--filter-platform",
            &target,
        ]);
        if offline {
            command.arg("--offline");
        }
        command
            .arg("--manifest-path")
            .arg(Path::new(&manifest_dir).join("Cargo.toml"))
            .output()
    };
    // Offline first: usually every package is already here. Listing them all needs every manifest for this
    // target, though, including those of features this build leaves out, which a first build may not have
    // fetched; then cargo fetches them.
    let output = match metadata(true) {
        Ok(output) if output.status.success() => output,
        _ => metadata(false).map_err(|e| format!("cargo metadata: {e}"))?,
    };
    if !output.status.success() {
        return Err(format!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let manifest = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == "jieba-rs")
        .and_then(|package| package["manifest_path"].as_str())
        .ok_or("cargo metadata lists no jieba-rs package")?;
    let dict = Path::new(manifest)
        .parent()
        .ok_or("jieba-rs manifest has no directory")?
        .join("src/data/dict.txt");
    println!("cargo:rerun-if-changed={}", dict.display());
    Ok(dict)
}
