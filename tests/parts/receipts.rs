//! Every receipt printed through the real printer driver to the simulated printer over a PTY, in both paper
//! widths; the bytes the printer received are decoded and each element the applicant relies on is asserted.

use crate::common;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::{repo_path, shipped_catalog};
use drivers::printer::decode::{decode, to_text, Element, Line};
use drivers::printer::{PaperWidth, PrinterConnection, PrinterState, SimPrinter};
use drivers::serialport::{SerialPort, TTYPort};
use kiosk::receipts::sample;
use kiosk::receipts::Receipt;

const CENTER: &str = "西峡县政务服务中心";

fn printer() -> (SimPrinter, PrinterConnection) {
    let (mut device, mut kiosk) = TTYPort::pair().expect("pty");
    device.set_timeout(Duration::from_millis(20)).unwrap();
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let sim = SimPrinter::default();
    let serving = sim.clone();
    thread::spawn(move || serving.serve(device));
    (
        sim,
        PrinterConnection::with_port(Box::new(kiosk), Duration::from_millis(500)),
    )
}

/// Prints through the driver (status first, then the bytes) and returns what the printer received.
fn print(receipt: &Receipt, width: PaperWidth) -> Vec<u8> {
    let (sim, mut connection) = printer();
    let bytes = receipt.escpos(width).unwrap();
    connection.print(&bytes).expect("a healthy printer prints");
    for _ in 0..200 {
        if sim.received().len() >= bytes.len() {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    let received = sim.received();
    assert_eq!(received, bytes, "the printer got exactly the receipt");
    received
}

fn lines(elements: &[Element]) -> Vec<&Line> {
    elements
        .iter()
        .filter_map(|e| match e {
            Element::Line(line) => Some(line),
            _ => None,
        })
        .collect()
}

/// The text as printed, with line breaks taken out (a long line wraps at different places on 58 and 80 mm).
fn flat(elements: &[Element]) -> String {
    lines(elements)
        .iter()
        .map(|l| l.text().trim_start().to_string())
        .collect()
}

fn assert_common(elements: &[Element], width: PaperWidth, title: &str) {
    assert!(
        !elements.iter().any(|e| matches!(e, Element::Unknown(_))),
        "{}",
        to_text(elements)
    );
    let first = lines(elements)[0];
    assert_eq!(first.text(), title);
    assert!(first
        .spans
        .iter()
        .all(|s| s.bold && s.width == 2 && s.height == 2));
    for line in lines(elements) {
        let used: usize = line
            .spans
            .iter()
            .map(|s| drivers::printer::receipt::width_of(&s.text) * s.width as usize)
            .sum();
        assert!(
            used <= width.columns(),
            "{width:?}: `{}` is wider than the paper",
            line.text()
        );
    }
    assert_eq!(elements.last(), Some(&Element::Cut { partial: true }));
    assert!(flat(elements).contains("12345"), "the hotline");
    assert!(flat(elements).contains(CENTER));
}

#[test]
fn acceptance_receipt_has_every_element_in_both_widths() {
    let catalog = Arc::new(shipped_catalog());
    let receipt = sample::acceptance(catalog, CENTER, "XX-KIOSK-01").unwrap();
    assert!(
        !receipt.deferred.is_empty()
            && !receipt.exempt.is_empty()
            && !receipt.commitments.is_empty()
    );
    let id_number = drivers::idcard::sim::sample_identity().id_number.clone();
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let bytes = print(&receipt.document(), width);
        let elements = decode(&bytes);
        assert_common(&elements, width, "收件回执");
        let text = flat(&elements);
        // The QR code holds the receipt number and the check code, which the status screen reads.
        let query = format!(
            "{} {}",
            receipt.receipt_no,
            kiosk::receipts::sample::SAMPLE_CHECK_CODE
        );
        assert_eq!(receipt.query_text(), query);
        assert!(elements.iter().any(|e| matches!(e,
            Element::Qr { data, model: 2, .. } if data == query.as_bytes())));
        // The code in large print beside the number, grouped for reading.
        assert!(elements.iter().any(|e| matches!(e,
            Element::Line(line) if line.text() == "K7M2 PQRS" && line.spans.iter().all(|s| s.width == 2))));
        for expected in [
            format!("受理编号：{}", receipt.receipt_no),
            "受理终端：XX-KIOSK-01".to_string(),
            format!("受理时间：{}", receipt.time_text()),
            "事项：我要开拉面馆".to_string(),
        ] {
            assert!(text.contains(&expected), "{width:?}: {expected} in {text}");
        }
        // The applicant, masked: the name's first character, the ID number's first and last four only.
        let applicant = lines(&elements)
            .iter()
            .map(|l| l.text())
            .find(|t| t.starts_with("申请人："))
            .expect("the applicant line");
        let masked = applicant.rsplit(' ').next().unwrap();
        assert_eq!(masked.len(), 18);
        assert_eq!(&masked[..4], &id_number[..4]);
        assert_eq!(&masked[14..], &id_number[14..]);
        assert!(masked[4..14].chars().all(|c| c == '*'), "{masked}");
        assert!(applicant.contains("张*"), "{applicant}");
        let ascii = String::from_utf8_lossy(&bytes);
        assert!(
            !ascii.contains(&id_number),
            "the whole ID number is never printed"
        );
        assert!(!ascii.contains(&id_number[4..14]));
        for item in &receipt.items {
            assert!(
                text.contains(&format!(
                    "{}（{}，承诺时限{}）",
                    item.name, item.department, item.time_limit
                )),
                "{width:?}: {} with its department and time limit",
                item.name
            );
        }
        for (name, pages) in &receipt.captured {
            assert!(text.contains(&format!("{name}（{pages}页）")), "{name}");
        }
        let pages: usize = receipt.captured.iter().map(|(_, n)| n).sum();
        assert!(text.contains(&format!("共{pages}页")));
        for (name, why) in &receipt.exempt {
            assert!(
                text.contains(&format!("{name}（{why}）")),
                "{name} exempt, and why"
            );
        }
        for d in &receipt.deferred {
            assert!(
                text.contains(&format!(
                    "{}：{}个工作日内，{}前",
                    d.name,
                    d.days,
                    d.deadline.format("%Y-%m-%d")
                )),
                "{} deferred, with its deadline",
                d.name
            );
        }
        for item in &receipt.commitments {
            assert!(text.contains(&format!("已签署：{item}告知承诺书")));
        }
        assert!(text.contains("取件方式：到窗口领取"));
        for promise in ["2 小时内完成预审", "1 个工作日内作出是否受理的决定", "短信"]
        {
            assert!(text.contains(promise), "what happens next: {promise}");
        }
    }
}

#[test]
fn notice_slip_lists_the_merged_materials_in_both_widths() {
    let catalog = Arc::new(shipped_catalog());
    let receipts = sample::all(catalog, CENTER, "XX-KIOSK-01").unwrap();
    let (_, notice) = receipts
        .iter()
        .find(|(k, _)| *k == sample::Kind::Notice)
        .unwrap();
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let elements = decode(&print(notice, width));
        assert_common(&elements, width, "一次告知单");
        let text = flat(&elements);
        assert!(text.contains("事项：我要开拉面馆"));
        // Each material once, numbered; deferrable ones say so; exempt ones say why.
        assert!(
            text.contains("1. □ 经营场所平面布局图（原件1份）"),
            "{text}"
        );
        assert!(text.contains("排水水质检测报告（原件1份）；可容缺，10个工作日内补交"));
        assert_eq!(
            text.matches("经营场所平面布局图").count(),
            1,
            "merged: once"
        );
        assert!(text.contains("营业执照：通过电子营业执照核验"));
        assert!(text.contains("时限：10个工作日；收费：不收费"));
    }
}

