//! The one-thing catalog: what each one-thing bundles, and what each joint item asks of the applicant.

mod export;
mod load;
mod model;
mod raw;
mod search;

pub use export::to_json;
pub use load::{load, load_text};
pub use model::*;
pub use search::SearchIndex;
