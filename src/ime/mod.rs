//! Pinyin input for the on-screen keyboard: letters typed become candidate words and characters, most frequent
//! first. Readings come from the `pinyin` crate (every reading of every common character); frequencies come from
//! jieba's dictionary (`jieba-rs`, which embeds it), which also says which character runs are words.
//! No Slint here, no I/O.

mod engine;

pub use engine::{Candidate, PinyinIme};
