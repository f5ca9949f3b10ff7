//! Talking to a SAM ID card reader: one request, one response, over any byte stream (a serial port in practice).

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use super::frame::{self, Frame, FrameDecoder};
use super::status::Sw3;
use super::text::{self, TextError, TEXT_LEN};
use crate::port::read_some;
use crate::Identity;

/// A serial port, a PTY in tests: reads must time out (return `TimedOut` or `WouldBlock`) rather than block
/// forever, as `serialport` ports do with a timeout set.
pub trait Port: Read + Write + Send {}
impl<T: Read + Write + Send> Port for T {}

/// Why a card or the reader could not be read. The Display is technical English (logs, the heartbeat, a
/// technician's detail) and names no personal data; the app words it for people by [`ReaderError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum ReaderError {
    #[error("the reader did not answer")]
    Timeout,
    #[error("garbled frames from the reader (checksum or length)")]
    Garbled,
    #[error("the reader answered {0}")]
    Status(Sw3),
    #[error(transparent)]
    Text(#[from] TextError),
    #[error("the reader's answer is incomplete")]
    Malformed,
    #[error("reader connection lost: {0}")]
    Io(#[from] io::Error),
}

/// What went wrong with a card or the reader, without the detail: the reader's own status and the text block's
/// problems keep their classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardErrorKind {
    NoAnswer,
    Garbled,
    Status(Sw3),
    Text(TextError),
    Malformed,
    Disconnected,
}

impl ReaderError {
    pub fn kind(&self) -> CardErrorKind {
        match self {
            ReaderError::Timeout => CardErrorKind::NoAnswer,
            ReaderError::Garbled => CardErrorKind::Garbled,
            ReaderError::Status(sw3) => CardErrorKind::Status(*sw3),
            ReaderError::Text(text) => CardErrorKind::Text(*text),
            ReaderError::Malformed => CardErrorKind::Malformed,
            ReaderError::Io(_) => CardErrorKind::Disconnected,
        }
    }

    /// A fault of the line or the device (a technician's matter), as opposed to the card or the applicant.
    pub fn is_device_fault(&self) -> bool {
        match self {
            ReaderError::Timeout
            | ReaderError::Garbled
            | ReaderError::Malformed
            | ReaderError::Io(_) => true,
            ReaderError::Status(sw3) => !sw3.applicant_can_retry(),
            ReaderError::Text(_) => false,
        }
    }
}

/// What a card holds: the identity and the photo as the chip stores it (WLT, decodable only by the vendor's
/// library).
pub struct CardData {
    pub identity: Identity,
    pub photo_wlt: Vec<u8>,
}

/// A reader on a port.
pub struct SamReader<P: Port> {
    port: P,
    decoder: FrameDecoder,
    timeout: Duration,
}

impl<P: Port> SamReader<P> {
    /// `timeout` bounds each exchange; a read of text and photo (1295 bytes) takes about 112 ms at 115200 baud.
    pub fn new(port: P, timeout: Duration) -> SamReader<P> {
        SamReader {
            port,
            decoder: FrameDecoder::default(),
            timeout,
        }
    }

    /// Bytes dropped so far because they were not part of a good frame.
    pub fn skipped_bytes(&self) -> usize {
        self.decoder.skipped
    }

    /// Sends a request and waits for its response frame.
    pub fn transact(&mut self, cmd: u8, para: u8, data: &[u8]) -> Result<Frame, ReaderError> {
        // Whatever is still buffered, here or in the port, belongs to an earlier exchange (a late answer to a
        // request that timed out must not be taken for this one's).
        self.decoder.clear();
        self.discard_input()?;
        self.port.write_all(&frame::request(cmd, para, data))?;
        self.port.flush()?;
        let deadline = Instant::now() + self.timeout;
        let mut garbled = false;
        let mut buf = [0u8; 2048];
        loop {
            while let Some(next) = self.decoder.next_frame() {
                match next {
                    Ok(frame) if answers(cmd, para, &frame) => return Ok(frame),
                    Ok(_) | Err(_) => garbled = true,
                }
            }
            if Instant::now() >= deadline {
                // Noise that looked like the start of a long frame may hold a real answer behind it.
                while self.decoder.skip_stalled_frame() {
                    while let Some(next) = self.decoder.next_frame() {
                        if let Ok(frame) = next {
                            if answers(cmd, para, &frame) {
                                return Ok(frame);
                            }
                        }
                    }
                }
                return Err(if garbled {
                    ReaderError::Garbled
                } else {
                    ReaderError::Timeout
                });
            }
            match read_some(&mut self.port, &mut buf)? {
                Some(0) => {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port closed").into())
                }
                Some(n) => self.decoder.push(&buf[..n]),
                None => {}
            }
        }
    }

    /// Reads and drops what the port holds until it is quiet.
    fn discard_input(&mut self) -> Result<(), ReaderError> {
        let mut buf = [0u8; 2048];
        for _ in 0..64 {
            match read_some(&mut self.port, &mut buf)? {
                Some(0) => {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port closed").into());
                }
                Some(n) => self.decoder.skipped += n,
                None => break,
            }
        }
        Ok(())
    }

