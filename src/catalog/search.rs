//! Finding one-things by Chinese text or by pinyin (initials like `lmg` for 拉面馆, or full syllables).

use pinyin::{ToPinyin, ToPinyinMulti};

use super::model::Catalog;

/// A search index over the one-things of a catalog, built once when the catalog loads.
pub struct SearchIndex {
    entries: Vec<Entry>,
}

struct Entry {
    no: u32,
    name: String,
    /// For each character of the name, every first letter it can be read with (heteronyms included).
    initials: Vec<Vec<char>>,
    /// The name in toneless pinyin with the most common readings, e.g. `woyaokailamianguan`.
    full_pinyin: String,
    /// The joint items' names, so 食品 also finds the one-things that include a food licence.
    joint_text: String,
}

/// How well a one-thing matched: a better match sorts first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Name,
    Initials,
    FullPinyin,
    JointItem,
}

impl SearchIndex {
    pub fn new(catalog: &Catalog) -> SearchIndex {
        let entries = catalog
            .one_things
            .iter()
            .map(|thing| Entry {
                no: thing.no,
                name: thing.name.to_lowercase(),
                initials: thing.name.chars().map(initials_of).collect(),
                full_pinyin: thing.name.chars().map(full_pinyin_of).collect(),
                joint_text: thing
                    .joint
                    .iter()
                    .map(|row| format!("{}|{}", row.name, row.changed_to.as_deref().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("|")
                    .to_lowercase(),
            })
            .collect();
        SearchIndex { entries }
    }

    /// The numbers of the one-things matching `query`, best matches first, then in the seed's order. An empty
    /// query matches everything.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let query: String = query
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let mut hits: Vec<(Rank, u32)> = self
            .entries
            .iter()
            .filter_map(|entry| entry.rank(&query).map(|rank| (rank, entry.no)))
            .collect();
        hits.sort();
        hits.into_iter().map(|(_, no)| no).collect()
    }
}

impl Entry {
    fn rank(&self, query: &str) -> Option<Rank> {
        if query.is_empty() || self.name.contains(query) {
            return Some(Rank::Name);
        }
        if query.chars().all(|c| c.is_ascii_alphanumeric()) {
            if self.initials_match(query) {
                return Some(Rank::Initials);
            }
            if self.full_pinyin.contains(query) {
                return Some(Rank::FullPinyin);
            }
            return None;
        }
        self.joint_text.contains(query).then_some(Rank::JointItem)
    }

    /// Whether the query's letters are the initials of consecutive characters of the name.
    fn initials_match(&self, query: &str) -> bool {
        let query: Vec<char> = query.chars().collect();
        self.initials.windows(query.len()).any(|window| {
            window
                .iter()
                .zip(&query)
                .all(|(options, q)| options.contains(q))
        })
    }
}

fn initials_of(c: char) -> Vec<char> {
    match c.to_pinyin_multi() {
        Some(readings) => {
            let mut letters: Vec<char> = readings
                .into_iter()
                .filter_map(|p| p.first_letter().chars().next())
                .collect();
            letters.dedup();
            letters
        }
        None => vec![c.to_ascii_lowercase()],
    }
}

fn full_pinyin_of(c: char) -> String {
    match c.to_pinyin() {
        Some(p) => p.plain().to_string(),
        None => c.to_lowercase().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::*;

    fn thing(no: u32, name: &str, joint: &[&str]) -> OneThing {
        OneThing {
            material_when: Default::default(),
            no,
            name: name.into(),
            target: Target::Organisation,
            lead: "市场监督管理局".into(),
            provincial: false,
            questions: vec![],
            joint: joint
                .iter()
                .map(|n| JointRow {
                    name: n.to_string(),
                    department: "x".into(),
                    changed_to: None,
                    when: None,
                    choose: None,
                    requires: None,
                })
                .collect(),
        }
    }

    fn index() -> SearchIndex {
        let catalog = Catalog {
            one_things: vec![
                thing(20, "我要开KTV", &["公共场所卫生许可"]),
                thing(35, "我要开拉面馆", &["食品（含保健食品）经营许可核发"]),
                thing(36, "我要开火锅店", &["食品（含保健食品）经营许可核发"]),
                thing(57, "新房缴契税", &["契税申报"]),
            ],
            ..Default::default()
        };
        SearchIndex::new(&catalog)
    }

    #[test]
    fn chinese_substring() {
        assert_eq!(index().search("拉面"), vec![35]);
        assert_eq!(index().search(" 拉 面 "), vec![35]);
    }

    #[test]
    fn pinyin_initials() {
        assert_eq!(index().search("lmg"), vec![35]);
        assert_eq!(index().search("LMG"), vec![35]);
        assert_eq!(index().search("hgd"), vec![36]);
        // 缴 reads jiao or zhuo: the common reading must match.
        assert_eq!(index().search("jqs"), vec![57]);
        assert!(index().search("xyz").is_empty());
    }

    #[test]
    fn latin_letters_in_names_and_full_pinyin() {
        assert_eq!(index().search("ktv"), vec![20]);
        assert_eq!(index().search("lamian"), vec![35]);
    }

    #[test]
    fn joint_item_text_ranks_after_names() {
        // 食品 is in no name: both restaurants come, in the seed's order.
        assert_eq!(index().search("食品"), vec![35, 36]);
    }

    #[test]
    fn empty_query_lists_everything_in_order() {
        assert_eq!(index().search(""), vec![20, 35, 36, 57]);
    }
}
