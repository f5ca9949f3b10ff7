//! Frames of the SAM serial protocol (GA 467 family).
//!
//! A frame is the preamble `AA AA AA 96 69`, LEN as two bytes big-endian, the body and a checksum byte. LEN counts
//! the body and the checksum; the checksum is the XOR of every byte from the first LEN byte through the last body
//! byte. A request body is CMD PARA [DATA]; a response body is SW1 SW2 SW3 [DATA].

pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];

/// No frame a reader sends is longer than this (text + photo + fingerprint is about 2.3 KB).
const MAX_LEN: usize = 4096;

/// XOR of `bytes`.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |acc, b| acc ^ b)
}

/// A whole request frame: `cmd`, `para` and `data`.
pub fn request(cmd: u8, para: u8, data: &[u8]) -> Vec<u8> {
    frame(&[&[cmd, para], data].concat())
}

/// A whole frame around `body` (what a reader sends back, for the simulator).
pub fn frame(body: &[u8]) -> Vec<u8> {
    let len = (body.len() + 1) as u16;
    let mut out = Vec::with_capacity(PREAMBLE.len() + 2 + body.len() + 1);
    out.extend_from_slice(&PREAMBLE);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    out.push(checksum(&out[PREAMBLE.len()..]));
    out
}

/// A frame's body, checksum verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub body: Vec<u8>,
}

impl Frame {
    /// SW1 SW2 SW3 of a response, when the body is long enough to have them.
    pub fn status(&self) -> Option<[u8; 3]> {
        self.body.get(..3).map(|s| [s[0], s[1], s[2]])
    }

    /// What follows SW1..SW3 in a response.
    pub fn data(&self) -> &[u8] {
        self.body.get(3..).unwrap_or(&[])
    }
}

/// Something on the line that was not a good frame. The decoder has already moved past it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// A frame whose checksum did not match.
    Checksum,
    /// A preamble followed by a length no reader sends.
    Length(usize),
}

/// Turns bytes from the line into frames, resynchronising on the preamble after garbage, partial frames and bad
/// checksums. Never panics, whatever it is fed.
#[derive(Default)]
pub struct FrameDecoder {
    buffer: Vec<u8>,
    /// Bytes dropped because they were not part of any frame.
    pub skipped: usize,
}

impl FrameDecoder {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// Forgets everything buffered (before a new request, so a stale answer cannot be taken for the new one).
    pub fn clear(&mut self) {
        self.skipped += self.buffer.len();
        self.buffer.clear();
    }

    /// The next complete frame, an error about a bad one (already skipped), or `None` until more bytes come.
    pub fn next_frame(&mut self) -> Option<Result<Frame, FrameError>> {
        let Some(start) = find(&self.buffer, &PREAMBLE) else {
            // Keep a tail that may be the start of a preamble split across reads.
            let keep = (1..PREAMBLE.len())
                .rev()
                .find(|&n| self.buffer.ends_with(&PREAMBLE[..n]))
                .unwrap_or(0);
            self.skip(self.buffer.len() - keep);
            return None;
        };
        self.skip(start);
        let header = PREAMBLE.len() + 2;
        if self.buffer.len() < header {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([self.buffer[5], self.buffer[6]]));
        if !(2..=MAX_LEN).contains(&len) {
            // Not a real frame: look for the next preamble after this one's first byte.
            self.skip(1);
            return Some(Err(FrameError::Length(len)));
        }
        let end = header + len;
        if self.buffer.len() < end {
            return None;
        }
        if checksum(&self.buffer[PREAMBLE.len()..end - 1]) != self.buffer[end - 1] {
            self.skip(1);
            return Some(Err(FrameError::Checksum));
        }
        let body = self.buffer[header..end - 1].to_vec();
        self.buffer.drain(..end);
        Some(Ok(Frame { body }))
    }

    /// When a preamble waits for more bytes than will come (noise that looked like a frame start), drops its
    /// first byte so the rest is scanned again. Returns whether there was such a stalled frame.
    pub fn skip_stalled_frame(&mut self) -> bool {
        if self.buffer.starts_with(&PREAMBLE) {
            self.skip(1);
            true
        } else {
            false
        }
    }

