//! The images the views show, made from the kiosk's state: pictures of someone's papers (the document camera's
//! preview, the thumbnails of captured pages, a technician's test frame).
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

    /// The pixels to write, after letting go of our own image of them; and whether they are the ones we had
    /// (false when a view still shared them, so that Slint gave us a copy).
    fn pixels_to_write(&mut self) -> (&mut [u8], bool) {
        self.image = Image::default();
        let before = self.pixels.as_bytes().as_ptr();
        let pixels = self.pixels.make_mut_bytes();
        let in_place = pixels.as_ptr() == before;
        (pixels, in_place)
    }

    /// Zeroes the pixels where they are. False when a view still shared them: then only a copy was zeroed, and the
    /// view's pixels go when it drops them.
    fn wipe(&mut self) -> bool {
        if self.wiped {
            return true;
        }
        self.wiped = true;
        let (pixels, in_place) = self.pixels_to_write();
        // Volatile writes, so the zeroing of memory about to be freed is not optimised away.
        for byte in pixels.iter_mut() {
            // SAFETY: a valid, aligned, exclusive reference into the buffer.
            unsafe { std::ptr::write_volatile(byte, 0) };
        }
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
        in_place
    }

    /// Writes `picture` over these pixels where they are, when it has their size. `None` when it has not;
    /// `Some(false)` when a view still shared them, so that its copy was left as it was, not zeroed.
    fn refill(&mut self, picture: &Picture) -> Option<bool> {
        if (self.pixels.width(), self.pixels.height()) != (picture.width(), picture.height()) {
            return None;
        }
        let (pixels, in_place) = self.pixels_to_write();
        pixels.copy_from_slice(picture.rgb());
        self.image = Image::from_rgb8(self.pixels.clone());
        self.wiped = false;
        Some(in_place)
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

    fn count_still_shown(&self) {
        self.still_shown.set(self.still_shown.get() + 1);
    }

    /// (zeroed in place, still shown by a view when zeroed) since the kiosk started.
    pub fn counts(&self) -> (u64, u64) {
        (self.zeroed.get(), self.still_shown.get())
    }
}

/// A picture that replaces itself several times a second: a camera's preview.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Live {
    DocumentCamera,
    FaceCamera,
}

/// A live picture's two buffers. The view shows one while the next frame is written into the other, which the
/// view let go of when it rendered the frame in between; so a preview writes frame after frame into the same
/// pixels instead of allocating, copying and zeroing a new picture five times a second.
#[derive(Default)]
struct LiveBuffers {
    buffers: [Option<ScreenImage>; 2],
    front: usize,
    /// The id of the kiosk's picture the front buffer holds.
    shown: Option<u64>,
}

/// The screen's copies of the kiosk's pictures, by id: made once, shown as long as a refresh shows them, then
/// retired and zeroed. Live pictures keep their two buffers as long as a refresh shows them.
#[derive(Default)]
pub struct Pictures {
    shown: HashMap<u64, ScreenImage>,
    used: HashSet<u64>,
    live: HashMap<Live, LiveBuffers>,
    live_used: HashSet<Live>,
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

    /// The image for the latest frame of `live`, for a view in this refresh: written into the buffer the view
    /// does not show.
    pub fn live_image(&mut self, live: Live, frame: &Picture) -> Image {
        self.live_used.insert(live);
        let buffers = self.live.entry(live).or_default();
        if buffers.shown != Some(frame.id()) {
            let back = 1 - buffers.front;
            let refilled = buffers.buffers[back]
                .as_mut()
                .and_then(|buffer| buffer.refill(frame));
            match refilled {
                Some(true) => {}
                Some(false) => self.retired.count_still_shown(),
                None => {
                    let new = ScreenImage::from_rgb(frame.width(), frame.height(), frame.rgb());
                    self.retired.add(buffers.buffers[back].replace(new));
                }
            }
            buffers.front = back;
            buffers.shown = Some(frame.id());
            // The view lets go of the other buffer when it next renders: ours goes now, so that the buffer is
            // ours alone when the frame after this one is written into it.
            if let Some(other) = buffers.buffers[1 - back].as_mut() {
                other.image = Image::default();
            }
        }
        buffers.buffers[buffers.front]
            .as_ref()
            .map(ScreenImage::image)
            .unwrap_or_default()
    }

