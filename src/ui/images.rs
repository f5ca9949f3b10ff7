//! The images the views show, made from the kiosk's state: pictures of someone's papers (the document camera's
//! preview, the thumbnails of captured pages, a technician's test frame) and QR codes.
//!
//! A picture's pixels on screen are zeroed once nothing shows them any more. Slint shares a picture's pixels with
//! the view that shows it, and pixels still shared cannot be zeroed without copying them first; so a picture no
//! refresh showed is retired, and zeroed at the end of the refresh after next: the first sets the views' models
//! without it, and the views' repeated elements let go of their copies when they next update (the frame rendered
//! in between). The kiosk's own copy ([`crate::app::picture::Picture`]) zeroes itself when the visit drops it.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

use crate::app::picture::Picture;

pub struct ScreenImage {
    pixels: SharedPixelBuffer<Rgb8Pixel>,
    image: Image,
    wiped: bool,
}

impl ScreenImage {
    /// A picture of `width` × `height` RGB pixels.
    pub fn from_rgb(width: u32, height: u32, rgb: &[u8]) -> ScreenImage {
        let pixels = SharedPixelBuffer::<Rgb8Pixel>::clone_from_slice(rgb, width, height);
        ScreenImage {
            image: Image::from_rgb8(pixels.clone()),
            pixels,
            wiped: false,
        }
    }

    /// The picture for a view (sharing the pixels).
    pub fn image(&self) -> Image {
        self.image.clone()
    }

    /// Zeroes the pixels where they are. False when a view still shared them: then only a copy was zeroed, and the
    /// view's pixels go when it drops them.
    fn wipe(&mut self) -> bool {
        if self.wiped {
            return true;
        }
        self.wiped = true;
        self.image = Image::default();
        let before = self.pixels.as_bytes().as_ptr();
        let pixels = self.pixels.make_mut_bytes();
        let in_place = pixels.as_ptr() == before;
        // Volatile writes, so the zeroing of memory about to be freed is not optimised away.
        for byte in pixels.iter_mut() {
            // SAFETY: a valid, aligned, exclusive reference into the buffer.
            unsafe { std::ptr::write_volatile(byte, 0) };
        }
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
        in_place
    }
}

impl Drop for ScreenImage {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// Pictures that left the state, waiting for the views to let go of them.
#[derive(Default)]
pub struct Retired {
    /// Retired since the last refresh.
    waiting: RefCell<Vec<ScreenImage>>,
    /// Taken out of the views' models by the last refresh: zeroed at the end of the next.
    leaving: RefCell<Vec<ScreenImage>>,
    /// How many were zeroed where they were, and how many were still shared by a view when their turn came
    /// (which would mean a view kept a picture past its refresh).
    zeroed: Cell<u64>,
    still_shown: Cell<u64>,
}

impl Retired {
    pub fn add(&self, images: impl IntoIterator<Item = ScreenImage>) {
        self.waiting.borrow_mut().extend(images);
    }

    /// At the end of each refresh: zeroes and frees the pictures the previous refresh took out of the views, and
    /// moves those retired since to be zeroed at the next.
    pub fn wipe(&self) {
        let just_retired = std::mem::take(&mut *self.waiting.borrow_mut());
        let mut images = std::mem::replace(&mut *self.leaving.borrow_mut(), just_retired);
        for image in &mut images {
            let counter = if image.wipe() {
                &self.zeroed
            } else {
                &self.still_shown
            };
            counter.set(counter.get() + 1);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.borrow().is_empty() && self.leaving.borrow().is_empty()
    }

    /// (zeroed in place, still shown by a view when zeroed) since the kiosk started.
    pub fn counts(&self) -> (u64, u64) {
        (self.zeroed.get(), self.still_shown.get())
    }
}

/// The screen's copies of the kiosk's pictures, by id: made once, shown as long as a refresh shows them, then
/// retired and zeroed.
#[derive(Default)]
pub struct Pictures {
    shown: HashMap<u64, ScreenImage>,
    used: HashSet<u64>,
    retired: Retired,
}

impl Pictures {
    /// The image for `picture`, for a view in this refresh.
    pub fn image(&mut self, picture: &Picture) -> Image {
        self.used.insert(picture.id());
        self.shown
            .entry(picture.id())
            .or_insert_with(|| {
                ScreenImage::from_rgb(picture.width(), picture.height(), picture.rgb())
            })
            .image()
    }

