//! The ID card reader: the SAM serial protocol, the chip's text block, polling, and a simulator.

pub mod frame;
pub mod nation;
pub mod poller;
pub mod reader;
pub mod sim;
pub mod status;
pub mod text;
pub mod wlt;

pub use poller::{CardEvent, CardPoller};
pub use reader::{CardData, CardErrorKind, ReaderError, SamReader};
pub use sim::{SimIdReader, SimMode};
