//! Capturing materials: one material at a time, a live preview from the document camera, pages with thumbnails,
//! delete and retake, quality warnings, and 容缺 where the catalog allows it.

use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer};

use super::generated::{AppWindow, CaptureViewAdapter, CapturedPage};
use super::guide_adapter::model;
use super::screen_image::ScreenImage;
use super::{Actor, Shared, UiState};
use crate::package::quality;
use crate::services::devices::{DeviceKind, Health};
use crate::session::{Blob, MergedMaterial, Step, Treatment};

/// The capture screen's own state. The preview and thumbnails are pictures of personal papers: retired (and
/// zeroed) with the visit.
#[derive(Default)]
pub struct CaptureState {
    pub index: usize,
    pub preview: Option<ScreenImage>,
    pub preview_pending: bool,
    pub thumbnails: HashMap<String, Vec<ScreenImage>>,
    pub note: String,
    pub note_is_warning: bool,
    pub busy: bool,
}

/// The preview's size: enough for the applicant to see the page lies right, small enough to decode fast.
const PREVIEW: (u32, u32) = (960, 720);
const PREVIEW_EVERY: Duration = Duration::from_millis(200);

pub(super) fn to_image(width: u32, height: u32, rgb: &[u8]) -> Image {
    Image::from_rgb8(SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(
        rgb, width, height,
    ))
}

impl CaptureState {
    /// Every picture it holds, for [`super::screen_image::Retired`].
    pub fn into_pictures(mut self) -> impl Iterator<Item = ScreenImage> {
        let thumbnails = std::mem::take(&mut self.thumbnails);
        self.preview
            .take()
            .into_iter()
            .chain(thumbnails.into_values().flatten())
    }
}

fn to_capture(state: &UiState) -> Vec<MergedMaterial> {
    state
        .session
        .materials()
        .into_iter()
        .filter(|m| matches!(m.treatment, Treatment::Capture { .. }))
        .collect()
}

fn current(state: &UiState) -> Option<MergedMaterial> {
    let all = to_capture(state);
    let index = state.capture.index.min(all.len().saturating_sub(1));
    all.into_iter().nth(index)
}

fn camera_ready(state: &UiState) -> bool {
    state.devices.health_of(DeviceKind::Camera) == Some(&Health::Ok)
}

/// Wires the screen; the returned timer asks for preview frames while it shows.
pub fn setup(window: &AppWindow, state: &Shared) -> slint::Timer {
    let adapter = window.global::<CaptureViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_capture(actor.on(capture));
    let a = actor.clone();
    adapter.on_remove(move |i| {
        a.run(|s| {
            let Some(m) = current(s) else { return };
            let Ok(i) = usize::try_from(i) else { return };
            if s.session.remove_page(&m.key, i).is_ok() {
                if let Some(thumbs) = s.capture.thumbnails.get_mut(&m.key) {
                    if i < thumbs.len() {
                        s.retired.add([thumbs.remove(i)]);
                    }
                }
                s.capture.note = "已删除，可以重新拍摄".into();
                s.capture.note_is_warning = false;
            }
        })
    });
    adapter.on_toggle_defer(actor.on(|s| {
        let Some(m) = current(s) else { return };
        let deferred = s.session.is_deferred(&m.key);
        if let Err(e) = s.session.set_deferred(&m.key, !deferred) {
            s.step_error = e.to_string();
        } else {
            s.step_error.clear();
        }
    }));
    adapter.on_toggle_window(actor.on(|s| {
        let Some(m) = current(s) else { return };
        let on = s.session.is_at_window(&m.key);
        match s.session.set_at_window(&m.key, !on) {
            Ok(()) => s.step_error.clear(),
            Err(e) => s.step_error = e.to_string(),
        }
    }));
    adapter.on_previous(actor.on(|s| {
        s.capture.index = s.capture.index.saturating_sub(1);
        s.capture.note.clear();
        s.step_error.clear();
    }));
    adapter.on_next(actor.on(next));

    let timer = slint::Timer::default();
    let ticker = actor.clone();
    let shared = Rc::clone(state);
    timer.start(slint::TimerMode::Repeated, PREVIEW_EVERY, move || {
        let wanted = {
            let s = shared.borrow();
            s.session.step() == Step::Capture && camera_ready(&s) && !s.capture.preview_pending
        };
        if wanted {
            ticker.run_quietly(request_preview);
        }
    });
    timer
}

fn request_preview(state: &mut UiState) {
    let (Some(tasks), Some(service)) = (&state.tasks, &state.devices.service) else {
        return;
    };
    state.capture.preview_pending = true;
    let camera = service.camera();
    tasks.spawn(
        &service.handle(),
        camera.preview(PREVIEW.0, PREVIEW.1),
        |s, frame| {
            s.capture.preview_pending = false;
            if s.session.step() == Step::Capture {
                let new = frame
                    .ok()
                    .map(|f| ScreenImage::from_rgb(f.width, f.height, &f.rgb));
                if let Some(old) = std::mem::replace(&mut s.capture.preview, new) {
                    s.retired.add([old]);
                }
            }
        },
    );
}