    /// At the end of each refresh: the pictures it did not show are retired, and those retired before are zeroed.
    pub fn end_refresh(&mut self) {
        let used = std::mem::take(&mut self.used);
        for picture in take_unused(&mut self.shown, &used) {
            self.retired.add([picture]);
        }
        let live_used = std::mem::take(&mut self.live_used);
        for buffers in take_unused(&mut self.live, &live_used) {
            self.retired.add(buffers.buffers.into_iter().flatten());
        }
        self.retired.wipe();
    }

    /// (zeroed in place, still shown by a view when zeroed) since the kiosk started.
    pub fn counts(&self) -> (u64, u64) {
        self.retired.counts()
    }

    /// Whether no copy is on screen or waiting to be zeroed.
    pub fn is_empty(&self) -> bool {
        self.shown.is_empty() && self.live.is_empty() && self.retired.is_empty()
    }
}

/// Takes out of `map` what this refresh did not use.
fn take_unused<K: Copy + Eq + std::hash::Hash, V>(
    map: &mut HashMap<K, V>,
    used: &HashSet<K>,
) -> Vec<V> {
    let unused: Vec<K> = map.keys().filter(|k| !used.contains(k)).copied().collect();
    unused.into_iter().filter_map(|k| map.remove(&k)).collect()
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

    fn buffer_address(image: &Image) -> *const u8 {
        image
            .to_rgb8()
            .map(|pixels| pixels.as_bytes().as_ptr())
            .unwrap_or(std::ptr::null())
    }

    #[test]
    fn a_preview_writes_its_frames_into_the_same_two_buffers() {
        let mut pictures = Pictures::default();
        let mut addresses = HashSet::new();
        let mut in_view = None;
        for n in 0..10u8 {
            let frame = Picture::from_rgb(4, 3, &[n; 36]);
            let image = pictures.live_image(Live::DocumentCamera, &frame);
            assert_eq!(
                image.to_rgb8().map(|p| p.as_bytes()[0]),
                Some(n),
                "the frame just given"
            );
            // Refreshed again before the next frame: the same picture, nothing written.
            let again = pictures.live_image(Live::DocumentCamera, &frame);
            assert_eq!(buffer_address(&again), buffer_address(&image));
            addresses.insert(buffer_address(&image));
            pictures.end_refresh();
            // The view renders the new frame and lets go of the one before.
            in_view = Some(image);
        }
        assert_eq!(addresses.len(), 2, "two buffers for ten frames");
        assert_eq!(
            pictures.counts(),
            (0, 0),
            "nothing retired while the preview shows"
        );
        // Off the screen: the view lets go, both buffers are retired, then zeroed where they are.
        drop(in_view);
        pictures.end_refresh();
        pictures.end_refresh();
        assert_eq!(pictures.counts(), (2, 0));
        assert!(pictures.is_empty());
    }

    #[test]
    fn a_preview_that_changes_size_gets_a_new_buffer_and_the_old_one_is_zeroed() {
        let mut pictures = Pictures::default();
        for (n, width) in [(1u8, 4u32), (2, 4), (3, 6)] {
            let frame = Picture::from_rgb(width, 2, &vec![n; width as usize * 6]);
            let image = pictures.live_image(Live::FaceCamera, &frame);
            assert_eq!(image.size().width, width);
            drop(image);
            pictures.end_refresh();
        }
        pictures.end_refresh();
        assert_eq!(
            pictures.counts(),
            (1, 0),
            "the 4-wide buffer the 6-wide frame replaced"
        );
    }
}