    fn skip(&mut self, n: usize) {
        self.skipped += n;
        self.buffer.drain(..n);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_requests_match_the_documented_bytes() {
        let find_card = [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22];
        assert_eq!(request(0x20, 0x01, &[]), find_card);
        assert_eq!(request(0x20, 0x02, &[])[7..], [0x20, 0x02, 0x21]);
        assert_eq!(request(0x30, 0x01, &[])[7..], [0x30, 0x01, 0x32]);
        assert_eq!(request(0x11, 0xFF, &[])[7..], [0x11, 0xFF, 0xED]);
        assert_eq!(request(0x12, 0xFF, &[])[7..], [0x12, 0xFF, 0xEE]);
        assert_eq!(
            request(0x61, 0xFF, &[0x50])[5..],
            [0x00, 0x04, 0x61, 0xFF, 0x50, 0xCA]
        );
    }

    #[test]
    fn decodes_a_response() {
        let mut decoder = FrameDecoder::default();
        decoder.push(&frame(&[0x00, 0x00, 0x9F, 0, 0, 0, 0]));
        let frame = decoder.next_frame().unwrap().unwrap();
        assert_eq!(frame.status(), Some([0, 0, 0x9F]));
        assert_eq!(frame.data(), &[0, 0, 0, 0]);
        assert!(decoder.next_frame().is_none());
    }

    #[test]
    fn resynchronises_after_garbage_and_split_reads() {
        let good = frame(&[0x00, 0x00, 0x90]);
        let mut decoder = FrameDecoder::default();
        decoder.push(&[0x13, 0xAA, 0x37, 0xAA, 0xAA]);
        assert!(decoder.next_frame().is_none());
        for byte in &good {
            decoder.push(&[*byte]);
        }
        assert_eq!(
            decoder.next_frame().unwrap().unwrap().status(),
            Some([0, 0, 0x90])
        );
        assert_eq!(decoder.skipped, 5);
    }

    #[test]
    fn a_bad_checksum_is_reported_and_skipped() {
        let mut bad = frame(&[0x00, 0x00, 0x90, 1, 2, 3]);
        let last = bad.len() - 1;
        bad[last] ^= 0xFF;
        let good = frame(&[0x00, 0x00, 0x9F]);
        let mut decoder = FrameDecoder::default();
        decoder.push(&bad);
        decoder.push(&good);
        assert_eq!(decoder.next_frame(), Some(Err(FrameError::Checksum)));
        assert_eq!(
            decoder.next_frame().unwrap().unwrap().status(),
            Some([0, 0, 0x9F])
        );
    }

    #[test]
    fn a_false_start_claiming_a_long_frame_gives_way_when_told() {
        let mut decoder = FrameDecoder::default();
        decoder.push(&[0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x0F, 0x00]);
        decoder.push(&frame(&[0x00, 0x00, 0x90]));
        assert!(
            decoder.next_frame().is_none(),
            "waits for the 3840 bytes the false start claims"
        );
        assert!(decoder.skip_stalled_frame());
        assert_eq!(
            decoder.next_frame().unwrap().unwrap().status(),
            Some([0, 0, 0x90])
        );
    }

    #[test]
    fn an_impossible_length_is_skipped() {
        let mut decoder = FrameDecoder::default();
        decoder.push(&[0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF]);
        decoder.push(&frame(&[0x00, 0x00, 0x80]));
        assert_eq!(decoder.next_frame(), Some(Err(FrameError::Length(0xFFFF))));
        assert_eq!(
            decoder.next_frame().unwrap().unwrap().status(),
            Some([0, 0, 0x80])
        );
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes, split anywhere: no panic, and a good frame sent after them is still found.
        #[test]
        fn decoder_survives_any_bytes(noise in proptest::collection::vec(any::<u8>(), 0..600), split in 0usize..700) {
            let mut decoder = FrameDecoder::default();
            let good = frame(&[0x00, 0x00, 0x90, 0x42]);
            let mut all = noise.clone();
            all.extend_from_slice(&good);
            let split = split.min(all.len());
            decoder.push(&all[..split]);
            let mut found = Vec::new();
            while let Some(f) = decoder.next_frame() { if let Ok(f) = f { found.push(f) } }
            decoder.push(&all[split..]);
            while let Some(f) = decoder.next_frame() { if let Ok(f) = f { found.push(f) } }
            // The noise may contain a frame of its own, or swallow the good one's start as a claimed length; then
            // the good frame arrives as the last one found or was consumed as a valid frame of the noise.
            let last_is_good = found.last().is_some_and(|f| f.body == [0x00, 0x00, 0x90, 0x42]);
            let noise_has_preamble = noise.windows(2).any(|w| w == [0xAA, 0xAA]) || noise.ends_with(&[0xAA]);
            prop_assert!(last_is_good || noise_has_preamble);
        }
    }
}
