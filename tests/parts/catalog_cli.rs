//! `kiosk catalog check|export|search` run as a technician would, on the shipped catalog and on broken copies.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::repo_path;
use serde_json::Value;

fn kiosk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run kiosk")
}

fn export() -> Value {
    let out = kiosk(&["catalog", "export", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn export_matches_the_seed_table() {
    let exported = export();
    let items = exported["items"].as_array().unwrap();
    assert_eq!(items.len(), 58);
    let rows: usize = items
        .iter()
        .map(|i| i["joint"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows, 182);

    // The seed's table, transcribed twice independently from attachment 1 and compared: every item, row and
    // 更改 value must match in order.
    let seed: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_path("tests/data/seed_table.json")).unwrap(),
    )
    .unwrap();
    for (got, want) in items.iter().zip(seed["items"].as_array().unwrap()) {
        for key in ["no", "name", "target", "lead", "provincial"] {
            assert_eq!(got[key], want[key], "item {} key {key}", want["no"]);
        }
        let strip = |rows: &Value| -> Vec<Value> {
            rows.as_array()
                .unwrap()
                .iter()
                .map(|r| serde_json::json!({"name": r["name"], "department": r["department"], "changed_to": r["changed_to"]}))
                .collect()
        };
        assert_eq!(
            strip(&got["joint"]),
            strip(&want["joint"]),
            "joint rows of item {}",
            want["no"]
        );
    }
}

#[test]
fn export_has_the_documented_shape() {
    let exported = export();
    let ramen = exported["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["no"] == 35)
        .unwrap();
    assert_eq!(ramen["name"], "我要开拉面馆");
    assert_eq!(ramen["target"], "法人");
    assert_eq!(ramen["lead"], "市场监督管理局");
    assert_eq!(ramen["provincial"], false);
    assert_eq!(ramen["joint"][0]["name"], "食品（含保健食品）经营许可核发");
    assert_eq!(ramen["joint"][0]["department"], "市场监督管理局");
    assert!(ramen["joint"][0]["changed_to"].is_null());
    // Rows that wrap over pages in the seed.
    let item = |no: u64| {
        exported["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["no"] == no)
            .unwrap()
            .clone()
    };
    assert_eq!(
        item(48)["joint"][3]["changed_to"],
        "公众聚集场所投入使用、营业前消防安全检查（采用告知承诺制）"
    );
    assert_eq!(item(38)["name"], "我要开社区养老中心（非营利）");
    assert_eq!(item(47)["provincial"], true);
    assert_eq!(item(1)["joint"][0]["changed_to"], "低压居民新装");
}

#[test]
fn check_passes_on_the_shipped_catalog() {
    let out = kiosk(&["catalog", "check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("58 one-things, 182 joint rows"), "{text}");
}

fn copy_catalog(to: &Path) {
    for entry in std::fs::read_dir(repo_path("config/catalog")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

/// Replaces the first occurrence of `from` in a catalog file, returning the 1-based line it is on.
fn break_file(path: &Path, from: &str, to: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in {}", path.display()));
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    text[..at].matches('\n').count() + 1
}

#[test]
fn check_names_file_and_line_of_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    copy_catalog(dir.path());
    let things = dir.path().join("one_things.toml");
    let bad_target = break_file(&things, "target = \"法人\"", "target = \"公司\"");
    let items = dir.path().join("joint_items.toml");
    let bad_material = break_file(
        &items,
        "materials = [\"",
        "materials = [\"no_such_material\", \"",
    );
    let materials = dir.path().join("materials.toml");
    let bad_copies = break_file(&materials, "copies = 1", "copies = 0");

    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&out.stderr);
    // A type error stops its own file only: the others are still checked in full.
    expect_problem(&errors, &things, bad_target, "公司");
    expect_problem(
        &errors,
        &items,
        bad_material,
        "unknown material `no_such_material`",
    );
    expect_problem(&errors, &materials, bad_copies, "copies must be at least 1");
}

/// `errors` (what `catalog check` printed) has a line naming `file` at `line` and saying `words`.
fn expect_problem(errors: &str, file: &Path, line: usize, words: &str) {
    let prefix = format!("{}:{line}: ", file.display());
    assert!(
        errors
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(words)),
        "no `{prefix}…{words}…` in:\n{errors}"
    );
}

#[test]
fn check_reports_broken_references_and_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    copy_catalog(dir.path());
    let things = dir.path().join("one_things.toml");
    let typo_line = break_file(
        &things,
        "when = { site = \"租赁场地\" }",
        "when = { site = \"租赁厂地\" }",
    );
    let unknown_line = break_file(
        &things,
        "\nprovincial = true\n",
        "\nprovincial = true\nprovince = true\n",
    );

    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&out.stderr);
    // The unknown key is a type error that stops one_things.toml; fix it and the typo is found.
    assert!(
        errors.contains(&format!("one_things.toml:{}: ", unknown_line + 2))
            && errors.contains("province"),
        "{errors}"
    );
    break_file(&things, "province = true\n", "");
    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(
        errors.contains(&format!(
            "one_things.toml:{typo_line}: `租赁厂地` is not an option"
        )),
        "{errors}"
    );
}

/// The links to the platform are checked: a material an e-licence proves names its licence type, a material
/// nothing proves names none, and a shared field is a plain key that the card does not fill already.
#[test]
fn platform_links_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    copy_catalog(dir.path());
    let materials = dir.path().join("materials.toml");
    let stray_type = break_file(
        &materials,
        "exempt = \"none\"\n",
        "exempt = \"none\"\nlicence_type = \"结婚证\"\n",
    ) + 1;
    // (After the line above, which moves the lines below it down by one.)
    let no_type = break_file(&materials, "licence_type = \"营业执照\"\n", "") - 2;
    let fields = dir.path().join("fields.toml");
    let on_card = break_file(
        &fields,
        "prefill = \"name\"\n",
        "prefill = \"name\"\nshared = \"name\"\n",
    ) + 1;
    let bad_name = break_file(&fields, "shared = \"org_name\"", "shared = \"Org Name\"");

    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&out.stderr);
    for (file, line, words) in [
        (&materials, no_type, "needs `licence_type`"),
        (&materials, stray_type, "`licence_type` is only for"),
        (&fields, bad_name, "must be lower_snake_case"),
        (&fields, on_card, "cannot also be filled from shared data"),
    ] {
        expect_problem(&errors, file, line, words);
    }
}

#[test]
fn search_by_chinese_and_pinyin_initials() {
    for query in ["拉面", "lmg"] {
        let out = kiosk(&["catalog", "search", query]);
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.lines().count(), 1, "{query}: {text}");
        assert!(text.contains("我要开拉面馆"), "{query}: {text}");
    }
}

