//! SW3, the reader's status byte, as kinds of what happened (the app words them for people).

/// What a reader's SW3 says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sw3 {
    /// `90`: done.
    Ok,
    /// `9F`: find card found a card.
    CardFound,
    /// `91`: the card holds no such content (e.g. no appended address).
    NoContent,
    /// `10`: the reader got a frame with a bad checksum.
    ChecksumError,
    /// `11`: the reader got a frame of a wrong length.
    LengthError,
    /// `21`: the reader does not know the command.
    CommandError,
    /// `23`: the command is not allowed now.
    Unauthorized,
    /// `24`: not recognised.
    Unrecognized,
    /// `31`, `32`, `33`: authentication between card and SAM failed.
    Authentication(u8),
    /// `40`: not an ID card.
    UnknownCardType,
    /// `41`: reading the card failed (moved, or not placed flat).
    ReadFailed,
    /// `47`: the random number step failed.
    RandomFailed,
    /// `60`: the SAM failed its self-test.
    SamSelfTest,
    /// `66`: the SAM is not authorised.
    SamNotAuthorized,
    /// `80`: find card found none.
    NoCard,
    /// `81`: select card failed (the card went away).
    SelectFailed,
    /// `FF`: communication fault.
    CommunicationFault,
    /// Any other value.
    Other(u8),
}

impl Sw3 {
    pub fn from_byte(byte: u8) -> Sw3 {
        match byte {
            0x90 => Sw3::Ok,
            0x9F => Sw3::CardFound,
            0x91 => Sw3::NoContent,
            0x10 => Sw3::ChecksumError,
            0x11 => Sw3::LengthError,
            0x21 => Sw3::CommandError,
            0x23 => Sw3::Unauthorized,
            0x24 => Sw3::Unrecognized,
            0x31..=0x33 => Sw3::Authentication(byte),
            0x40 => Sw3::UnknownCardType,
            0x41 => Sw3::ReadFailed,
            0x47 => Sw3::RandomFailed,
            0x60 => Sw3::SamSelfTest,
            0x66 => Sw3::SamNotAuthorized,
            0x80 => Sw3::NoCard,
            0x81 => Sw3::SelectFailed,
            0xFF => Sw3::CommunicationFault,
            other => Sw3::Other(other),
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, Sw3::Ok | Sw3::CardFound)
    }

    /// Whether the applicant can fix it (by placing the card again), as opposed to a technician.
    pub fn applicant_can_retry(self) -> bool {
        matches!(
            self,
            Sw3::ReadFailed
                | Sw3::SelectFailed
                | Sw3::Authentication(_)
                | Sw3::RandomFailed
                | Sw3::NoCard
                | Sw3::UnknownCardType
        )
    }

    /// The byte the reader sent.
    pub fn byte(self) -> u8 {
        match self {
            Sw3::Ok => 0x90,
            Sw3::CardFound => 0x9F,
            Sw3::NoContent => 0x91,
            Sw3::ChecksumError => 0x10,
            Sw3::LengthError => 0x11,
            Sw3::CommandError => 0x21,
            Sw3::Unauthorized => 0x23,
            Sw3::Unrecognized => 0x24,
            Sw3::Authentication(byte) | Sw3::Other(byte) => byte,
            Sw3::UnknownCardType => 0x40,
            Sw3::ReadFailed => 0x41,
            Sw3::RandomFailed => 0x47,
            Sw3::SamSelfTest => 0x60,
            Sw3::SamNotAuthorized => 0x66,
            Sw3::NoCard => 0x80,
            Sw3::SelectFailed => 0x81,
            Sw3::CommunicationFault => 0xFF,
        }
    }
}

/// As technicians' tools print it: `SW3=60 (SamSelfTest)`.
impl std::fmt::Display for Sw3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SW3={:02X} ({self:?})", self.byte())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_its_own_kind() {
        let documented = [
            0x90, 0x9F, 0x91, 0x10, 0x11, 0x21, 0x23, 0x24, 0x31, 0x32, 0x33, 0x40, 0x41, 0x47,
            0x60, 0x66, 0x80, 0x81, 0xFF,
        ];
        for code in documented {
            assert!(!matches!(Sw3::from_byte(code), Sw3::Other(_)), "{code:02X}");
            assert_eq!(Sw3::from_byte(code).byte(), code);
        }
        assert_eq!(Sw3::from_byte(0x42), Sw3::Other(0x42));
        assert!(Sw3::from_byte(0x9F).is_success());
        assert!(!Sw3::from_byte(0x80).is_success());
        assert!(Sw3::ReadFailed.applicant_can_retry());
        assert!(!Sw3::SamNotAuthorized.applicant_can_retry());
        assert!(
            Sw3::UnknownCardType.applicant_can_retry(),
            "a bank card on the reader is the applicant's to fix"
        );
    }
}
