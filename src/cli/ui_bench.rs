//! `kiosk ui-bench`: the software renderer's full-repaint time for every screen of the applicant's path at the
//! terminal's size, in both modes; the pinyin engine's load, memory and keystroke time; a 13-megapixel page from
//! capture to thumbnail; 提交申请 with ten such pages; and the peak memory of the whole path. Renders into memory
//! with Slint's own software renderer, as the terminal does, without a display.

use std::path::Path;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drivers::camera::{DocumentCamera, SimCamera};
use kiosk::app::Settings;
use kiosk::outbox::Outbox;
use kiosk::session::Step;
use kiosk::terminal::pixel::Xrgb8888;
use kiosk::ui::views::Theme;
use kiosk::ui::Kiosk;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType, TargetPixel};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel};

use super::{load_catalog, load_config, Failed};

/// The pixels the screens are rendered into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Pixels {
    /// 32-bit XRGB, as the terminal's DRM dumb buffer.
    Xrgb8888,
    /// Packed 24-bit RGB (what this bench rendered into before it followed the terminal).
    Rgb888,
}

struct BenchPlatform {
    window: Rc<MinimalSoftwareWindow>,
    started: Instant,
}

impl Platform for BenchPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.started.elapsed()
    }
}

pub fn run(
    config: &Path,
    iterations: usize,
    width: u32,
    height: u32,
    pixels: Pixels,
) -> Result<(), Failed> {
    println!("rendering into {pixels:?} pixels");
    match pixels {
        Pixels::Xrgb8888 => run_into::<Xrgb8888>(config, iterations, width, height),
        Pixels::Rgb888 => run_into::<Rgb8Pixel>(config, iterations, width, height),
    }
}

