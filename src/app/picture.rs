//! A picture of someone's papers held by the visit (the document camera's preview, a captured page's thumbnail,
//! a technician's test frame): RGB pixels, zeroed when dropped. The screens show a copy the UI makes and zeroes
//! itself (`ui::pictures`); each picture has an id, so the UI makes that copy once, not at every refresh.

use std::sync::atomic::{AtomicU64, Ordering};

use zeroize::Zeroizing;

pub struct Picture {
    id: u64,
    width: u32,
    height: u32,
    rgb: Zeroizing<Vec<u8>>,
}

impl Picture {
    /// A picture of `width` × `height` RGB pixels (`rgb` holds at least `width * height * 3` bytes).
    pub fn from_rgb(width: u32, height: u32, rgb: &[u8]) -> Picture {
        let len = (width as usize) * (height as usize) * 3;
        let mut pixels = Zeroizing::new(vec![0u8; len]);
        let n = len.min(rgb.len());
        pixels[..n].copy_from_slice(&rgb[..n]);
        Picture {
            id: Picture::next_id(),
            width,
            height,
            rgb: pixels,
        }
    }

    /// The next frame of a live picture, written over this one's pixels where it has their size (a new
    /// picture otherwise): a new id, the same memory.
    pub fn refill(&mut self, width: u32, height: u32, rgb: &[u8]) {
        if (width, height) != (self.width, self.height) {
            *self = Picture::from_rgb(width, height, rgb);
            return;
        }
        let n = self.rgb.len().min(rgb.len());
        self.rgb[..n].copy_from_slice(&rgb[..n]);
        self.rgb[n..].fill(0);
        self.id = Picture::next_id();
    }

    /// `slot`'s picture refilled with the next frame, or a new picture if it had none.
    pub fn show_frame(slot: &mut Option<Picture>, width: u32, height: u32, rgb: &[u8]) {
        match slot {
            Some(picture) => picture.refill(width, height, rgb),
            None => *slot = Some(Picture::from_rgb(width, height, rgb)),
        }
    }

    fn next_id() -> u64 {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    /// Different for every picture made while the kiosk runs.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }
}

impl std::fmt::Debug for Picture {
    // The size only: the pixels are someone's papers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}×{}, #{})", self.width, self.height, self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_picture_has_its_own_id_and_its_whole_size() {
        let a = Picture::from_rgb(2, 1, &[1, 2, 3, 4, 5, 6]);
        let b = Picture::from_rgb(2, 1, &[1, 2, 3]);
        assert_ne!(a.id(), b.id());
        assert_eq!(a.rgb(), &[1, 2, 3, 4, 5, 6]);
        // Short input is padded, so the UI's copy of it always has the size it claims.
        assert_eq!(b.rgb(), &[1, 2, 3, 0, 0, 0]);
        assert_eq!(format!("{a:?}"), format!("Picture(2×1, #{})", a.id()));
    }

    #[test]
    fn a_refilled_picture_keeps_its_memory_and_takes_a_new_id() {
        let mut slot = None;
        Picture::show_frame(&mut slot, 2, 1, &[1, 2, 3, 4, 5, 6]);
        let first = slot.as_ref().map(|p| (p.id(), p.rgb().as_ptr()));
        Picture::show_frame(&mut slot, 2, 1, &[9, 9, 9]);
        let second = slot.as_ref().map(|p| (p.id(), p.rgb().as_ptr()));
        assert_ne!(
            first.map(|f| f.0),
            second.map(|s| s.0),
            "the screen sees a new frame"
        );
        assert_eq!(
            first.map(|f| f.1),
            second.map(|s| s.1),
            "in the same memory"
        );
        assert_eq!(
            slot.as_ref().map(|p| p.rgb()),
            Some(&[9, 9, 9, 0, 0, 0][..])
        );
        Picture::show_frame(&mut slot, 1, 1, &[7, 7, 7]);
        assert_eq!(
            slot.as_ref().map(|p| (p.width(), p.rgb())),
            Some((1, &[7, 7, 7][..]))
        );
    }
}
