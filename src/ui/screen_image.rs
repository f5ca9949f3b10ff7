//! Pictures of someone's papers on the screen (the document camera's preview, the thumbnails of captured pages):
//! their pixels are zeroed once nothing shows them any more. Slint shares a picture's pixels with the view that
//! shows it, and pixels still shared cannot be zeroed without copying them first; so a picture leaving the state
//! is retired, and zeroed at the end of the refresh after next: the first sets the views' models without it, and
//! the views' repeated elements let go of their copies when they next update (the frame rendered in between).

use std::cell::{Cell, RefCell};

use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

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
