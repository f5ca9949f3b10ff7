//! 进度查询/领取: find an application by ID card, by the receipt's QR code or by typing its number; show each
//! item's state in plain words; print the pickup slip for what is ready. The look-up runs on the link's runtime;
//! its answer is dropped if the visitor has left by the time it comes.

use std::time::Duration;

use chrono::Local;
use slint::{ComponentHandle, Model, SharedString};
use zeroize::Zeroizing;

use super::guide_adapter::model;
use super::{Actor, Shared, UiState};
use crate::backoffice::wire::Application;
use crate::progress::{needs_action, ready_groups, receipt_no_in, status_words, window_words};
use crate::receipts::PickupSlip;
use crate::services::devices::{DeviceKind, Health};
use crate::session::Step;
use crate::{AppWindow, StatusApplication, StatusItem, StatusViewAdapter};

/// A visitor waits this long for the back office before being told to try later.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(15);

/// The status screen's state; reset when the visit ends.
#[derive(Default)]
pub struct StatusVisit {
    pub typing: bool,
    /// 1 letters, 2 digits (a receipt number is mostly digits).
    pub mode: i32,
    pub typed: String,
    pub looking: bool,
    pub problem: String,
    pub found: Vec<Application>,
}

/// What to look up.
enum Query {
    Receipt(String),
    /// The ID number read from the card: sent in a request body, dropped (and zeroed) right after.
    IdNumber(Zeroizing<String>),
}

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<StatusViewAdapter>();
    let actor = Actor::new(window, state);
    adapter.on_start_typing(actor.on(|s| {
        s.status.typing = true;
        s.status.mode = 2;
        s.status.problem.clear();
    }));
    let a = actor.clone();
    adapter.on_key(move |key: SharedString| {
        a.run(|s| {
            // Receipt numbers are letters, digits and hyphens; letters are kept upper case.
            let key = key.to_ascii_uppercase();
            if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && s.status.typed.len() < 40
            {
                s.status.typed.push_str(&key);
            }
        })
    });
    adapter.on_backspace(actor.on(|s| {
        s.status.typed.pop();
    }));
    let a = actor.clone();
    adapter.on_set_mode(move |mode| a.run(|s| s.status.mode = if mode == 2 { 2 } else { 1 }));
    adapter.on_close_keyboard(actor.on(|s| s.status.typing = false));
    adapter.on_look_up_typed(actor.on(|s| {
        let typed = s.status.typed.clone();
        match receipt_no_in(&typed) {
            Some(no) => {
                s.status.typing = false;
                look_up(s, Query::Receipt(no));
            }
            None => {
                s.status.problem =
                    "受理编号不完整。请按回执上印的受理编号输入，例如 XX-KIOSK-01-20261128-0007。"
                        .into()
            }
        }
    }));
    adapter.on_print_pickup(actor.on(print_pickup));
    adapter.on_again(actor.on(|s| {
        s.new_epoch();
        s.status = StatusVisit::default();
        s.print_note.clear();
        s.print_qr = None;
    }));
    adapter.on_simulate_card(actor.on(super::identify_adapter::place_sample_card));
    adapter.on_simulate_scan(actor.on(|s| {
        // The demo scans the receipt of the latest application made here.
        let latest = s
            .intake
            .as_ref()
            .and_then(super::intake::latest_receipt_no)
            .unwrap_or_else(|| crate::receipts::sample::SAMPLE_RECEIPT_NO.to_string());
        if let Some(sim) = s.devices.service.as_ref().and_then(|d| d.sim()) {
            let _ = sim.scan(&latest);
        }
    }));
}

/// A card was read while the status screen shows.
pub fn card_read(state: &mut UiState, identity: &drivers::Identity) {
    if state.session.step() != Step::Status || state.status.looking {
        return;
    }
    look_up(
        state,
        Query::IdNumber(Zeroizing::new(identity.id_number.clone())),
    );
}

/// A code was scanned while the status screen shows.
pub fn code_scanned(state: &mut UiState, code: &str) {
    if state.session.step() != Step::Status || state.status.looking {
        return;
    }
    match receipt_no_in(code) {
        Some(no) => {
            state.status.typing = false;
            look_up(state, Query::Receipt(no));
        }
        None => {
            state.status.problem =
                "这个二维码不是收件回执的二维码。请扫描回执上方的二维码，或输入受理编号。".into()
        }
    }
}

