//! 好差评: one rating of a finished application or pickup (国办发〔2019〕51号, 一次一评), as the contract's
//! `POST /v1/evaluations` takes it. The kiosk makes the evaluation's id, so that sending it again (after a lost
//! answer, a power cut) can never count it twice.

use serde::{Deserialize, Serialize};

/// What was rated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvaluationKind {
    /// An application the kiosk took (the done page).
    Application,
    /// A pickup slip the kiosk printed.
    Pickup,
}

impl EvaluationKind {
    pub fn code(self) -> &'static str {
        match self {
            EvaluationKind::Application => "application",
            EvaluationKind::Pickup => "pickup",
        }
    }
}

/// The five levels, 5 the best. 2 and 1 are 差评: the back office opens a follow-up for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    VeryDissatisfied = 1,
    Dissatisfied = 2,
    Basic = 3,
    Satisfied = 4,
    VerySatisfied = 5,
}

impl Level {
    /// Best first, as the rating screen lists them.
    pub const ALL: [Level; 5] = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::Basic,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ];

    pub fn value(self) -> u8 {
        self as u8
    }

    pub fn from_value(value: u8) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.value() == value)
    }

    /// A 差评, which asks for reasons and starts a follow-up.
    pub fn is_bad(self) -> bool {
        self <= Level::Dissatisfied
    }

    /// Its name as the national system words it.
    pub fn label(self) -> &'static str {
        match self {
            Level::VerySatisfied => "非常满意",
            Level::Satisfied => "满意",
            Level::Basic => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "非常不满意",
        }
    }
}

/// The reasons a bad rating may give, sent as these words (the back office shows them as they are).
pub const REASONS: [&str; 6] = [
    "操作复杂",
    "材料要求不清楚",
    "设备故障",
    "等待时间长",
    "工作人员服务",
    "其他",
];

/// The longest comment the kiosk takes (characters).
pub const COMMENT_LIMIT: usize = 200;

/// One evaluation as the contract's body. The comment is free text an applicant typed and may name anyone, so it
/// is kept out of `Debug` (logs) and sealed at rest like a package.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub evaluation_id: String,
    pub receipt_no: String,
    pub kind: EvaluationKind,
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub channel: String,
    pub kiosk_id: String,
    pub at: String,
}

impl std::fmt::Debug for Evaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluation")
            .field("evaluation_id", &self.evaluation_id)
            .field("receipt_no", &self.receipt_no)
            .field("kind", &self.kind)
            .field("level", &self.level)
            .field("reasons", &self.reasons.len())
            .field("comment", &self.comment.as_ref().map(|_| "…"))
            .finish_non_exhaustive()
    }
}

impl Evaluation {
    /// A new evaluation made now at `kiosk_id`, with an id of its own. Reasons go only with a bad level, and only
    /// the listed ones; an empty comment is none.
    pub fn new(
        kiosk_id: &str,
        receipt_no: &str,
        kind: EvaluationKind,
        level: Level,
        reasons: &[&str],
        comment: &str,
    ) -> Evaluation {
        let bad = level.is_bad();
        let comment = comment.trim();
        Evaluation {
            evaluation_id: uuid::Uuid::new_v4().to_string(),
            receipt_no: receipt_no.to_string(),
            kind,
            level: level.value(),
            reasons: REASONS
                .iter()
                .filter(|r| bad && reasons.contains(r))
                .map(|r| r.to_string())
                .collect(),
            comment: (!comment.is_empty()).then(|| comment.chars().take(COMMENT_LIMIT).collect()),
            channel: "kiosk".into(),
            kiosk_id: kiosk_id.to_string(),
            at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }
}

/// The fields of an evaluation body that break the contract (empty when it is sound), as the back office's 400
/// names them.
pub fn invalid_fields(body: &serde_json::Value) -> Vec<&'static str> {
    let text = |name: &str| body[name].as_str().filter(|s| !s.trim().is_empty());
    let mut invalid = Vec::new();
    if text("evaluation_id")
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
        .is_none()
    {
        invalid.push("evaluation_id");
    }
    if text("receipt_no").is_none() {
        invalid.push("receipt_no");
    }
    if !matches!(body["kind"].as_str(), Some("application" | "pickup")) {
        invalid.push("kind");
    }
    if !body["level"].as_u64().is_some_and(|l| (1..=5).contains(&l)) {
        invalid.push("level");
    }
    if !body["reasons"]
        .as_array()
        .is_some_and(|r| r.iter().all(|r| r.as_str().is_some()))
    {
        invalid.push("reasons");
    }
    if !(body["comment"].is_null() || body["comment"].is_string()) {
        invalid.push("comment");
    }
    if body["channel"].as_str() != Some("kiosk") {
        invalid.push("channel");
    }
    if text("kiosk_id").is_none() {
        invalid.push("kiosk_id");
    }
    if text("at")
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        .is_none()
    {
        invalid.push("at");
    }
    invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_evaluation_meets_the_contract() {
        let bad = Evaluation::new(
            "XX-01",
            "XX-01-20261207-0001",
            EvaluationKind::Application,
            Level::Dissatisfied,
            &["设备故障", "not a reason"],
            "  打印机卡纸  ",
        );
        assert!(invalid_fields(&serde_json::to_value(&bad).unwrap()).is_empty());
        assert_eq!(bad.level, 2);
        assert_eq!(bad.reasons, ["设备故障"]);
        assert_eq!(bad.comment.as_deref(), Some("打印机卡纸"));
        let good = Evaluation::new(
            "XX-01",
            "XX-01-20261207-0001",
            EvaluationKind::Pickup,
            Level::VerySatisfied,
            &["设备故障"],
            "",
        );
        assert!(good.reasons.is_empty(), "reasons go with a bad rating only");
        assert_eq!(good.comment, None);
        assert_ne!(good.evaluation_id, bad.evaluation_id);
        let json = serde_json::to_value(&good).unwrap();
        assert_eq!(json["kind"], "pickup");
        assert_eq!(json["channel"], "kiosk");
    }

    #[test]
    fn broken_bodies_name_their_fields() {
        let mut body = serde_json::to_value(Evaluation::new(
            "XX-01",
            "R",
            EvaluationKind::Application,
            Level::Basic,
            &[],
            "",
        ))
        .unwrap();
        body["level"] = 6.into();
        body["kind"] = "visit".into();
        body["evaluation_id"] = "1".into();
        assert_eq!(invalid_fields(&body), ["evaluation_id", "kind", "level"]);
        assert_eq!(invalid_fields(&serde_json::json!({})).len(), 8);
    }

    #[test]
    fn the_comment_stays_out_of_debug() {
        let e = Evaluation::new(
            "XX-01",
            "R",
            EvaluationKind::Application,
            Level::VeryDissatisfied,
            &[],
            "张三 13800000000",
        );
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("张三") && !shown.contains("13800000000"),
            "{shown}"
        );
    }

    #[test]
    fn levels_read_as_the_national_system_words_them() {
        let labels: Vec<_> = Level::ALL.iter().map(|l| l.label()).collect();
        assert_eq!(
            labels,
            ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        );
        assert!(Level::Dissatisfied.is_bad() && !Level::Basic.is_bad());
        assert_eq!(Level::from_value(4), Some(Level::Satisfied));
        assert_eq!(Level::from_value(0), None);
    }
}
