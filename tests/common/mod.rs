//! Helpers shared by the integration tests: the shipped catalog and config, and headless UI driving.
#![allow(dead_code)]

pub mod sim;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use i_slint_backend_testing::ElementHandle;
use kiosk::app::Settings;
use kiosk::catalog::Catalog;
use kiosk::config::Config;
use kiosk::ui::Kiosk;
use slint::ComponentHandle;

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn shipped_catalog() -> Catalog {
    match kiosk::catalog::load(&repo_path("config/catalog")) {
        Ok(catalog) => catalog,
        Err(problems) => panic!("the shipped catalog has problems: {problems:#?}"),
    }
}

/// Installs Slint's headless testing backend with the software renderer, so windows can be screenshotted.
/// Once per test thread: Slint's platform and its mock clock belong to the thread, so the tests of one binary run
/// side by side, each with its own. Without an event loop proxy (`threading: false`, which would be one for the
/// whole process): the tests take device events and task results in themselves (`until`, `pump_for`).
pub fn init_headless() {
    let options = i_slint_backend_testing::TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    };
    slint::platform::set_platform(Box::new(i_slint_backend_testing::TestingBackend::new(
        options,
    )))
    .expect("the Slint platform was already set");
}

pub fn open_kiosk(width: u32, height: u32) -> Kiosk {
    open_kiosk_with(width, height, |_| {})
}

/// [`open_kiosk`] with the shipped settings changed by `adjust` first (a terminal without a face camera, say).
pub fn open_kiosk_with(width: u32, height: u32, adjust: impl FnOnce(&mut Settings)) -> Kiosk {
    let config = Config::load(&repo_path("config/kiosk.toml")).expect("shipped config");
    let mut settings = Settings::from_config(&config);
    // Silent unless a test asks for speech (a developer's machine has a sound card).
    settings.speech = None;
    adjust(&mut settings);
    let kiosk = Kiosk::new(Arc::new(shipped_catalog()), settings).expect("window");
    kiosk.set_size(width, height);
    kiosk.window.show().expect("show");
    kiosk
}

/// The elements whose accessible label is exactly `label`.
pub fn find(kiosk: &Kiosk, label: &str) -> Vec<ElementHandle> {
    ElementHandle::find_by_accessible_label(&kiosk.window, label).collect()
}

pub fn is_shown(kiosk: &Kiosk, label: &str) -> bool {
    !find(kiosk, label).is_empty()
}

