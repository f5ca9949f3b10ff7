//! What each screen says aloud: its heading and what to do, a few seconds long (the default synthesizer speaks
//! about three characters a second, and no prompt may pass 8 s). Pure: [`screen_of`] reads the live app into a
//! [`Screen`] that carries only the facts a prompt may speak, and [`prompt`] words it.
//!
//! Personal data (the holder's name, the ID number even masked, the receipt number, anything typed) is spoken
//! only when a headset is plugged in; otherwise the prompt says 已隐去 where it would be, or leaves it out. Even
//! into a headset the ID number is never spoken whole: only the first and last four characters the screen
//! shows, spelled one by one. The message screen speaks its title only: its text is the app's, not checked here.

use std::borrow::Cow;

use super::typing::Target;
use super::App;
use crate::session::Step;

/// A value typed on the keyboard, and how it may be spoken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typed<'a> {
    /// The field's name, as the keyboard shows it.
    pub label: &'a str,
    pub value: &'a str,
    pub kind: TypedKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypedKind {
    Plain,
    /// An ID number: spoken masked, with a headset only.
    IdNumber,
    /// A PIN or a check code: never spoken, not even its length in a headset's absence.
    Secret,
}

/// A screen, with what its prompt may speak.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screen<'a> {
    Home,
    /// Before the card is read; `holder` once it has been (the name, personal).
    Identify {
        holder: Option<&'a str>,
    },
    Consent,
    FaceConsent,
    FaceCheck,
    Choose,
    /// A situation question: its text (the catalog's).
    Question {
        text: &'a str,
    },
    Items,
    Role,
    Notice,
    Form,
    /// The keyboard is open on a field (the form, the postal address, the status screen's receipt number).
    Typing(Typed<'a>),
    /// The material being photographed (its catalog name).
    Capture {
        material: Option<Cow<'a, str>>,
    },
    Commitments,
    Delivery,
    CheckAnswers,
    /// The confirmation page: the receipt number and the masked ID number (both private), whether the receipt
    /// printed.
    Done {
        receipt_no: &'a str,
        masked_id: &'a str,
        printed: bool,
    },
    /// 办事指南: the one-thing's name once one is open.
    Guide {
        one_thing: Option<&'a str>,
    },
    Status,
    /// A screen that only says something: its title.
    Message {
        title: &'a str,
    },
    /// 好差评: the five levels, or skip.
    Rating,
    /// Why 不满意/非常不满意: the reasons, a comment, 提交评价 or 跳过.
    RatingReasons,
    /// The rating kept.
    RatingThanks,
    /// The idle warning over any screen: still there?
    IdleWarning,
}

/// Said where a private value would be, without a headset.
pub const HIDDEN: &str = "已隐去";

/// The prompt of `screen`; `headset` whether one is plugged in (only then is personal data spoken).
pub fn prompt(screen: &Screen<'_>, headset: bool) -> String {
    match screen {
        Screen::Home => "欢迎使用。办事请点我要办事。".into(),
        Screen::Identify { holder: None } => "请把身份证放在读卡区。".into(),
        Screen::Identify { holder: Some(name) } => {
            if headset {
                format!("已读取{name}的身份证。")
            } else {
                format!("身份证已读取，姓名{HIDDEN}。")
            }
        }
        Screen::Consent => "是否同意查询您的电子证照？请选择。".into(),
        Screen::FaceConsent => "是否同意人脸核验？请选择。".into(),
        Screen::FaceCheck => "人脸核验，请正对屏幕。".into(),
        Screen::Choose => "请选择要办的事，可以搜索。".into(),
        Screen::Question { text } => (*text).to_string(),
        Screen::Items => "请勾选要一起办的事项。".into(),
        Screen::Role => "您是法定代表人还是经办人？".into(),
        Screen::Notice => "一次告知：请看所需材料。".into(),
        Screen::Form => "请填写申请表。".into(),
        Screen::Typing(typed) => typing(typed, headset),
        Screen::Capture { material: None } => "请拍摄材料。".into(),
        Screen::Capture {
            material: Some(name),
        } => format!("请拍摄：{name}。"),
        Screen::Commitments => "请在白框里签名。".into(),
        Screen::Delivery => "您希望怎样领取结果？".into(),
        Screen::CheckAnswers => "请核对，无误请点提交申请。".into(),
        Screen::Done {
            masked_id, printed, ..
        } => match (printed, headset) {
            (true, true) => format!("已提交，请取证件和回执。证号{}。", spell_masked(masked_id)),
            (true, false) => "已提交，请取证件和回执。".into(),
            (false, true) => format!("回执未打印，请记下编号。证号{}。", spell_masked(masked_id)),
            (false, false) => "回执未打印，请记下屏幕上的编号。".into(),
        },
        Screen::Guide { one_thing: None } => "办事指南，请选择事项。".into(),
        Screen::Guide {
            one_thing: Some(name),
        } => format!("{name}，办事指南。"),
        Screen::Status => "进度查询，请放身份证或扫回执。".into(),
        Screen::Message { title } => format!("{title}。"),
        Screen::Rating => "请评价本次服务，也可以点跳过。".into(),
        Screen::RatingReasons => "请选择不满意的原因，再提交。".into(),
        Screen::RatingThanks => "感谢您的评价。".into(),
        Screen::IdleWarning => "您还在办理吗？请点继续办理。".into(),
    }
}

