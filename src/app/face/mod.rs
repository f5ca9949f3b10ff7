//! Real-person verification (实人核验) at the kiosk: a live preview from the face camera with an oval to fill, a
//! picture taken by itself once the face is lit, sharp and still, and the platform's comparison with the card
//! holder's photo of record. The picture exists in memory only until the answer comes: it is never written,
//! logged or put in a package. `unusable` asks again with the reason; three `no_match` lead to the window in words
//! that accuse no one; a platform that cannot answer sends the applicant on (or, where the check is required, to
//! the window).

pub mod gate;

use std::time::Duration;

use zeroize::{Zeroize, Zeroizing};

use super::picture::Picture;
use super::App;
use crate::backoffice::platform_wire::FaceResult;
use crate::services::devices::FaultKind;
use crate::session::{SessionError, Step};
use drivers::camera::CameraErrorKind;

/// The preview's size, which is also the picture's: a face fills it well at the kiosk's distance.
const FACE_FRAME: (u32, u32) = (640, 480);
/// How often the screen asks for a frame while the face check shows.
pub const FACE_FRAME_EVERY: Duration = Duration::from_millis(200);
/// Comparisons that find someone else before the applicant is sent to the window.
pub const MAX_NO_MATCH: u32 = 3;
/// An applicant waits this long for the comparison.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(15);

/// The face check's state; the preview is a face: zeroed with the visit.
#[derive(Default)]
pub struct FaceVisit {
    pub preview: Option<Picture>,
    pending: bool,
    previous: Option<gate::Grey>,
    steady: u32,
    /// A picture is with the platform.
    pub verifying: bool,
    pub no_matches: u32,
    /// What the applicant should do now, in plain words.
    pub note: String,
}

impl App {
    /// The face check screen opened: frames are asked for until a picture is good enough.
    pub(super) fn start_face_check(&mut self) {
        if self.session.step() != Step::FaceCheck {
            return;
        }
        self.face = FaceVisit::default();
        if self.face_camera().is_none() || self.back_office().is_none() {
            self.face_check_unavailable();
            return;
        }
        self.face.note = "请正对屏幕，让面部在椭圆框内，保持不动。".into();
    }

    fn face_camera(&self) -> Option<crate::services::devices::Camera> {
        self.devices.service.as_ref().and_then(|s| s.face_camera())
    }

    /// Whether the screen should ask for a frame now.
    pub fn wants_face_frame(&self) -> bool {
        self.session.step() == Step::FaceCheck && !self.face.pending && !self.face.verifying
    }

    /// Asks the face camera for a frame.
    pub fn request_face_frame(&mut self) {
        let (Some(camera), Some(service)) = (self.face_camera(), self.devices.service.as_ref())
        else {
            return;
        };
        self.face.pending = true;
        let epoch = self.epoch;
        self.tasks.spawn(
            &service.handle(),
            camera.preview(FACE_FRAME.0, FACE_FRAME.1),
            move |app, frame| {
                app.face.pending = false;
                // Only for the face check that asked (返回, 首页 or a timeout may have come meanwhile).
                if app.epoch != epoch || app.session.step() != Step::FaceCheck {
                    return;
                }
                match frame {
                    Ok(frame) => app.face_frame(frame),
                    // A frame late once is no fault of the camera: the next one is asked for.
                    Err(fault) if fault.kind == FaultKind::Camera(CameraErrorKind::Timeout) => {}
                    Err(fault) => {
                        tracing::warn!(error = %fault, "the face camera gave no picture");
                        app.face_check_unavailable()
                    }
                }
            },
        );
    }

    fn face_frame(&mut self, mut frame: drivers::camera::Frame) {
        if self.face.verifying {
            frame.rgb.zeroize();
            return;
        }
        let grey = gate::grey(frame.width, frame.height, &frame.rgb);
        match gate::check(&grey, self.face.previous.as_ref()) {
            Ok(()) => self.face.steady += 1,
            Err(problem) => {
                self.face.steady = 0;
                self.face.note = problem.words().to_string();
            }
        }
        self.face.previous = Some(grey);
        Picture::show_frame(
            &mut self.face.preview,
            frame.width,
            frame.height,
            &frame.rgb,
        );
        if self.face.steady >= gate::STEADY_FRAMES {
            self.verify_face(&frame);
        }
        frame.rgb.zeroize();
    }