fn run_into<P: TargetPixel + Copy + Default>(
    config: &Path,
    iterations: usize,
    width: u32,
    height: u32,
) -> Result<(), Failed> {
    let started = Instant::now();
    // The 13-megapixel page the document camera hands over, as its JPEG bytes. A real camera draws it in its own
    // hardware; the simulator draws it here, in a 39 MB picture, so that is done first, before the path whose
    // memory is measured, and the ten captures below are that page's bytes again.
    let camera_page = SimCamera::new(4208, 3120)
        .capture()
        .map_err(Failed::with_message)?;
    kiosk::memory::release_memory();
    let config = load_config(config)?;
    let catalog = Arc::new(load_catalog(&config.catalog)?);
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(BenchPlatform {
        window: window.clone(),
        started,
    }))
    .map_err(|e| Failed::with_message(format!("{e:?}")))?;
    let kiosk = Kiosk::new(catalog.clone(), Settings::from_config(&config))
        .map_err(Failed::with_message)?;
    window.set_size(PhysicalSize::new(width, height));
    kiosk.window.show().map_err(Failed::with_message)?;
    let mut buffer = vec![P::default(); (width * height) as usize];

    let mut frame = |name: &str, rows: &mut Vec<(String, Duration, Duration)>| {
        kiosk.refresh();
        let mut samples = Vec::with_capacity(iterations);
        for _ in 0..iterations.max(1) {
            window.request_redraw();
            let t = Instant::now();
            window.draw_if_needed(|renderer| {
                renderer.render(&mut buffer, width as usize);
            });
            samples.push(t.elapsed());
        }
        samples.sort();
        rows.push((
            name.to_string(),
            samples[samples.len() / 2],
            samples[samples.len() - 1],
        ));
    };
    let theme = kiosk.window.global::<Theme>();
    let mut rows = Vec::new();

    // The screens, with a complete application made through the real session.
    let no = kiosk::package::synthetic::default_one_thing(&catalog)
        .ok_or_else(|| Failed::with_message("the catalog has no one-thing"))?;
    let mut camera = SimCamera::new(2592, 1944);
    let session =
        kiosk::package::synthetic::session_at_check_answers(catalog.clone(), no, 2, &mut || {
            camera.capture().map_err(|e| e.to_string())
        })
        .map_err(Failed::with_message)?;
    for elderly in [false, true] {
        theme.set_elderly(elderly);
        let mode = if elderly { " (长辈模式)" } else { "" };
        kiosk.app_mut().session.end(Instant::now());
        frame(&format!("home{mode}"), &mut rows);
        {
            let mut s = kiosk.app_mut();
            let _ = s.session.start_apply();
        }
        frame(&format!("identify{mode}"), &mut rows);
        {
            let mut s = kiosk.app_mut();
            let _ = s
                .session
                .identified(drivers::idcard::sim::sample_identity());
        }
        frame(&format!("choose{mode}"), &mut rows);
        kiosk.app_mut().session = session.clone();
        frame(&format!("check answers{mode}"), &mut rows);
        for (step, name) in [
            (Step::Items, "joint items"),
            (Step::Notice, "one-time notice"),
            (Step::Form, "form"),
            (Step::Capture, "capture"),
            (Step::Commitments, "commitments"),
            (Step::Delivery, "delivery"),
        ] {
            kiosk.app_mut().session = session.clone();
            let _ = kiosk.app_mut().session.change(step);
            frame(&format!("{name}{mode}"), &mut rows);
            if step == Step::Form {
                kiosk.app_mut().focus_field_key("org_name");
                frame(&format!("form with keyboard{mode}"), &mut rows);
                kiosk.app_mut().keyboard_close();
            }
        }
    }
    theme.set_elderly(false);

    println!(
        "| {:<34} | {:>14} | {:>12} |",
        "screen (full repaint, software)", "median", "max"
    );
    println!("|{}|{}|{}|", "-".repeat(36), "-".repeat(16), "-".repeat(14));
    for (name, median, max) in &rows {
        println!(
            "| {name:<34} | {:>11.2} ms | {:>9.2} ms |",
            median.as_secs_f64() * 1000.0,
            max.as_secs_f64() * 1000.0
        );
    }
    let medians: Vec<f64> = rows.iter().map(|r| r.1.as_secs_f64() * 1000.0).collect();
    let worst = medians.iter().cloned().fold(0.0, f64::max);
    println!("worst median full repaint: {worst:.2} ms (target < 16 ms) at {width}×{height}, {iterations} frames each");

    let mb = || kiosk::memory::peak_rss_kb().unwrap_or(0) as f64 / 1024.0;
    println!("peak RSS after every screen in both modes: {:.1} MB", mb());
    print_resident("after the screens");

    // The pinyin engine: how long it takes to load, what it costs in memory, how fast a keystroke's candidates
    // come (every prefix of phrases an applicant types).
    let before = kiosk::memory::rss_kb().unwrap_or(0);
    let started = Instant::now();
    let ime = kiosk::ime::PinyinIme::new();
    let load = started.elapsed();
    let mut keystrokes = Vec::new();
    for phrase in [
        "laomalamianguan",
        "xixiaxianbaiyulu",
        "canyinfuwu",
        "yingyezhizhao",
        "zhangsan",
        "youxiangongsi",
    ] {
        for end in 1..=phrase.len() {
            let started = Instant::now();
            let _ = ime.candidates(&phrase[..end], 8);
            keystrokes.push(started.elapsed());
        }
    }
    // What the engine costs is what it holds once it has been used: its heap and the table's pages the phrases
    // touched (mapped from the binary, shared with any other process that maps it).
    let grown = kiosk::memory::rss_kb().unwrap_or(0).saturating_sub(before);
    println!(
        "pinyin engine load: {:.1} ms, {:.1} MB",
        load.as_secs_f64() * 1000.0,
        grown as f64 / 1024.0
    );
    keystrokes.sort();
    let p99 = keystrokes[(keystrokes.len() * 99 / 100).min(keystrokes.len() - 1)];
    println!(
        "keystroke to candidates: p99 {:.2} ms",
        p99.as_secs_f64() * 1000.0
    );
    println!("peak RSS with the pinyin engine loaded: {:.1} MB", mb());

    // A key pressed on the form's keyboard, as the terminal repaints it: the key taken (pinyin composed, the
    // candidates found), the view filled, and only what changed rendered into a buffer kept from frame to frame.
    {
        kiosk.app_mut().session = session.clone();
        let _ = kiosk.app_mut().session.change(Step::Form);
        kiosk.app_mut().focus_field_key("org_name");
        // The engine is built on the first key, as at a kiosk; not timed here (its own line above).
        kiosk.app_mut().keyboard_key("a");
        kiosk.app_mut().keyboard_backspace();
        kiosk.refresh();
        let mut draw = |reused: bool| {
            let t = Instant::now();
            window.draw_if_needed(|renderer| {
                renderer.set_repaint_buffer_type(if reused {
                    RepaintBufferType::ReusedBuffer
                } else {
                    RepaintBufferType::NewBuffer
                });
                renderer.render(&mut buffer, width as usize);
            });
            t.elapsed()
        };
        window.request_redraw();
        draw(true);
        let mut keys = Vec::new();
        for phrase in ["laomalamian", "canyinfuwu", "xixiaxian"] {
            for letter in phrase.chars() {
                let t = Instant::now();
                kiosk.app_mut().keyboard_key(&letter.to_string());
                kiosk.refresh();
                draw(true);
                keys.push(t.elapsed());
            }
            let t = Instant::now();
            kiosk.app_mut().keyboard_pick(0);
            kiosk.refresh();
            draw(true);
            keys.push(t.elapsed());
        }
        kiosk.app_mut().keyboard_close();
        window.request_redraw();
        draw(false);
        keys.sort();
        let p99 = keys[(keys.len() * 99 / 100).min(keys.len() - 1)];
        println!(
            "keystroke to repainted pixels: p99 {:.2} ms",
            p99.as_secs_f64() * 1000.0
        );
        kiosk.app_mut().ime = None;
    }
    // As the kiosk does on 提交申请: the engine goes, its memory back to the system. The application the screens
    // were drawn with goes too: the pages below are another visit's, and a kiosk holds one visit at a time.
    drop(session);
    kiosk.app_mut().session.end(Instant::now());
    kiosk::memory::release_memory();

    // Ten 13-megapixel pages captured: each made ready (page, thumbnail, warnings) as the capture screen does;
    // then 提交申请 seals them.
    let mut prepared = Vec::new();
    let mut captures = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let page = kiosk::package::pages::prepare(&camera_page).map_err(Failed::with_message)?;
        captures.push(started.elapsed());
        prepared.push(page.jpeg);
    }
    captures.sort();
    println!(
        "capture to thumbnail (13 MP): median {:.0} ms",
        captures[captures.len() / 2].as_secs_f64() * 1000.0
    );
    let submitted = super::outbox_bench::ten_pages(&catalog, &prepared)?;
    drop(prepared);
    let dir = std::env::temp_dir().join(format!("kiosk-ui-bench-{}", uuid::Uuid::new_v4()));
    let result = (|| -> Result<Vec<Duration>, String> {
        let outbox = Arc::new(Mutex::new(Outbox::open(&dir).map_err(|e| e.to_string())?));
        let mut submits = Vec::new();
        for i in 0..5 {
            let started = Instant::now();
            let id = uuid::Uuid::new_v4().to_string();
            let code = kiosk::package::CheckCode::generate().map_err(|e| e.to_string())?;
            let package = kiosk::package::build(
                &submitted,
                &kiosk::package::Stamp {
                    kiosk_id: &config.kiosk_id,
                    package_id: &id,
                    receipt_no: &format!("{}-20261128-{:04}", config.kiosk_id, i + 1),
                    created_at: "2026-11-28T10:15:00+08:00",
                    test: true,
                    check_code: &code,
                },
            )
            .map_err(|e| e.to_string())?;
            kiosk::services::uplink::worker::lock(&outbox)
                .enqueue(&package)
                .map_err(|e| e.to_string())?;
            submits.push(started.elapsed());
        }
        Ok(submits)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let mut submits = result.map_err(Failed::with_message)?;
    submits.sort();
    println!(
        "submit with 10 pages: median {:.0} ms",
        submits[submits.len() / 2].as_secs_f64() * 1000.0
    );
    println!("peak RSS over the path: {:.1} MB", mb());
    print_resident("at the end");
    Ok(())
}

/// What is resident now, by kind: the kiosk's own memory, and pages of files (the binary's code, fonts and tables).
fn print_resident(when: &str) {
    if let Some((anon, file)) = kiosk::memory::rss_anon_and_file_kb() {
        println!(
            "resident {when}: {:.1} MB own, {:.1} MB mapped from files",
            anon as f64 / 1024.0,
            file as f64 / 1024.0
        );
    }
}
