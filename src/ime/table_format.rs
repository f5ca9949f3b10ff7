//! The layout of the pinyin table that `build.rs` writes and the engine reads in place (little-endian):
//!
//! | what                         | size                         |
//! |------------------------------|------------------------------|
//! | magic `KPY1`                 | 4 bytes                      |
//! | syllables S, readings R, words W | 3 × u32                  |
//! | syllable names, sorted       | S × 6 bytes, zero-padded     |
//! | reading offsets              | (S + 1) × u32                |
//! | reading characters           | R × u16 (code − U+4E00)      |
//! | padding to 4 bytes           | 0 or 2 bytes                 |
//! | character frequencies        | CHARS × u32, U+4E00 onwards  |
//! | word keys, sorted            | W × u64 ([`word_key`])       |
//! | word frequencies             | W × u32                      |
//!
//! Included by `build.rs` as well as by the engine, so the writer and the reader cannot disagree.

pub const MAGIC: &[u8; 4] = b"KPY1";
/// The longest toneless syllable (zhuang, chuang, shuang).
pub const NAME_LEN: usize = 6;
/// The CJK Unified Ideographs block the keyboard offers.
pub const FIRST_CHAR: u32 = 0x4E00;
pub const LAST_CHAR: u32 = 0x9FFF;
pub const CHARS: usize = (LAST_CHAR - FIRST_CHAR + 1) as usize;
/// The longest word kept, in characters: four 16-bit codes fill a key.
pub const MAX_WORD_CHARS: usize = 4;

/// A character's 16-bit code in the table, `None` outside the block.
pub fn char_code(c: char) -> Option<u16> {
    let code = c as u32;
    (FIRST_CHAR..=LAST_CHAR)
        .contains(&code)
        .then(|| (code - FIRST_CHAR) as u16)
}

/// A word of one to four characters of the block as one number whose order is the words' order: each character
/// is its code plus one, first character in the top 16 bits, unused places zero. `None` for anything else.
pub fn word_key(word: &str) -> Option<u64> {
    let mut key = 0u64;
    let mut count = 0;
    for c in word.chars() {
        if count == MAX_WORD_CHARS {
            return None;
        }
        let code = u64::from(char_code(c)?) + 1;
        key |= code << (48 - 16 * count);
        count += 1;
    }
    (count > 0).then_some(key)
}
