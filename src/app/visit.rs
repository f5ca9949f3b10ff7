//! A visit from Home to Home: what starts one (我要办事, 办事指南, 进度查询/领取), 返回, and what ends one (首页, the
//! idle timeout, an application stored), after which nothing of it stays. The idle clock's tick also closes a
//! forgotten technician mode, a staff session past its time and a confirmation page left behind, and restarts
//! into a newer build at idle Home.

use std::time::{Duration, Instant};

use super::App;
use crate::session::{IdleState, Step};

/// A newer build takes over only after Home has been left alone this long: someone who just came back to Home
/// (or is about to press 我要办事) does not see the kiosk vanish under their finger.
pub const QUIET_BEFORE_UPGRADE: Duration = Duration::from_secs(10);

/// What a tick of the idle clock did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ticked {
    /// Something on screen changed (a screen closed, the visit timed out).
    pub changed: bool,
    /// Nobody is here and a newer build is installed: the UI loop should end, and the service start the new one.
    pub restart: bool,
    /// Seconds left before the visit times out, while the warning shows.
    pub seconds_left: Option<u32>,
}

impl App {
    /// 我要办事. A kiosk that could not keep an application safe, or must not file one (simulated devices or the
    /// placeholder id on a real back office), takes none. Whether it can is asked off the UI thread (the disk's
    /// free space and a probe write); the applicant goes on, or is told in plain words, when the answer comes.
    /// The reason is for technicians (their screen, the heartbeat, the log).
    pub fn start_apply(&mut self) {
        let Some(intake) = &self.intake else {
            let _ = self.session.start_apply();
            return;
        };
        if self.checking_intake {
            return;
        }
        self.checking_intake = true;
        let check = intake.refusal_check();
        let epoch = self.epoch;
        self.tasks.spawn_thread(check, move |app, refusal| {
            app.checking_intake = false;
            // Only if nothing else happened meanwhile (首页, another button, technician mode).
            if app.epoch != epoch || app.session.step() != Step::Home || app.message.is_some() {
                return;
            }
            match refusal {
                Some(why) => {
                    tracing::warn!(reason = %why, "an application was asked for while intake is paused");
                    app.message = Some((
                        "本机暂停受理新的申请".to_string(),
                        "本机正在维护，暂时不能受理新的申请。已经提交的申请不受影响，会照常送达。请到综合受理窗口办理，或稍后再来。"
                            .to_string(),
                    ));
                }
                None => {
                    let _ = app.session.start_apply();
                }
            }
        });
    }

    /// 办事指南.
    pub fn start_guide(&mut self) {
        let _ = self.session.start_guide();
    }

    /// 进度查询/领取.
    pub fn start_status(&mut self) {
        self.status = Default::default();
        let _ = self.session.start_status();
    }

    /// 返回: a message closes, or the session goes one step back; back at Home the visit is over.
    pub fn back(&mut self) {
        self.new_epoch();
        self.clear_print_note();
        if self.message.take().is_none() {
            self.session.back();
            // Back at Home the visit is over: nothing of it stays (a status look-up's results included).
            if self.session.step() == Step::Home {
                self.end_visit();
            }
        }
    }

    /// Back to Home with nothing of the visit left: the session, the search and every screen's state.
    pub fn end_visit(&mut self) {
        self.new_epoch();
        self.session.end(Instant::now());
        if let Some(devices) = &self.devices.service {
            devices.reset_camera();
        }
        self.message = None;
        self.step_error.clear();
        self.clear_print_note();
        self.typing = None;
        self.platform.reset();
        // The face's preview is zeroed as it drops.
        self.face = Default::default();
        // The pictures of the applicant's papers are zeroed as they drop (the screens' copies by the UI).
        self.capture = Default::default();
        self.signing = Default::default();
        self.delivery = Default::default();
        self.done = None;
        self.rating = None;
        self.speech.end_visit();
        self.end_staff();
        self.status = Default::default();
        self.technician = None;
        self.ime = None;
        crate::memory::release_memory();
        self.query.clear();
        self.tab = crate::catalog::Target::Person;
    }

    /// The note about the last print and its QR code leave (the screen moved on).
    pub fn clear_print_note(&mut self) {
        self.print_note.clear();
        self.print_qr = None;
    }

    /// The confirmation page's 完成: the rating screen asks how it went.
    pub fn finish_done(&mut self) {
        if let Some(done) = self.done.take() {
            self.start_rating(
                &done.receipt.receipt_no,
                crate::evaluation::EvaluationKind::Application,
                "",
            );
        }
    }