/// A typed value: with a headset, spoken back (digits one by one, a long value by its end); without, hidden.
fn typing(typed: &Typed<'_>, headset: bool) -> String {
    let label = typed.label;
    if typed.value.is_empty() {
        return format!("{label}，请输入。");
    }
    match (typed.kind, headset) {
        (TypedKind::Secret, _) => format!("{label}，已输入。"),
        (_, false) => format!("{label}，已输入，{HIDDEN}。"),
        (TypedKind::IdNumber, true) => format!(
            "{label}，已输入{}。",
            spell_masked(&drivers::id_number::mask(typed.value))
        ),
        (TypedKind::Plain, true) => {
            const SPOKEN: usize = 12;
            let count = typed.value.chars().count();
            let tail: String = typed
                .value
                .chars()
                .skip(count.saturating_sub(SPOKEN))
                .collect();
            let tail = spell_digits(&tail);
            if count > SPOKEN {
                format!("{label}，末尾是{tail}。")
            } else {
                format!("{label}，已输入{tail}。")
            }
        }
    }
}

/// The first and last four characters of a masked number, one by one (`1 1 0 1，0 0 2 X`): what the screen
/// shows, without "star" said ten times. A number too short to have both shows nothing.
fn spell_masked(masked: &str) -> String {
    let chars: Vec<char> = masked.chars().collect();
    if chars.len() < 9 || chars[..4].contains(&'*') || chars[chars.len() - 4..].contains(&'*') {
        return HIDDEN.into();
    }
    let spell = |c: &[char]| c.iter().map(char::to_string).collect::<Vec<_>>().join(" ");
    format!(
        "{}，{}",
        spell(&chars[..4]),
        spell(&chars[chars.len() - 4..])
    )
}

/// Runs of digits spaced out, so they are read one by one (a phone number, not "thirteen billion").
fn spell_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut previous_digit = false;
    for c in text.chars() {
        let digit = c.is_ascii_alphanumeric();
        if digit && previous_digit {
            out.push(' ');
        }
        out.push(c);
        previous_digit = digit;
    }
    out
}

