//! The panel through DRM/KMS: the first connected output of the first card that has one, in its preferred mode,
//! shown from two XRGB8888 dumb buffers that take turns with page flips.
//!
//! Each buffer is mapped once for the life of the process (mapping it per frame, as a simpler loop would, costs
//! a page fault per 4 KB touched on every frame).

use std::fs::{File, OpenOptions};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

use drm::buffer::{Buffer, DrmFourcc};
use drm::control::{connector, crtc, framebuffer, Device as ControlDevice, Mode, ModeTypeFlags};
use slint::platform::software_renderer::RepaintBufferType;

use super::pixel::Xrgb8888;
use super::swap::SwapChain;

/// An open DRM card.
struct Card(File);

impl AsFd for Card {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl drm::Device for Card {}
impl ControlDevice for Card {}

/// One dumb buffer, its framebuffer object and its mapping.
struct Scanout {
    framebuffer: framebuffer::Handle,
    pixels: Mapping,
    /// Pixels from one row to the next (the driver may pad rows).
    stride: usize,
}

/// A shared mapping of a dumb buffer, unmapped when dropped.
struct Mapping {
    start: *mut Xrgb8888,
    len: usize,
}

impl Mapping {
    fn pixels(&mut self) -> &mut [Xrgb8888] {
        // SAFETY: `start` is a live, page-aligned, writable shared mapping of `len` pixels (see `map`); `&mut self`
        // makes this the only slice over it.
        unsafe { std::slice::from_raw_parts_mut(self.start, self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the range is the one `map` mapped, and no slice of it outlives `&mut self`.
        unsafe { libc::munmap(self.start.cast(), self.len * size_of::<Xrgb8888>()) };
    }
}

pub struct Display {
    card: Card,
    crtc: crtc::Handle,
    connector: connector::Handle,
    mode: Mode,
    buffers: [Scanout; 2],
    chain: SwapChain,
    /// The CRTC shows our buffers (the first frame is set, the rest are flipped).
    showing: bool,
    /// A page flip was queued and has not happened yet: the back buffer is still on screen.
    flip_pending: bool,
}

impl Display {
    /// Opens the first card under /dev/dri with a connected output.
    pub fn open() -> Result<Display, String> {
        let mut cards: Vec<PathBuf> = std::fs::read_dir("/dev/dri")
            .map_err(|e| format!("/dev/dri: {e}"))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("card"))
            })
            .collect();
        cards.sort();
        let mut why = Vec::new();
        for path in &cards {
            match Display::open_card(path) {
                Ok(display) => return Ok(display),
                Err(e) => why.push(format!("{}: {e}", path.display())),
            }
        }
        if why.is_empty() {
            why.push("/dev/dri has no card".to_string());
        }
        Err(why.join("; "))
    }

