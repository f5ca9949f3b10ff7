//! The pinyin table `build.rs` prepared, read in place from the binary: nothing is parsed or copied at start-up,
//! and the pages a look-up touches are shared with every other process that maps the same binary.

use super::table_format::{char_code, word_key, CHARS, FIRST_CHAR, MAGIC, NAME_LEN};

static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/pinyin_table.bin"));

/// The table's sections, as slices of the embedded bytes.
#[derive(Clone, Copy)]
pub struct Table {
    names: &'static [u8],
    offsets: &'static [u8],
    readings: &'static [u8],
    char_freqs: &'static [u8],
    word_keys: &'static [u8],
    word_freqs: &'static [u8],
}

impl Table {
    /// The embedded table. It was written by this build's own `build.rs`, so a bad layout is a build defect.
    pub fn embedded() -> Table {
        Table::parse(BYTES)
            .expect("build.rs writes the pinyin table in the layout of table_format.rs")
    }

    fn parse(bytes: &'static [u8]) -> Option<Table> {
        let mut cursor = Cursor { bytes, at: 0 };
        if cursor.take(MAGIC.len())? != MAGIC.as_slice() {
            return None;
        }
        let (syllables, readings, words) = (cursor.count()?, cursor.count()?, cursor.count()?);
        let names = cursor.take(syllables.checked_mul(NAME_LEN)?)?;
        let offsets = cursor.take((syllables + 1).checked_mul(4)?)?;
        let reading_bytes = cursor.take(readings.checked_mul(2)?)?;
        cursor.take((4 - cursor.at % 4) % 4)?;
        let table = Table {
            names,
            offsets,
            readings: reading_bytes,
            char_freqs: cursor.take(CHARS * 4)?,
            word_keys: cursor.take(words.checked_mul(8)?)?,
            word_freqs: cursor.take(words.checked_mul(4)?)?,
        };
        (cursor.at == bytes.len()).then_some(table)
    }

    fn syllable_count(&self) -> usize {
        self.names.len() / NAME_LEN
    }

    fn name(&self, index: usize) -> &'static [u8] {
        let name = &self.names[index * NAME_LEN..(index + 1) * NAME_LEN];
        let len = name.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        &name[..len]
    }

    /// The index of the first syllable not before `piece`.
    fn lower_bound(&self, piece: &[u8]) -> usize {
        let (mut low, mut high) = (0, self.syllable_count());
        while low < high {
            let middle = (low + high) / 2;
            if self.name(middle) < piece {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// The syllable spelled exactly `piece`.
    pub fn syllable(&self, piece: &str) -> Option<usize> {
        let index = self.lower_bound(piece.as_bytes());
        (index < self.syllable_count() && self.name(index) == piece.as_bytes()).then_some(index)
    }

    /// Every syllable that starts with `piece` (itself included), in order.
    pub fn syllables_starting<'a>(&self, piece: &'a str) -> impl Iterator<Item = usize> + 'a {
        let table = *self;
        let first = table.lower_bound(piece.as_bytes());
        (first..table.syllable_count())
            .take_while(move |&i| table.name(i).starts_with(piece.as_bytes()))
    }

    /// The length in letters of the longest syllable.
    pub fn longest_syllable(&self) -> usize {
        (0..self.syllable_count())
            .map(|i| self.name(i).len())
            .max()
            .unwrap_or(NAME_LEN)
    }

    fn offset(&self, index: usize) -> usize {
        read_u32(self.offsets, index) as usize
    }

    /// The characters read as a syllable, most frequent first.
    pub fn characters(&self, syllable: usize) -> impl Iterator<Item = char> + '_ {
        let (start, end) = (self.offset(syllable), self.offset(syllable + 1));
        self.readings[start * 2..end * 2]
            .chunks_exact(2)
            .filter_map(|pair| {
                char::from_u32(FIRST_CHAR + u32::from(u16::from_le_bytes([pair[0], pair[1]])))
            })
    }

    /// How often a character occurs (jieba's suggestion for it alone); 0 when it is not offered.
    pub fn char_freq(&self, c: char) -> u32 {
        char_code(c).map_or(0, |code| read_u32(self.char_freqs, usize::from(code)))
    }

    /// How often a word of two to four characters occurs, `None` when it is not a word.
    pub fn word_freq(&self, word: &str) -> Option<u32> {
        let key = word_key(word)?;
        let index = self.first_word_from(key);
        (self.word_key_at(index)? == key).then(|| read_u32(self.word_freqs, index))
    }

    /// Whether some word (longer or not) starts with `prefix`: the engine stops spelling words that none do.
    pub fn words_start_with(&self, prefix: &str) -> bool {
        let Some(key) = word_key(prefix) else {
            return false;
        };
        let used_bits = 16 * prefix.chars().count() as u32;
        let mask = u64::MAX << (64 - used_bits);
        self.word_key_at(self.first_word_from(key))
            .is_some_and(|found| found & mask == key)
    }

    fn word_key_at(&self, index: usize) -> Option<u64> {
        let bytes = self.word_keys.get(index * 8..index * 8 + 8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }

    /// The index of the first word whose key is not below `key`.
    fn first_word_from(&self, key: u64) -> usize {
        let (mut low, mut high) = (0, self.word_keys.len() / 8);
        while low < high {
            let middle = (low + high) / 2;
            if self.word_key_at(middle).is_some_and(|found| found < key) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }
}

/// Reads the table's sections in order.
struct Cursor {
    bytes: &'static [u8],
    at: usize,
}

impl Cursor {
    fn take(&mut self, len: usize) -> Option<&'static [u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    fn count(&mut self) -> Option<usize> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
}

fn read_u32(bytes: &[u8], index: usize) -> u32 {
    let b = &bytes[index * 4..index * 4 + 4];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_holds_readings_words_and_frequencies() {
        let table = Table::embedded();
        assert!(table.syllable_count() > 380, "every toneless syllable");
        assert_eq!(table.longest_syllable(), 6);
        let zhong = table.syllable("zhong").expect("zhong is a syllable");
        assert!(table.characters(zhong).take(3).any(|c| c == '中'));
        assert_eq!(table.syllable("zho"), None);
        assert!(table.syllables_starting("zho").any(|i| i == zhong));
        assert!(table.syllables_starting("zhx").next().is_none());
        assert!(table.word_freq("中国").is_some_and(|f| f > 1000));
        assert!(table.word_freq("拉面").is_some());
        assert!(table.words_start_with("拉"), "拉面 and more");
        assert!(table.words_start_with("中国"), "中国 and 中国人");
        assert!(!table.words_start_with("的的的"));
        assert_eq!(table.word_freq("的的的"), None, "not a word");
        assert!(table.char_freq('的') > table.char_freq('峡'));
        assert_eq!(table.char_freq('a'), 0);
    }

    #[test]
    fn a_truncated_or_foreign_table_is_refused() {
        assert!(Table::parse(&BYTES[..BYTES.len() - 1]).is_none());
        assert!(Table::parse(b"KPY0\0\0\0\0\0\0\0\0\0\0\0\0").is_none());
        assert!(Table::parse(b"").is_none());
    }
}
