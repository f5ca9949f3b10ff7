//! 进度查询/领取: find an application by ID card, by the receipt's QR code, or by typing its receipt number with
//! the check code printed beside it (a number alone shows nothing: numbers are sequential and easy to guess);
//! show each item's state in plain words; print the pickup slip for what is ready. Signed-in staff may look up by
//! number alone (`status_staff`). Look-ups that find nothing are counted beside the visits: after five in a
//! minute the screen asks to wait. The look-up runs on the link's runtime; its answer is dropped if the visitor has
//! left by the time it comes.

pub mod staff;
#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use chrono::Local;
use zeroize::Zeroizing;

use super::failure::PrintFailure;
use super::keyboard_mode::KeyboardMode;
use super::typing::{Shown, Target};
use super::{words, App};
use crate::backoffice::wire::Application;
use crate::backoffice::{Credential, LinkError};
use crate::package::CheckCode;
use crate::progress::{ready_groups, receipt_no_in, receipt_query_in, status_words, window_words};
use crate::receipts::PickupSlip;
use crate::session::Step;

/// A visitor waits this long for the back office before being told to try later.
pub(crate) const LOOKUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Which field the keyboard types into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Field {
    #[default]
    None,
    ReceiptNo,
    CheckCode,
    StaffId,
    StaffPin,
}

impl Field {
    /// The field's name on the keyboard.
    pub fn label(self) -> &'static str {
        match self {
            Field::ReceiptNo => "受理编号",
            Field::CheckCode => "查询码",
            Field::StaffId => "工号",
            Field::StaffPin | Field::None => "密码",
        }
    }

    /// The layout a field opens on: a receipt number and a PIN are mostly digits, a check code and a staff id
    /// mostly letters.
    fn layout(self) -> KeyboardMode {
        match self {
            Field::ReceiptNo | Field::StaffPin => KeyboardMode::Digits,
            _ => KeyboardMode::Letters,
        }
    }
}

/// The status screen's state; reset when the visit ends.
#[derive(Default)]
pub struct StatusVisit {
    pub typed: String,
    pub typed_code: Zeroizing<String>,
    pub looking: bool,
    pub problem: String,
    pub found: Vec<Application>,
    /// The results were given to signed-in staff (the slip then says who printed it).
    pub found_by_staff: bool,
    /// The staff sign-in form, while it shows.
    pub staff_form: Option<staff::StaffForm>,
}

impl StatusVisit {
    /// What `field` holds.
    fn text(&self, field: Field) -> &str {
        let form = self.staff_form.as_ref();
        match field {
            Field::ReceiptNo => &self.typed,
            Field::CheckCode => &self.typed_code,
            Field::StaffId => form.map_or("", |f| f.staff_id.as_str()),
            Field::StaffPin => form.map_or("", |f| f.pin.as_str()),
            Field::None => "",
        }
    }

    /// `field` now holds `text` (typed on the keyboard).
    pub(crate) fn set_text(&mut self, field: Field, text: &str) {
        let form = self.staff_form.as_mut();
        match field {
            Field::ReceiptNo => self.typed = text.to_string(),
            Field::CheckCode => self.typed_code = Zeroizing::new(text.to_string()),
            Field::StaffId => {
                if let Some(form) = form {
                    form.staff_id = text.to_string();
                }
            }
            Field::StaffPin => {
                if let Some(form) = form {
                    form.pin = Zeroizing::new(text.to_string());
                }
            }
            Field::None => {}
        }
    }
}

/// What proves a look-up may see the application.
enum Proof {
    Code(CheckCode),
    Staff(Zeroizing<String>),
}

/// What to look up.
enum Query {
    Receipt(String, Proof),
    /// The ID number read from the card: sent in a request body, dropped (and zeroed) right after.
    IdNumber(Zeroizing<String>),
}

impl App {
    /// A field of the status screen chosen for typing.
    pub fn status_type_field(&mut self, field: Field) {
        self.status_open_field(field);
        self.status.problem.clear();
    }

    /// `field` opens on the keyboard with what it holds (what the screen says stays).
    fn status_open_field(&mut self, field: Field) {
        if field == Field::None {
            self.status_close_field();
            return;
        }
        let text = self.status.text(field).to_string();
        let target = match field {
            Field::ReceiptNo => Target::ReceiptNo,
            Field::CheckCode => Target::CheckCode,
            Field::StaffId => Target::StaffId,
            Field::StaffPin | Field::None => Target::StaffPin,
        };
        let pin = field == Field::StaffPin;
        let shown = Shown {
            label: field.label().into(),
            secret: pin,
            id_number: false,
            digits_only: pin,
        };
        self.open_keyboard(target, &text, field.layout(), shown);
    }