    fn open_card(path: &Path) -> Result<Display, String> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| e.to_string())?;
        let card = Card(file);
        let resources = card
            .resource_handles()
            .map_err(|e| format!("not a display card ({e})"))?;
        let connector = resources
            .connectors()
            .iter()
            .filter_map(|&handle| card.get_connector(handle, false).ok())
            .find(|c| c.state() == connector::State::Connected && !c.modes().is_empty())
            .ok_or("no connected output")?;
        let mode = connector
            .modes()
            .iter()
            .find(|m| m.mode_type().contains(ModeTypeFlags::PREFERRED))
            .or_else(|| connector.modes().first())
            .copied()
            .ok_or("the output offers no mode")?;
        let crtc = connector
            .current_encoder()
            .into_iter()
            .chain(connector.encoders().iter().copied())
            .filter_map(|handle| card.get_encoder(handle).ok())
            .find_map(|encoder| {
                encoder.crtc().or_else(|| {
                    resources
                        .filter_crtcs(encoder.possible_crtcs())
                        .first()
                        .copied()
                })
            })
            .ok_or("no CRTC can drive the output")?;
        let (width, height) = mode.size();
        let buffers = [
            Scanout::allocate(&card, width.into(), height.into())?,
            Scanout::allocate(&card, width.into(), height.into())?,
        ];
        tracing::info!(
            card = %path.display(),
            output = %format!("{:?}-{}", connector.interface(), connector.interface_id()),
            width,
            height,
            refresh_hz = mode.vrefresh(),
            "display opened"
        );
        Ok(Display {
            card,
            crtc,
            connector: connector.handle(),
            mode,
            buffers,
            chain: SwapChain::default(),
            showing: false,
            flip_pending: false,
        })
    }

    /// The panel's size in pixels, as it is mounted (before any rotation of the picture).
    pub fn size(&self) -> (u32, u32) {
        let (width, height) = self.mode.size();
        (width.into(), height.into())
    }

    /// The file to wait on for page flips.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.card.as_fd()
    }

    /// Whether a frame may be drawn now (the back buffer is off screen).
    pub fn ready(&self) -> bool {
        !self.flip_pending
    }

    /// The buffer to draw next: its pixels, its stride in pixels and how much of it is current.
    pub fn back_buffer(&mut self) -> (&mut [Xrgb8888], usize, RepaintBufferType) {
        let repaint = self.chain.repaint();
        let scanout = &mut self.buffers[self.chain.back()];
        (scanout.pixels.pixels(), scanout.stride, repaint)
    }

    /// Puts the back buffer on screen: set on the CRTC the first time, flipped at the next vertical blank after.
    pub fn present(&mut self) -> Result<(), String> {
        let framebuffer = self.buffers[self.chain.back()].framebuffer;
        if self.showing {
            self.card
                .page_flip(
                    self.crtc,
                    framebuffer,
                    drm::control::PageFlipFlags::EVENT,
                    None,
                )
                .map_err(|e| format!("page flip: {e}"))?;
            self.flip_pending = true;
        } else {
            self.card
                .set_crtc(
                    self.crtc,
                    Some(framebuffer),
                    (0, 0),
                    &[self.connector],
                    Some(self.mode),
                )
                .map_err(|e| format!("setting the display mode: {e}"))?;
            self.showing = true;
        }
        self.chain.presented();
        Ok(())
    }

    /// Reads what the card has to say (its file was readable): a finished page flip frees the back buffer.
    pub fn on_readable(&mut self) -> Result<(), String> {
        let events = self
            .card
            .receive_events()
            .map_err(|e| format!("reading the display's events: {e}"))?;
        for event in events {
            if let drm::control::Event::PageFlip(_) = event {
                self.flip_pending = false;
            }
        }
        Ok(())
    }
}

impl Scanout {
    fn allocate(card: &Card, width: u32, height: u32) -> Result<Scanout, String> {
        let buffer = card
            .create_dumb_buffer((width, height), DrmFourcc::Xrgb8888, 32)
            .map_err(|e| format!("allocating a {width}×{height} buffer: {e}"))?;
        let framebuffer = card
            .add_framebuffer(&buffer, 24, 32)
            .map_err(|e| format!("the card takes no XRGB8888 framebuffer: {e}"))?;
        let stride = buffer.pitch() as usize / size_of::<Xrgb8888>();
        let pixels = map(card, &buffer, stride * height as usize)
            .map_err(|e| format!("mapping a buffer: {e}"))?;
        Ok(Scanout {
            framebuffer,
            pixels,
            stride,
        })
    }
}

fn map(
    card: &Card,
    buffer: &drm::control::dumbbuffer::DumbBuffer,
    len: usize,
) -> std::io::Result<Mapping> {
    let offset = drm_ffi::mode::dumbbuffer::map(card.as_fd(), buffer.handle().into(), 0, 0)?.offset;
    let bytes = len * size_of::<Xrgb8888>();
    // SAFETY: a shared, writable mapping of the dumb buffer's `bytes` (pitch × height, within the buffer) at the
    // offset the kernel gave for it; the result is checked before use.
    let start = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            std::os::fd::AsRawFd::as_raw_fd(&card.0),
            offset as libc::off_t,
        )
    };
    if start == libc::MAP_FAILED {
        return Err(std::io::Error::last_os_error());
    }
    Ok(Mapping {
        start: start.cast(),
        len,
    })
}
