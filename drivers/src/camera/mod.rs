//! The document camera (高拍仪): a live preview for the screen and full-resolution pages on demand.
//!
//! Three kinds: a UVC camera through V4L2 (MJPEG, YUYV or RGB), a folder a vendor's tool drops JPEGs into, and a simulated
//! camera that produces page images, so the kiosk runs on a laptop.

mod folder;
mod raw_frame;
mod scaled;
mod sim;
mod sim_face;
pub mod v4l2;

use std::path::PathBuf;

pub use folder::FolderCamera;
pub use scaled::{decode_scaled, Scaled};
pub use sim::SimCamera;
pub use sim_face::SimFaceCamera;
pub use v4l2::V4l2Camera;

/// A preview frame, already scaled to fit the screen: RGB, 3 bytes a pixel, row by row. It may show someone's
/// papers or face: its pixels are zeroed when dropped, and `Debug` gives its size only.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Drop for Frame {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.rgb);
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl Frame {
    pub(crate) fn from_image(image: &image::RgbImage, max_width: u32, max_height: u32) -> Frame {
        let (w, h) = fit(image.width(), image.height(), max_width, max_height);
        let scaled = if (w, h) == image.dimensions() {
            image.clone()
        } else {
            shrink(image, w, h)
        };
        Frame {
            width: w,
            height: h,
            rgb: scaled.into_raw(),
        }
    }
}

/// The largest size with the image's aspect ratio that fits in `max_w`×`max_h`.
pub fn fit(width: u32, height: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (0, 0);
    }
    let scale = (max_w as f64 / width as f64)
        .min(max_h as f64 / height as f64)
        .min(1.0);
    (
        ((width as f64 * scale).round() as u32).max(1),
        ((height as f64 * scale).round() as u32).max(1),
    )
}

/// Why the camera gave no picture. The Display is technical English (logs, the heartbeat, a technician's
/// detail); the app words it for people by [`CameraError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    #[error("camera not connected: {0}")]
    Absent(String),
    #[error("the camera sent no frame in time")]
    Timeout,
    #[error("the camera offers neither JPEG, YUYV nor RGB")]
    NoUsableFormat,
    #[error("the picture cannot be decoded: {0}")]
    Decode(String),
    #[error("camera I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// What happened to the camera, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraErrorKind {
    Absent,
    Timeout,
    NoUsableFormat,
    Decode,
    Io,
}

impl CameraError {
    pub fn kind(&self) -> CameraErrorKind {
        match self {
            CameraError::Absent(_) => CameraErrorKind::Absent,
            CameraError::Timeout => CameraErrorKind::Timeout,
            CameraError::NoUsableFormat => CameraErrorKind::NoUsableFormat,
            CameraError::Decode(_) => CameraErrorKind::Decode,
            CameraError::Io(_) => CameraErrorKind::Io,
        }
    }
}

/// Where the camera is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CameraUri {
    Sim,
    V4l2(PathBuf),
    Folder(PathBuf),
}

impl std::str::FromStr for CameraUri {
    type Err = String;
    fn from_str(uri: &str) -> Result<CameraUri, String> {
        if uri == "sim" {
            Ok(CameraUri::Sim)
        } else if let Some(path) = uri.strip_prefix("v4l2:").filter(|p| !p.is_empty()) {
            Ok(CameraUri::V4l2(path.into()))
        } else if let Some(path) = uri.strip_prefix("folder:").filter(|p| !p.is_empty()) {
            Ok(CameraUri::Folder(path.into()))
        } else {
            Err(format!(
                "camera `{uri}`: use sim, v4l2:/dev/videoN or folder:PATH"
            ))
        }
    }
}

/// What the kiosk needs of any document camera.
pub trait DocumentCamera: Send {
    /// The latest picture, scaled to fit `max_width`×`max_height`, for the live preview (called ≥ 10 times a
    /// second while the capture screen shows).
    fn preview(&mut self, max_width: u32, max_height: u32) -> Result<Frame, CameraError>;
    /// One page at full resolution, as JPEG.
    fn capture(&mut self) -> Result<Vec<u8>, CameraError>;
    /// Forgets anything of the previous applicant (a new session starts).
    fn reset(&mut self) -> Result<(), CameraError> {
        Ok(())
    }
}

/// Which camera a URI names: the one over the desk that photographs papers, or the one facing the applicant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CameraRole {
    Document,
    Face,
}

/// Opens the camera a URI names; `sim` is a page on a desk, or a face, as `role` says.
pub fn open(uri: &CameraUri, role: CameraRole) -> Result<Box<dyn DocumentCamera>, CameraError> {
    Ok(match (uri, role) {
        (CameraUri::Sim, CameraRole::Document) => Box::new(SimCamera::default()),
        (CameraUri::Sim, CameraRole::Face) => Box::new(SimFaceCamera::default()),
        (CameraUri::V4l2(path), _) => Box::new(V4l2Camera::open(path)?),
        (CameraUri::Folder(path), _) => Box::new(FolderCamera::open(path)?),
    })
}

