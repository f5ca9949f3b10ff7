//! The manifest's contract (`one-thing-package/1`) checked on its JSON, as a back office receives it: the simulator
//! refuses what breaks it, and tests check what the kiosk sends against it.

use serde_json::{Map, Value};

use crate::package::manifest::SCHEMA;
use crate::session::validate;

/// Checks `manifest` as sent by `kiosk_id` to `PUT /v1/packages/{package_id}`. On success, returns every file hash
/// it names (materials' pages and signatures), which must have been uploaded.
pub fn check_manifest(
    manifest: &Value,
    kiosk_id: &str,
    package_id: &str,
) -> Result<Vec<String>, Vec<String>> {
    let mut c = Checker::default();
    let Some(root) = manifest.as_object() else {
        return Err(vec!["the manifest is not a JSON object".into()]);
    };
    c.equals(root, "schema", SCHEMA);
    c.equals(root, "package_id", package_id);
    if uuid::Uuid::parse_str(package_id).is_err() {
        c.fail("package_id is not a UUID");
    }
    c.equals(root, "kiosk_id", kiosk_id);
    if let Some(receipt) = c.string(root, "receipt_no") {
        if !receipt_matches(receipt, kiosk_id) {
            c.fail("receipt_no is not {kiosk_id}-{YYYYMMDD}-{4 digits}");
        }
    }
    if let Some(at) = c.string(root, "created_at") {
        if chrono::DateTime::parse_from_rfc3339(at).is_err() {
            c.fail("created_at is not an RFC 3339 time");
        }
    }
    if !root.get("test").is_some_and(Value::is_boolean) {
        c.fail("test is not true or false");
    }
    let target = c.object(root, "one_thing").and_then(|thing| {
        for key in ["code", "name", "lead_department"] {
            c.non_empty(thing, key, "one_thing");
        }
        c.one_of(thing, "target", &["个人", "法人"], "one_thing")
    });
    match root.get("items").and_then(Value::as_array) {
        Some(items) if !items.is_empty() => {
            for item in items {
                c.fields(item, &["code", "name", "department"], "items[]");
            }
        }
        _ => c.fail("items is not a non-empty array"),
    }
    for answer in c.array(root, "answers") {
        c.fields(answer, &["question", "answer"], "answers[]");
    }
    if let Some(applicant) = c.object(root, "applicant") {
        c.non_empty(applicant, "name", "applicant");
        let id_type = c.one_of(
            applicant,
            "id_type",
            &["resident", "hk_mo_tw", "foreign_permanent"],
            "applicant",
        );
        if let Some(id) = c.string(applicant, "id_number") {
            if id_type.as_deref() == Some("resident") && validate::id_number(id).is_err() {
                c.fail("applicant.id_number is not a valid resident ID number");
            }
        }
        c.one_of(applicant, "gender", &["男", "女", "未知"], "applicant");
        c.string(applicant, "nation");
        if let Some(date) = c.string(applicant, "birth_date") {
            if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() {
                c.fail("applicant.birth_date is not YYYY-MM-DD");
            }
        }
        c.string(applicant, "address");
        c.string(applicant, "phone");
    }
    match root.get("organisation") {
        Some(Value::Null) if target.as_deref() == Some("法人") => {
            c.fail("organisation is null for a 法人 one-thing")
        }
        Some(Value::Null) => {}
        Some(Value::Object(org)) => {
            c.non_empty(org, "name", "organisation");
            if let Some(code) = c.string(org, "credit_code") {
                if validate::credit_code(code).is_err() {
                    c.fail("organisation.credit_code fails the GB 32100 check");
                }
            }
        }
        _ => c.fail("organisation is neither null nor an object"),
    }
    match root.get("form").and_then(Value::as_object) {
        Some(form) if form.values().all(Value::is_string) => {}
        _ => c.fail("form is not an object of strings"),
    }
    let mut files = Vec::new();
    for material in c.array(root, "materials") {
        let Some(m) = material.as_object() else {
            c.fail("materials[] is not an object");
            continue;
        };
        c.non_empty(m, "key", "materials[]");
        c.non_empty(m, "name", "materials[]");
        c.string(m, "reason");
        let status = c.one_of(
            m,
            "status",
            &["captured", "exempt", "licence", "deferred"],
            "materials[]",
        );
        match (status.as_deref(), m.get("licence")) {
            (Some("licence"), Some(Value::Object(licence))) => {
                c.non_empty(licence, "licence_type", "materials[].licence");
                c.non_empty(licence, "number", "materials[].licence");
            }
            (Some("licence"), _) => c.fail("a material exempted by a licence has no licence"),
            (_, None | Some(Value::Null)) => {}
            (_, Some(_)) => c.fail("materials[].licence is only for status licence"),
        }
        let pages = c.array(m, "files");
        if status.as_deref() == Some("captured") && pages.is_empty() {
            c.fail("a captured material has no files");
        }
        for page in pages {
            let Some(p) = page.as_object() else {
                c.fail("materials[].files[] is not an object");
                continue;
            };
            if let Some(hash) = c.hash(p, "sha256", "materials[].files[]") {
                files.push(hash);
            }
            c.one_of(
                p,
                "content_type",
                &["image/jpeg", "image/png", "application/pdf"],
                "materials[].files[]",
            );
            for key in ["bytes", "page"] {
                if p.get(key).and_then(Value::as_u64).unwrap_or(0) == 0 {
                    c.fail(format!(
                        "materials[].files[].{key} is not a positive integer"
                    ));
                }
            }
        }
    }
    for commitment in c.array(root, "commitments") {
        let Some(m) = commitment.as_object() else {
            c.fail("commitments[] is not an object");
            continue;
        };
        c.non_empty(m, "item_code", "commitments[]");
        c.hash(m, "text_sha256", "commitments[]");
        if let Some(hash) = c.hash(m, "signature_sha256", "commitments[]") {
            files.push(hash);
        }
    }
    if let Some(delivery) = c.object(root, "delivery") {
        let method = c.one_of(delivery, "method", &["window", "post"], "delivery");
        c.one_of(delivery, "mode", &["together", "separately"], "delivery");
        match delivery.get("address") {
            Some(Value::String(a)) if !a.trim().is_empty() => {}
            Some(Value::Null) if method.as_deref() != Some("post") => {}
            _ => c.fail("delivery.address must be an address for post, else null"),
        }
    }
    // 1.1: the hash of the check code printed on the receipt, which guards status look-ups. A package stored by a
    // kiosk before 1.1 has none: it is still taken (its applicant holds a receipt), and found by ID card only.
    if root.contains_key("check_code_sha256") {
        c.hash(root, "check_code_sha256", "");
    }
    check_platform_fields(&mut c, root, target.as_deref());
    if c.problems.is_empty() {
        files.sort();
        files.dedup();
        Ok(files)
    } else {
        Err(c.problems)
    }
}

