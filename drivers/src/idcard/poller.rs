//! Polling as readers expect: a card is read once per placement, and its removal is noticed.
//!
//! Find card answers only for a card not yet read; after a read the card no longer answers find but still answers
//! select while it lies on the reader. So: find → select → read once; then select until it fails (removed).

use super::reader::{CardData, Port, ReaderError, SamReader};

pub enum CardEvent {
    /// A card was placed and read.
    Placed(Box<CardData>),
    /// A card was placed but could not be read (moved too soon, not flat, not an ID card); the applicant can
    /// place it again.
    Unreadable(ReaderError),
    /// The card that was read was taken away.
    Removed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Just connected: a card may already lie on the reader, read before (it answers select, not find).
    Unknown,
    Empty,
    /// A card lies on the reader and was handled (read, or failed to read).
    Present,
    /// A card was found but its read failed on the line: read it again (it may now answer select only).
    Reread,
}

pub struct CardPoller<P: Port> {
    reader: SamReader<P>,
    state: State,
}

impl<P: Port> CardPoller<P> {
    pub fn new(reader: SamReader<P>) -> CardPoller<P> {
        CardPoller {
            reader,
            state: State::Unknown,
        }
    }

    /// Whether a card that was handled still lies on the reader (to remind the applicant to take it back).
    pub fn card_present(&self) -> bool {
        self.state == State::Present
    }

    pub fn reader(&mut self) -> &mut SamReader<P> {
        &mut self.reader
    }

    /// Select, then read: the card's event, or a fault of the line (after which the read is tried again).
    fn select_and_read(&mut self) -> Result<Option<CardEvent>, ReaderError> {
        if !self.reader.select_card()? {
            self.state = State::Empty;
            return Ok(None);
        }
        match self.reader.read_card() {
            Ok(data) => {
                self.state = State::Present;
                Ok(Some(CardEvent::Placed(Box::new(data))))
            }
            Err(e) if e.is_device_fault() => {
                self.state = State::Reread;
                Err(e)
            }
            Err(e) => {
                self.state = State::Present;
                Ok(Some(CardEvent::Unreadable(e)))
            }
        }
    }

    /// One poll, about once a second. `Err` is a fault of the reader or the line; anything wrong with the card
    /// (not an ID card, moved too soon) is an `Unreadable` event for the applicant.
    pub fn poll(&mut self) -> Result<Option<CardEvent>, ReaderError> {
        match self.poll_once() {
            Err(e) if !e.is_device_fault() => Ok(Some(CardEvent::Unreadable(e))),
            other => other,
        }
    }

    fn poll_once(&mut self) -> Result<Option<CardEvent>, ReaderError> {
        match self.state {
            State::Unknown => {
                if self.reader.find_card()? {
                    return self.select_and_read();
                }
                // A card read before this connection: handled already; its removal will be noticed.
                self.state = if self.reader.select_card()? {
                    State::Present
                } else {
                    State::Empty
                };
                Ok(None)
            }
            State::Empty => {
                if self.reader.find_card()? {
                    self.select_and_read()
                } else {
                    Ok(None)
                }
            }
            State::Reread => self.select_and_read(),
            State::Present => {
                // A card put down again after a failed read answers find once more: read it.
                if self.reader.find_card()? {
                    return self.select_and_read();
                }
                if self.reader.select_card()? {
                    Ok(None)
                } else {
                    self.state = State::Empty;
                    Ok(Some(CardEvent::Removed))
                }
            }
        }
    }
}
