//! The candidate engine.

use std::collections::HashMap;

use jieba_rs::Jieba;
use pinyin::ToPinyinMulti;

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

pub struct PinyinIme {
    jieba: Jieba,
    /// Syllable (no tone) → characters with that reading, most frequent first.
    readings: HashMap<String, Vec<char>>,
    longest_syllable: usize,
}

impl Default for PinyinIme {
    fn default() -> Self {
        Self::new()
    }
}

impl PinyinIme {
    /// Builds the tables: every character of the CJK Unified Ideographs block with a reading.
    pub fn new() -> PinyinIme {
        let jieba = Jieba::new();
        let mut readings: HashMap<String, Vec<(char, usize)>> = HashMap::new();
        for code in 0x4E00u32..=0x9FFF {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let text = c.to_string();
            // Characters jieba never saw are too rare to offer.
            if !jieba.has_word(&text) {
                continue;
            }
            let freq = jieba.suggest_freq(&text);
            let Some(multi) = c.to_pinyin_multi() else {
                continue;
            };
            for reading in multi {
                readings
                    .entry(reading.plain().to_string())
                    .or_default()
                    .push((c, freq));
            }
        }
        let longest_syllable = readings.keys().map(String::len).max().unwrap_or(6);
        let readings = readings
            .into_iter()
            .map(|(syllable, mut chars)| {
                chars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                (syllable, chars.into_iter().map(|(c, _)| c).collect())
            })
            .collect();
        PinyinIme {
            jieba,
            readings,
            longest_syllable,
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
                let whole = self.readings.contains_key(piece);
                let partial = end == n && self.readings.keys().any(|s| s.starts_with(piece));
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
        if let Some(chars) = self.readings.get(syllable) {
            return chars.clone();
        }
        let mut all: Vec<(char, usize)> = self
            .readings
            .iter()
            .filter(|(s, _)| s.starts_with(syllable))
            .flat_map(|(_, chars)| chars.iter().take(20).copied())
            .map(|c| (c, self.jieba.suggest_freq(&c.to_string())))
            .collect();
        all.sort_by_key(|(_, freq)| std::cmp::Reverse(*freq));
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
            let mut words: Vec<(String, usize)> = Vec::new();
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
        out: &mut Vec<(String, usize)>,
    ) {
        let Some((first, rest)) = lists.split_first() else {
            if self.jieba.has_word(prefix) {
                out.push((prefix.clone(), self.jieba.suggest_freq(prefix)));
            }
            return;
        };
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
        let first = ime().candidates("lao", 5);
        assert_eq!(first[0].letters, 3);
        assert!(first.iter().any(|c| c.text == "老"));
    }
}