    /// The status field being typed closes (what it holds stays).
    pub fn status_close_field(&mut self) {
        if self.status_typing() != Field::None {
            self.typing = None;
        }
    }

    /// The status screen's field being typed into, if one is.
    pub fn status_typing(&self) -> Field {
        match self.typing.as_ref().map(|t| &t.target) {
            Some(Target::ReceiptNo) => Field::ReceiptNo,
            Some(Target::CheckCode) => Field::CheckCode,
            Some(Target::StaffId) => Field::StaffId,
            Some(Target::StaffPin) => Field::StaffPin,
            _ => Field::None,
        }
    }

    /// 查询 after typing.
    pub fn status_look_up_typed(&mut self) {
        look_up_typed(self)
    }

    /// 打印取件凭证.
    pub fn status_print_pickup(&mut self) {
        print_pickup(self)
    }

    /// 再查一次: the screen starts afresh.
    pub fn status_again(&mut self) {
        self.new_epoch();
        self.status = StatusVisit::default();
        self.clear_print_note();
    }

    /// Demo mode: scan the receipt the simulated printer printed last.
    pub fn status_scan_printed_receipt(&mut self) {
        scan_printed_receipt(self)
    }

    /// A card was read while the status screen shows.
    pub(super) fn status_card_read(&mut self, identity: &drivers::Identity) {
        card_read(self, identity)
    }

    /// A code was scanned (outside technician mode).
    pub(super) fn status_code_scanned(&mut self, code: &str) {
        code_scanned(self, code)
    }

    /// The back office's link and the runtime its requests run on, when the kiosk has one.
    pub(crate) fn back_office(&self) -> Option<(crate::backoffice::Link, tokio::runtime::Handle)> {
        self.intake
            .as_ref()
            .and_then(|i| i.uplink.as_ref())
            .map(|u| (u.link(), u.handle()))
    }

    /// What the screen says of the items ready for pickup.
    pub fn status_ready_summary(&self) -> String {
        ready_summary(self)
    }

    /// Whether the pickup slip can be printed now.
    pub fn status_can_print_pickup(&self) -> bool {
        !ready_groups(&self.status.found).is_empty() && self.devices.can_print()
    }
}

/// Demo mode: scan the receipt the simulated printer printed last, as an applicant would hold it to the scanner.
/// The code comes from the paper, not from the kiosk, which keeps it nowhere.
fn scan_printed_receipt(s: &mut App) {
    if !s.demo_shortcuts() {
        return;
    }
    let Some(sim) = s.devices.service.as_ref().and_then(|d| d.sim()) else {
        return;
    };
    let printed = sim.printer().map(|p| p.received()).unwrap_or_default();
    let last = drivers::printer::decode::decode(&printed)
        .into_iter()
        .filter_map(|e| match e {
            drivers::printer::decode::Element::Qr { data, .. } => String::from_utf8(data).ok(),
            _ => None,
        })
        .rfind(|text| receipt_query_in(text).is_some_and(|(_, code)| code.is_some()));
    match last {
        Some(text) => {
            let _ = sim.scan(&text);
        }
        None => {
            s.status.problem =
                "演示：本机还没有打印过收件回执。请先办一件事，或输入受理编号和查询码。".into()
        }
    }
}

/// A card was read while the status screen shows.
fn card_read(state: &mut App, identity: &drivers::Identity) {
    if state.session.step() != Step::Status || state.status.looking {
        return;
    }
    look_up(
        state,
        Query::IdNumber(Zeroizing::new(identity.id_number.clone())),
    );
}

/// A code was scanned while the status screen shows.
fn code_scanned(state: &mut App, code: &str) {
    if state.session.step() != Step::Status || state.status.looking {
        return;
    }
    match receipt_query_in(code) {
        Some((no, Some(code))) => {
            state.status_close_field();
            look_up(state, Query::Receipt(no, Proof::Code(code)));
        }
        Some((no, None)) => match staff::token(state) {
            Some(token) => {
                state.status_close_field();
                look_up(state, Query::Receipt(no, Proof::Staff(token)));
            }
            None => {
                state.status.problem = "这个二维码里只有受理编号，没有查询码，不能查询。请扫描收件回执上方的二维码，或放身份证查询。".into()
            }
        },
        None => {
            state.status.problem =
                "这个二维码不是收件回执的二维码。请扫描回执上方的二维码，或输入受理编号和查询码。".into()
        }
    }
}

