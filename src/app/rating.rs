//! 好差评 after a finished visit (一次一评): once the application is stored and its done page closed, or once a
//! pickup slip has printed, the kiosk asks for a rating by itself. Five levels; a 差评 asks why (reasons, an
//! optional typed comment) and says how it will be followed up. 跳过, 首页 and the idle clock end it with
//! nothing sent. A rating is kept in the outbox (off the UI thread) and uploaded like a package.

use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::keyboard_mode::KeyboardMode;
use super::typing::{Shown, Target};
use super::App;
use crate::evaluation::{Evaluation, EvaluationKind, Level, REASONS};
use crate::outbox::OutboxErrorKind;

/// Untouched this long, the rating screen counts as skipped and the visit ends.
pub const RATING_IDLE: Duration = Duration::from_secs(60);
/// The thanks stay this long before Home.
pub const THANKS_SHOWN: Duration = Duration::from_secs(8);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatingStage {
    /// The five levels.
    Levels,
    /// A 差评: why, and an optional comment.
    Reasons(Level),
    /// Kept (or not): thanks, and for a 差评 what happens next.
    Thanks { bad: bool },
}

pub struct RatingVisit {
    pub receipt_no: String,
    pub kind: EvaluationKind,
    pub stage: RatingStage,
    /// The reasons ticked, by their place in [`REASONS`].
    pub reasons: Vec<usize>,
    /// The comment typed (zeroed when dropped: it may name someone).
    pub comment: Zeroizing<String>,
    /// What the screen before said that still matters (a slip to take from the printer).
    pub note: String,
    /// Why the rating could not be kept, in plain words.
    pub error: String,
    /// The rating is being written to the outbox.
    pub saving: bool,
    pub last_touch: Instant,
    /// When the thanks appeared.
    pub thanked_at: Option<Instant>,
}

impl RatingVisit {
    pub fn new(receipt_no: &str, kind: EvaluationKind, note: &str) -> RatingVisit {
        RatingVisit {
            receipt_no: receipt_no.to_string(),
            kind,
            stage: RatingStage::Levels,
            reasons: Vec::new(),
            comment: Zeroizing::new(String::new()),
            note: note.to_string(),
            error: String::new(),
            saving: false,
            last_touch: Instant::now(),
            thanked_at: None,
        }
    }

    /// Whether the screen is done with at `now`: left untouched, or thanked long enough.
    pub fn expired(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_touch) >= RATING_IDLE
            || self
                .thanked_at
                .is_some_and(|t| now.saturating_duration_since(t) >= THANKS_SHOWN)
    }
}

/// What the thanks say after a 差评: who follows it up, and within how long.
pub fn follow_up_words(days: u32) -> String {
    format!(
        "您的意见已转交政务服务中心，中心将在 {days} 个工作日内与您联系回访。\
         您也可以拨打 12345 政务服务便民热线反映。"
    )
}

impl App {
    /// Asks for a rating of `receipt_no`'s application or pickup, if the kiosk keeps applications (a rating has
    /// to go somewhere). Whatever else the visit held is gone by now.
    pub(super) fn start_rating(&mut self, receipt_no: &str, kind: EvaluationKind, note: &str) {
        if self.intake.is_none() || receipt_no.is_empty() {
            return;
        }
        self.rating = Some(RatingVisit::new(receipt_no, kind, note));
    }

    /// One of the five levels: a good one is kept at once; a bad one asks why first.
    pub fn rate(&mut self, level: u8) {
        let Some(level) = Level::from_value(level) else {
            return;
        };
        let Some(rating) = self.rating.as_mut() else {
            return;
        };
        if rating.saving || rating.stage != RatingStage::Levels {
            return;
        }
        if level.is_bad() {
            rating.stage = RatingStage::Reasons(level);
        } else {
            self.keep_rating(level);
        }
    }

    /// A reason ticked or unticked.
    pub fn toggle_rating_reason(&mut self, index: usize) {
        let Some(rating) = self.rating.as_mut() else {
            return;
        };
        if index >= REASONS.len() {
            return;
        }
        match rating.reasons.iter().position(|&r| r == index) {
            Some(at) => {
                rating.reasons.remove(at);
            }
            None => rating.reasons.push(index),
        }
    }

    /// The comment box chosen for typing.
    pub fn edit_rating_comment(&mut self) {
        let Some(rating) = self.rating.as_ref() else {
            return;
        };
        let comment = rating.comment.clone();
        let shown = Shown {
            label: "您的意见（可不填）".into(),
            ..Shown::default()
        };
        self.open_keyboard(Target::RatingComment, &comment, KeyboardMode::Pinyin, shown);
    }

    /// 提交评价 under the reasons.
    pub fn submit_rating(&mut self) {
        self.typing = None;
        if let Some(RatingStage::Reasons(level)) = self.rating.as_ref().map(|r| r.stage) {
            self.keep_rating(level);
        }
    }

    /// 跳过, at any stage: nothing is sent, and the visit ends.
    pub fn skip_rating(&mut self) {
        self.end_visit();
    }

