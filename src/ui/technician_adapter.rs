//! Technician mode on screen: the PIN pad, then the devices with their states, choices and one-touch tests, the
//! settings with their keyboard, the link and the outbox, and the recent log.

use slint::{ComponentHandle, SharedString};

use super::generated::{AppWindow, TechDevice, TechSetting, TechnicianViewAdapter};
use super::images::Pictures;
use super::rows::{model, strings};
use super::{Actor, Shared};
use crate::app::technician::{uri_of, ORDER};
use crate::app::words;
use crate::app::App;

pub fn setup(window: &AppWindow, state: &Shared) {
    let actor = Actor::new(window, state);
    let adapter = window.global::<TechnicianViewAdapter>();
    adapter.on_pin_backspace(actor.on(App::technician_pin_backspace));
    adapter.on_pin_enter(actor.on(App::technician_enter_pin));
    adapter.on_leave(actor.on(App::technician_leave));
    let a = actor.clone();
    adapter.on_edit_setting(move |index| {
        if let Ok(index) = usize::try_from(index) {
            a.run(|app| app.technician_edit_setting(index))
        }
    });
    adapter.on_save(actor.on(App::technician_save));
    adapter.on_sync_catalog(actor.on(App::technician_sync_catalog));
    adapter.on_export_outbox(actor.on(App::technician_export_outbox));
    adapter.on_retry_outbox(actor.on(App::technician_retry_outbox));
    let a = actor.clone();
    adapter.on_pin_key(move |digit: SharedString| a.run(|app| app.technician_pin_key(&digit)));
    let a = actor.clone();
    adapter.on_choose(move |index, uri: SharedString| {
        if let Ok(index) = usize::try_from(index) {
            a.run(|app| app.technician_choose(index, &uri))
        }
    });
    let a = actor.clone();
    adapter.on_edit(move |index| {
        if let Ok(index) = usize::try_from(index) {
            a.run(|app| app.technician_edit_device(index))
        }
    });
    let a = actor.clone();
    adapter.on_set_paper(move |mm| {
        if let Ok(mm) = u32::try_from(mm) {
            a.run(|app| app.technician_set_paper(mm))
        }
    });
    let a = actor.clone();
    adapter.on_test(move |index| {
        if let Ok(index) = usize::try_from(index) {
            a.run(|app| app.technician_test(index))
        }
    });
    let a = actor.clone();
    adapter.on_set_rotation(move |degrees| {
        if let Ok(degrees) = u32::try_from(degrees) {
            a.run(|app| app.technician_set_rotation(degrees))
        }
    });
    adapter.on_restart(|| {
        // Under systemd (Restart=always) the kiosk is back in two seconds, with the saved settings.
        tracing::info!("restart asked by a technician");
        let _ = slint::quit_event_loop();
    });
}

/// Technician mode closed: nothing of it stays in the view.
pub fn clear(window: &AppWindow) {
    let adapter = window.global::<TechnicianViewAdapter>();
    adapter.set_unlocked(false);
    adapter.set_devices(Default::default());
    adapter.set_log_lines(Default::default());
    adapter.set_camera_frame(Default::default());
    adapter.set_pin_dots(Default::default());
}

pub fn fill(window: &AppWindow, state: &App, pictures: &mut Pictures) {
    let adapter = window.global::<TechnicianViewAdapter>();
    let Some(t) = &state.technician else {
        return;
    };
    adapter.set_pin_set(state.technician_settings.pin_hash.is_some());
    adapter.set_unlocked(t.unlocked);
    adapter.set_pin_dots("●".repeat(t.pin_len()).into());
    adapter.set_pin_message(t.pin_message.as_str().into());
    if !t.unlocked {
        return;
    }
    if let Some(draft) = &t.draft {
        let lists = match &t.choices {
            Some(c) => [
                &c.id_reader,
                &c.printer,
                &c.camera,
                &c.scanner,
                &c.face_camera,
            ]
            .map(|l| l.clone()),
            // Until the terminal's devices are found (off the UI thread): what is chosen now.
            None => ORDER.map(|kind| vec![uri_of(draft, kind).clone()]),
        };
        adapter.set_devices(model(
            ORDER
                .iter()
                .zip(lists)
                .enumerate()
                .map(|(i, (kind, list))| {
                    let (words, ok) = words::health_words(*kind, state.devices.health_of(*kind));
                    TechDevice {
                        name: words::device_name(*kind).into(),
                        state: words.into(),
                        ok,
                        uri: uri_of(draft, *kind).as_str().into(),
                        info: t.info[i].as_str().into(),
                        choices: strings(list),
                        test_label: words::test_label(*kind).into(),
                        test_result: t.results[i].as_str().into(),
                    }
                })
                .collect(),
        ));
        adapter.set_paper_mm(draft.paper.mm() as i32);
        adapter.set_changed(t.changed(&state.technician_settings));
    }
    adapter.set_settings(model(
        t.settings
            .iter()
            .map(|st| TechSetting {
                label: st.label.into(),
                value: if st.secret {
                    if st.value.is_empty() {
                        "未设置".into()
                    } else {
                        format!("已设置（{} 位）", st.value.chars().count()).into()
                    }
                } else if st.value.is_empty() {
                    "（空）".into()
                } else {
                    st.value.as_str().into()
                },
            })
            .collect(),
    ));
    adapter.set_save_note(t.save_note.as_str().into());
    adapter.set_rotation(t.rotation as i32);
    adapter.set_restart_needed(t.restart_needed);
    adapter.set_show_camera_frame(t.frame.is_some());
    adapter.set_camera_frame(
        t.frame
            .as_ref()
            .map(|frame| pictures.image(frame))
            .unwrap_or_default(),
    );
    adapter.set_link_status(state.technician_link_words().into());
    adapter.set_outbox_status(t.outbox_words.as_str().into());
    adapter.set_speech_status(
        crate::app::words::speech_status(state.speech.unavailable, state.speech.volume()).into(),
    );
    let lines = crate::logging::recent();
    adapter.set_log_lines(strings(lines.iter().skip(lines.len().saturating_sub(20))));
}
