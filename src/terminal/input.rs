//! Touch panels and absolute pointers through libinput (udev seat0), as contacts in window coordinates.
//!
//! libinput applies each device's calibration matrix (the udev rule that turns touch with a rotated picture)
//! and scales to the window's size. Keyboards are not read: code scanners in keyboard mode are grabbed by the
//! device service, and the kiosk has its own keyboard on screen.

use std::fs::OpenOptions;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use input::event::pointer::{ButtonState, PointerEvent};
use input::event::touch::{TouchEvent, TouchEventPosition, TouchEventSlot};
use input::event::DeviceEvent;
use input::event::EventTrait;
use input::{Event, Libinput, LibinputInterface};
use slint::platform::PointerEventButton;
use slint::LogicalPosition;

use super::pointer::Contact;

/// Opens input devices directly (the kiosk's groups give it access; no seat manager runs on the terminal).
struct DirectAccess;

impl LibinputInterface for DirectAccess {
    fn open_restricted(&mut self, path: &Path, flags: i32) -> Result<OwnedFd, i32> {
        let access = flags & libc::O_ACCMODE;
        OpenOptions::new()
            .read(access == libc::O_RDONLY || access == libc::O_RDWR)
            .write(access == libc::O_WRONLY || access == libc::O_RDWR)
            .custom_flags(flags & !libc::O_ACCMODE)
            .open(path)
            .map(OwnedFd::from)
            .map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))
    }

    fn close_restricted(&mut self, fd: OwnedFd) {
        drop(fd);
    }
}

pub struct Input {
    libinput: Libinput,
}

impl Input {
    pub fn open() -> Result<Input, String> {
        let mut libinput = Libinput::new_with_udev(DirectAccess);
        libinput
            .udev_assign_seat("seat0")
            .map_err(|()| "libinput could not take seat0 from udev".to_string())?;
        Ok(Input { libinput })
    }

    /// The file to wait on for input.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.libinput.as_fd()
    }

    /// Reads what the devices reported, as contacts in a window of `width` × `height`.
    pub fn contacts(&mut self, width: u32, height: u32) -> Result<Vec<Contact>, String> {
        self.libinput
            .dispatch()
            .map_err(|e| format!("reading the input devices: {e}"))?;
        let mut contacts = Vec::new();
        for event in &mut self.libinput {
            let at = |x: f64, y: f64| LogicalPosition::new(x as f32, y as f32);
            let contact = match event {
                Event::Touch(TouchEvent::Down(e)) => Some(Contact::Down {
                    slot: e.seat_slot(),
                    at: at(e.x_transformed(width), e.y_transformed(height)),
                }),
                Event::Touch(TouchEvent::Motion(e)) => Some(Contact::Motion {
                    slot: e.seat_slot(),
                    at: at(e.x_transformed(width), e.y_transformed(height)),
                }),
                Event::Touch(TouchEvent::Up(e)) => Some(Contact::Up {
                    slot: e.seat_slot(),
                }),
                Event::Touch(TouchEvent::Cancel(e)) => Some(Contact::Cancel {
                    slot: e.seat_slot(),
                }),
                Event::Pointer(PointerEvent::MotionAbsolute(e)) => Some(Contact::PointerAt(at(
                    e.absolute_x_transformed(width),
                    e.absolute_y_transformed(height),
                ))),
                Event::Pointer(PointerEvent::Button(e)) => {
                    button(e.button()).map(|button| Contact::Button {
                        button,
                        pressed: e.button_state() == ButtonState::Pressed,
                    })
                }
                Event::Device(DeviceEvent::Added(e)) => {
                    log_device("input device added", &e.device());
                    None
                }
                Event::Device(DeviceEvent::Removed(e)) => {
                    log_device("input device removed", &e.device());
                    None
                }
                _ => None,
            };
            contacts.extend(contact);
        }
        Ok(contacts)
    }
}

/// Linux's button codes (input-event-codes.h).
fn button(code: u32) -> Option<PointerEventButton> {
    match code {
        0x110 => Some(PointerEventButton::Left),
        0x111 => Some(PointerEventButton::Right),
        0x112 => Some(PointerEventButton::Middle),
        _ => None,
    }
}

fn log_device(what: &str, device: &input::Device) {
    tracing::info!(name = %device.name(), sysname = device.sysname(), "{what}");
}