/// What the screen shows now, as [`prompt`] needs it, in the order the shell picks the screen: the done page,
/// a message, the keyboard open on a field (its own screen), the rating, then the session's step. Technician mode
/// is not spoken (the speech controller says nothing there).
pub fn screen_of(app: &App) -> Screen<'_> {
    if let Some(done) = &app.done {
        return Screen::Done {
            receipt_no: &done.receipt.receipt_no,
            masked_id: &done.receipt.masked_id,
            printed: done.qr_text.is_empty(),
        };
    }
    if let Some((title, _)) = &app.message {
        return Screen::Message { title };
    }
    if let Some(typing) = &app.typing {
        if !typing.target.is_technician() {
            let kind = if typing.shown.secret
                || matches!(typing.target, Target::CheckCode | Target::StaffPin)
            {
                TypedKind::Secret
            } else if typing.shown.id_number {
                TypedKind::IdNumber
            } else {
                TypedKind::Plain
            };
            return Screen::Typing(Typed {
                label: &typing.shown.label,
                value: typing.text(),
                kind,
            });
        }
    }
    if let Some(rating) = &app.rating {
        use super::rating::RatingStage;
        return match rating.stage {
            RatingStage::Levels => Screen::Rating,
            RatingStage::Reasons(_) => Screen::RatingReasons,
            RatingStage::Thanks { .. } => Screen::RatingThanks,
        };
    }
    let session = &app.session;
    match session.step() {
        Step::Home => Screen::Home,
        Step::Identify => Screen::Identify {
            holder: session.identity().map(|i| i.name.as_str()),
        },
        Step::Consent => Screen::Consent,
        Step::FaceConsent => Screen::FaceConsent,
        Step::FaceCheck => Screen::FaceCheck,
        Step::Choose => Screen::Choose,
        Step::Question(i) => match session.one_thing().and_then(|t| t.questions.get(i)) {
            Some(q) => Screen::Question { text: &q.text },
            None => Screen::Choose,
        },
        Step::Items => Screen::Items,
        Step::Role => Screen::Role,
        Step::Notice => Screen::Notice,
        Step::Form => Screen::Form,
        Step::Capture => Screen::Capture {
            material: app
                .material_on_screen()
                .map(|(_, _, m)| Cow::Owned(m.name.clone())),
        },
        Step::Commitments => Screen::Commitments,
        Step::Delivery => Screen::Delivery,
        Step::CheckAnswers => Screen::CheckAnswers,
        // The live session never stays here (the done page shows from `app.done`, above).
        Step::Done => Screen::Home,
        Step::Guide => Screen::Guide {
            one_thing: session.one_thing().map(|t| t.name.as_str()),
        },
        Step::Status => Screen::Status,
    }
}

/// The made-up applicant of the samples: the ID card simulator's (`drivers::idcard::sim::sample_identity`).
pub mod sample {
    pub const NAME: &str = "张三";
    pub const ID_NUMBER: &str = "11010519491231002X";
    pub const MASKED_ID: &str = "1101**********002X";
    pub const ADDRESS: &str = "河南省南阳市西峡县白羽路100号";
    pub const PHONE: &str = "13800138000";
    pub const RECEIPT_NO: &str = "XX-KIOSK-01-20261128-0007";
}

/// Every screen, with the sample applicant's data wherever a screen can carry some: for tests and the bench.
pub fn sample_screens() -> Vec<(&'static str, Screen<'static>)> {
    use sample::*;
    let typed = |label, value, kind| Screen::Typing(Typed { label, value, kind });
    vec![
        ("Home", Screen::Home),
        ("Identify", Screen::Identify { holder: None }),
        ("Identify (read)", Screen::Identify { holder: Some(NAME) }),
        ("Consent", Screen::Consent),
        ("FaceConsent", Screen::FaceConsent),
        ("FaceCheck", Screen::FaceCheck),
        ("Choose", Screen::Choose),
        (
            "Question",
            Screen::Question {
                text: "经营场地是自有的还是租赁的？",
            },
        ),
        ("Items", Screen::Items),
        ("Role", Screen::Role),
        ("Notice", Screen::Notice),
        ("Form", Screen::Form),
        ("Typing name", typed("姓名", NAME, TypedKind::Plain)),
        (
            "Typing ID number",
            typed("身份证号码", ID_NUMBER, TypedKind::IdNumber),
        ),
        ("Typing phone", typed("联系电话", PHONE, TypedKind::Plain)),
        (
            "Typing address",
            typed("邮寄地址", ADDRESS, TypedKind::Plain),
        ),
        (
            "Typing receipt no",
            typed("受理编号", RECEIPT_NO, TypedKind::Plain),
        ),
        (
            "Typing check code",
            typed("查询码", "K7M2PQRS", TypedKind::Secret),
        ),
        ("Typing empty", typed("联系电话", "", TypedKind::Plain)),
        (
            "Capture",
            Screen::Capture {
                material: Some(Cow::Borrowed("营业执照")),
            },
        ),
        ("Commitments", Screen::Commitments),
        ("Delivery", Screen::Delivery),
        ("CheckAnswers", Screen::CheckAnswers),
        (
            "Done",
            Screen::Done {
                receipt_no: RECEIPT_NO,
                masked_id: MASKED_ID,
                printed: true,
            },
        ),
        (
            "Done (not printed)",
            Screen::Done {
                receipt_no: RECEIPT_NO,
                masked_id: MASKED_ID,
                printed: false,
            },
        ),
        ("Guide", Screen::Guide { one_thing: None }),
        (
            "Guide (open)",
            Screen::Guide {
                one_thing: Some("我要开餐馆"),
            },
        ),
        ("Status", Screen::Status),
        (
            "Message",
            Screen::Message {
                title: "暂时无法办理",
            },
        ),
        ("Rating", Screen::Rating),
        ("RatingReasons", Screen::RatingReasons),
        ("RatingThanks", Screen::RatingThanks),
        ("IdleWarning", Screen::IdleWarning),
    ]
}

