//! Request signing of `back-office-api.md`: every request carries the kiosk id, a timestamp, the body's SHA-256
//! and an HMAC-SHA256 over `METHOD\nPATH_AND_QUERY\nTIMESTAMP\nBODY_SHA256`, keyed with the kiosk's secret.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::package::{hex, sha256_hex};

/// The server answers 401 `clock_skew` beyond this.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The four headers a request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
    pub kiosk_id: String,
    pub timestamp: String,
    pub content_sha256: String,
    pub signature: String,
}

fn mac(
    secret: &[u8],
    method: &str,
    path_and_query: &str,
    timestamp: &str,
    content_sha256: &str,
) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{method}\n{path_and_query}\n{timestamp}\n{content_sha256}").as_bytes());
    mac
}

/// Signs a request made at `unix_seconds`.
pub fn sign(
    kiosk_id: &str,
    secret: &[u8],
    method: &str,
    path_and_query: &str,
    body: &[u8],
    unix_seconds: i64,
) -> SignedHeaders {
    let timestamp = unix_seconds.to_string();
    let content_sha256 = sha256_hex(body);
    let signature = hex(
        &mac(secret, method, path_and_query, &timestamp, &content_sha256)
            .finalize()
            .into_bytes(),
    );
    SignedHeaders {
        kiosk_id: kiosk_id.to_string(),
        timestamp,
        content_sha256,
        signature,
    }
}

/// Why the server refuses a request (the `error` code it answers with).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    ClockSkew,
    BadSignature,
    HashMismatch,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::ClockSkew => "clock_skew",
            Refusal::BadSignature => "bad_signature",
            Refusal::HashMismatch => "hash_mismatch",
        }
    }
}

/// The server's check of a request's headers against its body, at `now` (Unix seconds). The signature is compared
/// in constant time.
pub fn verify(
    headers: &SignedHeaders,
    secret: &[u8],
    method: &str,
    path_and_query: &str,
    body: &[u8],
    now: i64,
) -> Result<(), Refusal> {
    let timestamp: i64 = headers
        .timestamp
        .parse()
        .map_err(|_| Refusal::BadSignature)?;
    if (now - timestamp).abs() > MAX_SKEW_SECONDS {
        return Err(Refusal::ClockSkew);
    }
    if sha256_hex(body) != headers.content_sha256 {
        return Err(Refusal::HashMismatch);
    }
    let expected = mac(
        secret,
        method,
        path_and_query,
        &headers.timestamp,
        &headers.content_sha256,
    );
    let given: Vec<u8> = (0..headers.signature.len() / 2)
        .filter_map(|i| {
            headers
                .signature
                .get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    if headers.signature.len() != 64 || given.len() != 32 {
        return Err(Refusal::BadSignature);
    }
    expected
        .verify_slice(&given)
        .map_err(|_| Refusal::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Computed independently with Python's hmac and hashlib:
    // hmac.new(b"s3cret", b"PUT\n/v1/packages/abc\n1764296100\n" + sha256(b"{}").hexdigest().encode(), sha256)
    const EXPECTED: &str = "7b0db062eed7709a2e4e3655498446d18976801094f383c12709794a91dcd8b6";

    #[test]
    fn matches_an_independent_implementation() {
        let h = sign(
            "XX-KIOSK-01",
            b"s3cret",
            "PUT",
            "/v1/packages/abc",
            b"{}",
            1_764_296_100,
        );
        assert_eq!(h.timestamp, "1764296100");
        assert_eq!(
            h.content_sha256,
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(h.signature, EXPECTED);
    }

    #[test]
    fn the_server_checks_skew_hash_and_signature() {
        let now = 1_764_296_100;
        let h = sign(
            "XX-KIOSK-01",
            b"s3cret",
            "PUT",
            "/v1/packages/abc",
            b"{}",
            now,
        );
        assert_eq!(
            verify(&h, b"s3cret", "PUT", "/v1/packages/abc", b"{}", now + 10),
            Ok(())
        );
        assert_eq!(
            verify(&h, b"s3cret", "PUT", "/v1/packages/abc", b"{}", now + 301),
            Err(Refusal::ClockSkew)
        );
        assert_eq!(
            verify(&h, b"s3cret", "PUT", "/v1/packages/abc", b"{ }", now),
            Err(Refusal::HashMismatch)
        );
        assert_eq!(
            verify(&h, b"other", "PUT", "/v1/packages/abc", b"{}", now),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(&h, b"s3cret", "GET", "/v1/packages/abc", b"{}", now),
            Err(Refusal::BadSignature)
        );
        let mut forged = h.clone();
        forged.signature = "zz".repeat(32);
        assert_eq!(
            verify(&forged, b"s3cret", "PUT", "/v1/packages/abc", b"{}", now),
            Err(Refusal::BadSignature)
        );
    }
}
