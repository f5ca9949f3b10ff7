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
    Empty,
    /// A card lies on the reader and was handled (read, or failed to read).
    Present,
}

pub struct CardPoller<P: Port> {
    reader: SamReader<P>,
    state: State,
}

impl<P: Port> CardPoller<P> {
    pub fn new(reader: SamReader<P>) -> CardPoller<P> {
        CardPoller {
            reader,
            state: State::Empty,
        }
    }

    /// Whether a card that was handled still lies on the reader (to remind the applicant to take it back).
    pub fn card_present(&self) -> bool {
        self.state == State::Present
    }

    pub fn reader(&mut self) -> &mut SamReader<P> {
        &mut self.reader
    }

    /// One poll, about once a second. `Err` is a fault of the reader or the line, not of the card.
    pub fn poll(&mut self) -> Result<Option<CardEvent>, ReaderError> {
        match self.state {
            State::Empty => {
                if !self.reader.find_card()? {
                    return Ok(None);
                }
                self.state = State::Present;
                if !self.reader.select_card()? {
                    self.state = State::Empty;
                    return Ok(None);
                }
                match self.reader.read_card() {
                    Ok(data) => Ok(Some(CardEvent::Placed(Box::new(data)))),
                    Err(e) if e.is_device_fault() => {
                        self.state = State::Empty;
                        Err(e)
                    }
                    Err(e) => Ok(Some(CardEvent::Unreadable(e))),
                }
            }
            State::Present => {
                // A card put down again after a failed read answers find once more: read it.
                if self.reader.find_card()? {
                    self.state = State::Empty;
                    return self.poll();
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
