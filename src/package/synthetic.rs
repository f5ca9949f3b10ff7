//! A technician's self-test application (`kiosk selftest`): a made-up applicant and business, generated pages and
//! a drawn signature, taken through the real session and package code so that what is tested is what applicants
//! use. Only the simulator's sample identity is involved: no real person's data.

use std::sync::Arc;
use std::time::Instant;

use drivers::camera::{DocumentCamera, SimCamera};

use crate::catalog::{Catalog, FieldKind, Target};
use crate::session::{
    Delivery, DeliveryMethod, DeliveryMode, IdlePolicy, Session, Step, Treatment,
};

/// The one-thing a self-test applies for, when the catalog has it.
const PREFERRED: &str = "我要开拉面馆";

/// A valid made-up value for a field of this kind.
fn value_for(kind: FieldKind, options: &[String]) -> String {
    match kind {
        FieldKind::Text => "自检测试".into(),
        FieldKind::Address => "自检测试地址1号".into(),
        FieldKind::Phone => "13800138000".into(),
        // The simulator's made-up resident: no real person's number is written here.
        FieldKind::IdNumber => drivers::idcard::sim::sample_identity().id_number.clone(),
        FieldKind::CreditCode => "91350100M000100Y43".into(),
        FieldKind::Date => "2026-01-01".into(),
        FieldKind::Number => "1".into(),
        FieldKind::Choice => options.first().cloned().unwrap_or_default(),
    }
}

/// A signature-like stroke on white, as PNG.
pub fn signature_png() -> Vec<u8> {
    let (w, h) = (600u32, 200u32);
    let mut img = image::GrayImage::from_pixel(w, h, image::Luma([255]));
    for x in 40..w - 40 {
        let t = x as f32 / 37.0;
        let y = (h as f32 / 2.0 + (t.sin() * 40.0) + (t * 0.37).cos() * 20.0) as u32;
        for dy in 0..4 {
            img.put_pixel(x, (y + dy).min(h - 1), image::Luma([0]));
        }
    }
    let mut png = Vec::new();
    let _ = img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    png
}

/// The self-test's one-thing: the preferred one, or the first 法人 one.
pub fn default_one_thing(catalog: &Catalog) -> Option<u32> {
    catalog
        .one_things
        .iter()
        .find(|t| t.name == PREFERRED)
        .or_else(|| {
            catalog
                .one_things
                .iter()
                .find(|t| t.target == Target::Organisation)
        })
        .map(|t| t.no)
}

/// A submitted session for the preferred one-thing with generated pages from a simulated camera: the first
/// material gets two pages, the others one.
pub fn submitted_session(catalog: Arc<Catalog>) -> Result<Session, String> {
    let no = default_one_thing(&catalog).ok_or("the catalog has no one-thing to apply for")?;
    let mut camera = SimCamera::new(1296, 972);
    submitted_session_with(catalog, no, 2, &mut || {
        camera.capture().map_err(|e| e.to_string())
    })
}

/// How many materials one-thing `no` asks to capture when every question takes its first option and every item
/// is kept.
pub fn materials_to_capture(catalog: Arc<Catalog>, no: u32) -> Result<usize, String> {
    let mut s = answered(catalog, no)?;
    s.confirm_items().map_err(|e| e.to_string())?;
    Ok(s.materials()
        .iter()
        .filter(|m| matches!(m.treatment, Treatment::Capture { .. }))
        .count())
}

fn answered(catalog: Arc<Catalog>, no: u32) -> Result<Session, String> {
    let e = |e: crate::session::SessionError| e.to_string();
    let mut s = Session::new(catalog, IdlePolicy::default(), Instant::now());
    s.start_apply().map_err(e)?;
    s.identified(drivers::idcard::sim::sample_identity())
        .map_err(e)?;
    // Without the platform: every material is handed in, every field typed.
    s.answer_consent(false, &crate::package::sha256_hex(b"synthetic"))
        .map_err(e)?;
    s.choose(no).map_err(e)?;
    while let Step::Question(i) = s.step() {
        let option = s
            .one_thing()
            .and_then(|t| t.questions.get(i))
            .and_then(|q| q.options.first().cloned())
            .ok_or("a question without options")?;
        s.answer(&option).map_err(e)?;
    }
    Ok(s)
}

/// A submitted session for one-thing `no`: every question answered with its first option, every item kept, every
/// field filled, every material captured from `page` (the first with `first_pages` pages, the others with one),
/// every commitment signed.
pub fn submitted_session_with(
    catalog: Arc<Catalog>,
    no: u32,
    first_pages: usize,
    page: &mut dyn FnMut() -> Result<Vec<u8>, String>,
) -> Result<Session, String> {
    let mut s = session_at_check_answers(catalog, no, first_pages, page)?;
    s.submit().map_err(|e| e.to_string())?;
    Ok(s)
}

/// The same application, complete and waiting on the check-answers page (for screens and benchmarks).
pub fn session_at_check_answers(
    catalog: Arc<Catalog>,
    no: u32,
    first_pages: usize,
    page: &mut dyn FnMut() -> Result<Vec<u8>, String>,
) -> Result<Session, String> {
    filled_to_check_answers(catalog, no, first_pages, page, false)
}

/// As [`session_at_check_answers`], but every material that may be brought later (容缺) is deferred instead of
/// captured, so receipts show each kind of material line.
pub fn session_with_deferrals(
    catalog: Arc<Catalog>,
    no: u32,
    page: &mut dyn FnMut() -> Result<Vec<u8>, String>,
) -> Result<Session, String> {
    filled_to_check_answers(catalog, no, 2, page, true)
}

fn filled_to_check_answers(
    catalog: Arc<Catalog>,
    no: u32,
    first_pages: usize,
    page: &mut dyn FnMut() -> Result<Vec<u8>, String>,
    defer: bool,
) -> Result<Session, String> {
    let e = |e: crate::session::SessionError| e.to_string();
    let mut s = answered(catalog, no)?;
    s.confirm_items().map_err(e)?;
    if s.step() == Step::Role {
        s.set_role(crate::session::Role::LegalRepresentative)
            .map_err(e)?;
    }
    s.confirm_notice().map_err(e)?;
    let fields: Vec<(String, FieldKind, Vec<String>)> = s
        .fields()
        .iter()
        .map(|f| (f.key.clone(), f.kind, f.options.clone()))
        .collect();
    for (key, kind, options) in fields {
        if s.form().get(&key).is_empty() {
            s.set_field(&key, &value_for(kind, &options)).map_err(e)?;
        }
    }
    s.submit_form().map_err(e)?;
    let mut to_capture = Vec::new();
    for m in s.materials() {
        match m.treatment {
            Treatment::Capture {
                defer_days: Some(_),
            } if defer => s.set_deferred(&m.key, true).map_err(e)?,
            Treatment::Capture { .. } => to_capture.push(m.key),
            Treatment::Exempt { .. } | Treatment::Licence { .. } => {}
        }
    }
    for (i, key) in to_capture.iter().enumerate() {
        let pages = if i == 0 { first_pages.max(1) } else { 1 };
        for _ in 0..pages {
            s.add_page(key, page()?).map_err(e)?;
        }
    }
    s.confirm_capture().map_err(e)?;
    for item in s.commitment_items() {
        s.sign(&item, signature_png()).map_err(e)?;
    }
    s.confirm_commitments().map_err(e)?;
    s.set_delivery(Delivery {
        method: DeliveryMethod::Window,
        mode: DeliveryMode::Together,
        address: None,
    })
    .map_err(e)?;
    Ok(s)
}