    /// The picture goes to the platform, and nowhere else. It is encoded off the UI thread, in the request's
    /// own task, and dropped (zeroed) with it, answer or not.
    fn verify_face(&mut self, frame: &drivers::camera::Frame) {
        let (Some(identity), Some((link, handle))) = (self.session.identity(), self.back_office())
        else {
            self.face_check_unavailable();
            return;
        };
        let (id_number, name) = (
            Zeroizing::new(identity.id_number.clone()),
            Zeroizing::new(identity.name.clone()),
        );
        let (width, height, rgb) = (frame.width, frame.height, Zeroizing::new(frame.rgb.clone()));
        self.face.verifying = true;
        self.face.note = "正在核验，请稍候…".into();
        let epoch = self.epoch;
        let work = async move {
            let Some(jpeg) = face_jpeg(width, height, &rgb) else {
                return Answer::NotEncoded;
            };
            drop(rgb);
            let asked = link.verify_identity(&id_number, &name, &jpeg);
            match tokio::time::timeout(VERIFY_TIMEOUT, asked).await {
                Ok(Ok(verdict)) => Answer::Verdict(verdict),
                Ok(Err(e)) => Answer::Failed(e),
                Err(_) => Answer::TimedOut,
            }
        };
        self.tasks.spawn(&handle, work, move |app, answer| {
            app.face.verifying = false;
            app.face.steady = 0;
            app.face.previous = None;
            if app.epoch != epoch || app.session.step() != Step::FaceCheck {
                return;
            }
            match answer {
                Answer::Verdict(verdict) => app.face_verdict(verdict.result, &verdict.verify_id),
                // Taken again from the next frames.
                Answer::NotEncoded => {}
                Answer::Failed(e) => {
                    tracing::warn!(error = %e, "real-person verification not answered");
                    app.face_check_unavailable();
                }
                Answer::TimedOut => app.face_check_unavailable(),
            }
        });
    }

    fn face_verdict(&mut self, result: FaceResult, verify_id: &str) {
        tracing::info!(result = ?result, "real-person verification answered");
        match result {
            FaceResult::Match => {
                let _ = self.session.face_matched(verify_id);
                self.face = FaceVisit::default();
            }
            FaceResult::Unusable => {
                self.face.note =
                    "没有拍清楚。请摘下帽子和口罩，正对屏幕，让面部在椭圆框内，保持不动。".into();
            }
            FaceResult::NoMatch => {
                self.face.no_matches += 1;
                let left = MAX_NO_MATCH.saturating_sub(self.face.no_matches);
                if left == 0 {
                    self.end_visit();
                    self.message = Some((
                        "请到窗口办理".to_string(),
                        "本机暂时没能完成身份核验，这可能与光线、角度或证件照片有关。请带上身份证到综合受理窗口，工作人员会为您办理。"
                            .to_string(),
                    ));
                } else {
                    self.face.note = format!(
                        "这次没有比对成功。请摘下眼镜、帽子或口罩，正对屏幕再试一次（还可以试 {left} 次）。"
                    );
                }
            }
        }
    }

    /// No comparison can be had now (no camera, the platform down), or the applicant chose to go on without one
    /// where that is allowed.
    pub fn face_check_unavailable(&mut self) {
        self.face = FaceVisit::default();
        if let Err(SessionError::FaceCheckRequired) = self.session.face_check_unavailable() {
            self.send_to_window_for_identity();
        }
    }
}

/// What became of a picture sent for comparison.
enum Answer {
    Verdict(crate::backoffice::platform_wire::IdentityVerdict),
    /// The frame could not be encoded within the contract's size.
    NotEncoded,
    Failed(crate::backoffice::LinkError),
    TimedOut,
}

