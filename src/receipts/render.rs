//! `kiosk receipt render`: the decoded ESC/POS elements drawn at the printer's dot width, as the printer would:
//! font A cells (12×24 dots, a Chinese character 24×24), the line spacing of ESC 2, styles, the printer's QR
//! codes, and cuts shown as a dashed (partial) or solid (full) line.

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};
use drivers::printer::decode::{Element, Line, LINE_DOTS};
use drivers::printer::receipt::char_columns;
use drivers::printer::Align;
use image::{GrayImage, Luma};

/// Dots of a font A half-width cell; a Chinese character takes two.
const CELL: u32 = 12;
const CHAR_HEIGHT: u32 = 24;

/// Where the receipt font is looked for: `KIOSK_RECEIPT_FONT`, the installed kiosk's copy, the source tree's,
/// then Debian's `fonts-noto-cjk`.
pub fn font_candidates() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(path) = std::env::var_os("KIOSK_RECEIPT_FONT") {
        paths.push(PathBuf::from(path));
    }
    paths.push("/usr/share/kiosk/fonts/NotoSansSC-Regular.otf".into());
    paths.push(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/ui/fonts/NotoSansSC-Regular.otf"
        )
        .into(),
    );
    paths.push("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc".into());
    paths
}

/// Loads the first font that exists (`index` picks the SC face of a collection).
pub fn load_font(explicit: Option<&Path>) -> Result<FontVec, String> {
    let candidates = match explicit {
        Some(path) => vec![path.to_path_buf()],
        None => font_candidates(),
    };
    for path in &candidates {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        // In Noto Sans CJK's collection, face 2 is Simplified Chinese.
        let index = if path.extension().is_some_and(|e| e == "ttc") {
            2
        } else {
            0
        };
        return FontVec::try_from_vec_and_index(bytes, index)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    Err(format!(
        "没有找到小票字体，查找过：{}",
        candidates
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("、")
    ))
}

fn line_height(line: &Line) -> u32 {
    (CHAR_HEIGHT * line.height() as u32 + 6).max(LINE_DOTS)
}

fn char_cells(c: char) -> u32 {
    char_columns(c) as u32
}

fn qr_matrix(data: &[u8], level: char) -> Option<(usize, Vec<bool>)> {
    let level = match level {
        'L' => qrcode::EcLevel::L,
        'M' => qrcode::EcLevel::M,
        'Q' => qrcode::EcLevel::Q,
        _ => qrcode::EcLevel::H,
    };
    let code = qrcode::QrCode::with_error_correction_level(data, level).ok()?;
    let colors = code.to_colors();
    Some((
        code.width(),
        colors.iter().map(|c| *c == qrcode::Color::Dark).collect(),
    ))
}

fn height_of(e: &Element) -> u32 {
    match e {
        Element::Line(line) => line_height(line),
        Element::Feed(dots) => *dots,
        Element::Qr {
            data,
            module,
            level,
            ..
        } => qr_matrix(data, *level)
            .map(|(w, _)| w as u32 * (*module).max(1) as u32)
            .unwrap_or(CHAR_HEIGHT),
        Element::Raster { height, .. } => *height,
        Element::Cut { .. } => 24,
        Element::Unknown(_) => 8,
    }
}

/// The longest paper drawn, in dots (about 12 m at 203 dpi): bytes that ask for more are cut off there rather
/// than allocate without bound.
pub const MAX_HEIGHT: u32 = 100_000;

/// Draws the elements on paper `dots` wide.
pub fn render(elements: &[Element], dots: u32, font: &FontVec) -> GrayImage {
    let height = elements
        .iter()
        .map(height_of)
        .fold(0u32, u32::saturating_add)
        .clamp(1, MAX_HEIGHT);
    let mut img = GrayImage::from_pixel(dots, height, Luma([255]));
    let mut y = 0u32;
    for e in elements {
        if y >= height {
            break;
        }
        let h = height_of(e);
        match e {
            Element::Line(line) => draw_line(&mut img, line, y, font),
            Element::Feed(_) => {}
            Element::Qr {
                data,
                module,
                level,
                align,
                ..
            } => {
                if let Some((width, dark)) = qr_matrix(data, *level) {
                    let m = (*module).max(1) as u32;
                    let side = width as u32 * m;
                    let x0 = offset(*align, side, dots);
                    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
                        let (mx, my) = ((i % width) as u32, (i / width) as u32);
                        fill(&mut img, x0 + mx * m, y + my * m, m, m, 0);
                    }
                }
            }
            Element::Raster { width, height } => fill(&mut img, 0, y, *width, *height, 128),
            Element::Cut { partial } => {
                let mid = y + h / 2;
                let mut x = 0;
                while x < dots {
                    let len = if *partial { 8 } else { 16 };
                    fill(&mut img, x, mid, len, 2, 0);
                    x += 16;
                }
            }
            Element::Unknown(_) => {
                // A hatched strip: something was sent that this decoder (and maybe the printer) does not know.
                for x in (0..dots).step_by(4) {
                    fill(&mut img, x, y + 2, 2, 4, 0);
                }
            }
        }
        y = y.saturating_add(h);
    }
    img
}

