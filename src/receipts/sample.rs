//! Sample receipts of each kind, from the self-test's made-up applicant (the simulator's sample identity), for
//! `kiosk receipt sample`, the size table and tests. No real person's data is involved.

use std::sync::Arc;

use chrono::NaiveDateTime;
use drivers::camera::{DocumentCamera, SimCamera};

use super::{AcceptanceReceipt, NoticeSlip, PickupSlip, Receipt};
use crate::backoffice::wire::{Application, ItemStatus};
use crate::catalog::Catalog;
use crate::package::synthetic;
use crate::progress::{ready_groups, status_words};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// 收件回执
    Acceptance,
    /// 一次告知单
    Notice,
    /// 取件凭证
    Pickup,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Acceptance, Kind::Notice, Kind::Pickup];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Acceptance => "收件回执",
            Kind::Notice => "一次告知单",
            Kind::Pickup => "取件凭证",
        }
    }
}

pub const SAMPLE_RECEIPT_NO: &str = "XX-KIOSK-01-20261128-0007";
/// The sample receipt's check code (made up, like the rest of the sample).
pub const SAMPLE_CHECK_CODE: &str = "K7M2PQRS";

pub fn sample_time() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .unwrap_or_default()
}

/// The acceptance receipt of the self-test application, with its deferrable materials deferred.
pub fn acceptance(
    catalog: Arc<Catalog>,
    center: &str,
    kiosk_id: &str,
) -> Result<AcceptanceReceipt, String> {
    let no = synthetic::default_one_thing(&catalog)
        .ok_or("the catalog has no one-thing to apply for")?;
    let mut camera = SimCamera::new(320, 240);
    let session = synthetic::session_with_deferrals(catalog, no, &mut || {
        camera.capture().map_err(|e| e.to_string())
    })?;
    let code =
        crate::package::CheckCode::parse(SAMPLE_CHECK_CODE).ok_or("the sample check code")?;
    Ok(AcceptanceReceipt::of(
        &session,
        center,
        kiosk_id,
        SAMPLE_RECEIPT_NO,
        &code,
        sample_time(),
    ))
}

/// The application as the back office would report it once two items are ready at window 3.
pub fn application(receipt: &AcceptanceReceipt) -> Application {
    Application {
        receipt_no: receipt.receipt_no.clone(),
        package_id: "00000000-0000-4000-8000-000000000007".into(),
        status: "in_progress".into(),
        updated_at: "2026-11-30T10:00:00+08:00".into(),
        items: receipt
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| ItemStatus {
                code: format!("item-{i}"),
                name: item.name.clone(),
                department: item.department.clone(),
                status: if i < 2 {
                    "ready_for_pickup"
                } else {
                    "in_review"
                }
                .into(),
                note: None,
                window: (i < 2).then(|| "3".into()),
                pickup_code: (i < 2).then(|| "428613".into()),
            })
            .collect(),
    }
}

pub fn pickup(receipt: &AcceptanceReceipt) -> PickupSlip {
    let app = application(receipt);
    PickupSlip {
        center: receipt.center.clone(),
        kiosk_id: receipt.kiosk_id.clone(),
        printed: sample_time(),
        groups: ready_groups(std::slice::from_ref(&app)),
        pending: app
            .items
            .iter()
            .filter(|i| i.status != "ready_for_pickup")
            .map(|i| (i.name.clone(), status_words(i)))
            .collect(),
        printed_by_staff: None,
    }
}

