//! The synthesizer's WAV, read as it streams: the header parsed here (RIFF, `fmt `, then `data`), the samples
//! scaled to the volume on their way to the player, and a whole file measured (length, loudness) for tests and
//! the bench.
//!
//! The header is parsed by hand rather than with `hound`: a synthesizer writing to a pipe cannot go back to fill
//! in the sizes, so espeak-ng writes 0x7ffff000 as the data length, which a reader that trusts the length reads as
//! a truncated file; here the header passes to the player unchanged (aplay plays such streams to their end) and
//! the samples are scaled in place, a few lines for 8- and 16-bit PCM, with no crate added.

use std::time::Duration;

/// The part of the `fmt ` chunk the kiosk needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    pub channels: u16,
    pub sample_rate: u32,
    /// 8 (unsigned) or 16 (signed little-endian).
    pub bits: u16,
}

/// The longest header read before giving up: real ones are 44 bytes, with a `LIST` chunk a few hundred.
const MAX_HEADER: usize = 64 * 1024;

/// Reads a header from the start of a stream: `Ok(None)` while more bytes are needed, else the format and the
/// offset of the first sample.
pub fn parse_header(bytes: &[u8]) -> Result<Option<(Format, usize)>, &'static str> {
    if bytes.len() < 12 {
        return if b"RIFF".starts_with(&bytes[..bytes.len().min(4)]) {
            Ok(None)
        } else {
            Err("not a RIFF file")
        };
    }
    if &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err("not a RIFF WAVE file");
    }
    let mut at = 12;
    let mut format = None;
    loop {
        if at > MAX_HEADER {
            return Err("no data chunk in the first 64 KiB");
        }
        let Some(head) = bytes.get(at..at + 8) else {
            return Ok(None);
        };
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        match &head[0..4] {
            b"fmt " => {
                let Some(body) = bytes.get(at + 8..at + 8 + size.max(16)) else {
                    return Ok(None);
                };
                let tag = u16::from_le_bytes([body[0], body[1]]);
                let channels = u16::from_le_bytes([body[2], body[3]]);
                let sample_rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                let bits = u16::from_le_bytes([body[14], body[15]]);
                // 1: PCM; 0xFFFE: WAVE_FORMAT_EXTENSIBLE, PCM at these sizes in practice.
                if !(tag == 1 || tag == 0xFFFE) || !(bits == 8 || bits == 16) {
                    return Err("not 8- or 16-bit PCM");
                }
                if channels == 0 || sample_rate == 0 {
                    return Err("no channels or no sample rate");
                }
                format = Some(Format {
                    channels,
                    sample_rate,
                    bits,
                });
            }
            b"data" => {
                return match format {
                    Some(f) => Ok(Some((f, at + 8))),
                    None => Err("data before the format"),
                };
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        at = at.saturating_add(8).saturating_add(size + (size & 1));
    }
}

/// Scales a WAV stream's samples to a volume as it passes: the header unchanged, then each sample times the
/// volume (linear amplitude, 0 to 100 %).
#[derive(Default)]
pub struct VolumeFilter {
    header: Vec<u8>,
    format: Option<Format>,
    /// The first byte of a 16-bit sample split between two reads.
    carry: Option<u8>,
    samples_out: u64,
}

impl VolumeFilter {
    /// Takes the next bytes of the stream and appends what goes to the player to `out`.
    pub fn push(
        &mut self,
        input: &[u8],
        volume: u8,
        out: &mut Vec<u8>,
    ) -> Result<(), &'static str> {
        let Some(format) = self.format else {
            self.header.extend_from_slice(input);
            let Some((format, start)) = parse_header(&self.header)? else {
                return Ok(());
            };
            self.format = Some(format);
            let header = std::mem::take(&mut self.header);
            out.extend_from_slice(&header[..start]);
            return self.push(&header[start..], volume, out);
        };
        let gain = i32::from(volume.min(100));
        let before = out.len();
        if format.bits == 8 {
            out.extend(
                input
                    .iter()
                    .map(|&s| ((i32::from(s) - 128) * gain / 100 + 128) as u8),
            );
        } else {
            let mut rest = input;
            if let Some(low) = self.carry.take() {
                match rest.split_first() {
                    Some((&high, tail)) => {
                        out.extend_from_slice(&scale16(low, high, gain));
                        rest = tail;
                    }
                    None => {
                        self.carry = Some(low);
                        return Ok(());
                    }
                }
            }
            let mut pairs = rest.chunks_exact(2);
            for pair in &mut pairs {
                out.extend_from_slice(&scale16(pair[0], pair[1], gain));
            }
            self.carry = pairs.remainder().first().copied();
        }
        self.samples_out += (out.len() - before) as u64;
        Ok(())
    }

    /// Whether sample bytes (not only the header) have gone out.
    pub fn sounding(&self) -> bool {
        self.samples_out > 0
    }
}