fn look_up(state: &mut UiState, query: Query) {
    let Some((link, handle)) = state
        .intake
        .as_ref()
        .and_then(|i| i.uplink.as_ref())
        .map(|u| (u.link(), u.handle()))
    else {
        state.status.problem =
            "本机暂未连接受理系统，不能查询进度。请到综合受理窗口查询，或拨打 12345。".into();
        return;
    };
    if state.tasks.is_none() {
        return;
    }
    state.print_note.clear();
    state.print_qr = None;
    let epoch = state.new_epoch();
    let status = &mut state.status;
    status.looking = true;
    status.problem.clear();
    status.found.clear();
    let by_card = matches!(query, Query::IdNumber(_));
    let work = async move {
        let answer = match query {
            Query::Receipt(no) => {
                let found = tokio::time::timeout(LOOKUP_TIMEOUT, link.application(&no)).await;
                found.map(|r| r.map(|app| (app.into_iter().collect::<Vec<_>>(), no)))
            }
            Query::IdNumber(id) => {
                let found = tokio::time::timeout(LOOKUP_TIMEOUT, link.lookup(&id)).await;
                found.map(|r| r.map(|apps| (apps, String::new())))
            }
        };
        match answer {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("受理系统没有及时回应".to_string()),
        }
    };
    let Some(tasks) = &state.tasks else { return };
    tasks.spawn(&handle, work, move |s, answer| {
        if s.session.step() != Step::Status || s.epoch != epoch {
            return;
        }
        s.status.looking = false;
        s.status.found.clear();
        match answer {
            Ok((found, _)) if !found.is_empty() => s.status.found = found,
            Ok((_, no)) if by_card || no.is_empty() => {
                s.status.problem = "没有查到这张身份证办理的申请。如刚提交不久，请稍后再查；也可以用回执上的受理编号查询。".into()
            }
            Ok((_, no)) => {
                s.status.problem = format!(
                    "没有查到受理编号为 {no} 的申请。请核对编号；刚提交的申请可能还在发送途中，请稍后再查。"
                )
            }
            Err(e) => {
                tracing::warn!(error = %e, "status look-up failed");
                s.status.problem =
                    "暂时查不到（网络或受理系统繁忙）。请稍后再试，或到综合受理窗口查询。".into()
            }
        }
    });
}

fn pickup_slip(state: &UiState) -> PickupSlip {
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
    }
}

/// 打印取件凭证: the code, window and items ready; when the printer cannot print, the slip as a QR code.
fn print_pickup(state: &mut UiState) {
    let slip = pickup_slip(state);
    if slip.groups.is_empty() {
        return;
    }
    state.print_qr = None;
    let screen_text = slip.screen_text();
    let failed = move |s: &mut UiState, why: String| {
        s.print_note = format!(
            "取件凭证没有打印出来（{why}）。请记下上方的取件码，或用手机扫描下方二维码保存。"
        );
        s.print_qr = Some(super::done_adapter::qr_image(&screen_text));
    };
    let failed_now = failed.clone();
    match super::print::send(state, &slip.document(), move |s, printed| match printed {
        Ok(()) => {
            s.print_note = "取件凭证已打印，请在出纸口取走，凭证件和取件凭证到窗口领取。".into()
        }
        Err(why) => failed(s, why),
    }) {
        Ok(()) => state.print_note = "正在打印取件凭证…".into(),
        Err(why) => failed_now(state, why),
    }
}

fn ready_summary(state: &UiState) -> String {
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

pub fn fill(window: &AppWindow, state: &UiState) {
    let adapter = window.global::<StatusViewAdapter>();
    if state.session.step() != Step::Status {
        // What was looked up stays in no model once the visitor has left the screen.
        if adapter.get_applications().row_count() > 0 || !adapter.get_typed().is_empty() {
            adapter.set_applications(Default::default());
            adapter.set_typed(Default::default());
            adapter.set_ready_summary(Default::default());
            adapter.set_print_note(Default::default());
        }
        adapter.set_show_print_qr(false);
        adapter.set_print_qr(Default::default());
        return;
    }
    let s = &state.status;
    let phase = if s.looking {
        1
    } else if !s.found.is_empty() {
        2
    } else {
        0
    };
    adapter.set_phase(phase);
    adapter.set_reader_ready(state.devices.health_of(DeviceKind::IdReader) == Some(&Health::Ok));
    adapter.set_scanner_ready(state.devices.health_of(DeviceKind::Scanner) == Some(&Health::Ok));
    adapter.set_simulated(state.demo_shortcuts());
    adapter.set_problem(s.problem.as_str().into());
    adapter.set_typing(s.typing);
    adapter.set_keyboard_mode(s.mode);
    adapter.set_typed(s.typed.as_str().into());
    adapter.set_applications(model(
        s.found
            .iter()
            .map(|app| StatusApplication {
                receipt_no: app.receipt_no.as_str().into(),
                updated: app
                    .updated_at
                    .replace('T', " ")
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .into(),
                items: model(
                    app.items
                        .iter()
                        .map(|i| StatusItem {
                            name: i.name.as_str().into(),
                            department: i.department.as_str().into(),
                            words: status_words(i).into(),
                            action: needs_action(i),
                        })
                        .collect(),
                ),
            })
            .collect(),
    ));
    adapter.set_ready_summary(ready_summary(state).into());
    adapter.set_can_print_pickup(
        !ready_groups(&s.found).is_empty() && super::notice_adapter::can_print(state),
    );
    adapter.set_print_note(state.print_note.as_str().into());
    adapter.set_show_print_qr(state.print_qr.is_some());
    adapter.set_print_qr(state.print_qr.clone().unwrap_or_default());
}
