//! `kiosk ui-bench`: the software renderer's full-repaint time for every screen of the applicant's path at the
//! terminal's size, in both modes, and the peak memory of a whole path (pinyin engine, pages, package build
//! included). Renders into memory with Slint's own software renderer, as the terminal does, without a display.

use std::path::Path;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drivers::camera::{DocumentCamera, SimCamera};
use kiosk::app::Settings;
use kiosk::outbox::Outbox;
use kiosk::session::Step;
use kiosk::ui::views::Theme;
use kiosk::ui::Kiosk;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel};

use super::{load_catalog, load_config, Failed};

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

pub fn run(config: &Path, iterations: usize, width: u32, height: u32) -> Result<(), Failed> {
    let started = Instant::now();
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
    let mut buffer = vec![Rgb8Pixel::default(); (width * height) as usize];

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
    // The rest of a whole path's memory: the pinyin engine, and the package built and stored.
    let ime = kiosk::ime::PinyinIme::new();
    let _ = ime.candidates("laomalamianguan", 8);
    println!("peak RSS with the pinyin engine loaded: {:.1} MB", mb());
    // As the kiosk does on 提交申请: the engine goes, its memory back to the system, then the package is built.
    drop(ime);
    // The UI holds the one application being submitted (`session`); the screens' copies are gone.
    kiosk.app_mut().session.end(Instant::now());
    kiosk::memory::release_memory();
    let dir = std::env::temp_dir().join(format!("kiosk-ui-bench-{}", uuid::Uuid::new_v4()));
    let result = (|| -> Result<(), String> {
        let outbox = Arc::new(Mutex::new(Outbox::open(&dir).map_err(|e| e.to_string())?));
        let mut submitted = session.clone();
        submitted.submit().map_err(|e| e.to_string())?;
        let id = uuid::Uuid::new_v4().to_string();
        let code = kiosk::package::CheckCode::generate().map_err(|e| e.to_string())?;
        let package = kiosk::package::build(
            &submitted,
            &kiosk::package::Stamp {
                kiosk_id: &config.kiosk_id,
                package_id: &id,
                receipt_no: &format!("{}-20261128-0001", config.kiosk_id),
                created_at: "2026-11-28T10:15:00+08:00",
                test: true,
                check_code: &code,
            },
        )
        .map_err(|e| e.to_string())?;
        let stored = kiosk::services::uplink::worker::lock(&outbox)
            .enqueue(&package)
            .map_err(|e| e.to_string());
        stored
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result.map_err(Failed::with_message)?;
    println!(
        "peak RSS over the path (every screen in both modes, pinyin engine, a package built and stored): {:.1} MB \
         (target < 120 MB)",
        kiosk::memory::peak_rss_kb().unwrap_or(0) as f64 / 1024.0
    );
    Ok(())
}