/// Decodes JPEG bytes.
pub fn decode_jpeg(bytes: &[u8]) -> Result<image::RgbImage, CameraError> {
    image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .map(|i| i.to_rgb8())
        .map_err(|e| CameraError::Decode(e.to_string()))
}

/// A preview frame from a camera's JPEG (an MJPEG frame): decoded and scaled to fit the screen.
pub fn preview_from_jpeg(
    jpeg: &[u8],
    max_width: u32,
    max_height: u32,
) -> Result<Frame, CameraError> {
    // Decoded no larger than the screen needs.
    let scaled = decode_scaled(jpeg, max_width.max(max_height))?;
    Ok(Frame::from_image(&scaled.image, max_width, max_height))
}

/// Scales `image` down to `width`×`height` by area averaging on 8-bit pixels: fast, and no floating-point copy of
/// the picture. Here rather than in each caller, so that this crate's optimisation (see the workspace's
/// `Cargo.toml`) applies to the generic code, which is compiled where it is used.
pub fn shrink(image: &image::RgbImage, width: u32, height: u32) -> image::RgbImage {
    image::imageops::thumbnail(image, width, height)
}

/// Encodes an image as JPEG at `quality`, its colour at half resolution each way (4:2:0, as cameras and scanners
/// write it; brightness, which the eye and OCR read, stays whole): a page a fifth smaller and encoded two and a
/// half times faster than with whole colour, which is all the `image` crate's encoder writes. Every page the kiosk
/// writes goes through here, for the reason [`shrink`] gives.
pub fn encode_jpeg(image: &image::RgbImage, quality: u8) -> Result<Vec<u8>, CameraError> {
    let too_large = || {
        let (w, h) = image.dimensions();
        CameraError::Decode(format!("{w} × {h} is too large for a JPEG"))
    };
    let width = u16::try_from(image.width()).map_err(|_| too_large())?;
    let height = u16::try_from(image.height()).map_err(|_| too_large())?;
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(image.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| CameraError::Decode(e.to_string()))?;
    // The buffer grew by doubling; a page is kept until its application is stored, so only its bytes are kept.
    out.shrink_to_fit();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_aspect_ratio() {
        assert_eq!(fit(2592, 1944, 960, 960), (960, 720));
        assert_eq!(fit(1944, 2592, 960, 960), (720, 960));
        assert_eq!(fit(640, 480, 960, 960), (640, 480), "never enlarged");
        assert_eq!(fit(0, 480, 960, 960), (0, 0));
    }

    #[test]
    fn uris() {
        assert_eq!("sim".parse(), Ok(CameraUri::Sim));
        assert_eq!(
            "v4l2:/dev/video0".parse(),
            Ok(CameraUri::V4l2("/dev/video0".into()))
        );
        assert_eq!(
            "folder:/var/lib/kiosk/scans".parse(),
            Ok(CameraUri::Folder("/var/lib/kiosk/scans".into()))
        );
        assert!("usb".parse::<CameraUri>().is_err());
        assert!("v4l2:".parse::<CameraUri>().is_err());
    }

    /// The sampling factors of each component in a baseline JPEG's frame header.
    fn sampling_factors(jpeg: &[u8]) -> Vec<u8> {
        let sof = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline frame header");
        let components = usize::from(jpeg[sof + 9]);
        (0..components).map(|c| jpeg[sof + 11 + 3 * c]).collect()
    }

    #[test]
    fn pages_are_written_with_whole_brightness_and_halved_colour() {
        // Black text lines on white, a red stamp: what a page is.
        let page = image::RgbImage::from_fn(640, 480, |x, y| match (x, y) {
            (400..=520, 300..=420) => image::Rgb([200, 30, 30]),
            (_, y) if y % 24 < 3 => image::Rgb([0, 0, 0]),
            _ => image::Rgb([255, 255, 255]),
        });
        let jpeg = encode_jpeg(&page, 85).expect("encodes");
        // Luma 2×2, each chroma 1×1: 4:2:0.
        assert_eq!(sampling_factors(&jpeg), vec![0x22, 0x11, 0x11]);
        let back = image::load_from_memory(&jpeg).expect("decodes").into_rgb8();
        assert_eq!(back.dimensions(), (640, 480));
        let luma =
            |p: &image::Rgb<u8>| (u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10;
        // A text line stays dark and the paper light, the stamp red.
        assert!(luma(back.get_pixel(100, 1)) < 60);
        assert!(luma(back.get_pixel(100, 12)) > 220);
        let stamp = back.get_pixel(460, 360);
        assert!(
            stamp[0] > 150 && stamp[1] < 80 && stamp[2] < 80,
            "{stamp:?}"
        );
    }

    #[test]
    fn a_picture_too_wide_for_a_jpeg_is_refused() {
        let wide = image::RgbImage::new(70_000, 1);
        assert!(encode_jpeg(&wide, 85).is_err());
    }
}
