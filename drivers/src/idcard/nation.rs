//! The nation codes of GB 3304 as a card stores them.

const NATIONS: [&str; 56] = [
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
];

/// The nation's name for a two-digit code, `None` for a code the standard does not have.
pub fn name(code: &str) -> Option<&'static str> {
    match code.trim().parse::<usize>().ok()? {
        n @ 1..=56 => Some(NATIONS[n - 1]),
        97 => Some("其他"),
        98 => Some("外国血统中国籍人士"),
        _ => None,
    }
}

/// The two-digit code of a nation's name (for the simulator).
pub fn code(name: &str) -> Option<String> {
    match name {
        "其他" => Some("97".into()),
        "外国血统中国籍人士" => Some("98".into()),
        _ => NATIONS
            .iter()
            .position(|n| *n == name)
            .map(|i| format!("{:02}", i + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(name("01"), Some("汉"));
        assert_eq!(name("46"), Some("德昂"));
        assert_eq!(name("56"), Some("基诺"));
        assert_eq!(name("97"), Some("其他"));
        assert_eq!(name("98"), Some("外国血统中国籍人士"));
        assert_eq!(name("57"), None);
        assert_eq!(name("00"), None);
        assert_eq!(name("ab"), None);
        for n in 1..=56 {
            let c = format!("{n:02}");
            assert_eq!(code(name(&c).unwrap()), Some(c));
        }
    }
}
