//! `kiosk sim idcard|printer|scanner`: simulators that speak the devices' bytes on a pseudo-terminal (or, for the
//! printer, a TCP socket), for technicians and tests. Each prints where to connect on its first line, then takes
//! commands on standard input (one per line); with standard input closed it keeps serving until stopped.

use std::io::{BufRead, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use clap::Subcommand;
use drivers::idcard::{SimIdReader, SimMode};
use drivers::printer::{PrinterState, SimPrinter};
use drivers::scanner::Suffix;
use drivers::serialport::{SerialPort, TTYPort};

use drivers::idcard::sim::sample_identity;

use super::backoffice_sim::BackofficeArgs;
use super::identity_json::IdentityJson;
use super::Failed;

#[derive(Subcommand)]
pub enum SimAction {
    /// An ID card reader. Commands: place, remove, fail HEX, garbage, silent, normal.
    Idcard {
        /// The identity to serve, as the JSON `kiosk device read-card --json` prints; a made-up one otherwise.
        #[arg(long)]
        identity: Option<PathBuf>,
        /// Start with no card on the reader.
        #[arg(long)]
        no_card: bool,
        /// Answer every request with this SW3 status (hex, e.g. 41 read failed, 60 SAM fault).
        #[arg(long, value_parser = parse_hex)]
        fail: Option<u8>,
        /// Send line noise and a bad frame before each answer.
        #[arg(long)]
        garbage: bool,
        /// Serve a foreigner's identity in the 2017 card layout ('I') rather than the 2023 one ('Y').
        #[arg(long)]
        foreign_2017: bool,
    },
    /// An ESC/POS printer. Commands: ok, paper_out, paper_near_end, cover_open, offline, cutter_error.
    Printer {
        /// Listen on this TCP address (e.g. 127.0.0.1:9100) instead of a pseudo-terminal.
        #[arg(long)]
        tcp: Option<String>,
        /// Start in this state (repeatable): paper_out, paper_near_end, cover_open, offline, cutter_error.
        #[arg(long = "state", value_parser = parse_state)]
        states: Vec<PrinterState>,
        /// Keep a copy of everything printed in this file.
        #[arg(long)]
        record: Option<PathBuf>,
    },
    /// The back office (`back-office-api.md`) over HTTP or HTTPS, on SQLite, with injectable faults.
    Backoffice(Box<BackofficeArgs>),
    /// A code scanner in serial line mode. Each line on standard input is sent as a scanned code.
    Scanner {
        /// What ends each code: cr, lf, crlf, tab or none.
        #[arg(long, default_value = "cr")]
        suffix: Suffix,
        /// Codes to send once at the start.
        #[arg(long)]
        code: Vec<String>,
    },
}

fn parse_hex(text: &str) -> Result<u8, String> {
    u8::from_str_radix(text.trim_start_matches("0x"), 16)
        .map_err(|_| format!("`{text}` is not a hex byte"))
}

fn parse_state(text: &str) -> Result<PrinterState, String> {
    [
        PrinterState::Ok,
        PrinterState::PaperOut,
        PrinterState::PaperNearEnd,
        PrinterState::CoverOpen,
        PrinterState::Offline,
        PrinterState::CutterError,
        PrinterState::Error,
        PrinterState::Unrecoverable,
    ]
    .into_iter()
    .find(|s| s.code() == text)
    .ok_or_else(|| format!("unknown printer state `{text}`"))
}

/// A PTY pair: the device's end and the path a client opens. The client's end stays open here so the device's
/// end keeps working while clients come and go.
fn pty() -> Result<(TTYPort, TTYPort, String), Failed> {
    let (mut device, client) = TTYPort::pair()
        .map_err(|e| Failed::with_message(format!("cannot make a pseudo-terminal: {e}")))?;
    device
        .set_timeout(Duration::from_millis(50))
        .map_err(Failed::with_message)?;
    let path = client
        .name()
        .ok_or_else(|| Failed::with_message("the pseudo-terminal has no name"))?;
    Ok((device, client, path))
}

/// Prints where to connect, then feeds each line of standard input to `command`; once input ends, serves on.
fn announce_and_listen(address: &str, mut command: impl FnMut(&str) -> Result<(), String>) {
    println!("{address}");
    let _ = std::io::stdout().flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match command(line) {
            Ok(()) => println!("ok"),
            Err(message) => println!("error: {message}"),
        }
        let _ = std::io::stdout().flush();
    }
    loop {
        thread::park();
    }
}

