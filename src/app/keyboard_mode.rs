//! The on-screen keyboard's layouts, as every field that is typed names them.

/// The keyboard's layouts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyboardMode {
    /// Letters become Chinese characters through the candidates.
    #[default]
    Pinyin,
    Letters,
    Digits,
    /// : / . ? = _ @ & and digits, for addresses and device URIs.
    Symbols,
}
