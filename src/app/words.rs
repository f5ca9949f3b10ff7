//! The words the screens and the technician's commands show, in one place: device names and health, and what
//! the drivers, services, outbox, link and session report. Those say what happened as kinds (and in technical
//! English for logs); this module says it in Chinese. Applicant screens get the sentence alone; technicians get
//! the sentence and then the English detail.

mod devices;
mod link;
mod session;
mod speech;
mod store;

pub use devices::*;
pub use link::*;
pub use session::*;
pub use speech::*;
pub use store::*;

/// An error as a technician reads it (technician mode, the `kiosk` commands): the words, then the technical
/// detail.
pub trait ForTechnicians {
    fn for_technicians(&self) -> String;
}

/// `words（detail）`, or the words alone when there is no detail.
pub fn with_detail(words: &str, detail: &dyn std::fmt::Display) -> String {
    let detail = detail.to_string();
    if detail.is_empty() {
        words.to_string()
    } else {
        format!("{words}（{detail}）")
    }
}
