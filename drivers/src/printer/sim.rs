//! A simulated ESC/POS printer: records what it is sent and answers status queries, over a PTY or a socket.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, MutexGuard};

use super::status::PrinterState;
use crate::port::read_some;

#[derive(Default)]
struct SimState {
    received: Vec<u8>,
    states: Vec<PrinterState>,
    pending: Vec<u8>,
}

/// A handle to the simulated printer while it serves.
#[derive(Clone, Default)]
pub struct SimPrinter {
    state: Arc<Mutex<SimState>>,
}

impl SimPrinter {
    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the printer should report (empty or `[Ok]` for a healthy printer).
    pub fn set_states(&self, states: &[PrinterState]) {
        self.lock().states = states.to_vec();
    }

    /// Everything printed so far, status queries taken out.
    pub fn received(&self) -> Vec<u8> {
        self.lock().received.clone()
    }

    pub fn clear(&self) {
        self.lock().received.clear();
    }

    /// The status byte a real printer would send for DLE EOT `n`.
    fn status_byte(&self, n: u8) -> u8 {
        let s = self.lock();
        let has = |state| s.states.contains(&state);
        let mut byte = 0x12;
        match n {
            1 if has(PrinterState::Offline) => byte |= 0x08,
            2 => {
                if has(PrinterState::CoverOpen) {
                    byte |= 0x04;
                }
                if has(PrinterState::Error) {
                    byte |= 0x40;
                }
                if has(PrinterState::PaperOut) {
                    byte |= 0x20;
                }
            }
            3 => {
                if has(PrinterState::CutterError) {
                    byte |= 0x08;
                }
                if has(PrinterState::Unrecoverable) {
                    byte |= 0x20;
                }
            }
            4 if has(PrinterState::PaperOut) => byte |= 0x6C,
            4 if has(PrinterState::PaperNearEnd) => byte |= 0x0C,
            _ => {}
        }
        byte
    }

    /// Takes bytes from the line: records print data, and returns the replies to any status queries in it.
    pub fn receive(&self, bytes: &[u8]) -> Vec<u8> {
        let mut data = std::mem::take(&mut self.lock().pending);
        data.extend_from_slice(bytes);
        let mut replies = Vec::new();
        let mut printed = Vec::new();
        let mut i = 0;
        while i < data.len() {
            if data[i] == 0x10 && data.get(i + 1) == Some(&0x04) {
                match data.get(i + 2) {
                    Some(&n) if (1..=4).contains(&n) => {
                        replies.push(self.status_byte(n));
                        i += 3;
                        continue;
                    }
                    None => break, // a query split across reads: wait for the rest
                    Some(_) => {}
                }
            } else if data[i] == 0x10 && i + 1 == data.len() {
                break;
            }
            printed.push(data[i]);
            i += 1;
        }
        let mut s = self.lock();
        s.pending = data[i..].to_vec();
        s.received.extend_from_slice(&printed);
        replies
    }

    /// Serves one connection (a PTY end or a socket) until it closes.
    pub fn serve(&self, mut port: impl Read + Write) -> io::Result<()> {
        let mut buf = [0u8; 4096];
        loop {
            match read_some(&mut port, &mut buf)? {
                Some(0) => return Ok(()),
                Some(n) => {
                    let replies = self.receive(&buf[..n]);
                    if !replies.is_empty() {
                        port.write_all(&replies)?;
                        port.flush()?;
                    }
                }
                None => {}
            }
        }
    }

    /// Accepts connections on `listener` one after another, as a network printer on port 9100 does.
    pub fn serve_tcp(&self, listener: TcpListener) -> io::Result<()> {
        for stream in listener.incoming() {
            let stream = stream?;
            let _ = self.serve(stream);
        }
        Ok(())
    }
}