pub fn run(config: &std::path::Path, action: &SimAction) -> Result<(), Failed> {
    match action {
        SimAction::Backoffice(args) => super::backoffice_sim::run(config, args),
        SimAction::Idcard {
            identity,
            no_card,
            fail,
            garbage,
            foreign_2017,
        } => {
            let identity = match identity {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| Failed::with_message(format!("{}: {e}", path.display())))?;
                    let json: IdentityJson = serde_json::from_str(&text).map_err(|e| {
                        Failed::with_message(format!("{}:{}: {e}", path.display(), e.line()))
                    })?;
                    json.to_identity()
                        .map_err(|e| Failed::with_message(format!("{}: {e}", path.display())))?
                }
                None => sample_identity(),
            };
            let sim = SimIdReader::default();
            if !no_card {
                sim.place(identity.clone(), *foreign_2017);
            }
            match (fail, garbage) {
                (Some(sw3), _) => sim.set_mode(SimMode::Fail(*sw3)),
                (None, true) => sim.set_mode(SimMode::Garbage),
                (None, false) => {}
            }
            let (device, _client, path) = pty()?;
            let serving = sim.clone();
            thread::spawn(move || serving.serve(device));
            let foreign_2017 = *foreign_2017;
            announce_and_listen(&path, |line| {
                let mut words = line.split_whitespace();
                match (words.next(), words.next()) {
                    (Some("place"), _) => sim.place(identity.clone(), foreign_2017),
                    (Some("remove"), _) => sim.remove(),
                    (Some("fail"), Some(code)) => sim.set_mode(SimMode::Fail(parse_hex(code)?)),
                    (Some("garbage"), _) => sim.set_mode(SimMode::Garbage),
                    (Some("silent"), _) => sim.set_mode(SimMode::Silent),
                    (Some("normal"), _) => sim.set_mode(SimMode::Normal),
                    _ => {
                        return Err(
                            "commands: place, remove, fail HEX, garbage, silent, normal".into()
                        )
                    }
                }
                Ok(())
            });
            Ok(())
        }
        SimAction::Printer {
            tcp,
            states,
            record,
        } => {
            let sim = SimPrinter::default();
            sim.set_states(states);
            let address = match tcp {
                Some(addr) => {
                    let listener = TcpListener::bind(addr)
                        .map_err(|e| Failed::with_message(format!("{addr}: {e}")))?;
                    let local = listener.local_addr().map_err(Failed::with_message)?;
                    let serving = sim.clone();
                    thread::spawn(move || serving.serve_tcp(listener));
                    format!("tcp://{local}")
                }
                None => {
                    let (device, client, path) = pty()?;
                    let serving = sim.clone();
                    thread::spawn(move || {
                        let _client = client;
                        serving.serve(device)
                    });
                    format!("serial:{path}")
                }
            };
            if let Some(path) = record.clone() {
                let recording = sim.clone();
                thread::spawn(move || keep_recording(&recording, &path));
            }
            announce_and_listen(&address, |line| {
                let state = parse_state(line)?;
                sim.set_states(&[state]);
                Ok(())
            });
            Ok(())
        }
        SimAction::Scanner { suffix, code } => {
            let (mut device, _client, path) = pty()?;
            let suffix = *suffix;
            let mut send = move |code: &str| -> Result<(), String> {
                device
                    .write_all(code.as_bytes())
                    .and_then(|_| device.write_all(suffix.bytes()))
                    .map_err(|e| e.to_string())
            };
            for c in code {
                send(c).map_err(Failed::with_message)?;
            }
            announce_and_listen(&path, send);
            Ok(())
        }
    }
}

/// Mirrors everything the simulated printer received into `path`, as it comes.
fn keep_recording(sim: &SimPrinter, path: &std::path::Path) {
    let mut written = 0;
    loop {
        let received = sim.received();
        if received.len() != written {
            if std::fs::write(path, &received).is_err() {
                return;
            }
            written = received.len();
        }
        thread::sleep(Duration::from_millis(100));
    }
}