/// 查询 after typing: the receipt number and its check code (staff: the number alone).
fn look_up_typed(s: &mut App) {
    let Some(no) = receipt_no_in(&s.status.typed) else {
        s.status.problem =
            "受理编号不完整。请按回执上印的受理编号输入，例如 XX-KIOSK-01-20261128-0007。".into();
        return;
    };
    let code = CheckCode::parse(&s.status.typed_code);
    let proof = match (code, staff::token(s)) {
        (Some(code), _) => Proof::Code(code),
        (None, Some(token)) if s.status.typed_code.is_empty() => Proof::Staff(token),
        (None, _) if s.status.typed_code.is_empty() => {
            s.status.problem = "请再输入回执上受理编号旁边的 8 位查询码。只凭受理编号不能查询，这是为了保护申请人的信息。".into();
            s.status_open_field(Field::CheckCode);
            return;
        }
        (None, _) => {
            s.status.problem =
                "查询码是 8 位字母和数字（没有 0、1、I、L、O），请对照回执核对。".into();
            s.status_open_field(Field::CheckCode);
            return;
        }
    };
    s.status_close_field();
    look_up(s, Query::Receipt(no, proof));
}

fn wait_words(wait: Duration) -> String {
    format!(
        "查询失败次数过多，请 {} 秒后再试。也可以放身份证查询，或到综合受理窗口查询。",
        wait.as_secs().max(1)
    )
}

fn look_up(state: &mut App, query: Query) {
    let Some((link, handle)) = state.back_office() else {
        state.status.problem =
            "本机暂未连接受理系统，不能查询进度。请到综合受理窗口查询，或拨打 12345。".into();
        return;
    };
    // A stranger trying numbers and codes meets the wait here, whatever the server does.
    let by_code = matches!(query, Query::Receipt(_, Proof::Code(_)));
    let wait = state.lookups.wait(Instant::now());
    if by_code && !wait.is_zero() {
        state.status.problem = wait_words(wait);
        return;
    }
    if by_code {
        // Counted now and given back if it finds the application: leaving before the answer spends the try.
        state.lookups.attempt(Instant::now());
    }
    state.print_note.clear();
    state.print_qr = None;
    let epoch = state.new_epoch();
    let status = &mut state.status;
    status.looking = true;
    status.problem.clear();
    status.found.clear();
    let by_card = matches!(query, Query::IdNumber(_));
    let by_staff = matches!(query, Query::Receipt(_, Proof::Staff(_)));
    let work = async move {
        let answer = match query {
            Query::Receipt(no, proof) => {
                let credential = match &proof {
                    Proof::Code(code) => Credential::CheckCode(code),
                    Proof::Staff(token) => Credential::Staff(token.as_str()),
                };
                let found =
                    tokio::time::timeout(LOOKUP_TIMEOUT, link.status(&no, credential)).await;
                found.map(|r| r.map(|app| (app.into_iter().collect::<Vec<_>>(), no)))
            }
            Query::IdNumber(id) => {
                let found = tokio::time::timeout(LOOKUP_TIMEOUT, link.lookup(&id)).await;
                found.map(|r| r.map(|apps| (apps, String::new())))
            }
        };
        match answer {
            Ok(result) => result,
            Err(_) => Err(LinkError::Transport(
                "the back office did not answer in time".to_string(),
            )),
        }
    };
    state.tasks.spawn(&handle, work, move |s, answer| {
        // The count of tries is the kiosk's, not the visit's: settled whether or not the visitor is still here.
        if by_code {
            match &answer {
                Ok((found, _)) if !found.is_empty() => s.lookups.refund(),
                Ok(_) => {}
                Err(LinkError::Unavailable {
                    status: 429,
                    retry_after,
                    ..
                }) => s.lookups.server_asked(*retry_after, Instant::now()),
                Err(_) => s.lookups.refund(),
            }
        }
        // A staff answer that comes after the staff member left is nobody's to see.
        if s.session.step() != Step::Status || s.epoch != epoch || (by_staff && s.staff.is_none()) {
            return;
        }
        s.status.looking = false;
        s.status.found.clear();
        tracing::info!(
            by = if by_card { "card" } else if by_staff { "staff" } else { "code" },
            found = answer.as_ref().map_or(0, |(found, _)| found.len()),
            answered = answer.is_ok(),
            "status look-up"
        );
        match answer {
            Ok((found, _)) if !found.is_empty() => {
                s.status.found = found;
                s.status.found_by_staff = by_staff;
            }
            Ok(_) if by_card => {
                s.status.problem = "没有查到这张身份证办理的申请。如刚提交不久，请稍后再查；也可以用回执上的受理编号和查询码查询。".into()
            }
            Ok((_, no)) => {
                // The same words for an unknown number and a wrong code: the answer tells a stranger nothing.
                s.status.problem = format!(
                    "没有查到：受理编号 {no} 或查询码不对。请对照回执核对；刚提交的申请可能还在发送途中，请稍后再查。"
                );
            }
            Err(LinkError::Unavailable { status: 429, .. }) => {
                s.status.problem = wait_words(s.lookups.wait(Instant::now()));
            }
            Err(LinkError::Refused { .. }) if by_staff => {
                staff::expired(s);
            }
            Err(e) => {
                tracing::warn!(error = %e, "status look-up failed");
                s.status.problem =
                    "暂时查不到（网络或受理系统繁忙）。请稍后再试，或到综合受理窗口查询。".into()
            }
        }
    });
}