/// An RGB frame as a JPEG within the contract's 200 KB, zeroed when dropped.
fn face_jpeg(width: u32, height: u32, rgb: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut quality = 85;
    loop {
        let mut out = Zeroizing::new(Vec::new());
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut *out, quality)
            .encode(rgb, width, height, image::ExtendedColorType::Rgb8)
            .ok()?;
        if out.len() <= crate::backoffice::platform_client::FACE_JPEG_LIMIT {
            return Some(out);
        }
        if quality <= 40 {
            return None;
        }
        quality -= 15;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::{back_office_answering, linked_app, sample_platform, until};
    use crate::services::devices::{DeviceKind, DeviceUris};
    use crate::session::FaceCheck;

    /// A kiosk on simulated devices (a synthetic face) linked to `url`, the sample card read, at the face check
    /// under `policy`.
    fn at_the_face_check(dir: &std::path::Path, url: &str, policy: FaceCheck) -> App {
        let mut app = linked_app(dir, url);
        app.start_devices(&DeviceUris::all_sim()).expect("devices");
        until(&mut app, "the face camera", |a| {
            a.devices.ready(DeviceKind::FaceCamera)
        });
        app.session.set_face_check(policy);
        app.start_apply();
        until(&mut app, "the intake checked", |a| !a.checking_intake);
        app.session
            .identified(drivers::idcard::sim::sample_identity())
            .expect("identified");
        app.answer_consent(true);
        app.answer_face_consent(true);
        app
    }

    /// Frames as the screen's timer asks for them, until `done`.
    fn frames_until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !done(app) {
            assert!(std::time::Instant::now() < deadline, "timed out: {what}");
            if app.wants_face_frame() {
                app.request_face_frame();
            }
            std::thread::sleep(Duration::from_millis(20));
            app.take_in();
        }
    }

    #[test]
    fn a_match_goes_on_with_the_check_recorded_and_nothing_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_runtime, url) =
            back_office_answering(&dir.path().join("bo"), sample_platform(), FaceResult::Match);
        let mut app = at_the_face_check(dir.path(), &url, FaceCheck::Required);
        assert_eq!(app.session.step(), Step::FaceCheck);
        frames_until(&mut app, "the face matched", |a| {
            a.session.step() != Step::FaceCheck
        });
        assert_eq!(app.session.step(), Step::Choose);
        assert!(app.session.platform().identity_check.is_some());
        assert!(app.face.preview.is_none(), "the face leaves the screen");
    }

    /// `unusable` asks again with the reason; three `no_match` send the applicant to the window, in words that
    /// accuse no one.
    #[test]
    fn unusable_asks_again_and_three_mismatches_lead_to_the_window() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (_runtime, url) = back_office_answering(
            &dir.path().join("bo"),
            sample_platform(),
            FaceResult::Unusable,
        );
        let mut app = at_the_face_check(dir.path(), &url, FaceCheck::WhenAvailable);
        frames_until(&mut app, "an answer", |a| {
            a.face.note.contains("没有拍清楚")
        });
        assert_eq!(app.session.step(), Step::FaceCheck, "asked again");

        let other = tempfile::tempdir().expect("temp dir");
        let (_runtime, url) = back_office_answering(
            &other.path().join("bo"),
            sample_platform(),
            FaceResult::NoMatch,
        );
        let mut app = at_the_face_check(other.path(), &url, FaceCheck::WhenAvailable);
        frames_until(&mut app, "a first mismatch", |a| a.face.no_matches == 1);
        assert!(app.face.note.contains("还可以试 2 次"), "{}", app.face.note);
        frames_until(&mut app, "the third", |a| a.message.is_some());
        let (title, words) = app.message.clone().expect("a message");
        assert_eq!(title, "请到窗口办理");
        assert!(
            words.contains("没能完成身份核验") && !words.contains("不是本人"),
            "{words}"
        );
        assert!(!app.session.holds_personal_data(), "the visit is over");
    }

    /// The service down: a check the center only wants is skipped (window staff check the person); one it
    /// requires sends the applicant to the window.
    #[test]
    fn the_service_down_goes_on_or_to_the_window_by_policy() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Nothing listens on port 9 of this machine.
        let mut app = at_the_face_check(dir.path(), "http://127.0.0.1:9", FaceCheck::WhenAvailable);
        frames_until(&mut app, "given up", |a| {
            a.session.step() != Step::FaceCheck
        });
        assert_eq!(app.session.step(), Step::Choose);
        assert!(app.session.platform().identity_check.is_none());

        let other = tempfile::tempdir().expect("temp dir");
        let mut app = at_the_face_check(other.path(), "http://127.0.0.1:9", FaceCheck::Required);
        frames_until(&mut app, "given up", |a| {
            a.session.step() != Step::FaceCheck
        });
        assert_eq!(app.session.step(), Step::Home);
        assert_eq!(
            app.message.as_ref().map(|(t, _)| t.as_str()),
            Some("请到窗口办理")
        );
    }
}