    /// The idle clock, every half second.
    pub fn tick(&mut self, now: Instant) -> Ticked {
        let mut ticked = Ticked::default();
        if self.idle_at_home()
            && self.session.untouched_for(now) >= QUIET_BEFORE_UPGRADE
            && self
                .installed
                .as_mut()
                .is_some_and(|b| b.replaced_and_settled(now))
        {
            tracing::info!("a newer build is installed: restarting into it at idle Home");
            ticked.restart = true;
            return ticked;
        }
        // Technician mode left open closes by itself: the next visitor must not find it.
        if self.technician.as_ref().is_some_and(|t| {
            now.saturating_duration_since(t.last_touch) >= super::technician::IDLE_LOCK
        }) {
            self.close_technician();
            ticked.changed = true;
        }
        self.technician_tick(now);
        // A staff session past its time ends, with what it looked up.
        ticked.changed |= self.staff_tick(now);
        // The rating screen left alone counts as skipped.
        ticked.changed |= self.rating_tick(now);
        // The confirmation page leaves by itself: the next applicant must find Home, not this receipt.
        if self.done.as_ref().is_some_and(|d| d.expired(now)) {
            self.done = None;
            // The applicant left: the next visitor starts with speech as 长辈模式 says.
            self.speech.end_visit();
            ticked.changed = true;
        }
        ticked.changed |= self.speech_tick();
        match self.session.idle_state(now) {
            IdleState::Active => {}
            IdleState::Warning { remaining } => {
                ticked.seconds_left = Some(remaining.as_secs_f32().ceil() as u32);
                self.speak_idle_warning();
            }
            IdleState::Expired => {
                tracing::info!(step = ?self.session.step(), "visit timed out, wiped");
                self.end_visit();
                ticked.changed = true;
            }
        }
        ticked
    }

    /// Nobody is using the kiosk: Home, no technician, no receipt or message on screen, nothing personal held.
    pub fn idle_at_home(&self) -> bool {
        self.session.step() == Step::Home
            && self.technician.is_none()
            && self.done.is_none()
            && self.rating.is_none()
            && self.message.is_none()
            && !self.session.holds_personal_data()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::app;

    #[test]
    fn idle_home_is_home_with_nothing_on_screen_or_held() {
        let mut app = app();
        assert!(app.idle_at_home());
        app.start_guide();
        assert!(!app.idle_at_home(), "someone is reading a guide");
        app.end_visit();
        assert!(app.idle_at_home());
        app.message = Some(("标题".into(), "内容".into()));
        assert!(!app.idle_at_home(), "a message is on screen");
        app.back();
        assert!(app.idle_at_home(), "返回 closed the message");
    }

    /// A newer build installed meanwhile takes over at idle Home, but only once Home has been left alone.
    #[test]
    fn a_newer_build_takes_over_only_at_quiet_home() {
        let dir = tempfile::tempdir().expect("temp dir");
        let binary = dir.path().join("kiosk");
        std::fs::write(&binary, b"old build").expect("binary");
        let mut app = app();
        app.installed = Some(crate::services::upgrade::InstalledBinary::at(&binary));
        // Replaced as a package manager does: a new file renamed over the old one.
        let new = dir.path().join("kiosk.dpkg-new");
        std::fs::write(&new, b"new build").expect("new binary");
        std::fs::rename(&new, &binary).expect("replaced");
        let start = Instant::now();
        app.touch();
        // Someone at Home a moment ago: not now, however often it looks.
        for second in 0..QUIET_BEFORE_UPGRADE.as_secs() - 1 {
            let ticked = app.tick(start + Duration::from_secs(second));
            assert!(!ticked.restart, "{second} s after a touch");
        }
        // On the applicant's path: never.
        app.start_guide();
        assert!(!app.tick(start + Duration::from_secs(60)).restart);
        app.end_visit();
        // Home left alone: once the new file has settled over two looks.
        let quiet = Instant::now() + QUIET_BEFORE_UPGRADE;
        let restarted = (0..30).any(|s| app.tick(quiet + Duration::from_secs(s)).restart);
        assert!(restarted);
    }

    #[test]
    fn a_visit_left_alone_times_out_and_leaves_nothing() {
        let mut app = app();
        app.start_status();
        app.status.typed = "XX-KIOSK-01-20261128-0001".into();
        let later = Instant::now() + app.idle.warn_after + app.idle.warning;
        let ticked = app.tick(later + std::time::Duration::from_secs(1));
        assert!(ticked.changed);
        assert_eq!(app.session.step(), Step::Home);
        assert!(
            app.status.typed.is_empty(),
            "what was typed went with the visit"
        );
    }
}
