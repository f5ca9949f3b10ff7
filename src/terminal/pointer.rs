//! Fingers and pointers to the window's pointer events.
//!
//! A kiosk is used with one finger: the first finger down drives the pointer until it lifts, others are
//! ignored (a palm resting on the panel must not move what the finger is dragging). A finger has no hover, so
//! when it lifts the pointer leaves the window, and a pressed look never stays on the last button touched.
//! Touch frames in mouse mode (and a virtual machine's tablet) report as an absolute pointer with a left button.

use slint::platform::{PointerEventButton, WindowEvent};
use slint::LogicalPosition;

/// What the input devices report, in window coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Contact {
    /// A finger touched down (`slot` tells fingers apart).
    Down {
        slot: u32,
        at: LogicalPosition,
    },
    Motion {
        slot: u32,
        at: LogicalPosition,
    },
    Up {
        slot: u32,
    },
    /// The touch panel gave up on a finger (a palm, say): its gesture is void, nothing is clicked.
    Cancel {
        slot: u32,
    },
    /// An absolute pointer moved.
    PointerAt(LogicalPosition),
    /// A pointer's button changed.
    Button {
        button: PointerEventButton,
        pressed: bool,
    },
}

#[derive(Debug, Default)]
pub struct Pointer {
    /// The finger that drives the pointer.
    finger: Option<u32>,
    at: LogicalPosition,
}

impl Pointer {
    /// The window events one contact makes.
    pub fn events(&mut self, contact: Contact) -> Vec<WindowEvent> {
        let moved = |position| WindowEvent::PointerMoved { position };
        match contact {
            Contact::Down { slot, at: position } if self.finger.is_none() => {
                self.finger = Some(slot);
                self.at = position;
                vec![
                    moved(position),
                    WindowEvent::PointerPressed {
                        position,
                        button: PointerEventButton::Left,
                    },
                ]
            }
            Contact::Motion { slot, at: position } if self.finger == Some(slot) => {
                self.at = position;
                vec![moved(position)]
            }
            Contact::Up { slot } if self.finger == Some(slot) => {
                self.finger = None;
                vec![
                    WindowEvent::PointerReleased {
                        position: self.at,
                        button: PointerEventButton::Left,
                    },
                    WindowEvent::PointerExited,
                ]
            }
            Contact::Cancel { slot } if self.finger == Some(slot) => {
                self.finger = None;
                vec![WindowEvent::PointerExited]
            }
            Contact::PointerAt(position) => {
                self.at = position;
                vec![moved(position)]
            }
            Contact::Button { button, pressed } => {
                let position = self.at;
                vec![if pressed {
                    WindowEvent::PointerPressed { position, button }
                } else {
                    WindowEvent::PointerReleased { position, button }
                }]
            }
            // A second finger, or the end of one that never drove the pointer.
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> LogicalPosition {
        LogicalPosition::new(x, y)
    }

    /// A compact record of events, for comparing sequences.
    fn names(events: &[WindowEvent]) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                WindowEvent::PointerMoved { position } => {
                    format!("move {},{}", position.x, position.y)
                }
                WindowEvent::PointerPressed { position, .. } => {
                    format!("press {},{}", position.x, position.y)
                }
                WindowEvent::PointerReleased { position, .. } => {
                    format!("release {},{}", position.x, position.y)
                }
                WindowEvent::PointerExited => "exit".to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn feed(pointer: &mut Pointer, contacts: &[Contact]) -> Vec<String> {
        contacts
            .iter()
            .flat_map(|c| names(&pointer.events(*c)))
            .collect()
    }

    #[test]
    fn a_tap_presses_and_releases_where_the_finger_was_then_leaves() {
        let mut pointer = Pointer::default();
        let seen = feed(
            &mut pointer,
            &[
                Contact::Down {
                    slot: 0,
                    at: p(100.0, 200.0),
                },
                Contact::Motion {
                    slot: 0,
                    at: p(104.0, 198.0),
                },
                Contact::Up { slot: 0 },
            ],
        );
        assert_eq!(
            seen,
            [
                "move 100,200",
                "press 100,200",
                "move 104,198",
                "release 104,198",
                "exit"
            ]
        );
    }

    #[test]
    fn a_second_finger_neither_moves_nor_ends_the_first() {
        let mut pointer = Pointer::default();
        let seen = feed(
            &mut pointer,
            &[
                Contact::Down {
                    slot: 3,
                    at: p(10.0, 10.0),
                },
                Contact::Down {
                    slot: 4,
                    at: p(900.0, 900.0),
                },
                Contact::Motion {
                    slot: 4,
                    at: p(950.0, 950.0),
                },
                Contact::Up { slot: 4 },
                Contact::Motion {
                    slot: 3,
                    at: p(10.0, 60.0),
                },
                Contact::Up { slot: 3 },
                // Once the first has lifted, the next finger drives the pointer.
                Contact::Down {
                    slot: 4,
                    at: p(5.0, 5.0),
                },
            ],
        );
        assert_eq!(
            seen,
            [
                "move 10,10",
                "press 10,10",
                "move 10,60",
                "release 10,60",
                "exit",
                "move 5,5",
                "press 5,5"
            ]
        );
    }

    #[test]
    fn a_cancelled_finger_clicks_nothing_and_a_cancelled_palm_leaves_the_finger_be() {
        let mut pointer = Pointer::default();
        let seen = feed(
            &mut pointer,
            &[
                Contact::Down {
                    slot: 0,
                    at: p(1.0, 2.0),
                },
                // A palm beside the finger is cancelled: the finger's tap goes on.
                Contact::Down {
                    slot: 1,
                    at: p(50.0, 60.0),
                },
                Contact::Cancel { slot: 1 },
                Contact::Motion {
                    slot: 0,
                    at: p(1.0, 3.0),
                },
                Contact::Cancel { slot: 0 },
                Contact::Up { slot: 0 },
            ],
        );
        assert_eq!(seen, ["move 1,2", "press 1,2", "move 1,3", "exit"]);
    }

    #[test]
    fn an_absolute_pointer_clicks_where_it_last_moved() {
        let mut pointer = Pointer::default();
        let seen = feed(
            &mut pointer,
            &[
                Contact::PointerAt(p(300.0, 400.0)),
                Contact::Button {
                    button: PointerEventButton::Left,
                    pressed: true,
                },
                Contact::PointerAt(p(310.0, 400.0)),
                Contact::Button {
                    button: PointerEventButton::Left,
                    pressed: false,
                },
            ],
        );
        assert_eq!(
            seen,
            [
                "move 300,400",
                "press 300,400",
                "move 310,400",
                "release 310,400"
            ]
        );
    }
}
