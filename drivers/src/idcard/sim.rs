//! A simulated ID card reader that speaks the SAM protocol over a port (a PTY), for tests and technicians.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use super::frame::{self, FrameDecoder};
use super::text;
use crate::port::read_some;
use crate::Identity;

/// How the simulated reader behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimMode {
    Normal,
    /// Answers every request with this SW3.
    Fail(u8),
    /// Sends line noise, a partial frame and a frame with a bad checksum before each good answer.
    Garbage,
    /// Answers nothing (a reader that hangs or lost power).
    Silent,
}

struct SimState {
    card: Option<(Identity, bool)>,
    /// The placed card was read: it answers select, not find, until it is placed again.
    halted: bool,
    mode: SimMode,
    reads: usize,
    /// Set to make `serve` return, closing its end of the line: the reader was unplugged.
    unplugged: bool,
    /// How long each answer takes (a slow reader).
    delay: std::time::Duration,
}

/// A handle to change the simulated reader while it serves.
#[derive(Clone)]
pub struct SimIdReader {
    state: Arc<Mutex<SimState>>,
}

impl Default for SimIdReader {
    fn default() -> Self {
        SimIdReader {
            state: Arc::new(Mutex::new(SimState {
                card: None,
                halted: false,
                mode: SimMode::Normal,
                reads: 0,
                unplugged: false,
                delay: std::time::Duration::ZERO,
            })),
        }
    }
}

/// The made-up resident the simulator serves unless told otherwise. The number is the worked example of
/// GB 11643 (its check character is X), not a real person's.
pub fn sample_identity() -> Identity {
    let mut id = Identity::default();
    id.id_type = crate::IdType::Resident;
    id.name = "张三".into();
    id.gender = crate::Gender::Male;
    id.nation = "汉".into();
    id.birth_date = "1949-12-31".into();
    id.address = "河南省南阳市西峡县白羽路100号".into();
    id.id_number = "11010519491231002X".into();
    id.authority = "西峡县公安局".into();
    id.valid_from = "2016-01-01".into();
    id.valid_to = "长期".into();
    id
}

/// A second made-up resident: the sample company's agent (经办人) on the simulated platform, not its legal
/// representative. The number is made up with a valid check digit.
pub fn sample_agent_identity() -> Identity {
    let mut id = sample_identity();
    id.name = "李四".into();
    id.gender = crate::Gender::Female;
    id.birth_date = "1990-05-20".into();
    id.address = "河南省南阳市西峡县莲花路20号".into();
    id.id_number = "411323199005206622".into();
    id
}

/// The photo bytes the simulator serves: 1024 bytes shaped like a WLT header, not a real image.
pub fn sample_photo() -> Vec<u8> {
    let mut photo = vec![0u8; 1024];
    photo[..4].copy_from_slice(b"WLf\x00");
    for (i, b) in photo.iter_mut().enumerate().skip(4) {
        *b = (i * 7 % 251) as u8;
    }
    photo
}

impl SimIdReader {
    fn lock(&self) -> MutexGuard<'_, SimState> {
        // A panic elsewhere while holding the lock leaves plain data behind: keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts a card on the reader. `foreign_2017` picks the 2017 foreigner layout for a foreign identity.
    pub fn place(&self, identity: Identity, foreign_2017: bool) {
        let mut s = self.lock();
        s.card = Some((identity, foreign_2017));
        s.halted = false;
    }

    pub fn remove(&self) {
        let mut s = self.lock();
        s.card = None;
        s.halted = false;
    }

    pub fn set_mode(&self, mode: SimMode) {
        self.lock().mode = mode;
    }

    /// Makes every answer take `delay` (a slow reader, whose answers come after the kiosk stopped waiting).
    pub fn set_delay(&self, delay: std::time::Duration) {
        self.lock().delay = delay;
    }

    /// Pulls the plug: `serve` returns and its end of the line closes. A new `serve` plugs it back in.
    pub fn unplug(&self) {
        self.lock().unplugged = true;
    }

    /// How many times the card was read (once per placement, if the poller behaves).
    pub fn reads(&self) -> usize {
        self.lock().reads
    }

