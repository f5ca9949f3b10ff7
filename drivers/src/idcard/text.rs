//! The 256-byte text block of an ID card chip: UCS-2 little-endian, space padded, laid out by card type.
//!
//! The card type flag at byte 248 tells the layout: a space for the resident card, `J` for the Hong Kong/Macau/
//! Taiwan residence permit (the resident layout plus a pass number and an issue count), `I` for the 2017
//! foreigner permanent residence card and `Y` for its 2023 successor.

use crate::id_number;
use crate::identity::{Gender, IdType, Identity};

use super::nation;

pub const TEXT_LEN: usize = 256;
const TYPE_FLAG: usize = 248;

/// Why a text block could not be read. The message names no personal data: a field's name, never its value.
/// Its variants are already the kind of what happened (it is `Copy`); the app words them for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the card's text block is {0} bytes, not 256")]
    Length(usize),
    #[error("unknown card type")]
    CardType,
    #[error("the card's {} cannot be read", .0.name())]
    Field(CardField),
    #[error("the ID number fails its check digit")]
    IdNumber,
}

/// A field of the card whose content could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardField {
    Name,
    Nation,
    BirthDate,
    /// The valid-from or valid-to date.
    Validity,
}

impl CardField {
    /// Its name in a technical message.
    pub fn name(self) -> &'static str {
        match self {
            CardField::Name => "name",
            CardField::Nation => "nation",
            CardField::BirthDate => "birth date",
            CardField::Validity => "validity",
        }
    }
}

/// One field's place in the block.
#[derive(Clone, Copy)]
struct Span(usize, usize);

impl Span {
    fn read(self, block: &[u8]) -> String {
        let units = block[self.0..self.0 + self.1]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        text.trim_end_matches([' ', '\0']).trim_start().to_string()
    }

    fn write(self, block: &mut [u8], value: &str) {
        let mut units = value
            .encode_utf16()
            .chain(std::iter::repeat(u16::from(b' ')));
        for chunk in block[self.0..self.0 + self.1].chunks_exact_mut(2) {
            let unit = units.next().unwrap_or(0x20);
            chunk.copy_from_slice(&unit.to_le_bytes());
        }
    }
}

/// Where each field is, for one card layout.
struct Layout {
    name: Span,
    gender: Span,
    nation: Option<Span>,
    birth: Span,
    address: Option<Span>,
    id_number: Span,
    authority: Span,
    valid_from: Span,
    valid_to: Span,
    english_name: &'static [Span],
    nationality: Option<Span>,
    pass_number: Option<Span>,
    issue_count: Option<Span>,
}

const RESIDENT: Layout = Layout {
    name: Span(0, 30),
    gender: Span(30, 2),
    nation: Some(Span(32, 4)),
    birth: Span(36, 16),
    address: Some(Span(52, 70)),
    id_number: Span(122, 36),
    authority: Span(158, 30),
    valid_from: Span(188, 16),
    valid_to: Span(204, 16),
    english_name: &[],
    nationality: None,
    pass_number: None,
    issue_count: None,
};

const HK_MO_TW: Layout = Layout {
    nation: None,
    pass_number: Some(Span(220, 18)),
    issue_count: Some(Span(238, 4)),
    ..RESIDENT
};

const FOREIGN_2017: Layout = Layout {
    english_name: &[Span(0, 120)],
    gender: Span(120, 2),
    id_number: Span(122, 30),
    nationality: Some(Span(152, 6)),
    name: Span(158, 30),
    valid_from: Span(188, 16),
    valid_to: Span(204, 16),
    birth: Span(220, 16),
    authority: Span(240, 8),
    nation: None,
    address: None,
    pass_number: None,
    issue_count: None,
};

const FOREIGN_2023: Layout = Layout {
    name: Span(0, 30),
    gender: Span(30, 2),
    issue_count: Some(Span(32, 4)),
    birth: Span(36, 16),
    english_name: &[Span(52, 70), Span(220, 22)],
    id_number: Span(122, 36),
    authority: Span(158, 30),
    valid_from: Span(188, 16),
    valid_to: Span(204, 16),
    nationality: Some(Span(242, 6)),
    nation: None,
    address: None,
    pass_number: None,
};

