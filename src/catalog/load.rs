//! Reading the catalog folder, checking it, and building the [`Catalog`].
//!
//! Every problem is collected, not only the first, so that `kiosk catalog check` tells a center's staff all that
//! is wrong at once. A syntax or type error stops the check of its own file only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::model::*;
use super::raw::*;
use crate::toml_source::{Problem, TomlSource};

/// Loads the catalog from a folder of `*.toml` files or from one file.
pub fn load(path: &Path) -> Result<Catalog, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for file in catalog_files(path).map_err(|p| vec![p])? {
        match TomlSource::read(&file) {
            Ok(src) => sources.push(src),
            Err(problem) => problems.push(problem),
        }
    }
    build(path, sources, problems)
}

/// Loads a catalog held in one string; `path` only names it in problems.
pub fn load_text(path: &Path, text: &str) -> Result<Catalog, Vec<Problem>> {
    build(
        path,
        vec![TomlSource::from_text(path, text.to_string())],
        Vec::new(),
    )
}

fn build(
    path: &Path,
    sources: Vec<TomlSource>,
    mut problems: Vec<Problem>,
) -> Result<Catalog, Vec<Problem>> {
    let mut files = Vec::new();
    // A file that failed to parse may define what the others refer to: "unknown …" about its sections would only
    // repeat its error many times over, so those reference checks wait until it parses.
    let mut unchecked = Unchecked::default();
    for src in sources {
        match src.parse::<RawFile>() {
            Ok(raw) => files.push((src, raw)),
            Err(problem) => {
                problems.push(problem);
                unchecked.add(&src.text);
            }
        }
    }
    let catalog = Builder {
        problems: &mut problems,
        unchecked,
    }
    .build(&files);
    // An agent may do any company's one-thing: the kiosk then asks for the power of attorney and the name of the
    // legal representative who gave it, as the catalog defines them.
    let for_companies = catalog
        .one_things
        .iter()
        .any(|t| t.target == Target::Organisation);
    for (missing, what) in [
        (
            !catalog.materials.contains_key(POWER_OF_ATTORNEY),
            format!("[material.{POWER_OF_ATTORNEY}]"),
        ),
        (
            !catalog.fields.contains_key(LEGAL_REPRESENTATIVE),
            format!("[field.{LEGAL_REPRESENTATIVE}]"),
        ),
    ] {
        if for_companies && missing && problems.is_empty() {
            problems.push(Problem {
                file: path.to_path_buf(),
                line: 0,
                message: format!(
                    "{what} is missing: 法人 one-things may be done by an agent (经办人), who hands in a power of \
                     attorney and names the legal representative who gave it"
                ),
            });
        }
    }
    if catalog.one_things.is_empty() && problems.is_empty() {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: 0,
            message: "no [[one_thing]] in the catalog".into(),
        });
    }
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

