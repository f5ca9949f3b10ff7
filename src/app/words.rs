//! The words the screens and the technician's commands show, in one place: device names and health, and what
//! the drivers, services, outbox, link and session report. Those say what happened as kinds (and in technical
//! English for logs); this module says it in Chinese. Applicant screens get the sentence alone; technicians get
//! the sentence and then the English detail.

mod devices;
mod store;

pub use devices::*;
pub use store::*;
