//! Check answers: the whole application on one page, each part with 修改, then 提交申请.

use slint::ComponentHandle;

use super::generated::{AppWindow, CheckSection, CheckViewAdapter};
use super::rows::{model, strings};
use super::{Actor, Shared};
use crate::app::choose::CHANGES;
use crate::app::form::shown_value;
use crate::app::App;
use crate::session::{DeliveryMethod, DeliveryMode, Step, Treatment};

pub fn setup(window: &AppWindow, state: &Shared) {
    let adapter = window.global::<CheckViewAdapter>();
    let actor = Actor::new(window, state);
    let a = actor.clone();
    adapter.on_change(move |index| {
        if let Ok(index) = usize::try_from(index) {
            a.run(|app| app.change(index))
        }
    });
    adapter.on_submit(actor.on(App::submit));
}

/// Off the page, the application's summary leaves the view.
pub fn clear(window: &AppWindow) {
    window
        .global::<CheckViewAdapter>()
        .set_sections(model(Vec::new()));
}

fn section(title: &str, change: Step, lines: Vec<String>) -> CheckSection {
    CheckSection {
        title: title.into(),
        lines: strings(lines),
        change: CHANGES.iter().position(|s| *s == change).unwrap_or(0) as i32,
    }
}

pub fn fill(window: &AppWindow, state: &App) {
    let adapter = window.global::<CheckViewAdapter>();
    let s = &state.session;
    let mut sections = Vec::new();
    if let Some(thing) = s.one_thing() {
        if !thing.questions.is_empty() {
            let answers = s.selection().answers();
            sections.push(section(
                "办理情形",
                Step::Question(0),
                thing
                    .questions
                    .iter()
                    .map(|q| format!("{}：{}", q.text, answers.get(&q.key).map_or("", |a| a)))
                    .collect(),
            ));
        }
        let mut items = vec![thing.name.clone()];
        items.extend(
            s.chosen()
                .iter()
                .map(|c| format!("· {}（{}）", c.item.name, c.department)),
        );
        sections.push(section("办理事项", Step::Items, items));
    }
    sections.push(section(
        "申请表",
        Step::Form,
        s.fields()
            .iter()
            .filter(|f| !s.form().get(&f.key).is_empty())
            .map(|f| format!("{}：{}", f.label, shown_value(f, s.form().get(&f.key))))
            .collect(),
    ));
    sections.push(section(
        "材料",
        Step::Capture,
        s.materials()
            .iter()
            .map(|m| match &m.treatment {
                Treatment::Exempt { reason } | Treatment::Licence { reason, .. } => {
                    format!("{}：无需提交（{reason}）", m.name)
                }
                Treatment::Capture { .. } if s.is_at_window(&m.key) => {
                    format!("{}：到窗口提交纸质材料", m.name)
                }
                Treatment::Capture { defer_days } if s.is_deferred(&m.key) => format!(
                    "{}：暂缺，{}个工作日内补交",
                    m.name,
                    defer_days.unwrap_or(0)
                ),
                Treatment::Capture { .. } => {
                    format!("{}：已拍摄 {} 页", m.name, s.pages(&m.key).len())
                }
            })
            .collect(),
    ));
    let commitments = s.commitment_items();
    if !commitments.is_empty() {
        sections.push(section(
            "告知承诺",
            Step::Commitments,
            commitments
                .iter()
                .map(|i| {
                    let signed = if s.signature(i).is_some() {
                        "已签名"
                    } else {
                        "未签名"
                    };
                    format!("{i}：{signed}")
                })
                .collect(),
        ));
    }
    if let Some(d) = s.delivery() {
        let method = match d.method {
            DeliveryMethod::Window => "到窗口领取".to_string(),
            DeliveryMethod::Post => format!("邮寄到：{}", d.address.as_deref().unwrap_or("")),
        };
        let mode = match d.mode {
            DeliveryMode::Together => "全部办好后一起领取",
            DeliveryMode::Separately => "办好一项领取一项",
        };
        sections.push(section(
            "领取方式",
            Step::Delivery,
            vec![method, mode.to_string()],
        ));
    }
    adapter.set_sections(model(sections));
    adapter.set_error(state.step_error.as_str().into());
    adapter.set_saving(state.saving);
}
