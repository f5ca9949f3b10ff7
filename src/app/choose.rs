//! Choosing what to do: the catalog's tabs and search, a guide's situation questions, the path's questions, the
//! joint-item checklist, the one-time notice, and 修改 from the check-answers page.

use super::App;
use crate::catalog::{OneThing, Target};
use crate::session::Step;

/// The steps 修改 on the check-answers page can go to, by the index the view passes back.
pub const CHANGES: [Step; 6] = [
    Step::Items,
    Step::Question(0),
    Step::Form,
    Step::Capture,
    Step::Commitments,
    Step::Delivery,
];

impl App {
    /// 个人 or 法人.
    pub fn set_tab(&mut self, tab: Target) {
        self.tab = tab;
    }

    /// The search as typed.
    pub fn set_query(&mut self, query: &str) {
        self.query = query.to_string();
        self.follow_hits();
    }

    /// The search's last letter erased.
    pub fn erase_query_letter(&mut self) {
        self.query.pop();
        self.follow_hits();
    }

    /// What the catalog says under its heading: an applicant sees that a person's one-things are done here for
    /// themself only (the card read is whose application it is); for someone else, the window.
    pub fn catalog_note(&self) -> &'static str {
        match (self.session.flow(), self.tab) {
            (crate::session::Flow::Apply, Target::Person) => {
                "个人事项只能为持身份证的本人办理；替家人或他人办理，请到综合受理窗口。"
            }
            _ => "",
        }
    }

    /// The one-things the search finds, in both tabs.
    pub fn search_hits(&self) -> Vec<&OneThing> {
        let catalog = self.session.catalog();
        self.index
            .search(&self.query)
            .into_iter()
            .filter_map(|no| catalog.one_thing(no))
            .collect()
    }

    /// When a search finds nothing in the open tab but something in the other, switch to the other: the
    /// applicant searched for a thing, not for a tab.
    fn follow_hits(&mut self) {
        let targets: Vec<Target> = self.search_hits().iter().map(|t| t.target).collect();
        if !targets.is_empty() && !targets.contains(&self.tab) {
            self.tab = targets[0];
        }
    }

    /// A one-thing opened from the catalog.
    pub fn open_one_thing(&mut self, no: u32) {
        let _ = self.session.choose(no);
    }

    /// A situation answered in a guide. A notice printed for the other situation is not this one's.
    pub fn answer_in_guide(&mut self, question: usize, option: usize) {
        let _ = self.session.answer_in_guide(question, option);
        self.new_epoch();
        self.clear_print_note();
    }

    /// An option chosen on a question's page.
    pub fn answer_question(&mut self, option: usize) {
        let Step::Question(i) = self.session.step() else {
            return;
        };
        let chosen = self
            .session
            .one_thing()
            .and_then(|t| t.questions.get(i))
            .and_then(|q| q.options.get(option).cloned());
        if let Some(option) = chosen {
            let _ = self.session.answer(&option);
        }
    }

    /// A row of the joint-item checklist ticked or unticked (tied rows move together).
    pub fn toggle_item(&mut self, row: usize) {
        // The platform is being asked about the items as they are ticked now.
        if self.platform.fetching {
            return;
        }
        let Some(thing) = self.session.one_thing() else {
            return;
        };
        let rows = self.session.selection().rows(thing);
        if let Some(choice) = rows.iter().find(|r| r.row == row) {
            let (row, ticked) = (choice.row, !choice.ticked);
            let _ = self.session.set_item_ticked(row, ticked);
            self.step_error.clear();
        }
    }

    /// 我已了解，开始填写 under the one-time notice.
    pub fn confirm_notice(&mut self) {
        let _ = self.session.confirm_notice();
        self.new_epoch();
        self.clear_print_note();
    }

    /// 修改 beside a part of the check-answers page.
    pub fn change(&mut self, index: usize) {
        if let Some(step) = CHANGES.get(index) {
            let _ = self.session.change(*step);
            self.capture.index = 0;
            self.signing = Default::default();
        }
    }
}
