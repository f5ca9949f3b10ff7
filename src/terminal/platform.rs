//! The terminal's Slint platform: one fullscreen window drawn by the software renderer straight into the panel's
//! scan-out buffers (`display`), fed by the touch panel (`input`), and an event loop that sleeps in `poll` on
//! the card, the input devices and a wake-up counter until a timer is due.

use std::cell::RefCell;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use slint::platform::software_renderer::{MinimalSoftwareWindow, RenderingRotation};
use slint::platform::{EventLoopProxy, Platform, WindowAdapter};
use slint::{PhysicalSize, PlatformError};

use super::display::Display;
use super::input::Input;
use super::jobs::{Proxy, Queue};
use super::pointer::Pointer;
use super::window_geometry;

/// Installs the terminal platform: opens the panel and the input devices. `rotation` is display.rotation, the
/// degrees the picture is turned clockwise on the panel.
pub fn install(rotation: u32) -> Result<(), String> {
    let display = Display::open().map_err(|e| format!("no display: {e}"))?;
    let input = match Input::open() {
        Ok(input) => Some(input),
        Err(e) => {
            // A kiosk that cannot be touched still shows its state (and technicians see why in the journal).
            tracing::error!(error = %e, "no touch input");
            None
        }
    };
    let (rotation, size) = window_geometry(rotation, display.size())?;
    // Sized by the event loop, after whatever size the application asks for before it runs.
    slint::platform::set_platform(Box::new(Terminal {
        window: MinimalSoftwareWindow::new(Default::default()),
        size,
        rotation,
        display: RefCell::new(display),
        input: RefCell::new(input),
        pointer: RefCell::new(Pointer::default()),
        queue: Arc::new(Queue::new().map_err(|e| format!("eventfd: {e}"))?),
    }))
    .map_err(|e| e.to_string())
}

struct Terminal {
    window: Rc<MinimalSoftwareWindow>,
    /// The window's size: the panel's, turned with the picture.
    size: PhysicalSize,
    rotation: RenderingRotation,
    display: RefCell<Display>,
    input: RefCell<Option<Input>>,
    pointer: RefCell<Pointer>,
    queue: Arc<Queue>,
}

impl Platform for Terminal {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, PlatformError> {
        Ok(self.window.clone())
    }

    fn run_event_loop(&self) -> Result<(), PlatformError> {
        loop {
            slint::platform::update_timers_and_animations();
            self.queue.run_jobs();
            if self.queue.take_quit() {
                return Ok(());
            }
            // The window always covers the panel, whatever size the application asked for.
            if self.window.size() != self.size {
                self.window.set_size(self.size);
            }
            let look_again = self.draw()?;
            self.wait(look_again)?;
        }
    }

    fn new_event_loop_proxy(&self) -> Option<Box<dyn EventLoopProxy>> {
        Some(Box::new(Proxy(self.queue.clone())))
    }
}

impl Terminal {
    /// Draws and shows a frame if the window changed and the back buffer is off screen. Returns whether the loop
    /// must look again before it sleeps: the first frame is set on the CRTC, and no event follows it to wake the
    /// loop for a redraw the frame itself asked for.
    fn draw(&self) -> Result<bool, PlatformError> {
        let mut display = self.display.borrow_mut();
        if !display.ready() {
            return Ok(false);
        }
        let drawn = self.window.draw_if_needed(|renderer| {
            let (pixels, stride, repaint) = display.back_buffer();
            renderer.set_repaint_buffer_type(repaint);
            renderer.set_rendering_rotation(self.rotation);
            renderer.render(pixels, stride);
        });
        if drawn {
            display.present().map_err(PlatformError::Other)?;
        }
        Ok(drawn && display.ready())
    }

    /// Sleeps until the card, the input devices or another thread has something, or the next timer is due
    /// (not at all when `look_again`). A card or input that fails ends the loop with the error: systemd starts
    /// the kiosk again, which opens both afresh.
    fn wait(&self, look_again: bool) -> Result<(), PlatformError> {
        let timer = slint::platform::duration_until_next_timer_update();
        let timeout = if look_again || self.queue.has_jobs() {
            Some(Duration::ZERO)
        } else if self.window.has_active_animations() {
            // An animation's next frame is due now; a pending page flip paces it to the panel.
            Some(timer.map_or(FRAME, |t| t.min(FRAME)))
        } else {
            timer
        };
        let display_fd = self.display.borrow().fd().as_raw_fd();
        let input_fd = self.input.borrow().as_ref().map(|i| i.fd().as_raw_fd());
        let mut fds = vec![pollfd(self.queue.wake_fd()), pollfd(display_fd)];
        fds.extend(input_fd.map(pollfd));
        // Rounded up: a timer due in 0.4 ms must not make poll return at once, again and again, until it is.
        let timeout_ms = timeout.map_or(-1, |t| {
            t.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
        });
        // SAFETY: `fds` is a live array of `fds.len()` pollfd structures.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
        if ready <= 0 {
            return Ok(());
        }
        if fds[0].revents & libc::POLLIN != 0 {
            self.queue.drain_wake();
        }
        if readable(&fds[1], "the display")? {
            self.display
                .borrow_mut()
                .on_readable()
                .map_err(PlatformError::Other)?;
        }
        if let Some(input) = fds.get(2) {
            if readable(input, "the input devices")? {
                self.dispatch_input()?;
            }
        }
        Ok(())
    }

    fn dispatch_input(&self) -> Result<(), PlatformError> {
        let contacts = match self.input.borrow_mut().as_mut() {
            Some(input) => input
                .contacts(self.size.width, self.size.height)
                .map_err(PlatformError::Other)?,
            None => return Ok(()),
        };
        let mut pointer = self.pointer.borrow_mut();
        for contact in contacts {
            for event in pointer.events(contact) {
                self.window.window().dispatch_event(event);
            }
        }
        Ok(())
    }
}

/// A frame of a 60 Hz panel: how long an animation waits at most for its next frame.
const FRAME: Duration = Duration::from_millis(16);

/// Whether a polled file has something to read; an error or hang-up on it is the loop's end.
fn readable(fd: &libc::pollfd, what: &str) -> Result<bool, PlatformError> {
    if fd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
        return Err(PlatformError::Other(format!(
            "{what} failed (poll events {:#x})",
            fd.revents
        )));
    }
    Ok(fd.revents & libc::POLLIN != 0)
}

fn pollfd(fd: RawFd) -> libc::pollfd {
    libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }
}