    /// The response to one request body (CMD PARA [DATA]), or `None` to stay silent.
    pub fn respond(&self, request: &[u8]) -> Option<Vec<u8>> {
        let mut s = self.lock();
        let (cmd, para) = (*request.first()?, *request.get(1)?);
        let reply = |sw3: u8, data: &[u8]| Some(frame::frame(&[&[0x00, 0x00, sw3], data].concat()));
        match s.mode {
            SimMode::Silent => return None,
            SimMode::Fail(sw3) => return reply(sw3, &[]),
            SimMode::Normal | SimMode::Garbage => {}
        }
        match (cmd, para) {
            (0x20, 0x01) if s.card.is_some() && !s.halted => reply(0x9F, &[0, 0, 0, 0]),
            (0x20, 0x01) => reply(0x80, &[]),
            (0x20, 0x02) if s.card.is_some() => reply(0x90, &[0; 8]),
            (0x20, 0x02) => reply(0x81, &[]),
            (0x30, para @ (0x01 | 0x10)) => match &s.card {
                Some((identity, foreign_2017)) => {
                    let block = text::encode(identity, *foreign_2017);
                    let photo = sample_photo();
                    // A fingerprint block only for `30 10`: two 512-byte templates, here just a pattern.
                    let fingerprint = if para == 0x10 {
                        vec![0x5Au8; 1024]
                    } else {
                        Vec::new()
                    };
                    let mut data =
                        Vec::with_capacity(6 + block.len() + photo.len() + fingerprint.len());
                    data.extend_from_slice(&(block.len() as u16).to_be_bytes());
                    data.extend_from_slice(&(photo.len() as u16).to_be_bytes());
                    if para == 0x10 {
                        data.extend_from_slice(&(fingerprint.len() as u16).to_be_bytes());
                    }
                    data.extend_from_slice(&block);
                    data.extend_from_slice(&photo);
                    data.extend_from_slice(&fingerprint);
                    s.halted = true;
                    s.reads += 1;
                    reply(0x90, &data)
                }
                None => reply(0x41, &[]),
            },
            (0x11, 0xFF) => reply(0x90, &[]),
            (0x12, 0xFF) => {
                let mut id = Vec::new();
                id.extend_from_slice(&5u16.to_le_bytes());
                id.extend_from_slice(&1u16.to_le_bytes());
                id.extend_from_slice(&20101228u32.to_le_bytes());
                id.extend_from_slice(&12345678u32.to_le_bytes());
                id.extend_from_slice(&1234567890u32.to_le_bytes());
                reply(0x90, &id)
            }
            _ => reply(0x21, &[]),
        }
    }

    /// Serves requests from `port` until it closes or fails. Run it on a thread of its own.
    pub fn serve(&self, mut port: impl Read + Write) -> io::Result<()> {
        let mut decoder = FrameDecoder::default();
        let mut buf = [0u8; 512];
        self.lock().unplugged = false;
        loop {
            if self.lock().unplugged {
                return Ok(());
            }
            match read_some(&mut port, &mut buf)? {
                Some(0) => return Ok(()),
                Some(n) => decoder.push(&buf[..n]),
                None => continue,
            }
            while let Some(next) = decoder.next_frame() {
                let Ok(request) = next else {
                    // A real reader answers a bad request frame with SW3 10.
                    port.write_all(&frame::frame(&[0x00, 0x00, 0x10]))?;
                    continue;
                };
                let Some(response) = self.respond(&request.body) else {
                    continue;
                };
                if self.lock().mode == SimMode::Garbage {
                    let mut noise = vec![0x13, 0xAA, 0xAA, 0x00, 0xFF, 0xAA, 0xAA, 0xAA, 0x96];
                    let mut corrupt = frame::frame(&[0x00, 0x00, 0x90, 0x55]);
                    let last = corrupt.len() - 1;
                    corrupt[last] ^= 0x5A;
                    noise.extend_from_slice(&corrupt);
                    port.write_all(&noise)?;
                }
                let delay = self.lock().delay;
                if !delay.is_zero() {
                    std::thread::sleep(delay);
                }
                port.write_all(&response)?;
                port.flush()?;
            }
        }
    }
}
