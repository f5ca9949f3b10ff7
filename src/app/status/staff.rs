//! Staff mode on the 进度查询/领取 screen: a member of the center's staff signs in with a staff id and PIN that the
//! back office checks (`POST /v1/staff/sessions`), then may look up by receipt number alone and print pickup
//! slips for others; the slip and the screen say it was printed by staff. Distinct from technician mode (which
//! the kiosk checks itself, for settings): staff never see settings, technicians never look applications up.
//! The session ends with the visit (首页, the idle timeout), when the staff member signs out, or when its token
//! expires; its token is zeroed when dropped and the back office is told the session ended.

use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{Field, LOOKUP_TIMEOUT};
use crate::app::{words, App};
use crate::backoffice::{StaffLoginError, StaffSession};

/// The longest a staff session lasts here, whatever the back office said (the contract's 15 minutes).
const LONGEST: Duration = Duration::from_secs(15 * 60);

/// The sign-in form.
#[derive(Default)]
pub struct StaffForm {
    pub staff_id: String,
    pub pin: Zeroizing<String>,
    pub signing_in: bool,
}

/// A signed-in member of staff.
pub struct StaffState {
    pub session: StaffSession,
    pub until: Instant,
}

impl App {
    /// 工作人员登录: the sign-in form opens on the staff id.
    pub fn staff_start(&mut self) {
        self.status.staff_form = Some(StaffForm::default());
        self.status_type_field(Field::StaffId);
    }

    pub fn staff_cancel(&mut self) {
        self.status.staff_form = None;
        self.status_close_field();
    }

    /// 登录: the back office checks the id and PIN.
    pub fn staff_submit(&mut self) {
        sign_in(self)
    }

    /// 退出登录.
    pub fn staff_sign_out(&mut self) {
        end(self);
        self.status.problem = "已退出工作人员登录。".into();
    }

    /// Ends staff mode (the visit ended): what was looked up with it goes too.
    pub(crate) fn end_staff(&mut self) {
        end(self)
    }

    /// The idle clock's tick: a session past its time ends. True when it did.
    pub(crate) fn staff_tick(&mut self, now: Instant) -> bool {
        tick(self, now)
    }

    /// The signed-in staff member's name.
    pub fn staff_name(&self) -> Option<&str> {
        self.staff.as_ref().map(|st| st.session.name.as_str())
    }
}

/// The live session's token, for a look-up.
pub(super) fn token(s: &App) -> Option<Zeroizing<String>> {
    s.staff
        .as_ref()
        .filter(|st| Instant::now() < st.until)
        .map(|st| st.session.token.clone())
}

/// How long the back office's `expires_at` is from now, at most [`LONGEST`].
fn lasts(expires_at: &str) -> Duration {
    chrono::DateTime::parse_from_rfc3339(expires_at)
        .ok()
        .map(|at| at.timestamp() - chrono::Utc::now().timestamp())
        .map(|s| Duration::from_secs(s.max(0) as u64))
        .unwrap_or(LONGEST)
        .min(LONGEST)
}

fn sign_in(s: &mut App) {
    let back_office = s.back_office();
    let Some(form) = s.status.staff_form.as_mut() else {
        return;
    };
    if form.signing_in {
        return;
    }
    if form.staff_id.is_empty() || form.pin.is_empty() {
        s.status.problem = "请输入工号和密码。".into();
        return;
    }
    let Some((link, handle)) = back_office else {
        s.status.problem = "本机暂未连接受理系统，不能登录。".into();
        return;
    };
    form.signing_in = true;
    let staff_id = form.staff_id.clone();
    let pin = std::mem::take(&mut form.pin);
    s.status_close_field();
    s.status.problem.clear();
    let epoch = s.epoch;
    let work = async move {
        match tokio::time::timeout(LOOKUP_TIMEOUT, link.staff_login(&staff_id, &pin)).await {
            Ok(result) => result,
            Err(_) => Err(StaffLoginError::Link(
                crate::backoffice::LinkError::Transport(
                    "the back office did not answer in time".into(),
                ),
            )),
        }
    };
    s.tasks.spawn(&handle, work, move |s, result| {
        if s.epoch != epoch || s.status.staff_form.is_none() {
            // The screen moved on meanwhile (the visit ended, a card was read): a session that came back is ended
            // at once, not kept for whoever is next, and the form (if still open) can be sent again.
            if let Some(form) = s.status.staff_form.as_mut() {
                form.signing_in = false;
            }
            if let Ok(session) = result {
                log_out(s, session);
            }
            return;
        }
        match result {
            Ok(session) => {
                tracing::info!("staff signed in for pickup slips");
                let until = Instant::now() + lasts(&session.expires_at);
                s.staff = Some(StaffState { session, until });
                s.status.staff_form = None;
                s.status.problem.clear();
            }
            Err(e) => {
                if let Some(form) = s.status.staff_form.as_mut() {
                    form.signing_in = false;
                }
                if let StaffLoginError::Link(e) = &e {
                    tracing::warn!(error = %e, "staff sign-in failed");
                }
                s.status.problem = match e {
                    StaffLoginError::Link(_) => {
                        "暂时不能登录（网络或受理系统繁忙），请稍后再试。".into()
                    }
                    other => format!("不能登录：{}", words::staff_login_error(other.kind())),
                };
            }
        }
    });
}

/// Tells the back office the session ended (best effort: it expires by itself anyway).
fn log_out(s: &App, session: StaffSession) {
    let Some(uplink) = s.intake.as_ref().and_then(|i| i.uplink.as_ref()) else {
        return;
    };
    let link = uplink.link();
    s.tasks.spawn(
        &uplink.handle(),
        async move {
            let token = session.token;
            tokio::time::timeout(LOOKUP_TIMEOUT, link.staff_logout(&token)).await
        },
        |_, ended| {
            if !matches!(ended, Ok(Ok(()))) {
                tracing::warn!("staff session not ended at the back office; it expires by itself");
            }
        },
    );
}

/// Ends staff mode (the visit ended, the staff member signed out): what was looked up with it goes too.
fn end(s: &mut App) {
    s.status.staff_form = None;
    if let Some(staff) = s.staff.take() {
        // A staff look-up still on its way is dropped when it comes (a new epoch), and what staff found goes.
        s.new_epoch();
        s.status.looking = false;
        if s.status.found_by_staff {
            s.status.found.clear();
            s.status.found_by_staff = false;
        }
        log_out(s, staff.session);
    }
}

/// The back office no longer takes the token (it expired there).
pub(super) fn expired(s: &mut App) {
    end(s);
    s.status.problem = "工作人员登录已过期，请重新登录。".into();
}

/// The idle timer's tick: a session past its time ends.
fn tick(s: &mut App, now: Instant) -> bool {
    if s.staff.as_ref().is_some_and(|st| now >= st.until) {
        expired(s);
        return true;
    }
    false
}