#[test]
fn pickup_slip_has_the_code_as_text_and_qr_the_window_and_what_to_bring() {
    let catalog = Arc::new(shipped_catalog());
    let receipt = sample::acceptance(catalog, CENTER, "XX-KIOSK-01").unwrap();
    let slip = sample::pickup(&receipt);
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let elements = decode(&print(&slip.document(), width));
        assert_common(&elements, width, "取件凭证");
        let code = lines(&elements)
            .into_iter()
            .find(|l| l.text() == "428613")
            .expect("the pickup code on a line of its own");
        assert!(
            code.spans.iter().all(|s| s.width == 2 && s.height == 2),
            "large"
        );
        assert!(elements.iter().any(|e| matches!(e,
            Element::Qr { data, .. } if data == format!("{}#428613", receipt.receipt_no).as_bytes())));
        let text = flat(&elements);
        assert!(text.contains("领取地点：3号窗口"));
        assert!(text.contains(&format!("受理编号：{}", receipt.receipt_no)));
        assert!(text.contains(&format!(
            "可以领取（2项）■ {}（{}）",
            receipt.items[0].name, receipt.items[0].department
        )));
        assert!(text.contains("还在办理"));
        assert!(text.contains("身份证原件"), "what to bring");
    }
}

#[test]
fn a_printer_out_of_paper_receives_nothing_and_one_near_its_end_prints() {
    let receipt = sample::pickup(
        &sample::acceptance(Arc::new(shipped_catalog()), CENTER, "XX-KIOSK-01").unwrap(),
    )
    .document();
    let bytes = receipt.escpos(PaperWidth::Mm80).unwrap();
    for state in [
        PrinterState::PaperOut,
        PrinterState::CoverOpen,
        PrinterState::Offline,
    ] {
        let (sim, mut connection) = printer();
        sim.set_states(&[state]);
        let err = connection.print(&bytes).expect_err("not printed");
        assert!(err.to_string().contains(state.code()), "{err}");
        thread::sleep(Duration::from_millis(50));
        assert!(sim.received().is_empty(), "{state:?}: nothing sent");
    }
    let (sim, mut connection) = printer();
    sim.set_states(&[PrinterState::PaperNearEnd]);
    let states = connection
        .print(&bytes)
        .expect("paper near its end still prints");
    assert!(states.contains(&PrinterState::PaperNearEnd));
}