/// 1.1: who applies, the real-person check and the fields from shared data. A package stored by a kiosk before
/// 1.1 has no `applicant_role` and is taken as it is.
fn check_platform_fields(c: &mut Checker, root: &Map<String, Value>, target: Option<&str>) {
    if !root.contains_key("applicant_role") {
        return;
    }
    {
        let allowed: &[&str] = if target == Some("法人") {
            &["legal_representative", "agent"]
        } else {
            &["self"]
        };
        let role = c.one_of(root, "applicant_role", allowed, "");
        match (role.as_deref(), root.get("agent")) {
            (Some("agent"), Some(Value::Object(agent))) => {
                c.non_empty(agent, "authorised_by", "agent");
            }
            (Some("agent"), _) => c.fail("agent must name who authorised the agent"),
            (_, None | Some(Value::Null)) => {}
            (_, Some(_)) => c.fail("agent is only for applicant_role agent"),
        }
    }
    match root.get("identity_check") {
        None | Some(Value::Null) => {}
        Some(Value::Object(check)) => {
            c.one_of(check, "method", &["face"], "identity_check");
            c.non_empty(check, "verify_id", "identity_check");
            c.one_of(check, "result", &["match"], "identity_check");
        }
        Some(_) => c.fail("identity_check is neither null nor an object"),
    }
    let form = root.get("form").and_then(Value::as_object);
    for key in c.array(root, "shared_fields") {
        match key.as_str() {
            Some(key) if form.is_some_and(|f| f.contains_key(key)) => {}
            _ => c.fail("shared_fields[] names no field of the form"),
        }
    }
}

fn receipt_matches(receipt: &str, kiosk_id: &str) -> bool {
    let Some(rest) = receipt
        .strip_prefix(kiosk_id)
        .and_then(|r| r.strip_prefix('-'))
    else {
        return false;
    };
    let Some((day, seq)) = rest.split_once('-') else {
        return false;
    };
    chrono::NaiveDate::parse_from_str(day, "%Y%m%d").is_ok()
        && day.len() == 8
        && seq.len() == 4
        && seq.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Default)]
struct Checker {
    problems: Vec<String>,
}

impl Checker {
    fn fail(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    fn string<'a>(&mut self, map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
        let value = map.get(key).and_then(Value::as_str);
        if value.is_none() {
            self.fail(format!("{key} is missing or not a string"));
        }
        value
    }

    fn non_empty(&mut self, map: &Map<String, Value>, key: &str, parent: &str) {
        if map
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            self.fail(format!("{parent}.{key} is missing or empty"));
        }
    }

    fn equals(&mut self, map: &Map<String, Value>, key: &str, expected: &str) {
        if map.get(key).and_then(Value::as_str) != Some(expected) {
            self.fail(format!("{key} is not `{expected}`"));
        }
    }

    fn one_of(
        &mut self,
        map: &Map<String, Value>,
        key: &str,
        allowed: &[&str],
        parent: &str,
    ) -> Option<String> {
        match map.get(key).and_then(Value::as_str) {
            Some(v) if allowed.contains(&v) => Some(v.to_string()),
            _ => {
                self.fail(format!(
                    "{parent}.{key} is not one of {}",
                    allowed.join("|")
                ));
                None
            }
        }
    }

    fn hash(&mut self, map: &Map<String, Value>, key: &str, parent: &str) -> Option<String> {
        match map.get(key).and_then(Value::as_str) {
            Some(h)
                if h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) =>
            {
                Some(h.to_string())
            }
            _ => {
                let name = if parent.is_empty() {
                    key.to_string()
                } else {
                    format!("{parent}.{key}")
                };
                self.fail(format!("{name} is not a lower-case hex SHA-256"));
                None
            }
        }
    }

    fn object<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        key: &str,
    ) -> Option<&'a Map<String, Value>> {
        let value = map.get(key).and_then(Value::as_object);
        if value.is_none() {
            self.fail(format!("{key} is missing or not an object"));
        }
        value
    }

    fn array<'a>(&mut self, map: &'a Map<String, Value>, key: &str) -> &'a [Value] {
        match map.get(key).and_then(Value::as_array) {
            Some(items) => items,
            None => {
                self.fail(format!("{key} is missing or not an array"));
                &[]
            }
        }
    }

    fn fields(&mut self, value: &Value, keys: &[&str], parent: &str) {
        match value.as_object() {
            Some(map) => {
                for key in keys {
                    self.non_empty(map, key, parent);
                }
            }
            None => self.fail(format!("{parent} is not an object")),
        }
    }
}