/// One sample receipt of each kind.
pub fn all(
    catalog: Arc<Catalog>,
    center: &str,
    kiosk_id: &str,
) -> Result<Vec<(Kind, Receipt)>, String> {
    let acceptance = acceptance(Arc::clone(&catalog), center, kiosk_id)?;
    let no = synthetic::default_one_thing(&catalog).ok_or("the catalog has no one-thing")?;
    let mut session = crate::session::Session::new(
        catalog,
        crate::session::IdlePolicy::default(),
        std::time::Instant::now(),
    );
    session.start_guide().map_err(|e| e.to_string())?;
    session.choose(no).map_err(|e| e.to_string())?;
    let notice = NoticeSlip::of(&session, center, sample_time()).ok_or("no one-thing chosen")?;
    Ok(vec![
        (Kind::Acceptance, acceptance.document()),
        (Kind::Notice, notice.document()),
        (Kind::Pickup, pickup(&acceptance).document()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use drivers::printer::decode::{decode, Element};
    use drivers::printer::receipt::width_of;
    use drivers::printer::PaperWidth;

    fn catalog() -> Arc<Catalog> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/catalog");
        Arc::new(crate::catalog::load(&path).expect("the shipped catalog loads"))
    }

    /// A slip that cannot print shows as a QR code: its text must always fit one, however long the slip.
    #[test]
    fn screen_texts_always_fit_a_qr_code() {
        let receipt = acceptance(catalog(), "西峡县政务服务中心", "XX-KIOSK-01").unwrap();
        let mut notice = None;
        let mut session = crate::session::Session::new(
            catalog(),
            crate::session::IdlePolicy::default(),
            std::time::Instant::now(),
        );
        session.start_guide().unwrap();
        session
            .choose(synthetic::default_one_thing(session.catalog()).unwrap())
            .unwrap();
        if let Some(mut slip) = NoticeSlip::of(&session, "西峡县政务服务中心", sample_time())
        {
            // Forty times the materials: far more than a QR code holds.
            let materials = slip.materials.clone();
            for _ in 0..40 {
                slip.materials.extend(materials.iter().cloned());
            }
            notice = Some(slip);
        }
        let notice = notice.expect("a notice");
        let mut big = receipt.clone();
        big.items = big.items.iter().cycle().take(200).cloned().collect();
        for text in [
            receipt.screen_text(),
            pickup(&receipt).screen_text(),
            notice.screen_text(),
            big.screen_text(),
        ] {
            assert!(
                text.len() <= crate::receipts::SCREEN_QR_BYTES,
                "{} bytes",
                text.len()
            );
            qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L)
                .expect("fits a QR code");
        }
        let (short, long) = (receipt.screen_text(), big.screen_text());
        assert!(!short.contains("其余内容"), "a usual receipt fits whole");
        assert!(
            long.contains("其余内容请到综合受理窗口查询"),
            "a long one says what is left out"
        );
        assert!(long.starts_with(&format!("收件回执 受理编号：{}", receipt.receipt_no)));
        assert!(long.ends_with(super::super::HOTLINE));
        assert!(notice.screen_text().contains("其余内容"));
    }

    /// Printers carry GBK glyphs: a character GB18030 needs four bytes for prints as a blank or garbage.
    #[test]
    fn every_sample_prints_in_gbk_within_the_paper_and_masks_the_id_number() {
        let id_number = drivers::idcard::sim::sample_identity().id_number.clone();
        // The preview draws with the kiosk's own font: every printed character must be in it too.
        let font = super::super::render::load_font(None).expect("the receipt font");
        for (kind, receipt) in all(catalog(), "西峡县政务服务中心", "XX-KIOSK-01").unwrap()
        {
            for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
                let bytes = receipt.escpos(width).unwrap();
                let elements = decode(&bytes);
                assert!(!elements.iter().any(|e| matches!(e, Element::Unknown(_))));
                for e in &elements {
                    let Element::Line(line) = e else { continue };
                    let text = line.text();
                    for c in text.chars() {
                        let mut buf = [0; 4];
                        let (encoded, _, _) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
                        assert!(encoded.len() <= 2, "{kind:?}: {c} is not in GBK");
                        assert!(
                            c == ' ' || ab_glyph::Font::glyph_id(&font, c).0 != 0,
                            "{kind:?}: {c} is not in the preview font"
                        );
                    }
                    let used: usize = line
                        .spans
                        .iter()
                        .map(|s| width_of(&s.text) * s.width as usize)
                        .sum();
                    assert!(used <= width.columns(), "{kind:?} {width:?}: {text}");
                    assert!(
                        !text.starts_with(['，', '、', '）', '。']),
                        "{kind:?} {width:?}: {text}"
                    );
                }
                let ascii = String::from_utf8_lossy(&bytes);
                assert!(
                    !ascii.contains(&id_number),
                    "{kind:?}: whole ID number printed"
                );
                assert!(
                    !ascii.contains(&id_number[4..14]),
                    "{kind:?}: the middle of the ID number printed"
                );
            }
        }
    }
}
