//! The candidate engine, over the table `build.rs` prepared.

use super::table::Table;

/// One candidate: the text, and how many letters of the input it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    pub letters: usize,
}

/// The longest word looked up, in syllables.
const MAX_WORD: usize = 4;
/// How many characters per syllable are combined into words of 2, 3 and 4 syllables.
const FAN_OUT: [usize; 5] = [0, 0, 40, 14, 8];
/// How many characters of each syllable a partly typed one offers.
const PER_PARTIAL_SYLLABLE: usize = 20;

pub struct PinyinIme {
    table: Table,
    longest_syllable: usize,
}

impl Default for PinyinIme {
    fn default() -> Self {
        Self::new()
    }
}

impl PinyinIme {
    /// The engine over the embedded table: nothing to build, nothing copied.
    pub fn new() -> PinyinIme {
        let table = Table::embedded();
        PinyinIme {
            longest_syllable: table.longest_syllable(),
            table,
        }
    }

    /// Splits letters into syllables, preferring fewer, longer ones; the last may be the start of a syllable
    /// still being typed. `None` when the letters cannot be read as pinyin.
    pub fn syllables(&self, letters: &str) -> Option<Vec<String>> {
        let letters = letters.to_ascii_lowercase();
        let n = letters.len();
        // best[i]: the fewest syllables that spell letters[..i].
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        best[0] = Some((0, 0));
        for end in 1..=n {
            for start in end.saturating_sub(self.longest_syllable)..end {
                let Some((count, _)) = best[start] else {
                    continue;
                };
                let piece = &letters[start..end];
                let whole = self.table.syllable(piece).is_some();
                let partial = end == n && self.table.syllables_starting(piece).next().is_some();
                if (whole || partial) && best[end].is_none_or(|(c, _)| count + 1 < c) {
                    best[end] = Some((count + 1, start));
                }
            }
        }
        best[n]?;
        let mut pieces = Vec::new();
        let mut end = n;
        while end > 0 {
            let (_, start) = best[end]?;
            pieces.push(letters[start..end].to_string());
            end = start;
        }
        pieces.reverse();
        Some(pieces)
    }

    /// The characters a syllable (or the start of one) may stand for, most frequent first.
    fn chars_for(&self, syllable: &str) -> Vec<char> {
        if let Some(index) = self.table.syllable(syllable) {
            return self.table.characters(index).collect();
        }
        let mut all: Vec<(char, u32)> = self
            .table
            .syllables_starting(syllable)
            .flat_map(|index| self.table.characters(index).take(PER_PARTIAL_SYLLABLE))
            .map(|c| (c, self.table.char_freq(c)))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        all.dedup_by_key(|(c, _)| *c);
        all.into_iter().map(|(c, _)| c).collect()
    }

    /// Candidates for `letters`: words for the first two to four syllables (longest first, then by frequency),
    /// then the characters of the first syllable.
    pub fn candidates(&self, letters: &str, limit: usize) -> Vec<Candidate> {
        let Some(syllables) = self.syllables(letters) else {
            return Vec::new();
        };
        let per_syllable: Vec<Vec<char>> = syllables.iter().map(|s| self.chars_for(s)).collect();
        let mut out = Vec::new();
        for k in (2..=syllables.len().min(MAX_WORD)).rev() {
            let mut words: Vec<(String, u32)> = Vec::new();
            let mut prefix = String::new();
            self.words(&per_syllable[..k], FAN_OUT[k], &mut prefix, &mut words);
            words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let used: usize = syllables[..k].iter().map(String::len).sum();
            out.extend(words.into_iter().map(|(text, _)| Candidate {
                text,
                letters: used,
            }));
        }
        let first = syllables.first().map(String::len).unwrap_or(0);
        out.extend(
            per_syllable
                .first()
                .into_iter()
                .flatten()
                .map(|c| Candidate {
                    text: c.to_string(),
                    letters: first,
                }),
        );
        out.truncate(limit);
        out
    }

    /// Every dictionary word spelled by one character from each list in turn (the first `fan_out` of each).
    fn words(
        &self,
        lists: &[Vec<char>],
        fan_out: usize,
        prefix: &mut String,
        out: &mut Vec<(String, u32)>,
    ) {
        let Some((first, rest)) = lists.split_first() else {
            if let Some(freq) = self.table.word_freq(prefix) {
                out.push((prefix.clone(), freq));
            }
            return;
        };
        // No word goes on from here: the fan-out below would find nothing.
        if !prefix.is_empty() && !self.table.words_start_with(prefix) {
            return;
        }
        for c in first.iter().take(fan_out) {
            prefix.push(*c);
            self.words(rest, fan_out, prefix, out);
            prefix.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn ime() -> &'static PinyinIme {
        static IME: OnceLock<PinyinIme> = OnceLock::new();
        IME.get_or_init(PinyinIme::new)
    }

    fn texts(letters: &str) -> Vec<String> {
        ime()
            .candidates(letters, 12)
            .into_iter()
            .map(|c| c.text)
            .collect()
    }

    #[test]
    fn common_words_come_first() {
        assert_eq!(texts("zhongguo").first().map(String::as_str), Some("中国"));
        assert!(
            texts("mianguan").contains(&"面馆".to_string()),
            "{:?}",
            texts("mianguan")
        );
        assert!(
            texts("lamian").contains(&"拉面".to_string()),
            "{:?}",
            texts("lamian")
        );
        assert!(
            texts("xixia").contains(&"西峡".to_string()) || texts("xi").contains(&"西".to_string())
        );
    }

    #[test]
    fn nothing_is_offered_twice() {
        // 采 reads cǎi and cài, 长 cháng and zhǎng: one toneless syllable, one candidate.
        for letters in ["cai", "chang", "changnv", "digu", "c"] {
            let all = texts(letters);
            let mut unique = all.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), all.len(), "{letters}: {all:?}");
        }
    }

    #[test]
    fn letters_split_into_syllables_and_partial_ones() {
        assert_eq!(
            ime().syllables("laomalamian"),
            Some(vec!["lao".into(), "ma".into(), "la".into(), "mian".into()])
        );
        assert_eq!(
            ime().syllables("xian").map(|s| s.len()),
            Some(1),
            "xian is one syllable"
        );
        assert!(ime().syllables("zh").is_some(), "the start of a syllable");
        assert_eq!(ime().syllables("vvv"), None);
        assert_eq!(
            ime().syllables("lvse"),
            Some(vec!["lv".into(), "se".into()]),
            "ü is typed v"
        );
        assert!(texts("lvse").contains(&"绿色".to_string()));
        let first = ime().candidates("lao", 5);
        assert_eq!(first[0].letters, 3);
        assert!(first.iter().any(|c| c.text == "老"));
    }
}
