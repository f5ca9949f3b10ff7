//! The catalog as JSON (`kiosk catalog export --json`): the seed's table first, the guide data after it.

use serde::Serialize;

use super::model::*;

#[derive(Serialize)]
struct Export<'a> {
    items: Vec<ExportOneThing<'a>>,
    joint_items: Vec<ExportJointItem<'a>>,
    materials: Vec<ExportMaterial<'a>>,
    fields: Vec<ExportField<'a>>,
}

#[derive(Serialize)]
struct ExportOneThing<'a> {
    no: u32,
    name: &'a str,
    target: Target,
    lead: &'a str,
    provincial: bool,
    joint: Vec<ExportRow<'a>>,
    code: String,
    questions: Vec<ExportQuestion<'a>>,
}

#[derive(Serialize)]
struct ExportRow<'a> {
    name: &'a str,
    department: &'a str,
    changed_to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<ExportWhen<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    choose: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requires: Option<&'a str>,
}

#[derive(Serialize)]
struct ExportWhen<'a> {
    question: &'a str,
    option: &'a str,
}

#[derive(Serialize)]
struct ExportQuestion<'a> {
    key: &'a str,
    text: &'a str,
    options: &'a [String],
}

#[derive(Serialize)]
struct ExportJointItem<'a> {
    name: &'a str,
    kind: ItemKind,
    time_limit_days: u32,
    fee: &'a str,
    result: &'a str,
    commitment: bool,
    commitment_text: Option<&'a str>,
    materials: &'a [String],
    fields: &'a [String],
    sample: bool,
}

#[derive(Serialize)]
struct ExportMaterial<'a> {
    key: &'a str,
    name: &'a str,
    form: MaterialForm,
    copies: u32,
    source: &'a str,
    exempt: Exemption,
    exempt_note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    licence_type: Option<&'a str>,
    deferrable: bool,
    defer_days: Option<u32>,
    sample: bool,
}

#[derive(Serialize)]
struct ExportField<'a> {
    key: &'a str,
    label: &'a str,
    kind: FieldKind,
    required: bool,
    prefill: Option<Prefill>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shared: Option<&'a str>,
    options: &'a [String],
    hint: Option<&'a str>,
    sample: bool,
}

/// The catalog as pretty-printed JSON.
pub fn to_json(catalog: &Catalog) -> String {
    let export = Export {
        items: catalog.one_things.iter().map(one_thing).collect(),
        joint_items: catalog
            .joint_items
            .values()
            .map(|j| ExportJointItem {
                name: &j.name,
                kind: j.kind,
                time_limit_days: j.time_limit_days,
                fee: &j.fee,
                result: &j.result,
                commitment: j.commitment,
                commitment_text: j.commitment_text.as_deref(),
                materials: &j.materials,
                fields: &j.fields,
                sample: j.sample,
            })
            .collect(),
        materials: catalog
            .materials
            .values()
            .map(|m| ExportMaterial {
                key: &m.key,
                name: &m.name,
                form: m.form,
                copies: m.copies,
                source: &m.source,
                exempt: m.exempt,
                exempt_note: m.exempt_note.as_deref(),
                licence_type: m.licence_type.as_deref(),
                deferrable: m.deferrable,
                defer_days: m.defer_days,
                sample: m.sample,
            })
            .collect(),
        fields: catalog
            .fields
            .values()
            .map(|f| ExportField {
                key: &f.key,
                label: &f.label,
                kind: f.kind,
                required: f.required,
                prefill: f.prefill,
                shared: f.shared.as_deref(),
                options: &f.options,
                hint: f.hint.as_deref(),
                sample: f.sample,
            })
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&export).unwrap_or_default()
}

fn one_thing(thing: &OneThing) -> ExportOneThing<'_> {
    ExportOneThing {
        no: thing.no,
        name: &thing.name,
        target: thing.target,
        lead: &thing.lead,
        provincial: thing.provincial,
        joint: thing
            .joint
            .iter()
            .map(|row| ExportRow {
                name: &row.name,
                department: &row.department,
                changed_to: row.changed_to.as_deref(),
                when: row
                    .when
                    .as_ref()
                    .map(|(question, option)| ExportWhen { question, option }),
                choose: row.choose.as_deref(),
                requires: row.requires.as_deref(),
            })
            .collect(),
        code: thing.code(),
        questions: thing
            .questions
            .iter()
            .map(|q| ExportQuestion {
                key: &q.key,
                text: &q.text,
                options: &q.options,
            })
            .collect(),
    }
}
