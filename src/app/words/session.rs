//! The applicant's path in words: why a step did not move on.

use crate::session::{SelectionError, SessionError};

/// Why the step did not move on, for the applicant.
pub fn session_error(error: &SessionError) -> String {
    match error {
        SessionError::WrongStep => "这一步现在不能进行".into(),
        SessionError::UnknownOneThing => "没有找到这个事项".into(),
        SessionError::Selection(e) => selection_error(*e).into(),
        SessionError::Form(fields) => format!("表单有 {} 处需要修改", fields.len()),
        SessionError::MissingMaterials(names) => format!("还有材料没有拍摄：{}", names.join("、")),
        SessionError::Unsigned(names) => format!("还有承诺书没有签名：{}", names.join("、")),
        SessionError::NoAddress => "请填写邮寄地址".into(),
        SessionError::NotDeferrable => "这份材料不能容缺办理".into(),
        SessionError::FaceCheckRequired => "本机办理需要核验本人身份".into(),
        SessionError::SharedField => "这一项来自政务服务平台，不能修改".into(),
    }
}

pub fn selection_error(error: SelectionError) -> &'static str {
    match error {
        SelectionError::UnknownQuestion => "没有这个问题",
        SelectionError::UnknownOption => "请选择一个选项",
        SelectionError::UnknownRow => "没有这一项",
        SelectionError::NothingChosen => "请至少选择一项要办理的事项",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences the session's errors used to carry (src/session/selection.rs asserted the last one).
    #[test]
    fn session_errors_read_as_before() {
        assert_eq!(
            selection_error(SelectionError::NothingChosen),
            "请至少选择一项要办理的事项"
        );
        let missing = SessionError::MissingMaterials(vec!["营业执照".into(), "租赁合同".into()]);
        assert_eq!(
            session_error(&missing),
            "还有材料没有拍摄：营业执照、租赁合同"
        );
        assert_eq!(
            session_error(&SessionError::Selection(SelectionError::UnknownOption)),
            "请选择一个选项"
        );
    }
}