fn pickup_slip(state: &App) -> PickupSlip {
    PickupSlip {
        center: state.center_name.clone(),
        kiosk_id: state.kiosk_id.clone(),
        printed: Local::now().naive_local(),
        groups: ready_groups(&state.status.found),
        pending: state
            .status
            .found
            .iter()
            .flat_map(|a| a.items.iter())
            .filter(|i| i.status != "ready_for_pickup" && i.status != "delivered")
            .map(|i| (i.name.clone(), status_words(i)))
            .collect(),
        printed_by_staff: state
            .status
            .found_by_staff
            .then(|| state.staff_name().map(str::to_string))
            .flatten(),
    }
}

/// 打印取件凭证: the code, window and items ready; when the printer cannot print, the slip as a QR code.
fn print_pickup(state: &mut App) {
    let slip = pickup_slip(state);
    if slip.groups.is_empty() {
        return;
    }
    state.print_qr = None;
    let screen_text = slip.screen_text();
    let by_staff = slip.printed_by_staff.clone();
    // The application whose items are picked up, for the rating that follows.
    let rated_receipt = state
        .status
        .found
        .iter()
        .find(|a| a.items.iter().any(|i| i.status == "ready_for_pickup"))
        .map(|a| a.receipt_no.clone());
    let failed = move |s: &mut App, why: PrintFailure| {
        let why = words::print_failure(&why);
        s.print_note = format!(
            "取件凭证没有打印出来（{why}）。请记下上方的取件码，或用手机扫描下方二维码保存。"
        );
        s.print_qr = Some(screen_text);
    };
    let failed_now = failed.clone();
    match state.print(&slip.document(), move |s, printed| {
        match printed {
        Ok(()) => {
            s.print_note = match &by_staff {
                Some(name) => format!(
                    "取件凭证已由工作人员 {name} 代为打印，请在出纸口取走，交给领取人凭证件到窗口领取。"
                ),
                None => "取件凭证已打印，请在出纸口取走，凭证件和取件凭证到窗口领取。".into(),
            };
            // The applicant's own pickup is rated (staff printing for someone else are not the one served).
            if by_staff.is_none() {
                if let Some(receipt_no) = rated_receipt.as_deref() {
                    let note = std::mem::take(&mut s.print_note);
                    // The look-up ends; the visitor (and their 语音 choice) stays for the rating.
                    let speech = s.speech.choice();
                    s.end_visit();
                    s.speech.keep_choice(speech);
                    s.start_rating(receipt_no, crate::evaluation::EvaluationKind::Pickup, &note);
                }
            }
        }
        Err(why) => failed(s, why),
    }
    }) {
        Ok(()) => state.print_note = "正在打印取件凭证…".into(),
        Err(why) => failed_now(state, why),
    }
}

fn ready_summary(state: &App) -> String {
    let groups = ready_groups(&state.status.found);
    if groups.is_empty() {
        return String::new();
    }
    let count: usize = groups.iter().map(|g| g.items.len()).sum();
    let places: Vec<String> = groups
        .iter()
        .map(|g| {
            if g.pickup_code.is_empty() {
                format!("{}，凭身份证领取", window_words(&g.window))
            } else {
                format!("{}，取件码 {}", window_words(&g.window), g.pickup_code)
            }
        })
        .collect();
    format!("有 {count} 项可以领取：{}", places.join("；"))
}
