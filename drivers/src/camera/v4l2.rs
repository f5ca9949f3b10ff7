//! A UVC document camera through V4L2: the preview streams a modest size and is decoded for the screen; a
//! capture switches to the largest size. MJPEG is preferred (the camera's own JPEG is handed over unchanged);
//! cameras without it, or with it only at low sizes, send YUYV or RGB, which is encoded to JPEG here.

use std::path::{Path, PathBuf};

use linuxvideo::format::{PixFormat, PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, Device};

use super::raw_frame::{RawFormat, RawLayout};
use super::{decode_jpeg, decode_scaled, encode_jpeg, CameraError, DocumentCamera, Frame};

/// The preview streams at about this width; document cameras offer 640×480 to 1280×720 at speed.
const PREVIEW_WIDTH: u32 = 1280;
/// Longer than any frame interval a working camera has.
const FRAME_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
/// Frames dropped after switching to full resolution, while exposure settles.
const SETTLE_FRAMES: usize = 3;
/// The JPEG quality of pages from uncompressed frames: what document cameras' own encoders use.
const PAGE_QUALITY: u8 = 90;
/// In order of preference: compressed first (less to copy, the camera's own encoder), then raw.
const PREFERRED: [PixelFormat; 4] = [
    PixelFormat::MJPG,
    PixelFormat::JPEG,
    PixelFormat::YUYV,
    PixelFormat::RGB3,
];

/// A running stream and how to read its frames.
struct Stream {
    stream: ReadStream,
    raw: Option<RawLayout>,
}

impl Stream {
    /// The next frame as RGB.
    fn image(&mut self) -> Result<image::RgbImage, CameraError> {
        let data = V4l2Camera::frame(&mut self.stream)?;
        match self.raw {
            Some(layout) => layout.decode(&data),
            None => decode_jpeg(&data),
        }
    }
}

pub struct V4l2Camera {
    path: PathBuf,
    format: PixelFormat,
    preview: Option<Stream>,
}

fn absent(path: &Path, e: impl std::fmt::Display) -> CameraError {
    CameraError::Absent(format!("{}: {e}", path.display()))
}

/// The pixel formats a camera offers, as their FourCC names (technicians check for MJPG, YUYV or RGB3).
pub fn formats(path: &Path) -> Result<Vec<String>, CameraError> {
    let device = Device::open(path).map_err(|e| absent(path, e))?;
    Ok(device
        .formats(BufType::VIDEO_CAPTURE)
        .filter_map(|f| f.ok().map(|f| f.pixel_format().to_string()))
        .collect())
}

impl V4l2Camera {
    pub fn open(path: &Path) -> Result<V4l2Camera, CameraError> {
        let device = Device::open(path).map_err(|e| absent(path, e))?;
        let formats: Vec<PixelFormat> = device
            .formats(BufType::VIDEO_CAPTURE)
            .filter_map(|f| f.ok().map(|f| f.pixel_format()))
            .collect();
        let format = PREFERRED
            .into_iter()
            .find(|f| formats.contains(f))
            .ok_or(CameraError::NoUsableFormat)?;
        Ok(V4l2Camera {
            path: path.to_path_buf(),
            format,
            preview: None,
        })
    }

    /// A stream at `width`×`height`, or the closest the driver offers.
    fn stream(&self, width: u32, height: u32) -> Result<Stream, CameraError> {
        let device = Device::open(&self.path).map_err(|e| absent(&self.path, e))?;
        let capture = device.video_capture(PixFormat::new(width, height, self.format))?;
        let chosen = capture.format();
        let raw_format = match chosen.pixel_format() {
            PixelFormat::YUYV => Some(RawFormat::Yuyv),
            PixelFormat::RGB3 => Some(RawFormat::Rgb24),
            _ => None,
        };
        let raw = raw_format.map(|format| RawLayout {
            format,
            width: chosen.width(),
            height: chosen.height(),
            stride: chosen.bytes_per_line(),
        });
        Ok(Stream {
            stream: capture.into_stream()?,
            raw,
        })
    }

    /// The next frame, waiting at most [`FRAME_TIMEOUT`]: a stalled camera must not stall its task for good.
    fn frame(stream: &mut ReadStream) -> Result<Vec<u8>, CameraError> {
        let deadline = std::time::Instant::now() + FRAME_TIMEOUT;
        while stream.will_block()? {
            if std::time::Instant::now() >= deadline {
                return Err(CameraError::Timeout);
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        Ok(stream.dequeue(|buf| Ok(buf.to_vec()))?)
    }
}

impl DocumentCamera for V4l2Camera {
    fn preview(&mut self, max_width: u32, max_height: u32) -> Result<Frame, CameraError> {
        if self.preview.is_none() {
            self.preview = Some(self.stream(PREVIEW_WIDTH, PREVIEW_WIDTH * 3 / 4)?);
        }
        let stream = self.preview.as_mut().ok_or(CameraError::Timeout)?;
        Ok(Frame::from_image(&stream.image()?, max_width, max_height))
    }

    fn capture(&mut self) -> Result<Vec<u8>, CameraError> {
        // Only one stream at a time: stop the preview, take the page at full size, and preview again later.
        self.preview = None;
        let mut stream = self.stream(u32::MAX, u32::MAX)?;
        for _ in 0..SETTLE_FRAMES {
            Self::frame(&mut stream.stream)?;
        }
        if stream.raw.is_some() {
            return encode_jpeg(&stream.image()?, PAGE_QUALITY);
        }
        let jpeg = Self::frame(&mut stream.stream)?;
        // A frame cut short is refused here; read through at ⅛ scale, not decoded whole (39 MB at 13 MP).
        decode_scaled(&jpeg, 1)?;
        Ok(jpeg)
    }
}
