//! The check code that guards status look-ups (`back-office-api.md`, "Status and pickup"): drawn at submit from
//! the operating system's CSPRNG, printed on the receipt beside the receipt number, sent to the back office only
//! as its SHA-256. A receipt number is sequential and easy to guess; the code is what proves the receipt is yours.

use rand::TryRngCore;
use zeroize::Zeroizing;

/// The characters a check code is made of: no 0/O, 1/I/L, so it reads back without doubt from paper.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const LENGTH: usize = 8;

/// A check code. Its text is zeroed when it is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct CheckCode(Zeroizing<String>);

impl std::fmt::Debug for CheckCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckCode([hidden])")
    }
}

/// The OS gave no random bytes (one case: the app words it by its type).
#[derive(Debug, thiserror::Error)]
#[error("the system's random source is unavailable, no check code can be drawn: {0}")]
pub struct NoRandomness(String);

impl CheckCode {
    /// A new code from the OS's random source. Rejection sampling keeps every character equally likely
    /// (31 does not divide 256).
    pub fn generate() -> Result<CheckCode, NoRandomness> {
        let mut code = Zeroizing::new(String::with_capacity(LENGTH));
        let mut bytes = Zeroizing::new([0u8; 32]);
        while code.len() < LENGTH {
            rand::rngs::OsRng
                .try_fill_bytes(bytes.as_mut())
                .map_err(|e| NoRandomness(e.to_string()))?;
            // 248 = 31 × 8: bytes at or above it would favour the first characters.
            for &b in bytes.iter().filter(|&&b| b < 248) {
                if code.len() == LENGTH {
                    break;
                }
                code.push(ALPHABET[usize::from(b) % ALPHABET.len()] as char);
            }
        }
        Ok(CheckCode(code))
    }

    /// A code as typed or scanned: upper-cased, and only when it has the code's form.
    pub fn parse(text: &str) -> Option<CheckCode> {
        let text = text.trim().to_ascii_uppercase();
        is_check_code(&text).then(|| CheckCode(Zeroizing::new(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the manifest carries: lower-case hex SHA-256 of the 8 ASCII characters.
    pub fn sha256_hex(&self) -> String {
        super::sha256_hex(self.0.as_bytes())
    }

    /// What the receipt's QR code holds: `{receipt_no} {check_code}`.
    pub fn qr_text(&self, receipt_no: &str) -> String {
        format!("{receipt_no} {}", self.as_str())
    }

    /// The code as it is printed and shown: two groups of four, easier to read out and copy.
    pub fn grouped(&self) -> String {
        format!("{} {}", &self.0[..4], &self.0[4..])
    }
}

/// Whether `text` has exactly a check code's form (upper case).
pub fn is_check_code(text: &str) -> bool {
    text.len() == LENGTH && text.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_contracts_form_and_differ() {
        let codes: std::collections::BTreeSet<String> = (0..200)
            .map(|_| CheckCode::generate().unwrap().as_str().to_string())
            .collect();
        assert_eq!(codes.len(), 200, "no repeats in 200 draws of 31^8");
        for code in &codes {
            assert!(is_check_code(code), "{code}");
        }
        // Every character of the alphabet turns up, and nothing else.
        let seen: std::collections::BTreeSet<u8> = codes.iter().flat_map(|c| c.bytes()).collect();
        assert_eq!(seen.len(), ALPHABET.len());
    }

    #[test]
    fn the_hash_is_of_the_eight_ascii_characters() {
        let code = CheckCode::parse("k7m2 pqrs").is_none();
        assert!(code, "a space inside is not the code's form");
        let code = CheckCode::parse(" k7m2pqrs\r").unwrap();
        assert_eq!(code.as_str(), "K7M2PQRS");
        assert_eq!(code.sha256_hex(), crate::package::sha256_hex(b"K7M2PQRS"));
        assert_eq!(code.grouped(), "K7M2 PQRS");
        assert_eq!(
            code.qr_text("XX-KIOSK-01-20261128-0007"),
            "XX-KIOSK-01-20261128-0007 K7M2PQRS"
        );
        for not_one in ["K7M2PQR", "K7M2PQRS1", "K0M2PQRS", "K1M2PQRS", "K7M2PQRŠ"] {
            assert!(CheckCode::parse(not_one).is_none(), "{not_one}");
        }
        assert!(!format!("{code:?}").contains("K7M2"));
    }
}
