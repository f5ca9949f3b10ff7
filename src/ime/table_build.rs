//! Writes the pinyin table (`table_format.rs`) from the same sources the engine once read at start-up: every
//! reading of every character from the `pinyin` crate, and jieba's dictionary for which runs are words and how
//! often they occur. Run by `build.rs`, never by the kiosk.

use std::collections::{BTreeMap, HashSet};

use jieba_rs::Jieba;
use pinyin::ToPinyinMulti;

use super::table_format::{char_code, word_key, CHARS, FIRST_CHAR, MAGIC, NAME_LEN};

/// The table's bytes, from jieba's `dict.txt` (one `word frequency [tag]` per line).
pub fn build(dict_text: &str) -> Result<Vec<u8>, String> {
    let jieba = Jieba::new();
    // The characters offered: jieba saw them, and they have a reading. The frequency is jieba's suggestion for
    // the character alone, as the engine has always ranked them.
    let mut char_freqs = vec![0u32; CHARS];
    let mut readings: BTreeMap<String, Vec<(char, u32)>> = BTreeMap::new();
    let mut offered = HashSet::new();
    for code in FIRST_CHAR..FIRST_CHAR + CHARS as u32 {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        let text = c.to_string();
        if !jieba.has_word(&text) {
            continue;
        }
        let Some(multi) = c.to_pinyin_multi() else {
            continue;
        };
        let freq = clamp(jieba.suggest_freq(&text));
        char_freqs[(code - FIRST_CHAR) as usize] = freq;
        offered.insert(c);
        for reading in multi {
            // ü is typed v, as on every pinyin keyboard (lv → 绿); ê cannot be typed at all.
            let syllable = reading.plain().replace('ü', "v");
            if !syllable.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            readings.entry(syllable).or_default().push((c, freq));
        }
    }

    // Words of two to four offered characters: only those can be spelled from the candidate lists.
    let mut words: BTreeMap<u64, u32> = BTreeMap::new();
    for (number, line) in dict_text.lines().enumerate() {
        let word = line
            .split_whitespace()
            .next()
            .ok_or_else(|| format!("dict.txt line {}: no word", number + 1))?;
        if word.chars().count() < 2 || !word.chars().all(|c| offered.contains(&c)) {
            continue;
        }
        let Some(key) = word_key(word) else {
            continue;
        };
        if jieba.has_word(word) {
            words
                .entry(key)
                .or_insert_with(|| clamp(jieba.suggest_freq(word)));
        }
    }

    // Most frequent first, the same order every build, and once each: two tones of one character read alike
    // without them (采 cǎi and cài), and the applicant would see it offered twice.
    for chars in readings.values_mut() {
        chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        chars.dedup();
    }

    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    for count in [
        readings.len(),
        readings.values().map(Vec::len).sum(),
        words.len(),
    ] {
        out.extend_from_slice(
            &u32::try_from(count)
                .map_err(|_| "table too large")?
                .to_le_bytes(),
        );
    }
    for name in readings.keys() {
        if name.len() > NAME_LEN || !name.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(format!("unexpected syllable {name:?}"));
        }
        let mut padded = [0u8; NAME_LEN];
        padded[..name.len()].copy_from_slice(name.as_bytes());
        out.extend_from_slice(&padded);
    }
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for chars in readings.values() {
        offset += chars.len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for chars in readings.values() {
        for (c, _) in chars {
            let code = char_code(*c).ok_or("character outside the block")?;
            out.extend_from_slice(&code.to_le_bytes());
        }
    }
    while out.len() % 4 != 0 {
        out.push(0);
    }
    for freq in &char_freqs {
        out.extend_from_slice(&freq.to_le_bytes());
    }
    for key in words.keys() {
        out.extend_from_slice(&key.to_le_bytes());
    }
    for freq in words.values() {
        out.extend_from_slice(&freq.to_le_bytes());
    }
    Ok(out)
}

fn clamp(freq: usize) -> u32 {
    u32::try_from(freq).unwrap_or(u32::MAX)
}