fn catalog_files(path: &Path) -> Result<Vec<PathBuf>, Problem> {
    let unreadable = |e: std::io::Error| Problem {
        file: path.to_path_buf(),
        line: 0,
        message: format!("cannot read the catalog: {e}"),
    };
    if !path.is_dir() {
        std::fs::metadata(path).map_err(unreadable)?;
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// The sections of the catalog that a file which failed to parse may hold.
#[derive(Default)]
struct Unchecked {
    all: bool,
    sections: Vec<String>,
}

impl Unchecked {
    fn add(&mut self, text: &str) {
        // A type error still leaves valid TOML whose top-level keys tell what the file defines; a syntax error
        // leaves nothing to go by.
        match toml::from_str::<toml::Table>(text) {
            Ok(table) => self.sections.extend(table.keys().cloned()),
            Err(_) => self.all = true,
        }
    }

    /// Whether references to `section` can be checked.
    fn checks(&self, section: &str) -> bool {
        !self.all && !self.sections.iter().any(|s| s == section)
    }
}

struct Builder<'a> {
    problems: &'a mut Vec<Problem>,
    unchecked: Unchecked,
}

impl Builder<'_> {
    fn report<T>(&mut self, src: &TomlSource, at: &Spanned<T>, message: impl Into<String>) {
        self.problems.push(src.problem(at.span(), message));
    }

    fn non_empty(&mut self, src: &TomlSource, value: &Spanned<String>, what: &str) {
        if value.get_ref().trim().is_empty() {
            self.report(src, value, format!("{what} is empty"));
        }
    }

    fn build(mut self, files: &[(TomlSource, RawFile)]) -> Catalog {
        let mut catalog = Catalog::default();
        for (src, raw) in files {
            for (key, material) in &raw.material {
                if let Some(m) = self.material(src, key, material) {
                    if catalog.materials.insert(m.key.clone(), m).is_some() {
                        self.report(
                            src,
                            key,
                            format!("material `{}` is defined twice", key.get_ref()),
                        );
                    }
                }
            }
            for (key, field) in &raw.field {
                if let Some(f) = self.field(src, key, field) {
                    if catalog.fields.insert(f.key.clone(), f).is_some() {
                        self.report(
                            src,
                            key,
                            format!("field `{}` is defined twice", key.get_ref()),
                        );
                    }
                }
            }
        }
        for (src, raw) in files {
            for item in &raw.joint_item {
                let built = self.joint_item(src, item.get_ref(), &catalog);
                if catalog
                    .joint_items
                    .insert(built.name.clone(), built)
                    .is_some()
                {
                    let name = &item.get_ref().name;
                    self.report(
                        src,
                        name,
                        format!("joint item `{}` is defined twice", name.get_ref()),
                    );
                }
            }
        }
        let mut numbers = BTreeSet::new();
        let mut names = BTreeSet::new();
        for (src, raw) in files {
            for thing in &raw.one_thing {
                let thing = thing.get_ref();
                if *thing.no.get_ref() == 0 || !numbers.insert(*thing.no.get_ref()) {
                    self.report(
                        src,
                        &thing.no,
                        format!(
                            "one-thing number {} is zero or used twice",
                            thing.no.get_ref()
                        ),
                    );
                }
                if !names.insert(thing.name.get_ref().clone()) {
                    self.report(
                        src,
                        &thing.name,
                        format!("one-thing `{}` is listed twice", thing.name.get_ref()),
                    );
                }
                let built = self.one_thing(src, thing, &catalog);
                catalog.one_things.push(built);
            }
        }
        catalog.one_things.sort_by_key(|t| t.no);
        catalog
    }

    fn material(
        &mut self,
        src: &TomlSource,
        key: &Spanned<String>,
        raw: &RawMaterial,
    ) -> Option<Material> {
        if !is_key(key.get_ref()) {
            self.report(
                src,
                key,
                format!(
                    "material key `{}` must be lower_snake_case ASCII",
                    key.get_ref()
                ),
            );
            return None;
        }
        self.non_empty(src, &raw.name, "material name");
        self.non_empty(src, &raw.source, "material source");
        if *raw.copies.get_ref() == 0 {
            self.report(src, &raw.copies, "copies must be at least 1");
        }
        match (*raw.deferrable.get_ref(), &raw.defer_days) {
            (true, None) => self.report(
                src,
                &raw.deferrable,
                "a deferrable material needs `defer_days`",
            ),
            (true, Some(days)) if *days.get_ref() == 0 => {
                self.report(src, days, "defer_days must be at least 1")
            }
            (false, Some(days)) => self.report(
                src,
                days,
                "`defer_days` is set but the material is not deferrable",
            ),
            _ => {}
        }
        let exempt = *raw.exempt.get_ref();
        let platform_proves = matches!(exempt, Exemption::ELicence | Exemption::SharedData);
        match (&raw.licence_type, platform_proves) {
            (None, true) => self.report(
                src,
                &raw.exempt,
                "a material an e-licence or shared data proves needs `licence_type` (the licence the platform \
                 must confirm for the applicant)",
            ),
            (Some(licence), true) => self.non_empty(src, licence, "licence_type"),
            (Some(licence), false) => self.report(
                src,
                licence,
                "`licence_type` is only for materials with exempt = \"e_licence\" or \"shared_data\"",
            ),
            (None, false) => {}
        }
        // What the card's chip gives is never asked for; what the platform may prove is asked for when it does
        // not, and may then be brought later where the center allows it.
        if raw.deferrable.get_ref() & (exempt == Exemption::IdCard) {
            self.report(
                src,
                &raw.deferrable,
                "a material read from the ID card cannot also be deferrable",
            );
        }
        Some(Material {
            key: key.get_ref().clone(),
            name: raw.name.get_ref().clone(),
            form: raw.form,
            copies: *raw.copies.get_ref(),
            source: raw.source.get_ref().clone(),
            exempt,
            exempt_note: raw.exempt_note.clone(),
            licence_type: raw.licence_type.as_ref().map(|l| l.get_ref().clone()),
            deferrable: *raw.deferrable.get_ref(),
            defer_days: raw.defer_days.as_ref().map(|d| *d.get_ref()),
            sample: raw.sample,
        })
    }

    fn field(
        &mut self,
        src: &TomlSource,
        key: &Spanned<String>,
        raw: &RawField,
    ) -> Option<FieldDef> {
        if !is_key(key.get_ref()) {
            self.report(
                src,
                key,
                format!(
                    "field key `{}` must be lower_snake_case ASCII",
                    key.get_ref()
                ),
            );
            return None;
        }
        self.non_empty(src, &raw.label, "field label");
        let kind = *raw.kind.get_ref();
        match (kind == FieldKind::Choice, raw.options.len()) {
            (true, n) if n < 2 => self.report(
                src,
                &raw.kind,
                "a choice field needs at least two `options`",
            ),
            (false, n) if n > 0 => {
                self.report(src, &raw.kind, "`options` are only for choice fields")
            }
            _ => {}
        }
        if let Some(prefill) = &raw.prefill {
            if !prefill_fits(*prefill.get_ref(), kind) {
                self.report(
                    src,
                    prefill,
                    format!(
                        "prefill {:?} does not fit a {:?} field",
                        prefill.get_ref(),
                        kind
                    ),
                );
            }
        }
        if let Some(shared) = &raw.shared {
            if !is_key(shared.get_ref()) {
                self.report(
                    src,
                    shared,
                    format!(
                        "shared field `{}` must be lower_snake_case ASCII",
                        shared.get_ref()
                    ),
                );
            }
            if raw.prefill.is_some() {
                self.report(
                    src,
                    shared,
                    "a field filled from the ID card cannot also be filled from shared data",
                );
            }
        }
        Some(FieldDef {
            key: key.get_ref().clone(),
            label: raw.label.get_ref().clone(),
            kind,
            required: raw.required,
            prefill: raw.prefill.as_ref().map(|p| *p.get_ref()),
            shared: raw.shared.as_ref().map(|s| s.get_ref().clone()),
            options: raw.options.clone(),
            hint: raw.hint.clone(),
            sample: raw.sample,
        })
    }

    fn joint_item(&mut self, src: &TomlSource, raw: &RawJointItem, catalog: &Catalog) -> JointItem {
        self.non_empty(src, &raw.name, "joint item name");
        self.non_empty(src, &raw.fee, "fee");
        self.non_empty(src, &raw.result, "result");
        let materials = self.references(src, &raw.materials, "material", |k| {
            catalog.materials.contains_key(k)
        });
        let fields = self.references(src, &raw.fields, "field", |k| {
            catalog.fields.contains_key(k)
        });
        if raw.kind == ItemKind::Query && (!materials.is_empty() || !fields.is_empty()) {
            self.report(
                src,
                &raw.name,
                "a query item asks the applicant for nothing: leave materials and fields empty",
            );
        }
        JointItem {
            name: raw.name.get_ref().clone(),
            kind: raw.kind,
            time_limit_days: raw.time_limit_days,
            fee: raw.fee.get_ref().clone(),
            result: raw.result.get_ref().clone(),
            commitment: raw.commitment,
            commitment_text: raw.commitment_text.clone(),
            materials,
            fields,
            sample: raw.sample,
        }
    }

    fn references(
        &mut self,
        src: &TomlSource,
        keys: &[Spanned<String>],
        what: &str,
        exists: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut seen = BTreeSet::new();
        for key in keys {
            if !exists(key.get_ref()) {
                if self.unchecked.checks(what) {
                    self.report(src, key, format!("unknown {what} `{}`", key.get_ref()));
                }
            } else if !seen.insert(key.get_ref().as_str()) {
                self.report(
                    src,
                    key,
                    format!("{what} `{}` is listed twice", key.get_ref()),
                );
            }
        }
        keys.iter().map(|k| k.get_ref().clone()).collect()
    }

    fn one_thing(&mut self, src: &TomlSource, raw: &RawOneThing, catalog: &Catalog) -> OneThing {
        self.non_empty(src, &raw.name, "one-thing name");
        self.non_empty(src, &raw.lead, "lead department");
        let questions = self.questions(src, &raw.questions);
        if raw.joint.get_ref().is_empty() {
            self.report(src, &raw.joint, "a one-thing needs at least one joint row");
        }
        let rows: Vec<JointRow> = raw
            .joint
            .get_ref()
            .iter()
            .map(|row| self.row(src, row, &questions))
            .collect();
        let row_names: BTreeSet<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        for (row, raw_row) in rows.iter().zip(raw.joint.get_ref()) {
            if let (Some(required), Some(at)) = (&row.requires, &raw_row.get_ref().requires) {
                if required == &row.name || !row_names.contains(required.as_str()) {
                    self.report(
                        src,
                        at,
                        format!("`requires` names no other row of this one-thing: `{required}`"),
                    );
                }
            }
            for item in row.possible_items(&questions) {
                if self.unchecked.checks("joint_item") && !catalog.joint_items.contains_key(&item) {
                    self.report(
                        src,
                        raw_row,
                        format!("joint item `{item}` has no [[joint_item]] entry"),
                    );
                }
            }
        }
        let mut material_when = BTreeMap::new();
        for (material, condition) in &raw.material_when {
            if self.unchecked.checks("material")
                && !catalog.materials.contains_key(material.get_ref())
            {
                self.report(
                    src,
                    material,
                    format!("unknown material `{}`", material.get_ref()),
                );
            }
            let pairs: Vec<_> = condition.get_ref().iter().collect();
            let [(key, option)] = pairs.as_slice() else {
                self.report(
                    src,
                    condition,
                    "`material_when` takes exactly one `question = \"option\"`",
                );
                continue;
            };
            match questions.iter().find(|q| &q.key == *key) {
                None => self.report(
                    src,
                    condition,
                    format!("`material_when` names no question of this one-thing: `{key}`"),
                ),
                Some(q) if !q.options.contains(option) => self.report(
                    src,
                    condition,
                    format!("`{option}` is not an option of question `{key}`"),
                ),
                Some(_) => {
                    material_when.insert(
                        material.get_ref().clone(),
                        ((*key).clone(), (*option).clone()),
                    );
                }
            }
        }
        for (question, raw_question) in questions.iter().zip(&raw.questions) {
            let used = rows.iter().any(|r| {
                r.choose.as_ref() == Some(&question.key)
                    || r.when.as_ref().is_some_and(|(q, _)| q == &question.key)
            }) || material_when.values().any(|(q, _)| q == &question.key);
            if !used {
                self.report(
                    src,
                    &raw_question.get_ref().key,
                    format!("question `{}` decides no row and no material", question.key),
                );
            }
        }
        OneThing {
            no: *raw.no.get_ref(),
            name: raw.name.get_ref().clone(),
            target: raw.target,
            lead: raw.lead.get_ref().clone(),
            provincial: raw.provincial,
            questions,
            joint: rows,
            material_when,
        }
    }

    fn questions(&mut self, src: &TomlSource, raw: &[Spanned<RawQuestion>]) -> Vec<Question> {
        let mut keys = BTreeSet::new();
        raw.iter()
            .map(|q| {
                let q = q.get_ref();
                if !is_key(q.key.get_ref()) || !keys.insert(q.key.get_ref().clone()) {
                    self.report(
                        src,
                        &q.key,
                        format!(
                            "question key `{}` is not lower_snake_case or is used twice",
                            q.key.get_ref()
                        ),
                    );
                }
                self.non_empty(src, &q.text, "question text");
                if q.options.len() < 2 {
                    self.report(src, &q.key, "a question needs at least two options");
                }
                let mut options = BTreeSet::new();
                for option in &q.options {
                    if option.get_ref().trim().is_empty()
                        || !options.insert(option.get_ref().as_str())
                    {
                        self.report(
                            src,
                            option,
                            format!("option `{}` is empty or listed twice", option.get_ref()),
                        );
                    }
                }
                Question {
                    key: q.key.get_ref().clone(),
                    text: q.text.get_ref().clone(),
                    options: q.options.iter().map(|o| o.get_ref().clone()).collect(),
                }
            })
            .collect()
    }

    fn row(
        &mut self,
        src: &TomlSource,
        raw: &Spanned<RawJointRow>,
        questions: &[Question],
    ) -> JointRow {
        let r = raw.get_ref();
        self.non_empty(src, &r.name, "joint row name");
        self.non_empty(src, &r.department, "joint row department");
        if let Some(changed) = &r.changed_to {
            self.non_empty(src, changed, "changed_to");
        }
        let when = r.when.as_ref().and_then(|w| {
            let mut entries = w.get_ref().iter();
            match (entries.next(), entries.next()) {
                (Some((key, option)), None) => {
                    match questions.iter().find(|q| &q.key == key) {
                        None => self.report(
                            src,
                            w,
                            format!("`when` names no question of this one-thing: `{key}`"),
                        ),
                        Some(q) if !q.options.contains(option) => self.report(
                            src,
                            w,
                            format!("`{option}` is not an option of question `{key}`"),
                        ),
                        Some(_) => {}
                    }
                    Some((key.clone(), option.clone()))
                }
                _ => {
                    self.report(src, w, "`when` takes exactly one `question = \"option\"`");
                    None
                }
            }
        });
        if let Some(choose) = &r.choose {
            if !questions.iter().any(|q| &q.key == choose.get_ref()) {
                self.report(
                    src,
                    choose,
                    format!(
                        "`choose` names no question of this one-thing: `{}`",
                        choose.get_ref()
                    ),
                );
            }
        }
        JointRow {
            name: r.name.get_ref().clone(),
            department: r.department.get_ref().clone(),
            changed_to: r.changed_to.as_ref().map(|c| c.get_ref().clone()),
            when,
            choose: r.choose.as_ref().map(|c| c.get_ref().clone()),
            requires: r.requires.as_ref().map(|c| c.get_ref().clone()),
        }
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && key.as_bytes()[0].is_ascii_lowercase()
}

fn prefill_fits(prefill: Prefill, kind: FieldKind) -> bool {
    matches!(
        (prefill, kind),
        (Prefill::Name, FieldKind::Text)
            | (Prefill::IdNumber, FieldKind::IdNumber)
            | (Prefill::BirthDate, FieldKind::Date)
            | (Prefill::Address, FieldKind::Address | FieldKind::Text)
            | (
                Prefill::Gender | Prefill::Nation,
                FieldKind::Text | FieldKind::Choice
            )
    )
}
