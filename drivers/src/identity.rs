//! The identity read from an ID card chip.
//!
//! Everything here is personal data: the type never implements `Debug` with its contents, and its buffers are
//! zeroed when it is dropped.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// Which document the chip belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Zeroize)]
pub enum IdType {
    /// 居民身份证.
    #[default]
    Resident,
    /// 港澳台居民居住证 (card type flag 'J').
    HkMoTw,
    /// 外国人永久居留身份证 (flags 'I' and 'Y').
    ForeignPermanent,
}

impl IdType {
    /// The value the back-office manifest uses.
    pub fn code(self) -> &'static str {
        match self {
            IdType::Resident => "resident",
            IdType::HkMoTw => "hk_mo_tw",
            IdType::ForeignPermanent => "foreign_permanent",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Zeroize)]
pub enum Gender {
    Male,
    Female,
    #[default]
    Unknown,
}

impl Gender {
    /// The gender code of the card (GB/T 2261.1: 1 male, 2 female).
    pub fn from_code(code: &str) -> Gender {
        match code.trim() {
            "1" => Gender::Male,
            "2" => Gender::Female,
            _ => Gender::Unknown,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
            Gender::Unknown => "未知",
        }
    }
}

/// A person as the card's chip describes them. Fields a document does not carry are empty.
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Identity {
    pub id_type: IdType,
    pub name: String,
    pub gender: Gender,
    /// The nation's name (e.g. 汉), empty for foreigners.
    pub nation: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    pub address: String,
    pub id_number: String,
    pub authority: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD`, or `长期` for cards that never expire.
    pub valid_to: String,
    /// Foreigners' cards: the name in Latin letters.
    pub english_name: String,
    /// Foreigners' cards: the nationality as ISO 3166-1 alpha-3.
    pub nationality: String,
    /// Residence permits: the Hong Kong/Macau/Taiwan travel permit number.
    pub pass_number: String,
    /// Residence permits: how many times issued; the 2023 foreigner card: how many times renewed.
    pub issue_count: String,
}

impl Identity {
    /// The name with every character but the first replaced by `*`, as screens show it.
    pub fn masked_name(&self) -> String {
        let mut chars = self.name.chars();
        match chars.next() {
            Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
            None => String::new(),
        }
    }

    pub fn masked_id_number(&self) -> String {
        crate::id_number::mask(&self.id_number)
    }
}

/// Deliberately shows no personal data, so an identity that reaches a log or a panic message leaks nothing.
impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("id_type", &self.id_type)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Identity {
        crate::idcard::sim::sample_identity()
    }

    #[test]
    fn debug_output_has_no_personal_data() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("张三"));
        assert!(!text.contains("1949"));
        assert!(!text.contains("西峡"));
    }

    #[test]
    fn masks() {
        let id = sample();
        assert_eq!(id.masked_name(), "张*");
        assert_eq!(id.masked_id_number(), "1101**********002X");
        assert_eq!(Gender::from_code("2").label(), "女");
        assert_eq!(Gender::from_code("9"), Gender::Unknown);
    }
}