fn offset(align: Align, used: u32, dots: u32) -> u32 {
    match align {
        Align::Left => 0,
        Align::Center => dots.saturating_sub(used) / 2,
        Align::Right => dots.saturating_sub(used),
    }
}

fn fill(img: &mut GrayImage, x: u32, y: u32, w: u32, h: u32, value: u8) {
    for yy in y..(y + h).min(img.height()) {
        for xx in x..(x + w).min(img.width()) {
            img.put_pixel(xx, yy, Luma([value]));
        }
    }
}

fn draw_line(img: &mut GrayImage, line: &Line, top: u32, font: &FontVec) {
    let used: u32 = line
        .spans
        .iter()
        .map(|s| s.text.chars().map(char_cells).sum::<u32>() * CELL * s.width as u32)
        .sum();
    let mut x = offset(line.align, used, img.width());
    let baseline_row = top + CHAR_HEIGHT * line.height() as u32;
    for span in &line.spans {
        let (sx, sy) = (span.width.max(1) as f32, span.height.max(1) as f32);
        let scale = PxScale {
            x: CHAR_HEIGHT as f32 * sx,
            y: CHAR_HEIGHT as f32 * sy,
        };
        let scaled = font.as_scaled(scale);
        // Sit the glyphs so the em box fills the cell height.
        let baseline = baseline_row as f32 + scaled.descent();
        for c in span.text.chars() {
            let cell = char_cells(c) * CELL * span.width as u32;
            let id = scaled.glyph_id(c);
            let advance = scaled.h_advance(id);
            let left = x as f32 + ((cell as f32 - advance) / 2.0).max(0.0);
            let passes: &[f32] = if span.bold { &[0.0, 1.0] } else { &[0.0] };
            for dx in passes {
                let glyph = id.with_scale_and_position(scale, ab_glyph::point(left + dx, baseline));
                if let Some(outline) = font.outline_glyph(glyph) {
                    let b = outline.px_bounds();
                    outline.draw(|gx, gy, coverage| {
                        let px = b.min.x as i64 + gx as i64;
                        let py = b.min.y as i64 + gy as i64;
                        if px >= 0
                            && py >= 0
                            && (px as u32) < img.width()
                            && (py as u32) < img.height()
                        {
                            let p = img.get_pixel_mut(px as u32, py as u32);
                            let ink = (coverage.clamp(0.0, 1.0) * 255.0) as u8;
                            p.0[0] = p.0[0].min(255 - ink);
                        }
                    });
                }
            }
            if span.underline {
                fill(img, x, baseline_row + 1, cell, 2, 0);
            }
            x += cell;
        }
    }
}
