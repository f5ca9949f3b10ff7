//! Status and pickup of contract 1.1 on the kiosk's side: a look-up proved by the check code or a staff token,
//! and staff sessions.

use reqwest::{Method, StatusCode};
use zeroize::Zeroizing;

use super::client::{failure, parse, Link, LinkError, LinkErrorKind, ANSWER_LIMIT};
use super::wire::{Application, ErrorBody, StaffLogin, StaffSessionAnswer, StatusQuery};
use crate::package::CheckCode;

/// What proves a status look-up may see an application.
pub enum Credential<'a> {
    /// The check code printed on the receipt (typed, or read from its QR code).
    CheckCode(&'a CheckCode),
    /// A staff session's token: center staff looking up for someone else.
    Staff(&'a str),
}

/// A staff member signed in at this kiosk. The token is zeroed when dropped and never printed.
pub struct StaffSession {
    pub token: Zeroizing<String>,
    pub name: String,
    /// RFC 3339, as the back office gave it.
    pub expires_at: String,
}

impl std::fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSession")
            .field("name", &self.name)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Why a staff member could not sign in. The Display is technical English; the app words it by
/// [`StaffLoginError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum StaffLoginError {
    #[error("wrong staff id or PIN")]
    BadCredentials,
    #[error("too many wrong PINs: the staff id is locked for 15 minutes")]
    Locked,
    #[error(transparent)]
    Link(#[from] LinkError),
}

/// What stopped the sign-in, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffLoginErrorKind {
    BadCredentials,
    Locked,
    Link(LinkErrorKind),
}

impl StaffLoginError {
    pub fn kind(&self) -> StaffLoginErrorKind {
        match self {
            StaffLoginError::BadCredentials => StaffLoginErrorKind::BadCredentials,
            StaffLoginError::Locked => StaffLoginErrorKind::Locked,
            StaffLoginError::Link(e) => StaffLoginErrorKind::Link(e.kind()),
        }
    }
}

impl Link {
    /// One application by its receipt number, proved by the check code printed beside it or asked by signed-in
    /// staff; `None` when the back office knows no such application or the code is wrong (the same answer, so it
    /// tells a stranger nothing).
    pub async fn status(
        &self,
        receipt_no: &str,
        credential: Credential<'_>,
    ) -> Result<Option<Application>, LinkError> {
        let (check_code, staff_token) = match credential {
            Credential::CheckCode(code) => (Some(code.as_str().to_string()), None),
            Credential::Staff(token) => (None, Some(token.to_string())),
        };
        let query = StatusQuery {
            receipt_no: receipt_no.to_string(),
            check_code,
            staff_token,
        };
        let answer = self.post_json("v1/applications/status", &query).await?;
        match answer.status {
            StatusCode::OK => Ok(Some(parse(&answer.body)?)),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(failure(&answer)),
        }
    }

    /// Signs a member of the center's staff in: the back office checks the id and PIN and gives a token for at
    /// most 15 minutes.
    pub async fn staff_login(
        &self,
        staff_id: &str,
        pin: &str,
    ) -> Result<StaffSession, StaffLoginError> {
        let login = StaffLogin {
            staff_id: staff_id.to_string(),
            pin: pin.to_string(),
        };
        let answer = self.post_json("v1/staff/sessions", &login).await?;
        match answer.status {
            StatusCode::CREATED | StatusCode::OK => {
                let session: StaffSessionAnswer = parse(&answer.body)?;
                Ok(StaffSession {
                    token: Zeroizing::new(session.staff_token),
                    name: session.name,
                    expires_at: session.expires_at,
                })
            }
            StatusCode::UNAUTHORIZED => {
                let code = serde_json::from_slice::<ErrorBody>(&answer.body)
                    .map(|b| b.error)
                    .unwrap_or_default();
                Err(match code.as_str() {
                    "locked" => StaffLoginError::Locked,
                    "bad_credentials" => StaffLoginError::BadCredentials,
                    _ => StaffLoginError::Link(failure(&answer)),
                })
            }
            _ => Err(StaffLoginError::Link(failure(&answer))),
        }
    }

    /// Ends a staff session (the visit ended, or the staff member signed out).
    pub async fn staff_logout(&self, token: &str) -> Result<(), LinkError> {
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(LinkError::Protocol(
                "a staff token with characters no token has".into(),
            ));
        }
        let answer = self
            .send(
                Method::DELETE,
                &format!("v1/staff/sessions/{token}"),
                Vec::new(),
                None,
                &[],
                ANSWER_LIMIT,
            )
            .await?;
        match answer.status {
            StatusCode::NO_CONTENT | StatusCode::OK | StatusCode::NOT_FOUND => Ok(()),
            _ => Err(failure(&answer)),
        }
    }
}