    /// The rating screen's clock: untouched for [`RATING_IDLE`] it counts as skipped; the thanks leave by
    /// themselves. True when the screen changed.
    pub(super) fn rating_tick(&mut self, now: Instant) -> bool {
        if self.rating.as_ref().is_some_and(|r| r.expired(now)) {
            if self.rating.as_ref().is_some_and(|r| r.thanked_at.is_none()) {
                tracing::info!("rating left untouched: skipped");
            }
            self.end_visit();
            return true;
        }
        false
    }

    /// Writes the evaluation to the outbox off the UI thread, then thanks.
    fn keep_rating(&mut self, level: Level) {
        let (Some(rating), Some(intake)) = (self.rating.as_mut(), self.intake.as_ref()) else {
            return;
        };
        let reasons: Vec<&str> = rating.reasons.iter().map(|&i| REASONS[i]).collect();
        let evaluation = Evaluation::new(
            &self.kiosk_id,
            &rating.receipt_no,
            rating.kind,
            level,
            &reasons,
            &rating.comment,
        );
        rating.saving = true;
        rating.error.clear();
        let outbox = intake.outbox.clone();
        let epoch = self.epoch;
        self.tasks.spawn_thread(
            move || crate::services::uplink::worker::lock(&outbox).enqueue_evaluation(&evaluation),
            move |app, kept| {
                if app.epoch != epoch {
                    return;
                }
                let Some(rating) = app.rating.as_mut() else {
                    return;
                };
                rating.saving = false;
                match kept {
                    Ok(()) => tracing::info!(level = level.value(), "evaluation kept"),
                    // Rated before (the same slip printed twice): the first rating stands.
                    Err(e) if e.kind() == OutboxErrorKind::Duplicate => {
                        tracing::info!("already rated: the first rating stands")
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "evaluation not kept");
                        rating.error = "评价没有保存成功，请再试一次，或按“跳过”。".into();
                        return;
                    }
                }
                rating.stage = RatingStage::Thanks {
                    bad: level.is_bad(),
                };
                rating.thanked_at = Some(Instant::now());
                rating.comment = Zeroizing::new(String::new());
                if let Some(uplink) = app.intake.as_ref().and_then(|i| i.uplink.as_ref()) {
                    uplink.queued();
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::{app_with_outbox, until};

    fn wait_for(app: &mut App, done: impl Fn(&App) -> bool) {
        until(app, "the rating kept", done);
    }

    /// Types `text` into the open field as the keyboard would hand it over.
    fn type_comment(app: &mut App, text: &str) {
        app.typing.as_mut().unwrap().entry.type_text(text);
        app.write_through();
    }

    #[test]
    fn a_bad_rating_asks_why_and_is_kept_once() {
        let (mut app, outbox, _dir) = app_with_outbox();
        app.start_rating("XX-01-20261207-0001", EvaluationKind::Application, "");
        app.rate(2);
        assert_eq!(
            app.rating.as_ref().unwrap().stage,
            RatingStage::Reasons(Level::Dissatisfied)
        );
        app.toggle_rating_reason(3);
        app.toggle_rating_reason(0);
        app.toggle_rating_reason(0);
        app.edit_rating_comment();
        type_comment(&mut app, "排队太久");
        app.submit_rating();
        wait_for(&mut app, |a| {
            matches!(
                a.rating.as_ref().map(|r| r.stage),
                Some(RatingStage::Thanks { bad: true })
            )
        });
        let waiting = crate::services::uplink::worker::lock(&outbox)
            .waiting_evaluations()
            .unwrap();
        assert_eq!(waiting.len(), 1);
        let kept = crate::services::uplink::worker::lock(&outbox)
            .load_evaluation(&waiting[0].evaluation_id)
            .unwrap();
        assert_eq!(kept.level, 2);
        assert_eq!(kept.reasons, ["等待时间长"]);
        assert_eq!(kept.comment.as_deref(), Some("排队太久"));
        assert!(app.rating.as_ref().unwrap().comment.is_empty());
        // The same application rated again: the first rating stands, nothing more is kept.
        app.start_rating("XX-01-20261207-0001", EvaluationKind::Application, "");
        app.rate(5);
        wait_for(&mut app, |a| {
            matches!(
                a.rating.as_ref().map(|r| r.stage),
                Some(RatingStage::Thanks { bad: false })
            )
        });
        assert_eq!(
            crate::services::uplink::worker::lock(&outbox)
                .waiting_evaluations()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn skipping_or_leaving_sends_nothing_and_ends_the_visit() {
        let (mut app, outbox, _dir) = app_with_outbox();
        app.start_rating("XX-01-20261207-0002", EvaluationKind::Pickup, "");
        app.rate(1);
        app.edit_rating_comment();
        type_comment(&mut app, "不好");
        app.skip_rating();
        assert!(app.rating.is_none() && app.typing.is_none());
        app.start_rating("XX-01-20261207-0003", EvaluationKind::Pickup, "");
        let now = Instant::now();
        assert!(!app.rating_tick(now + Duration::from_secs(30)));
        assert!(app.rating_tick(now + RATING_IDLE + Duration::from_secs(1)));
        assert!(app.rating.is_none() && app.idle_at_home());
        assert!(crate::services::uplink::worker::lock(&outbox)
            .waiting_evaluations()
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_follow_up_names_the_configured_days() {
        assert!(follow_up_words(5).contains("5 个工作日"));
        assert!(follow_up_words(5).contains("12345"));
    }
}