fn scale16(low: u8, high: u8, gain: i32) -> [u8; 2] {
    let sample = i32::from(i16::from_le_bytes([low, high]));
    ((sample * gain / 100) as i16).to_le_bytes()
}

/// A whole WAV file measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WavInfo {
    pub format: Format,
    pub duration: Duration,
    /// Loudest sample, 0 to 1 of full scale.
    pub peak: f64,
    /// Root mean square of all samples, 0 to 1 of full scale.
    pub rms: f64,
}

/// Measures a whole WAV file. The data runs to the end of the bytes when the header's length is the
/// "unknown" one a pipe gets.
pub fn analyse(wav: &[u8]) -> Result<WavInfo, &'static str> {
    let (format, start) = parse_header(wav)?.ok_or("the header is cut short")?;
    let declared = u32::from_le_bytes([
        wav[start - 4],
        wav[start - 3],
        wav[start - 2],
        wav[start - 1],
    ]);
    let data = &wav[start..];
    let data = &data[..data.len().min(declared as usize)];
    let samples: Vec<f64> = if format.bits == 8 {
        data.iter()
            .map(|&s| (f64::from(s) - 128.0) / 128.0)
            .collect()
    } else {
        data.chunks_exact(2)
            .map(|p| f64::from(i16::from_le_bytes([p[0], p[1]])) / 32768.0)
            .collect()
    };
    let frames = samples.len() as f64 / f64::from(format.channels);
    let peak = samples.iter().fold(0.0f64, |m, s| m.max(s.abs()));
    let rms = if samples.is_empty() {
        0.0
    } else {
        (samples.iter().map(|s| s * s).sum::<f64>() / samples.len() as f64).sqrt()
    };
    Ok(WavInfo {
        format,
        duration: Duration::from_secs_f64(frames / f64::from(format.sample_rate)),
        peak,
        rms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit mono header as espeak-ng writes it to a pipe (unknown lengths), with a `LIST` chunk before the
    /// data as other engines write.
    fn header(rate: u32) -> Vec<u8> {
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF\x24\xf0\xff\x7fWAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * 2).to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"LIST\x03\x00\x00\x00abc\x00");
        h.extend_from_slice(b"data\x00\xf0\xff\x7f");
        h
    }

    #[test]
    fn the_header_is_read_as_it_arrives() {
        let h = header(22050);
        for cut in 0..h.len() {
            assert_eq!(parse_header(&h[..cut]), Ok(None), "{cut} bytes");
        }
        let (format, start) = parse_header(&h).expect("valid").expect("whole");
        assert_eq!(start, h.len());
        assert_eq!(format.sample_rate, 22050);
        assert!(parse_header(b"ID3\x04 not a wav file at all").is_err());
    }

    #[test]
    fn samples_are_scaled_across_split_reads() {
        let mut wav = header(16000);
        for s in [1000i16, -2000, 32767, -32768] {
            wav.extend_from_slice(&s.to_le_bytes());
        }
        let mut filter = VolumeFilter::default();
        let mut out = Vec::new();
        // One byte at a time: the header and every sample split.
        for b in &wav {
            filter
                .push(std::slice::from_ref(b), 50, &mut out)
                .expect("valid");
        }
        assert!(filter.sounding());
        let h = header(16000).len();
        assert_eq!(&out[..h], &wav[..h], "the header passes unchanged");
        let samples: Vec<i16> = out[h..]
            .chunks_exact(2)
            .map(|p| i16::from_le_bytes([p[0], p[1]]))
            .collect();
        assert_eq!(samples, vec![500, -1000, 16383, -16384]);
        let info = analyse(&out).expect("a wav");
        assert!((info.peak - 0.5).abs() < 0.01, "{info:?}");
        assert_eq!(info.duration, Duration::from_secs_f64(4.0 / 16000.0));
    }
}