/// 拍摄这一页: the camera's full-resolution picture, looked at off the UI thread, then added to the material.
fn capture(state: &mut UiState) {
    let Some(material) = current(state) else {
        return;
    };
    let (Some(tasks), Some(service)) = (&state.tasks, &state.devices.service) else {
        state.step_error = "高拍仪未启用，请到窗口提交材料。".into();
        return;
    };
    state.capture.busy = true;
    state.step_error.clear();
    let camera = service.camera();
    let work = async move {
        let jpeg = Blob(camera.capture().await?);
        let (jpeg, assessed) = tokio::task::spawn_blocking(move || {
            let assessed = quality::assess(&jpeg.0);
            (jpeg, assessed)
        })
        .await
        .map_err(|e| e.to_string())?;
        Ok::<_, String>((jpeg, assessed?))
    };
    tasks.spawn(&service.handle(), work, move |s, result| {
        s.capture.busy = false;
        match result {
            Ok((mut jpeg, assessed)) => {
                // The visit may have ended meanwhile: then the page is dropped (and zeroed) here.
                if s.session
                    .add_page(&material.key, std::mem::take(&mut jpeg.0))
                    .is_err()
                {
                    return;
                }
                let t = &assessed.thumbnail;
                let pages = s
                    .capture
                    .thumbnails
                    .entry(material.key.clone())
                    .or_default();
                pages.push(ScreenImage::from_rgb(t.width(), t.height(), t.as_raw()));
                tracing::info!(
                    page = pages.len(),
                    warnings = assessed.warnings.len(),
                    "page captured"
                );
                s.capture.note_is_warning = !assessed.warnings.is_empty();
                s.capture.note = if assessed.warnings.is_empty() {
                    format!("已拍摄第 {} 页。还有下一页请继续拍摄。", pages.len())
                } else {
                    assessed
                        .warnings
                        .iter()
                        .map(|w| w.text())
                        .collect::<Vec<_>>()
                        .join("；")
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, "page not captured");
                s.capture.note = format!("没有拍到：{e}。请重试。");
                s.capture.note_is_warning = true;
            }
        }
    });
}

fn next(state: &mut UiState) {
    let Some(m) = current(state) else {
        let _ = state.session.confirm_capture();
        return;
    };
    if state.session.pages(&m.key).is_empty()
        && !state.session.is_deferred(&m.key)
        && !state.session.is_at_window(&m.key)
    {
        state.step_error = format!("请拍摄“{}”，或选择暂缺、以后补交", m.name);
        return;
    }
    state.step_error.clear();
    state.capture.note.clear();
    if state.capture.index + 1 < to_capture(state).len() {
        state.capture.index += 1;
    } else if let Err(e) = state.session.confirm_capture() {
        state.step_error = e.to_string();
    }
}

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<CaptureViewAdapter>();
    if state.session.step() != Step::Capture {
        adapter.set_pages(model(Vec::new()));
        adapter.set_preview(Image::default());
        adapter.set_has_preview(false);
        return;
    }
    let all = to_capture(state);
    let index = state.capture.index.min(all.len().saturating_sub(1));
    let Some(m) = all.get(index).cloned() else {
        return;
    };
    adapter.set_material(m.name.as_str().into());
    adapter.set_detail(format!("{} {}份 · {}", m.form.label(), m.copies, m.source).into());
    adapter.set_position(format!("第 {} 项，共 {} 项", index + 1, all.len()).into());
    adapter.set_first(index == 0);
    adapter.set_last(index + 1 >= all.len());
    let ready = camera_ready(state);
    adapter.set_camera_ready(ready && state.devices.service.is_some());
    adapter.set_camera_problem(
        match state.devices.health_of(DeviceKind::Camera) {
            Some(Health::Absent(_)) | None => {
                "高拍仪未连接。可选择暂缺补交，或到窗口提交纸质材料。"
            }
            Some(Health::Error(_)) => "高拍仪故障。可选择暂缺补交，或到窗口提交纸质材料。",
            _ => "高拍仪正在启动，请稍候",
        }
        .into(),
    );
    match &state.capture.preview {
        Some(picture) => {
            adapter.set_preview(picture.image());
            adapter.set_has_preview(true);
        }
        None => {
            adapter.set_preview(Image::default());
            adapter.set_has_preview(false)
        }
    }
    let thumbs = state
        .capture
        .thumbnails
        .get(&m.key)
        .map(|pages| pages.iter().map(ScreenImage::image).collect::<Vec<_>>())
        .unwrap_or_default();
    adapter.set_pages(model(
        thumbs
            .into_iter()
            .enumerate()
            .map(|(i, thumbnail)| CapturedPage {
                thumbnail,
                label: format!("第 {} 页", i + 1).into(),
            })
            .collect(),
    ));
    adapter.set_note(state.capture.note.as_str().into());
    adapter.set_note_is_warning(state.capture.note_is_warning);
    adapter.set_busy(state.capture.busy);
    let days = match m.treatment {
        Treatment::Capture { defer_days } => defer_days,
        _ => None,
    };
    adapter.set_deferrable(days.is_some());
    adapter.set_deferred(state.session.is_deferred(&m.key));
    adapter.set_at_window(state.session.is_at_window(&m.key));
    adapter.set_defer_text(
        days.map(|d| format!("暂缺，{d}个工作日内补交"))
            .unwrap_or_default()
            .into(),
    );
    adapter.set_error(state.step_error.as_str().into());
}
