//! Real-person verification, shared data and electronic licences (contract 1.1) on the kiosk's side. Each call
//! carries personal data in its body only, never in its path; what comes back is the caller's to keep in memory
//! for the visit and to drop.

use base64::Engine as _;
use reqwest::StatusCode;

use super::client::{failure, parse, Link, LinkError};
use super::platform_wire::{
    IdentityVerdict, IdentityVerify, LicenceCode, SharedData, SharedDataQuery, VerifiedLicence,
};

/// The largest face picture the contract takes.
pub const FACE_JPEG_LIMIT: usize = 200 * 1024;

impl Link {
    /// Compares the person at the kiosk with the holder of the card just read: the platform holds the photo of
    /// record; the kiosk sends the picture for this call only.
    pub async fn verify_identity(
        &self,
        id_number: &str,
        name: &str,
        face_jpeg: &[u8],
    ) -> Result<IdentityVerdict, LinkError> {
        if face_jpeg.len() > FACE_JPEG_LIMIT {
            return Err(LinkError::Protocol(format!(
                "a face picture of {} bytes, over the contract's {FACE_JPEG_LIMIT}",
                face_jpeg.len()
            )));
        }
        let body = IdentityVerify {
            id_number: id_number.to_string(),
            name: name.to_string(),
            face_jpeg: base64::engine::general_purpose::STANDARD.encode(face_jpeg),
        };
        let answer = self.post_json("v1/identity/verify", &body).await?;
        match answer.status {
            StatusCode::OK => parse(&answer.body),
            _ => Err(failure(&answer)),
        }
    }

    /// The licences and registration fields the platform holds for this applicant (and their organisation),
    /// asked only after the applicant agreed to the text whose hash goes with it.
    pub async fn shared_data(&self, query: &SharedDataQuery) -> Result<SharedData, LinkError> {
        let answer = self.post_json("v1/applicants/shared-data", query).await?;
        match answer.status {
            StatusCode::OK => parse(&answer.body),
            _ => Err(failure(&answer)),
        }
    }

    /// The licence behind an e-licence QR code shown from the applicant's phone (亮证); `None` when the platform
    /// knows no such code.
    pub async fn verify_licence(&self, code: &str) -> Result<Option<VerifiedLicence>, LinkError> {
        let body = LicenceCode {
            code: code.to_string(),
        };
        let answer = self.post_json("v1/licences/verify", &body).await?;
        match answer.status {
            StatusCode::OK => parse(&answer.body).map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(failure(&answer)),
        }
    }
}
