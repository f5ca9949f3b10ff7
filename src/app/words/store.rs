//! Storing an application in words: its pages, the package, the check code, the outbox.

use crate::package::pages::PageErrorKind;

/// A captured page that cannot be used.
pub fn page_error(kind: PageErrorKind) -> &'static str {
    match kind {
        PageErrorKind::Decode => "拍摄的图像无法读取",
        PageErrorKind::Encode => "图像无法压缩",
    }
}
