//! The platform's routes of contract 1.1 on the simulated back office: real-person verification, shared data and
//! shown e-licences, and the control route that tells the face comparison what to answer.

use base64::Engine as _;
use hyper::StatusCode;
use serde_json::json;

use std::sync::Mutex;

use super::answer::{answer, empty, error, lock, Answer};
use super::platform::{face_result, FaceAnswers, Platform};
use crate::backoffice::platform_client::FACE_JPEG_LIMIT;
use crate::backoffice::platform_wire::{IdentityVerify, LicenceCode, SharedDataQuery};

/// A body that breaks the contract's rules: 400 naming the fields.
fn invalid(fields: &[&str]) -> Answer {
    answer(
        StatusCode::BAD_REQUEST,
        json!({ "error": "invalid", "fields": fields }),
    )
}

/// `POST /v1/identity/verify`: a JPEG of at most 200 KB is compared (as told) with the card holder's photo of
/// record. The picture is read and dropped; nothing of it is kept.
pub(super) fn identity_verify(face: &Mutex<FaceAnswers>, body: &[u8]) -> Answer {
    let Ok(request) = serde_json::from_slice::<IdentityVerify>(body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let jpeg = base64::engine::general_purpose::STANDARD
        .decode(request.face_jpeg.as_bytes())
        .unwrap_or_default();
    if jpeg.len() > FACE_JPEG_LIMIT || !jpeg.starts_with(&[0xFF, 0xD8]) {
        return invalid(&["face_jpeg"]);
    }
    if request.id_number.is_empty() || request.name.is_empty() {
        return invalid(&["id_number", "name"]);
    }
    let result = lock(face).take();
    answer(
        StatusCode::OK,
        json!({ "verify_id": uuid::Uuid::new_v4().to_string(), "result": result }),
    )
}

/// `POST /v1/applicants/shared-data`: only with the hash of a consent text, and only what the platform holds for
/// this applicant.
pub(super) fn shared_data(platform: &Platform, body: &[u8]) -> Answer {
    let Ok(query) = serde_json::from_slice::<SharedDataQuery>(body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let hex = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex(&query.consent_sha256) {
        return invalid(&["consent_sha256"]);
    }
    answer(
        StatusCode::OK,
        serde_json::to_value(platform.shared_data(&query)).unwrap_or_default(),
    )
}

/// `POST /v1/licences/verify`: the licence behind a shown QR code, or 404.
pub(super) fn licence_verify(platform: &Platform, body: &[u8]) -> Answer {
    let Ok(shown) = serde_json::from_slice::<LicenceCode>(body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_json");
    };
    match platform.verify_licence(&shown.code) {
        Some(licence) => answer(
            StatusCode::OK,
            serde_json::to_value(licence).unwrap_or_default(),
        ),
        None => error(StatusCode::NOT_FOUND, "not_found"),
    }
}

/// `POST /_sim/face` with `match`, `no_match` or `unusable`, or a comma-separated list: the results are given in
/// that order, and the last one stands after them.
pub(super) fn set_face(face: &Mutex<FaceAnswers>, body: &[u8]) -> Answer {
    let told: Result<Vec<_>, String> = String::from_utf8_lossy(body)
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(face_result)
        .collect();
    match told {
        Ok(mut results) if !results.is_empty() => {
            let mut face = lock(face);
            face.standing = results.pop().unwrap_or(face.standing);
            face.next = results.into();
            empty(StatusCode::NO_CONTENT)
        }
        Ok(_) => error(StatusCode::BAD_REQUEST, "bad_face"),
        Err(e) => answer(
            StatusCode::BAD_REQUEST,
            json!({ "error": "bad_face", "detail": e }),
        ),
    }
}