/// The applicant's data no prompt may speak without a headset, in the forms it could take (the ID number's
/// visible parts spelled as [`prompt`] spells them, the receipt's sequence number).
pub fn private_fragments() -> Vec<&'static str> {
    use sample::*;
    vec![
        NAME,
        "张",
        ID_NUMBER,
        MASKED_ID,
        "1101",
        "1 1 0 1",
        "002X",
        "0 0 2 X",
        "19491231",
        ADDRESS,
        "白羽路",
        "西峡县",
        PHONE,
        "1 3 8",
        "0 0 0 0",
        RECEIPT_NO,
        "0007",
        "K7M2PQRS",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_samples_are_the_simulated_card() {
        let id = drivers::idcard::sim::sample_identity();
        assert_eq!(id.name, sample::NAME);
        assert_eq!(id.id_number, sample::ID_NUMBER);
        assert_eq!(id.masked_id_number(), sample::MASKED_ID);
        assert_eq!(id.address, sample::ADDRESS);
    }

    #[test]
    fn every_screen_has_a_short_prompt() {
        for headset in [false, true] {
            for (name, screen) in sample_screens() {
                let text = prompt(&screen, headset);
                assert!(!text.trim().is_empty(), "{name}");
                // About three characters a second (digits spelled a little quicker): 26 is near 8 s; the parts test
                // measures the sound itself.
                let spoken = text.chars().filter(|c| !c.is_whitespace()).count();
                assert!(spoken <= 26, "{name}: {text}");
            }
        }
    }

    #[test]
    fn no_headset_no_personal_data() {
        for (name, screen) in sample_screens() {
            let text = prompt(&screen, false);
            for private in private_fragments() {
                assert!(!text.contains(private), "{name} says {private:?}: {text}");
            }
        }
        let typed = prompt(&sample_screens()[12].1, false);
        assert!(typed.contains(HIDDEN), "{typed}");
    }

    #[test]
    fn a_headset_hears_the_masked_id_number_never_the_whole() {
        let done = Screen::Done {
            receipt_no: sample::RECEIPT_NO,
            masked_id: sample::MASKED_ID,
            printed: true,
        };
        let text = prompt(&done, true);
        assert!(text.contains("1 1 0 1，0 0 2 X"), "{text}");
        for (name, screen) in sample_screens() {
            let text = prompt(&screen, true);
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(!compact.contains(sample::ID_NUMBER), "{name}: {text}");
            assert!(
                !compact.contains("0519491231"),
                "{name}: the middle digits: {text}"
            );
        }
        let typed = prompt(&sample_screens()[13].1, true);
        assert!(typed.contains("1 1 0 1，0 0 2 X"), "{typed}");
        let name = prompt(&sample_screens()[12].1, true);
        assert!(name.contains(sample::NAME), "{name}");
        let code = prompt(&sample_screens()[17].1, true);
        assert!(!code.contains("K7M2") && !code.contains("K 7"), "{code}");
    }

    #[test]
    fn digits_are_spelled_and_short_masks_hide() {
        assert_eq!(spell_digits("电话13800"), "电话1 3 8 0 0");
        assert_eq!(spell_masked("****"), HIDDEN);
        assert_eq!(spell_masked("1101**********002X"), "1 1 0 1，0 0 2 X");
    }

    #[test]
    fn the_live_app_maps_to_its_screen() {
        let mut app = super::super::test_support::app();
        assert_eq!(screen_of(&app), Screen::Home);
        app.session.start_apply().expect("apply");
        assert_eq!(screen_of(&app), Screen::Identify { holder: None });
        app.session
            .identified(drivers::idcard::sim::sample_identity())
            .expect("read");
        assert_eq!(screen_of(&app), Screen::Consent);
        app.message = Some(("暂时无法办理".into(), "详情".into()));
        assert_eq!(
            screen_of(&app),
            Screen::Message {
                title: "暂时无法办理"
            }
        );
        let form = super::super::test_support::app_on_the_form();
        assert_eq!(screen_of(&form), Screen::Form);
    }
}