thread_local! {
    /// Touches on the screen in this test's thread, to count what an applicant has to do.
    static TAPS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One touch on the screen, counted. [`press`] counts itself; helpers that reach the UI another way (a field's
/// box, a choice, a signature stroke, letters typed into the search) call this for each touch.
pub fn count_tap() {
    TAPS.with(|t| t.set(t.get() + 1));
}

/// The touches counted so far in this thread.
pub fn taps() -> u32 {
    TAPS.with(|t| t.get())
}

/// Presses the button (or card) labelled `label`, as a finger would.
pub fn press(kiosk: &Kiosk, label: &str) {
    count_tap();
    let found = find(kiosk, label);
    let button = found
        .iter()
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
        .unwrap_or_else(|| panic!("no button labelled {label:?} on screen"));
    button.invoke_accessible_default_action();
}

/// Presses `label` once it shows: a button that depends on a device's health (the sample card's needs the
/// reader ready) may be a moment late on a loaded machine.
pub fn press_when_shown(kiosk: &Kiosk, label: &str) {
    until(kiosk, label, |k| is_shown(k, label));
    press(kiosk, label);
}

/// Types `letters` into the catalog's search, one touch a letter.
pub fn search(kiosk: &Kiosk, letters: &str) {
    for _ in letters.chars() {
        count_tap();
    }
    find(kiosk, "搜索事项")
        .into_iter()
        .next()
        .expect("the search field")
        .set_accessible_value(letters);
}

/// Renders the window with the software renderer and writes it to `target/screenshots/NAME.png`.
pub fn screenshot(kiosk: &Kiosk, name: &str) -> PathBuf {
    let buffer = kiosk.window.window().take_snapshot().expect("snapshot");
    let dir = repo_path("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let path = dir.join(format!("{name}.png"));
    image::save_buffer(
        &path,
        buffer.as_bytes(),
        buffer.width(),
        buffer.height(),
        image::ExtendedColorType::Rgba8,
    )
    .expect("write png");
    path
}

/// Scrolls the middle of the window down until an element labelled `label` is visible. Only what is on screen
/// counts as shown, so a long guide must be scrolled like a finger would.
pub fn scroll_to(kiosk: &Kiosk, label: &str) -> bool {
    let size = kiosk
        .window
        .window()
        .size()
        .to_logical(kiosk.window.window().scale_factor());
    let middle = slint::LogicalPosition::new(size.width / 2.0, size.height / 2.0);
    for _ in 0..60 {
        if is_shown(kiosk, label) {
            return true;
        }
        kiosk
            .window
            .window()
            .dispatch_event(slint::platform::WindowEvent::PointerScrolled {
                position: middle,
                delta_x: 0.0,
                delta_y: -200.0,
            });
    }
    is_shown(kiosk, label)
}

/// Lets device events and task results in for `time`, whatever they bring (to show that something does not
/// happen).
pub fn pump_for(kiosk: &Kiosk, time: std::time::Duration) {
    let end = std::time::Instant::now() + time;
    while std::time::Instant::now() < end {
        pump(kiosk);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// One wake-up of the event loop: device events and task results are taken in.
fn pump(kiosk: &Kiosk) {
    kiosk
        .window
        .global::<kiosk::ui::views::ShellAdapter>()
        .invoke_services_changed();
}

/// Lets device events and task results in, as the event loop would when woken, until `done` holds.
pub fn until(kiosk: &Kiosk, what: &str, done: impl Fn(&Kiosk) -> bool) {
    until_within(kiosk, what, std::time::Duration::from_secs(15), done)
}

/// [`until`] for work that takes long on a loaded machine (a package of many pages built in a debug build).
pub fn until_within(
    kiosk: &Kiosk,
    what: &str,
    within: std::time::Duration,
    done: impl Fn(&Kiosk) -> bool,
) {
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        pump(kiosk);
        if done(kiosk) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("timed out waiting for: {what}");
}

/// Runs `f` on the kiosk's simulated devices (attached with `sim`).
fn with_sim_devices<T>(
    kiosk: &Kiosk,
    f: impl FnOnce(&kiosk::services::devices::SimDevices) -> T,
) -> T {
    let state = kiosk.app();
    let sim = state
        .devices
        .service
        .as_ref()
        .and_then(|d| d.sim())
        .expect("simulated devices");
    f(sim)
}

/// Scans `code` on the kiosk's simulated scanner.
pub fn sim_scan(kiosk: &Kiosk, code: &str) {
    with_sim_devices(kiosk, |s| s.scan(code)).expect("the simulated scanner");
}

/// The kiosk's simulated printer.
pub fn sim_printer(kiosk: &Kiosk) -> drivers::printer::SimPrinter {
    with_sim_devices(kiosk, |s| s.printer().cloned()).expect("the simulated printer")
}

/// The kiosk's simulated ID card reader.
pub fn sim_id_reader(kiosk: &Kiosk) -> drivers::idcard::SimIdReader {
    with_sim_devices(kiosk, |s| s.id_reader().cloned()).expect("the simulated ID card reader")
}

/// The step the applicant's session is at.
pub fn step(kiosk: &Kiosk) -> kiosk::session::Step {
    kiosk.app().session.step()
}

/// What the form holds for the field `key`.
pub fn form_value(kiosk: &Kiosk, key: &str) -> String {
    kiosk.app().session.form().get(key).to_string()
}

/// The form's required fields in order, as (key, label, kind, options): what a walk through the form must fill.
pub fn required_fields(
    kiosk: &Kiosk,
) -> Vec<(String, String, kiosk::catalog::FieldKind, Vec<String>)> {
    kiosk
        .app()
        .session
        .fields()
        .iter()
        .filter(|f| f.required)
        .map(|f| (f.key.clone(), f.label.clone(), f.kind, f.options.clone()))
        .collect()
}

/// The status screen's phase as the tests number it: 0 asking, 1 looking it up, 2 showing what was found.
pub fn status_phase(kiosk: &Kiosk) -> i32 {
    match kiosk
        .window
        .global::<kiosk::ui::views::StatusViewAdapter>()
        .get_phase()
    {
        kiosk::ui::views::StatusPhase::Asking => 0,
        kiosk::ui::views::StatusPhase::Looking => 1,
        kiosk::ui::views::StatusPhase::Found => 2,
    }
}

/// Chooses the status screen's field by the number the tests use: 1 receipt number, 2 check code, 3 staff id,
/// 4 staff PIN.
pub fn status_type_field(kiosk: &Kiosk, field: i32) {
    use kiosk::ui::views::StatusField;
    let field = match field {
        1 => StatusField::ReceiptNo,
        2 => StatusField::CheckCode,
        3 => StatusField::StaffId,
        4 => StatusField::StaffPin,
        _ => StatusField::None,
    };
    kiosk
        .window
        .global::<kiosk::ui::views::StatusViewAdapter>()
        .invoke_type_field(field);
}

/// The on-screen keyboard, whichever view shows it.
pub fn keyboard(kiosk: &Kiosk) -> kiosk::ui::views::KeyboardAdapter<'_> {
    kiosk.window.global::<kiosk::ui::views::KeyboardAdapter>()
}