fn card_kind(block: &[u8]) -> Result<(IdType, &'static Layout, char), TextError> {
    match (block[TYPE_FLAG], block[TYPE_FLAG + 1]) {
        (b' ' | 0, 0) => Ok((IdType::Resident, &RESIDENT, ' ')),
        (b'J', 0) => Ok((IdType::HkMoTw, &HK_MO_TW, 'J')),
        (b'I', 0) => Ok((IdType::ForeignPermanent, &FOREIGN_2017, 'I')),
        (b'Y', 0) => Ok((IdType::ForeignPermanent, &FOREIGN_2023, 'Y')),
        _ => Err(TextError::CardType),
    }
}

/// `YYYYMMDD` as `YYYY-MM-DD`; `长期` stays as it is.
fn date(value: &str, field: CardField, may_be_long_term: bool) -> Result<String, TextError> {
    if may_be_long_term && value == "长期" {
        return Ok(value.to_string());
    }
    let ok = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) && {
        let month: u32 = value[4..6].parse().unwrap_or(0);
        let day: u32 = value[6..8].parse().unwrap_or(0);
        (1..=12).contains(&month) && (1..=31).contains(&day)
    };
    if ok {
        Ok(format!("{}-{}-{}", &value[..4], &value[4..6], &value[6..8]))
    } else {
        Err(TextError::Field(field))
    }
}

/// Reads a text block into an identity.
pub fn parse(block: &[u8]) -> Result<Identity, TextError> {
    if block.len() != TEXT_LEN {
        return Err(TextError::Length(block.len()));
    }
    let (id_type, layout, flag) = card_kind(block)?;
    let read = |span: Option<Span>| span.map(|s| s.read(block)).unwrap_or_default();
    let name = layout.name.read(block);
    let english_name = layout
        .english_name
        .iter()
        .map(|s| s.read(block))
        .collect::<Vec<_>>()
        .join("");
    if name.is_empty() && english_name.is_empty() {
        return Err(TextError::Field(CardField::Name));
    }
    let nation = match layout.nation {
        Some(span) => nation::name(&span.read(block))
            .ok_or(TextError::Field(CardField::Nation))?
            .to_string(),
        None => String::new(),
    };
    let id_number = layout.id_number.read(block);
    // The 2017 foreigner card has a 15-character number of its own kind; the others carry the MOD 11-2 check.
    let checked = flag != 'I';
    if id_number.is_empty() || (checked && !id_number::is_valid(&id_number)) {
        return Err(TextError::IdNumber);
    }
    Ok(Identity {
        id_type,
        name,
        gender: Gender::from_code(&layout.gender.read(block)),
        nation,
        birth_date: date(&layout.birth.read(block), CardField::BirthDate, false)?,
        address: read(layout.address),
        id_number,
        authority: layout.authority.read(block),
        valid_from: date(&layout.valid_from.read(block), CardField::Validity, false)?,
        valid_to: date(&layout.valid_to.read(block), CardField::Validity, true)?,
        english_name,
        nationality: read(layout.nationality),
        pass_number: read(layout.pass_number),
        issue_count: read(layout.issue_count),
    })
}

