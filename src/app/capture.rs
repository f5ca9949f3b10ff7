//! Capturing materials: one material at a time, a live preview from the document camera, pages with thumbnails,
//! delete and retake, quality warnings, and 容缺 where the catalog allows it.

use std::collections::HashMap;
use std::time::Duration;

use zeroize::Zeroize;

use super::failure::CaptureFailure;
use super::picture::Picture;
use super::{words, App};
use crate::package::{pages, quality};
use crate::services::devices::DeviceKind;
use crate::session::{Blob, MergedMaterial, Step, Treatment};

/// The capture screen's own state. The preview and thumbnails are pictures of personal papers: zeroed with the
/// visit.
#[derive(Default)]
pub struct CaptureState {
    pub index: usize,
    pub preview: Option<Picture>,
    pub preview_pending: bool,
    pub thumbnails: HashMap<String, Vec<Picture>>,
    pub note: String,
    pub note_is_warning: bool,
    pub busy: bool,
}

/// The preview's size: enough for the applicant to see the page lies right, small enough to decode fast.
const PREVIEW: (u32, u32) = (960, 720);
/// How often the screen asks for a preview frame.
pub const PREVIEW_EVERY: Duration = Duration::from_millis(200);

impl App {
    /// The materials to capture, in order.
    pub fn materials_to_capture(&self) -> Vec<MergedMaterial> {
        self.session
            .materials()
            .into_iter()
            .filter(|m| matches!(m.treatment, Treatment::Capture { .. }))
            .collect()
    }

    /// The material on screen, with its place among them.
    pub fn material_on_screen(&self) -> Option<(usize, usize, MergedMaterial)> {
        let all = self.materials_to_capture();
        let index = self.capture.index.min(all.len().saturating_sub(1));
        let total = all.len();
        all.into_iter().nth(index).map(|m| (index, total, m))
    }

    fn current_material(&self) -> Option<MergedMaterial> {
        self.material_on_screen().map(|(_, _, m)| m)
    }

    /// Whether the preview should ask for a frame now.
    pub fn wants_preview(&self) -> bool {
        self.session.step() == Step::Capture
            && self.devices.ready(DeviceKind::Camera)
            && !self.capture.preview_pending
    }

    /// Asks the camera for a preview frame, which replaces the one on screen.
    pub fn request_preview(&mut self) {
        let Some(service) = &self.devices.service else {
            return;
        };
        self.capture.preview_pending = true;
        let camera = service.camera();
        self.tasks.spawn(
            &service.handle(),
            camera.preview(PREVIEW.0, PREVIEW.1),
            |app, frame| {
                app.capture.preview_pending = false;
                if app.session.step() != Step::Capture {
                    return;
                }
                match frame {
                    Ok(mut frame) => {
                        Picture::show_frame(
                            &mut app.capture.preview,
                            frame.width,
                            frame.height,
                            &frame.rgb,
                        );
                        frame.rgb.zeroize();
                    }
                    Err(_) => app.capture.preview = None,
                }
            },
        );
    }

    /// 删除 under a page's thumbnail.
    pub fn remove_page(&mut self, page: usize) {
        let Some(m) = self.current_material() else {
            return;
        };
        if self.session.remove_page(&m.key, page).is_ok() {
            if let Some(thumbs) = self.capture.thumbnails.get_mut(&m.key) {
                if page < thumbs.len() {
                    thumbs.remove(page);
                }
            }
            self.capture.note = "已删除，可以重新拍摄".into();
            self.capture.note_is_warning = false;
        }
    }

    /// 暂缺，以后补交 (容缺) on or off.
    pub fn toggle_defer(&mut self) {
        let Some(m) = self.current_material() else {
            return;
        };
        let deferred = self.session.is_deferred(&m.key);
        match self.session.set_deferred(&m.key, !deferred) {
            Ok(()) => self.step_error.clear(),
            Err(e) => self.step_error = words::session_error(&e),
        }
    }

    /// 到窗口提交纸质材料 on or off.
    pub fn toggle_at_window(&mut self) {
        let Some(m) = self.current_material() else {
            return;
        };
        let on = self.session.is_at_window(&m.key);
        match self.session.set_at_window(&m.key, !on) {
            Ok(()) => self.step_error.clear(),
            Err(e) => self.step_error = words::session_error(&e),
        }
    }

    /// 上一项.
    pub fn previous_material(&mut self) {
        self.capture.index = self.capture.index.saturating_sub(1);
        self.capture.note.clear();
        self.platform.leave_material();
        self.step_error.clear();
    }

    /// 拍摄这一页: the camera's full-resolution picture, looked at off the UI thread, then added to the material.
    pub fn capture_page(&mut self) {
        let Some(material) = self.current_material() else {
            return;
        };
        let Some(service) = &self.devices.service else {
            self.step_error = "高拍仪未启用，请到窗口提交材料。".into();
            return;
        };
        self.capture.busy = true;
        self.step_error.clear();
        let camera = service.camera();
        let work = async move {
            let camera_jpeg = Blob(camera.capture().await?);
            // One pass over the full-resolution picture, off the UI thread and while the applicant goes on: the
            // page as the package will hold it, its thumbnail and its warnings. The camera's picture is zeroed
            // as it drops here; the session keeps the normalised page only.
            let prepared =
                tokio::task::spawn_blocking(move || pages::prepare(&camera_jpeg.0)).await??;
            let assessed = quality::Assessment {
                thumbnail: prepared.thumbnail,
                warnings: prepared.warnings,
            };
            Ok::<_, CaptureFailure>((Blob(prepared.jpeg), assessed))
        };
        self.tasks.spawn(&service.handle(), work, move |s, result| {
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
                    pages.push(Picture::from_rgb(t.width(), t.height(), t.as_raw()));
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
                    s.capture.note = format!("没有拍到：{}。请重试。", words::capture_failure(&e));
                    s.capture.note_is_warning = true;
                }
            }
        });
    }

    pub fn next_material(&mut self) {
        let Some(m) = self.current_material() else {
            let _ = self.session.confirm_capture();
            return;
        };
        if self.session.pages(&m.key).is_empty()
            && !self.session.is_deferred(&m.key)
            && !self.session.is_at_window(&m.key)
        {
            self.step_error = format!("请拍摄“{}”，或选择暂缺、以后补交", m.name);
            return;
        }
        self.step_error.clear();
        self.capture.note.clear();
        self.platform.leave_material();
        if self.capture.index + 1 < self.materials_to_capture().len() {
            self.capture.index += 1;
        } else if let Err(e) = self.session.confirm_capture() {
            self.step_error = words::session_error(&e);
        }
    }
}
