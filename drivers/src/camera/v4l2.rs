//! A UVC document camera through V4L2, asked for MJPEG: the preview streams a modest size and is decoded for the
//! screen; a capture switches to the largest size and hands over the camera's own JPEG, unchanged.

use std::path::{Path, PathBuf};

use linuxvideo::format::{PixFormat, PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, Device};

use super::{decode_jpeg, preview_from_jpeg, CameraError, DocumentCamera, Frame};

/// The preview streams at about this width; document cameras offer 640×480 to 1280×720 at speed.
const PREVIEW_WIDTH: u32 = 1280;
/// Longer than any frame interval a working camera has.
const FRAME_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
/// Frames dropped after switching to full resolution, while exposure settles.
const SETTLE_FRAMES: usize = 3;

pub struct V4l2Camera {
    path: PathBuf,
    format: PixelFormat,
    preview: Option<ReadStream>,
}

fn absent(path: &Path, e: impl std::fmt::Display) -> CameraError {
    CameraError::Absent(format!("{}: {e}", path.display()))
}

/// The pixel formats a camera offers, as their FourCC names (technicians check for MJPG).
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
        let format = [PixelFormat::MJPG, PixelFormat::JPEG]
            .into_iter()
            .find(|f| formats.contains(f))
            .ok_or(CameraError::NoJpeg)?;
        Ok(V4l2Camera {
            path: path.to_path_buf(),
            format,
            preview: None,
        })
    }

    /// A stream at `width`×`height`, or the closest the driver offers.
    fn stream(&self, width: u32, height: u32) -> Result<ReadStream, CameraError> {
        let device = Device::open(&self.path).map_err(|e| absent(&self.path, e))?;
        let capture = device.video_capture(PixFormat::new(width, height, self.format))?;
        Ok(capture.into_stream()?)
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
        preview_from_jpeg(&Self::frame(stream)?, max_width, max_height)
    }

    fn capture(&mut self) -> Result<Vec<u8>, CameraError> {
        // Only one stream at a time: stop the preview, take the page at full size, and preview again later.
        self.preview = None;
        let mut stream = self.stream(u32::MAX, u32::MAX)?;
        for _ in 0..SETTLE_FRAMES {
            Self::frame(&mut stream)?;
        }
        let jpeg = Self::frame(&mut stream)?;
        decode_jpeg(&jpeg)?;
        Ok(jpeg)
    }
}