/// Writes an identity as a chip would hold it (for the simulator and tests). `foreign_2017` picks the `I` layout
/// for a foreigner; otherwise the 2023 `Y` layout is used.
pub fn encode(identity: &Identity, foreign_2017: bool) -> [u8; TEXT_LEN] {
    let mut block = [0u8; TEXT_LEN];
    Span(0, TEXT_LEN).write(&mut block, "");
    let (layout, flag) = match identity.id_type {
        IdType::Resident => (&RESIDENT, ' '),
        IdType::HkMoTw => (&HK_MO_TW, 'J'),
        IdType::ForeignPermanent if foreign_2017 => (&FOREIGN_2017, 'I'),
        IdType::ForeignPermanent => (&FOREIGN_2023, 'Y'),
    };
    let compact = |d: &str| d.replace('-', "");
    layout.name.write(&mut block, &identity.name);
    let gender = match identity.gender {
        Gender::Male => "1",
        Gender::Female => "2",
        Gender::Unknown => "0",
    };
    layout.gender.write(&mut block, gender);
    if let Some(span) = layout.nation {
        span.write(
            &mut block,
            &nation::code(&identity.nation).unwrap_or_default(),
        );
    }
    layout
        .birth
        .write(&mut block, &compact(&identity.birth_date));
    if let Some(span) = layout.address {
        span.write(&mut block, &identity.address);
    }
    layout.id_number.write(&mut block, &identity.id_number);
    layout.authority.write(&mut block, &identity.authority);
    layout
        .valid_from
        .write(&mut block, &compact(&identity.valid_from));
    layout
        .valid_to
        .write(&mut block, &compact(&identity.valid_to));
    let mut english: Vec<char> = identity.english_name.chars().collect();
    for span in layout.english_name {
        let take = english.len().min(span.1 / 2);
        let part: String = english.drain(..take).collect();
        span.write(&mut block, &part);
    }
    for (span, value) in [
        (layout.nationality, &identity.nationality),
        (layout.pass_number, &identity.pass_number),
        (layout.issue_count, &identity.issue_count),
    ] {
        if let Some(span) = span {
            span.write(&mut block, value);
        }
    }
    Span(TYPE_FLAG, 2).write(&mut block, &flag.to_string());
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resident() -> Identity {
        crate::idcard::sim::sample_identity()
    }

    #[test]
    fn resident_card_round_trips() {
        let block = encode(&resident(), false);
        // The name starts the block in UCS-2 little-endian: 张 is U+5F20.
        assert_eq!(&block[..2], &[0x20, 0x5F]);
        assert_eq!(&block[248..250], &[b' ', 0]);
        assert_eq!(parse(&block).unwrap(), resident());
    }

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17).unwrap())
    }

    #[test]
    fn residence_permit_keeps_pass_number_and_issue_count() {
        let mut permit = resident();
        permit.id_type = IdType::HkMoTw;
        permit.nation.clear();
        permit.id_number = with_check("81000019800101001");
        permit.pass_number = "H01234567".into();
        permit.issue_count = "01".into();
        permit.valid_to = "2030-01-01".into();
        let block = encode(&permit, false);
        assert_eq!(block[248], b'J');
        assert_eq!(parse(&block).unwrap(), permit);
    }

    #[test]
    fn both_foreigner_cards() {
        let mut old = Identity::default();
        old.id_type = IdType::ForeignPermanent;
        old.name = "史密斯".into();
        old.english_name = "SMITH, JOHN".into();
        old.gender = Gender::Male;
        old.id_number = "USA110080101001".into();
        old.nationality = "USA".into();
        old.authority = "1500".into();
        old.birth_date = "1980-01-01".into();
        old.valid_from = "2017-05-01".into();
        old.valid_to = "2027-05-01".into();
        let block = encode(&old, true);
        assert_eq!(block[248], b'I');
        assert_eq!(parse(&block).unwrap(), old);

        let mut new = old.clone();
        new.id_number = with_check("93384019800101123");
        new.english_name = "VANDERBILT-WORTHINGTON, ALEXANDRA CHARLOTTE".into();
        new.authority = "国家移民管理局".into();
        new.issue_count = "00".into();
        let block = encode(&new, false);
        assert_eq!(block[248], b'Y');
        // An English name longer than 35 characters continues in the second field.
        assert_eq!(parse(&block).unwrap(), new);
    }

    #[test]
    fn bad_blocks_are_errors_not_panics() {
        assert_eq!(parse(&[0u8; 10]), Err(TextError::Length(10)));
        let mut block = encode(&resident(), false);
        block[248] = b'Q';
        assert_eq!(parse(&block), Err(TextError::CardType));
        let mut block = encode(&resident(), false);
        Span(122, 36).write(&mut block, "110105194912310021");
        assert_eq!(parse(&block), Err(TextError::IdNumber));
        let mut block = encode(&resident(), false);
        Span(32, 4).write(&mut block, "77");
        assert_eq!(parse(&block), Err(TextError::Field(CardField::Nation)));
        let mut block = encode(&resident(), false);
        Span(36, 16).write(&mut block, "19491331");
        assert_eq!(parse(&block), Err(TextError::Field(CardField::BirthDate)));
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn parse_any_block(block in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse(&block);
        }

        #[test]
        fn parse_any_block_of_each_type(mut block in proptest::collection::vec(any::<u8>(), 256), flag in prop::sample::select(vec![b' ', b'J', b'I', b'Y'])) {
            block[TYPE_FLAG] = flag;
            block[TYPE_FLAG + 1] = 0;
            let _ = parse(&block);
        }

        #[test]
        fn read_response_any_data(data in proptest::collection::vec(any::<u8>(), 0..1400)) {
            let _ = crate::idcard::reader::parse_read(&data);
        }
    }
}