    /// A request whose SW3 must be a success; anything else is an error with that status.
    fn command(&mut self, cmd: u8, para: u8) -> Result<(Sw3, Frame), ReaderError> {
        let frame = self.transact(cmd, para, &[])?;
        let sw3 = Sw3::from_byte(frame.status().ok_or(ReaderError::Malformed)?[2]);
        Ok((sw3, frame))
    }

    /// Find card (`20 01`): whether a newly placed card is there.
    pub fn find_card(&mut self) -> Result<bool, ReaderError> {
        match self.command(0x20, 0x01)?.0 {
            Sw3::CardFound => Ok(true),
            Sw3::NoCard => Ok(false),
            other => Err(ReaderError::Status(other)),
        }
    }

    /// Select card (`20 02`): whether the card is (still) there. A card already read answers select but not find.
    pub fn select_card(&mut self) -> Result<bool, ReaderError> {
        match self.command(0x20, 0x02)?.0 {
            Sw3::Ok => Ok(true),
            Sw3::SelectFailed | Sw3::NoCard => Ok(false),
            other => Err(ReaderError::Status(other)),
        }
    }

    /// Read text and photo (`30 01`).
    pub fn read_card(&mut self) -> Result<CardData, ReaderError> {
        let (sw3, frame) = self.command(0x30, 0x01)?;
        if sw3 != Sw3::Ok {
            return Err(ReaderError::Status(sw3));
        }
        parse_read(frame.data())
    }

    /// Read text, photo and fingerprint (`30 10`), for readers configured to answer only that way. The
    /// fingerprint is dropped at once: the kiosk has no use for biometric data and must not hold it.
    pub fn read_card_with_fingerprint(&mut self) -> Result<CardData, ReaderError> {
        let (sw3, frame) = self.command(0x30, 0x10)?;
        if sw3 != Sw3::Ok {
            return Err(ReaderError::Status(sw3));
        }
        parse_read_with_fingerprint(frame.data())
    }

    /// SAM status (`11 FF`).
    pub fn sam_status(&mut self) -> Result<(), ReaderError> {
        match self.command(0x11, 0xFF)?.0 {
            Sw3::Ok => Ok(()),
            other => Err(ReaderError::Status(other)),
        }
    }

    /// The SAM module's id (`12 FF`) as readers' tools print it, e.g. `05.01-20101228-0012345678-1234567890`.
    pub fn sam_id(&mut self) -> Result<String, ReaderError> {
        let (sw3, frame) = self.command(0x12, 0xFF)?;
        if sw3 != Sw3::Ok {
            return Err(ReaderError::Status(sw3));
        }
        let d = frame.data();
        if d.len() < 16 {
            return Err(ReaderError::Malformed);
        }
        let u16_at = |i: usize| u16::from_le_bytes([d[i], d[i + 1]]);
        let u32_at = |i: usize| u32::from_le_bytes([d[i], d[i + 1], d[i + 2], d[i + 3]]);
        Ok(format!(
            "{:02}.{:02}-{}-{:010}-{:010}",
            u16_at(0),
            u16_at(2),
            u32_at(4),
            u32_at(8),
            u32_at(12)
        ))
    }
}

/// Whether `frame` can be the answer to `cmd para`: answers carry no command, so a late answer to an earlier
/// request is told apart by its shape (a read's answer is over a kilobyte, a find's at most four bytes).
fn answers(cmd: u8, para: u8, frame: &Frame) -> bool {
    let Some([_, _, sw3]) = frame.status() else {
        return false;
    };
    let len = frame.data().len();
    let success = Sw3::from_byte(sw3).is_success();
    match (cmd, para) {
        (0x20, 0x01) => {
            len <= 4 && matches!(Sw3::from_byte(sw3), Sw3::CardFound | Sw3::NoCard) || !success
        }
        (0x20, 0x02) => len <= 8 && sw3 != 0x9F,
        (0x30, _) => !success || len >= 4 + TEXT_LEN,
        (0x11, _) => len == 0,
        (0x12, _) => !success || len >= 16,
        _ => true,
    }
}

/// The data of a `30 01` response: text length, photo length, text, photo.
pub fn parse_read(data: &[u8]) -> Result<CardData, ReaderError> {
    parse_blocks(data, 2)
}

/// The data of a `30 10` response: text, photo and fingerprint lengths, then the three blocks.
pub fn parse_read_with_fingerprint(data: &[u8]) -> Result<CardData, ReaderError> {
    parse_blocks(data, 3)
}

/// `count` big-endian lengths, then the blocks they measure: text first, photo second, anything else ignored.
fn parse_blocks(data: &[u8], count: usize) -> Result<CardData, ReaderError> {
    let header = 2 * count;
    if data.len() < header {
        return Err(ReaderError::Malformed);
    }
    let lengths: Vec<usize> = data[..header]
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_be_bytes([c[0], c[1]])))
        .collect();
    let body = &data[header..];
    let (text_len, photo_len) = (lengths[0], lengths[1]);
    if text_len != TEXT_LEN || body.len() < lengths.iter().sum::<usize>() {
        return Err(ReaderError::Malformed);
    }
    Ok(CardData {
        identity: text::parse(&body[..text_len])?,
        photo_wlt: body[text_len..text_len + photo_len].to_vec(),
    })
}
