//! `kiosk receipt render|sample|sizes`: see exactly what the printer is sent, without paper.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use drivers::printer::decode::{decode, to_text, Element};
use drivers::printer::PaperWidth;
use kiosk::receipts::render;
use kiosk::receipts::sample::{self, Kind};

use super::{load_catalog, load_config, Failed};

#[derive(Subcommand)]
pub enum ReceiptAction {
    /// Decode ESC/POS bytes (text, sizes, QR codes, cuts) into a picture at the printer's dot width, and print
    /// the decoded text.
    Render {
        /// The bytes sent to the printer.
        #[arg(long)]
        input: PathBuf,
        /// The PNG to write.
        #[arg(long)]
        out: PathBuf,
        /// Paper width in millimetres: 80 (576 dots) or 58 (384 dots).
        #[arg(long, default_value_t = 80)]
        width: u32,
        /// The font to draw with (default: the kiosk's own Noto Sans SC).
        #[arg(long)]
        font: Option<PathBuf>,
    },
    /// Write a sample receipt's ESC/POS bytes (the self-test's made-up applicant).
    Sample {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long, default_value_t = 80)]
        width: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// A table of each receipt's size in bytes and its time on a 115200-baud serial line, in both widths.
    Sizes,
}

fn paper(width: u32) -> Result<PaperWidth, Failed> {
    PaperWidth::from_mm(width).ok_or_else(|| {
        Failed::with_message(format!(
            "--width {width}: the kiosk prints on 58 or 80 mm paper"
        ))
    })
}

pub fn run(config: &Path, action: &ReceiptAction) -> Result<(), Failed> {
    match action {
        ReceiptAction::Render {
            input,
            out,
            width,
            font,
        } => {
            let width = paper(*width)?;
            let bytes = std::fs::read(input)
                .map_err(|e| Failed::with_message(format!("{}: {e}", input.display())))?;
            let elements = decode(&bytes);
            let font = render::load_font(font.as_deref()).map_err(Failed::with_message)?;
            let image = render::render(&elements, width.dots(), &font);
            image
                .save(out)
                .map_err(|e| Failed::with_message(format!("{}: {e}", out.display())))?;
            print!("{}", to_text(&elements));
            let unknown = elements
                .iter()
                .filter(|e| matches!(e, Element::Unknown(_)))
                .count();
            eprintln!(
                "{} bytes, {} × {} dots, {unknown} unknown command(s) → {}",
                bytes.len(),
                image.width(),
                image.height(),
                out.display()
            );
            Ok(())
        }
        ReceiptAction::Sample { kind, width, out } => {
            let width = paper(*width)?;
            let receipts = samples(config)?;
            let (_, receipt) = receipts
                .iter()
                .find(|(k, _)| k == kind)
                .ok_or_else(|| Failed::with_message("no such sample"))?;
            let bytes = receipt.escpos(width).map_err(Failed::for_technicians)?;
            std::fs::write(out, &bytes)
                .map_err(|e| Failed::with_message(format!("{}: {e}", out.display())))?;
            eprintln!("{} bytes → {}", bytes.len(), out.display());
            Ok(())
        }
        ReceiptAction::Sizes => {
            let receipts = samples(config)?;
            println!("| receipt | paper | bytes | lines | on the wire at 115200 baud |");
            println!("|---|---|---|---|---|");
            for (kind, receipt) in &receipts {
                for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
                    let bytes = receipt.escpos(width).map_err(Failed::for_technicians)?;
                    let lines = decode(&bytes)
                        .iter()
                        .filter(|e| matches!(e, Element::Line(_)))
                        .count();
                    println!(
                        "| {} | {} mm | {} | {lines} | {:.0} ms |",
                        kind.name(),
                        width.mm(),
                        bytes.len(),
                        wire_ms(bytes.len())
                    );
                }
            }
            println!(
                "\nOne byte is 10 bits on the line (start, 8 data, stop): 11,520 bytes a second. The same 80 mm \
                 receipt as a 576-dot raster image would be about {} KB.",
                raster_estimate(&receipts)? / 1024
            );
            Ok(())
        }
    }
}

/// Milliseconds to send `bytes` at 115200 baud, 8N1.
pub fn wire_ms(bytes: usize) -> f64 {
    bytes as f64 * 10.0 / 115_200.0 * 1000.0
}

/// The bytes of the acceptance receipt as a 1-bit raster (GS v 0), for comparison.
fn raster_estimate(receipts: &[(Kind, kiosk::receipts::Receipt)]) -> Result<usize, Failed> {
    let Some((_, receipt)) = receipts.iter().find(|(k, _)| *k == Kind::Acceptance) else {
        return Ok(0);
    };
    let bytes = receipt
        .escpos(PaperWidth::Mm80)
        .map_err(Failed::with_message)?;
    let font = match render::load_font(None) {
        Ok(font) => font,
        Err(_) => return Ok(0),
    };
    let image = render::render(&decode(&bytes), PaperWidth::Mm80.dots(), &font);
    Ok((image.width() as usize / 8) * image.height() as usize)
}

fn samples(config: &Path) -> Result<Vec<(Kind, kiosk::receipts::Receipt)>, Failed> {
    let config = load_config(config)?;
    let catalog = Arc::new(load_catalog(&config.catalog)?);
    sample::all(catalog, &config.center_name, &config.kiosk_id).map_err(Failed::with_message)
}
