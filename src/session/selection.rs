//! Situation answers and the joint items the applicant chose: all of them, or only some.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, JointItem, OneThing, Question};

/// The applicant's answers to the situation questions and the joint items they unticked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    answers: BTreeMap<String, String>,
    /// Rows (by index in the one-thing) the applicant unticked. Everything else that applies is chosen.
    unticked: BTreeSet<usize>,
}

/// A joint-item row as the checklist shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowChoice {
    pub row: usize,
    /// The joint item the row stands for under the answers.
    pub item: String,
    pub department: String,
    pub ticked: bool,
    /// The row that must be chosen with this one, if any.
    pub requires: Option<String>,
}

/// A joint item that is part of the application.
#[derive(Clone, Debug)]
pub struct ChosenItem<'c> {
    pub row: usize,
    pub department: &'c str,
    pub item: &'c JointItem,
}

/// Why an answer or a tick was not taken. Its variants are already the kind of what happened; the app words them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("no such question")]
    UnknownQuestion,
    #[error("no such option")]
    UnknownOption,
    #[error("no such row")]
    UnknownRow,
    #[error("nothing chosen")]
    NothingChosen,
}

impl Selection {
    pub fn answers(&self) -> &BTreeMap<String, String> {
        &self.answers
    }

    /// Records an answer. Changing an answer can swap rows in and out; their ticks start fresh.
    pub fn answer(
        &mut self,
        thing: &OneThing,
        key: &str,
        option: &str,
    ) -> Result<(), SelectionError> {
        let question = thing.question(key).ok_or(SelectionError::UnknownQuestion)?;
        if !question.options.iter().any(|o| o == option) {
            return Err(SelectionError::UnknownOption);
        }
        if self
            .answers
            .insert(key.to_string(), option.to_string())
            .as_deref()
            != Some(option)
        {
            self.unticked.retain(|&row| {
                thing
                    .joint
                    .get(row)
                    .is_some_and(|r| r.when.as_ref().is_none_or(|(q, _)| q != key))
            });
        }
        Ok(())
    }