    /// At the end of each refresh: the pictures it did not show are retired, and those retired before are zeroed.
    pub fn end_refresh(&mut self) {
        let used = std::mem::take(&mut self.used);
        let gone: Vec<u64> = self
            .shown
            .keys()
            .filter(|id| !used.contains(id))
            .copied()
            .collect();
        self.retired
            .add(gone.into_iter().filter_map(|id| self.shown.remove(&id)));
        self.retired.wipe();
    }

    /// (zeroed in place, still shown by a view when zeroed) since the kiosk started.
    pub fn counts(&self) -> (u64, u64) {
        self.retired.counts()
    }

    /// Whether no copy is on screen or waiting to be zeroed.
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.retired.is_empty()
    }
}

/// `text` as a QR code, eight pixels a module with a quiet zone.
fn qr_image(text: &str) -> Image {
    // Long texts (a receipt shown instead of printed) use the lowest error correction, for the fewest modules.
    let level = if text.len() > 200 {
        qrcode::EcLevel::L
    } else {
        qrcode::EcLevel::M
    };
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), level) else {
        return Image::default();
    };
    let modules = code.width();
    let colors = code.to_colors();
    let quiet = 4usize;
    // About 400 pixels across whatever the content, so the view can show it at its size without blurring.
    let scale = (400 / (modules + 2 * quiet)).max(2);
    let side = (modules + 2 * quiet) * scale;
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let pixels = buffer.make_mut_slice();
    for (i, pixel) in pixels.iter_mut().enumerate() {
        let (x, y) = (i % side / scale, i / side / scale);
        let dark = x >= quiet
            && y >= quiet
            && x - quiet < modules
            && y - quiet < modules
            && colors[(y - quiet) * modules + (x - quiet)] == qrcode::Color::Dark;
        let v = if dark { 0 } else { 255 };
        *pixel = Rgb8Pixel { r: v, g: v, b: v };
    }
    Image::from_rgb8(buffer)
}

/// The QR code of a slip that did not print, made once for its text.
#[derive(Default)]
pub struct QrCache {
    shown: Option<(String, Image)>,
}

impl QrCache {
    /// The image for `text`, or none.
    pub fn image(&mut self, text: Option<&str>) -> Image {
        match text {
            None => {
                self.shown = None;
                Image::default()
            }
            Some(text) => match &self.shown {
                Some((shown, image)) if shown == text => image.clone(),
                _ => {
                    let image = qr_image(text);
                    self.shown = Some((text.to_string(), image.clone()));
                    image
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_no_view_holds_is_zeroed_where_it_is() {
        let mut picture = ScreenImage::from_rgb(2, 2, &[200; 12]);
        let shown = picture.image();
        // A view still shows it: its pixels are not touched (a copy would be zeroed, not them).
        assert!(!picture.wipe());
        drop(shown);
        let mut picture = ScreenImage::from_rgb(2, 2, &[200; 12]);
        let shown = picture.image();
        drop(shown);
        assert!(picture.wipe(), "zeroed in place once the view let go");
        assert!(picture.pixels.as_bytes().iter().all(|b| *b == 0));
    }

    #[test]
    fn a_picture_no_refresh_shows_is_retired_then_zeroed() {
        let mut pictures = Pictures::default();
        let page = Picture::from_rgb(4, 4, &[7; 48]);
        let shown = pictures.image(&page);
        pictures.end_refresh();
        // Shown again: the same copy, not a new one.
        let again = pictures.image(&page);
        pictures.end_refresh();
        assert_eq!(pictures.shown.len(), 1);
        drop((shown, again));
        // Not shown by the next refresh: retired, then zeroed at the end of the one after.
        pictures.end_refresh();
        assert_eq!(pictures.counts(), (0, 0));
        pictures.end_refresh();
        assert_eq!(pictures.counts(), (1, 0));
        assert!(pictures.is_empty());
    }

    #[test]
    fn retired_pictures_are_zeroed_once_the_views_let_go() {
        let retired = Retired::default();
        let picture = ScreenImage::from_rgb(4, 4, &[9; 48]);
        let in_view = picture.image();
        retired.add([picture]);
        assert!(!retired.is_empty());
        // The first refresh takes it out of the views; their elements let go before the second.
        retired.wipe();
        assert_eq!(retired.counts(), (0, 0));
        drop(in_view);
        retired.wipe();
        assert!(retired.is_empty());
        assert_eq!(retired.counts(), (1, 0));
    }
}
