//! TLS for the back-office link: rustls on the ring provider, the platform's roots plus an optional CA file, and an
//! optional pin of the server certificate's SHA-256 checked on top of the normal chain and name checks.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::package::hex;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("CA file {path}: {message}")]
    CaFile { path: String, message: String },
    #[error("certificate pin must be 64 hex digits (the SHA-256 of the server certificate)")]
    BadPin,
    #[error("TLS setup failed: {0}")]
    Rustls(#[from] rustls::Error),
}

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Parses a pin written as hex, with or without colons (as `openssl x509 -fingerprint -sha256` prints it).
pub fn parse_pin(text: &str) -> Result<[u8; 32], TlsError> {
    let digits: Vec<u8> = text
        .trim()
        .chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_digit(16).map(|d| d as u8).ok_or(TlsError::BadPin))
        .collect::<Result<_, _>>()?;
    if digits.len() != 64 {
        return Err(TlsError::BadPin);
    }
    let mut pin = [0u8; 32];
    for (byte, pair) in pin.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = pair[0] << 4 | pair[1];
    }
    Ok(pin)
}

/// The client configuration for `https://` back offices.
pub fn client_config(
    ca_file: Option<&Path>,
    pin: Option<[u8; 32]>,
) -> Result<ClientConfig, TlsError> {
    let provider = provider();
    let mut extra = Vec::new();
    if let Some(path) = ca_file {
        let error = |message: String| TlsError::CaFile {
            path: path.display().to_string(),
            message,
        };
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| error(e.to_string()))? {
            extra.push(cert.map_err(|e| error(e.to_string()))?);
        }
        if extra.is_empty() {
            return Err(error("no certificate in the file".into()));
        }
    }
    let platform: Arc<dyn ServerCertVerifier> = Arc::new(
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())?,
    );
    let verifier: Arc<dyn ServerCertVerifier> = match pin {
        Some(pin) => Arc::new(PinnedVerifier {
            inner: platform,
            pin,
        }),
        None => platform,
    };
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// A configuration for plain-HTTP loopback links, which never use it: it trusts no root at all.
pub fn unused_config() -> Result<ClientConfig, TlsError> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(RootCertStore::empty())
        .with_no_client_auth())
}

/// Accepts a server only when the usual checks pass and its certificate is the pinned one.
#[derive(Debug)]
struct PinnedVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    pin: [u8; 32],
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let actual: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if actual != self.pin {
            return Err(rustls::Error::General(format!(
                "server certificate {} is not the pinned one",
                hex(&actual)
            )));
        }
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_with_or_without_colons() {
        let hex64 = "ab".repeat(32);
        assert_eq!(parse_pin(&hex64).ok(), Some([0xab; 32]));
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(parse_pin(&colons).ok(), Some([0xab; 32]));
        assert!(parse_pin("abcd").is_err());
        assert!(parse_pin(&"zz".repeat(32)).is_err());
    }

    /// Review finding: a pin of 64 bytes that are not all ASCII (pasted from a document) panicked on slicing.
    #[test]
    fn parse_pin_does_not_panic_on_non_ascii_input() {
        for text in [
            format!("a{}a", "é".repeat(31)),
            format!("{}：", "ab".repeat(31)),
            "ａｂ".repeat(16),
        ] {
            assert!(parse_pin(&text).is_err(), "{text}");
        }
    }
}