    /// The first question still without an answer.
    pub fn unanswered<'t>(&self, thing: &'t OneThing) -> Option<&'t Question> {
        thing
            .questions
            .iter()
            .find(|q| !self.answers.contains_key(&q.key))
    }

    /// The rows that apply under the answers, with their ticks.
    pub fn rows(&self, thing: &OneThing) -> Vec<RowChoice> {
        thing
            .joint
            .iter()
            .enumerate()
            .filter_map(|(index, row)| {
                row.resolve(&self.answers).map(|item| RowChoice {
                    row: index,
                    item,
                    department: row.department.clone(),
                    ticked: !self.unticked.contains(&index),
                    requires: row.requires.clone(),
                })
            })
            .collect()
    }

    /// Ticks or unticks a row. Rows tied by `requires` move together: ticking a row ticks what it requires,
    /// unticking a row unticks the rows that require it.
    pub fn set_ticked(
        &mut self,
        thing: &OneThing,
        row: usize,
        ticked: bool,
    ) -> Result<(), SelectionError> {
        let target = thing.joint.get(row).ok_or(SelectionError::UnknownRow)?;
        if target.resolve(&self.answers).is_none() {
            return Err(SelectionError::UnknownRow);
        }
        if ticked {
            self.unticked.remove(&row);
            if let Some(required) = &target.requires {
                if let Some(index) = thing.joint.iter().position(|r| &r.name == required) {
                    self.unticked.remove(&index);
                }
            }
        } else {
            self.unticked.insert(row);
            for (index, other) in thing.joint.iter().enumerate() {
                if other.requires.as_ref() == Some(&target.name) {
                    self.unticked.insert(index);
                }
            }
        }
        Ok(())
    }

    /// The joint items the application covers, in the seed's order. Fails when nothing is chosen.
    pub fn chosen<'c>(
        &self,
        catalog: &'c Catalog,
        thing: &'c OneThing,
    ) -> Result<Vec<ChosenItem<'c>>, SelectionError> {
        let chosen: Vec<ChosenItem> = self
            .rows(thing)
            .into_iter()
            .filter(|r| r.ticked)
            .filter_map(|r| {
                catalog.joint_items.get(&r.item).map(|item| ChosenItem {
                    row: r.row,
                    department: &thing.joint[r.row].department,
                    item,
                })
            })
            .collect();
        if chosen.is_empty() {
            Err(SelectionError::NothingChosen)
        } else {
            Ok(chosen)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::test_support::catalog;

    #[test]
    fn all_rows_are_ticked_at_first() {
        let catalog = catalog();
        let thing = catalog.one_thing(35).unwrap();
        let selection = Selection::default();
        let rows = selection.rows(thing);
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.ticked));
        assert_eq!(selection.chosen(&catalog, thing).unwrap().len(), 4);
    }

    #[test]
    fn unticking_leaves_the_rest() {
        let catalog = catalog();
        let thing = catalog.one_thing(35).unwrap();
        let mut selection = Selection::default();
        selection.set_ticked(thing, 2, false).unwrap();
        let chosen: Vec<_> = selection
            .chosen(&catalog, thing)
            .unwrap()
            .iter()
            .map(|c| c.row)
            .collect();
        assert_eq!(chosen, vec![0, 1, 3]);
        selection.set_ticked(thing, 2, true).unwrap();
        assert_eq!(selection.chosen(&catalog, thing).unwrap().len(), 4);
    }

    #[test]
    fn nothing_chosen_is_an_error() {
        let catalog = catalog();
        let thing = catalog.one_thing(35).unwrap();
        let mut selection = Selection::default();
        for row in 0..4 {
            selection.set_ticked(thing, row, false).unwrap();
        }
        assert_eq!(
            selection.chosen(&catalog, thing).unwrap_err(),
            SelectionError::NothingChosen
        );
        // What the applicant reads for it is app/words' (its test `session_errors_read_as_before`).
    }

    #[test]
    fn answers_pick_alternatives() {
        let catalog = catalog();
        let thing = catalog.one_thing(20).unwrap();
        let mut selection = Selection::default();
        assert_eq!(
            selection.unanswered(thing).map(|q| q.key.as_str()),
            Some("site")
        );
        // Unanswered, neither alternative applies.
        assert!(selection
            .rows(thing)
            .iter()
            .all(|r| !r.item.contains("场地")));
        selection.answer(thing, "site", "租赁场地").unwrap();
        assert!(selection.unanswered(thing).is_none());
        let items: Vec<String> = selection.rows(thing).into_iter().map(|r| r.item).collect();
        assert!(items.contains(&"歌舞娱乐场所经营单位设立审批（租赁场地）".to_string()));
        assert!(!items.contains(&"歌舞娱乐场所经营单位设立审批（自有场地）".to_string()));
        assert_eq!(
            selection.answer(thing, "site", "借用场地"),
            Err(SelectionError::UnknownOption)
        );
        assert_eq!(
            selection.answer(thing, "nope", "租赁场地"),
            Err(SelectionError::UnknownQuestion)
        );
    }

    #[test]
    fn choose_completes_the_item_name() {
        let catalog = catalog();
        let thing = catalog.one_thing(11).unwrap();
        let mut selection = Selection::default();
        selection
            .answer(thing, "commitment", "采用告知承诺制")
            .unwrap();
        let names: Vec<&str> = selection
            .chosen(&catalog, thing)
            .unwrap()
            .iter()
            .map(|c| c.item.name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["公众聚集场所投入使用、营业前消防安全检查（采用告知承诺制）"]
        );
    }

    #[test]
    fn changing_an_answer_resets_the_ticks_of_swapped_rows() {
        let catalog = catalog();
        let thing = catalog.one_thing(20).unwrap();
        let mut selection = Selection::default();
        selection.answer(thing, "site", "租赁场地").unwrap();
        let leased = selection
            .rows(thing)
            .into_iter()
            .find(|r| r.item.contains("租赁"))
            .unwrap()
            .row;
        selection.set_ticked(thing, leased, false).unwrap();
        selection.answer(thing, "site", "自有场地").unwrap();
        selection.answer(thing, "site", "租赁场地").unwrap();
        assert!(
            selection
                .rows(thing)
                .iter()
                .find(|r| r.row == leased)
                .unwrap()
                .ticked
        );
        // A row that the answers leave out cannot be ticked.
        let owned = thing
            .joint
            .iter()
            .position(|r| r.name.contains("自有"))
            .unwrap();
        assert_eq!(
            selection.set_ticked(thing, owned, true),
            Err(SelectionError::UnknownRow)
        );
    }

    #[test]
    fn tied_rows_move_together() {
        let catalog = catalog();
        let thing = catalog.one_thing(57).unwrap();
        let mut selection = Selection::default();
        // Unticking 契税申报 unticks 打印契税完税证明, which requires it.
        selection.set_ticked(thing, 1, false).unwrap();
        let ticked: Vec<usize> = selection
            .rows(thing)
            .into_iter()
            .filter(|r| r.ticked)
            .map(|r| r.row)
            .collect();
        assert_eq!(ticked, vec![0]);
        // Ticking the certificate again brings the declaration back.
        selection.set_ticked(thing, 2, true).unwrap();
        assert!(selection.rows(thing).iter().all(|r| r.ticked));
    }
}
