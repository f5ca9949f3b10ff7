//! The card photo: 1024 bytes of WLT, a format only the reader vendor's licensed library decodes (to a 102×126
//! BMP). The library is named in the config and loaded at run time; without it the kiosk runs and keeps the bytes.

use std::path::Path;

/// The vendor's entry point, as the common Linux SDKs export it: `int unpack(char *wlt, char *bmp, int save)`.
/// It returns 1 on success and writes a 24-bit BMP of 102×126 pixels (38862 bytes with its header and row padding).
type UnpackFn = unsafe extern "C" fn(*const u8, *mut u8, i32) -> i32;

pub const WLT_LEN: usize = 1024;
pub const BMP_LEN: usize = 38_862;
pub const PHOTO_WIDTH: u32 = 102;
pub const PHOTO_HEIGHT: u32 = 126;

/// Why the photo could not be decoded. The Display is technical English; the app words it by [`WltError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum WltError {
    #[error("cannot load the photo decoding library: {0}")]
    Load(String),
    #[error("the photo is {0} bytes, not 1024")]
    Length(usize),
    #[error("the photo decoding library failed (returned {0})")]
    Failed(i32),
    #[error("the decoded photo is not a picture: {0}")]
    Image(String),
}

/// What went wrong decoding the photo, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WltErrorKind {
    Load,
    Length,
    Failed,
    Image,
}

impl WltError {
    pub fn kind(&self) -> WltErrorKind {
        match self {
            WltError::Load(_) => WltErrorKind::Load,
            WltError::Length(_) => WltErrorKind::Length,
            WltError::Failed(_) => WltErrorKind::Failed,
            WltError::Image(_) => WltErrorKind::Image,
        }
    }
}

pub struct WltDecoder {
    unpack: UnpackFn,
    // Keeps the library loaded while `unpack` may be called.
    _library: libloading::Library,
}

impl WltDecoder {
    /// Loads the vendor library at `path` and finds `symbol` (usually `unpack`).
    pub fn load(path: &Path, symbol: &str) -> Result<WltDecoder, WltError> {
        // SAFETY: loading runs the library's initialisers; the path comes from the technician's config and names
        // the reader vendor's SDK, which is what this code exists to call.
        let library =
            unsafe { libloading::Library::new(path) }.map_err(|e| WltError::Load(e.to_string()))?;
        // SAFETY: the symbol is declared with the SDK's documented signature (see `UnpackFn`).
        let unpack: UnpackFn = unsafe {
            *library
                .get::<UnpackFn>(symbol.as_bytes())
                .map_err(|e| WltError::Load(e.to_string()))?
        };
        Ok(WltDecoder {
            unpack,
            _library: library,
        })
    }

    /// Decodes the chip's photo into an image.
    pub fn decode(&self, wlt: &[u8]) -> Result<image::RgbImage, WltError> {
        if wlt.len() != WLT_LEN {
            return Err(WltError::Length(wlt.len()));
        }
        let mut bmp = vec![0u8; BMP_LEN];
        // SAFETY: `wlt` holds the 1024 bytes the function reads and `bmp` the 38862 it writes, per the SDK.
        let result = unsafe { (self.unpack)(wlt.as_ptr(), bmp.as_mut_ptr(), 1) };
        if result != 1 {
            return Err(WltError::Failed(result));
        }
        let image = image::load_from_memory_with_format(&bmp, image::ImageFormat::Bmp)
            .map_err(|e| WltError::Image(e.to_string()))?
            .to_rgb8();
        if image.dimensions() != (PHOTO_WIDTH, PHOTO_HEIGHT) {
            return Err(WltError::Image(format!(
                "{}×{}",
                image.width(),
                image.height()
            )));
        }
        Ok(image)
    }
}
