//! The kiosk on screen, headless: the applicant's path, status look-ups, technician mode, timeouts and the
//! elderly-friendly rules. One test binary, so the Slint UI links once; each test runs on its own thread with
//! its own Slint platform (see `common::init_headless`).

#[path = "../common/mod.rs"]
mod common;

mod terminal_taps;
mod ui_elderly;
mod ui_identify;
mod ui_intake;
mod ui_path;
mod ui_platform;
mod ui_shell;
mod ui_speech;
mod ui_status;
mod ui_stranger;
mod ui_technician;
mod ui_timeout;
mod walk;