#[test]
fn a_broken_file_does_not_bury_its_error_under_missing_references() {
    let dir = tempfile::tempdir().unwrap();
    copy_catalog(dir.path());
    let materials = dir.path().join("materials.toml");
    let line = break_file(&materials, "copies = 1", "copies = \"one\"");
    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = errors.lines().filter(|l| l.contains(".toml:")).collect();
    assert_eq!(problems.len(), 1, "{errors}");
    assert!(
        problems[0].starts_with(&format!("{}:{line}: ", materials.display())),
        "{errors}"
    );
}

#[test]
fn material_conditions_name_real_materials_questions_and_options() {
    let dir = tempfile::tempdir().unwrap();
    copy_catalog(dir.path());
    let things = dir.path().join("one_things.toml");
    let line = break_file(
        &things,
        "material_when = { lease_contract = { site = \"租赁场地\" } }",
        "material_when = { lease_contrakt = { site = \"租赁厂地\" } }",
    );
    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = String::from_utf8_lossy(&out.stderr);
    let prefix = format!("{}:{line}: ", things.display());
    assert!(
        errors
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains("unknown material `lease_contrakt`")),
        "{errors}"
    );
    assert!(
        errors
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains("`租赁厂地` is not an option")),
        "{errors}"
    );
    // Without its material condition, the site question decides nothing: that is reported too.
    break_file(
        &things,
        "material_when = { lease_contrakt = { site = \"租赁厂地\" } }\n",
        "",
    );
    let out = kiosk(&["catalog", "check", dir.path().to_str().unwrap()]);
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(
        errors.contains("question `site` decides no row and no material"),
        "{errors}"
    );
}
