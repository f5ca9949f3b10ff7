//! Capturing materials: one material at a time, a live preview from the document camera, pages with thumbnails,
//! delete and retake, quality warnings, and 容缺 where the catalog allows it.

use std::rc::Rc;

use slint::{ComponentHandle, Image};

use super::generated::{AppWindow, CaptureViewAdapter, CapturedPage};
use super::images::{Live, Pictures};
use super::rows::model;
use super::{Actor, Shared};
use crate::app::capture::PREVIEW_EVERY;
use crate::app::words;
use crate::app::App;
use crate::services::devices::DeviceKind;

/// Wires the screen; the returned timer asks for preview frames while it shows.
pub fn setup(window: &AppWindow, state: &Shared) -> slint::Timer {
    let adapter = window.global::<CaptureViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_capture(actor.on(App::capture_page));
    let a = actor.clone();
    adapter.on_remove(move |i| {
        if let Ok(i) = usize::try_from(i) {
            a.run(|app| app.remove_page(i))
        }
    });
    adapter.on_toggle_defer(actor.on(App::toggle_defer));
    adapter.on_show_licence(actor.on(App::start_licence_scan));
    adapter.on_toggle_window(actor.on(App::toggle_at_window));
    adapter.on_previous(actor.on(App::previous_material));
    adapter.on_next(actor.on(App::next_material));

    let timer = slint::Timer::default();
    let shared = Rc::clone(state);
    timer.start(slint::TimerMode::Repeated, PREVIEW_EVERY, move || {
        let wanted = shared.borrow().app.wants_preview();
        if wanted {
            actor.run_quietly(App::request_preview);
        }
    });
    timer
}

/// Off the screen, no picture of anyone's papers stays in the view.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<CaptureViewAdapter>();
    adapter.set_pages(model(Vec::new()));
    adapter.set_preview(Image::default());
    adapter.set_has_preview(false);
}

pub fn fill(window: &AppWindow, app: &App, pictures: &mut Pictures) {
    let adapter = window.global::<CaptureViewAdapter>();
    let Some((index, total, m)) = app.material_on_screen() else {
        return;
    };
    adapter.set_material(m.name.as_str().into());
    adapter.set_detail(format!("{} {}份 · {}", m.form.label(), m.copies, m.source).into());
    adapter.set_position(format!("第 {} 项，共 {} 项", index + 1, total).into());
    adapter.set_first(index == 0);
    adapter.set_last(index + 1 >= total);
    adapter
        .set_camera_ready(app.devices.ready(DeviceKind::Camera) && app.devices.service.is_some());
    adapter.set_camera_problem(
        words::camera_problem(app.devices.health_of(DeviceKind::Camera)).into(),
    );
    match &app.capture.preview {
        Some(picture) => {
            adapter.set_preview(pictures.live_image(Live::DocumentCamera, picture));
            adapter.set_has_preview(true);
        }
        None => {
            adapter.set_preview(Image::default());
            adapter.set_has_preview(false)
        }
    }
    let pages: Vec<CapturedPage> = app
        .capture
        .thumbnails
        .get(&m.key)
        .map(|pages| {
            pages
                .iter()
                .enumerate()
                .map(|(i, page)| CapturedPage {
                    thumbnail: pictures.image(page),
                    label: format!("第 {} 页", i + 1).into(),
                })
                .collect()
        })
        .unwrap_or_default();
    adapter.set_pages(model(pages));
    adapter.set_note(app.capture.note.as_str().into());
    adapter.set_note_is_warning(app.capture.note_is_warning);
    adapter.set_busy(app.capture.busy);
    let days = m.defer_days();
    adapter.set_deferrable(days.is_some());
    adapter.set_deferred(app.session.is_deferred(&m.key));
    adapter.set_at_window(app.session.is_at_window(&m.key));
    adapter.set_defer_text(
        days.map(|d| format!("暂缺，{d}个工作日内补交"))
            .unwrap_or_default()
            .into(),
    );
    adapter.set_error(app.step_error.as_str().into());
    adapter.set_licence_showable(app.licence_can_be_shown());
    adapter.set_licence_note(app.platform.licence_note.as_str().into());
}
