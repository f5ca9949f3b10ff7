//! Pinyin input for the on-screen keyboard: letters typed become candidate words and characters, most frequent
//! first (ü is typed v). Readings come from the `pinyin` crate (every reading of every common character);
//! frequencies come from jieba's dictionary, which also says which character runs are words. `build.rs` makes
//! one compact table of both (`table_build.rs`, layout in `table_format.rs`) that the binary embeds: the engine
//! reads it in place, so it loads at once and costs no heap. No Slint here, no I/O.

mod engine;
mod table;
mod table_format;

pub use engine::{Candidate, PinyinIme};