#[test]
fn receipt_render_draws_the_bytes_at_the_dot_width() {
    let dir = tempfile::tempdir().unwrap();
    for (width, dots) in [(80, 576), (58, 384)] {
        let bin = dir.path().join(format!("pickup-{width}.bin"));
        let png = dir.path().join(format!("pickup-{width}.png"));
        let out = common::sim::kiosk_bin()
            .arg("--config")
            .arg(repo_path("config/kiosk.toml"))
            .args([
                "receipt",
                "sample",
                "--kind",
                "pickup",
                "--width",
                &width.to_string(),
                "--out",
            ])
            .arg(&bin)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = common::sim::kiosk_bin()
            .args([
                "receipt",
                "render",
                "--width",
                &width.to_string(),
                "--input",
            ])
            .arg(&bin)
            .arg("--out")
            .arg(&png)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("取件凭证\n"), "{text}");
        assert!(
            text.contains("428613\n[QR XX-KIOSK-01-20261128-0007#428613]"),
            "{text}"
        );
        assert!(text.trim_end().ends_with("[半切]"));
        let image = image::open(&png).unwrap().to_luma8();
        assert_eq!(image.width(), dots);
        assert!(image.height() > 600);
        // Ink where the QR code is: the dark modules are drawn, not just the text.
        let dark = image.pixels().filter(|p| p.0[0] < 128).count();
        assert!(dark > 5_000, "{dark} dark dots");
    }
    // Bytes that are not a receipt still render, and the unknown commands are named.
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, [0x1B, 0x7F, b'o', b'k', 0x0A]).unwrap();
    let out = common::sim::kiosk_bin()
        .args(["receipt", "render", "--input"])
        .arg(&junk)
        .arg("--out")
        .arg(dir.path().join("junk.png"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("[未知指令 [1B, 7F]]"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 unknown command(s)"));
}
