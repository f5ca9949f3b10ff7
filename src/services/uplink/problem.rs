//! What went wrong on the link, kept for technicians: the kind the technician screen words, and the technical
//! detail in English.

use super::catalog_sync::SyncError;
use crate::backoffice::{LinkError, LinkErrorKind};
use crate::outbox::{OutboxError, OutboxErrorKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UplinkProblem {
    pub kind: UplinkProblemKind,
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UplinkProblemKind {
    Link(LinkErrorKind),
    Outbox(OutboxErrorKind),
    /// The back office's catalog was not installed: not a catalog, problems in it, or not saved.
    Catalog,
}

impl From<&LinkError> for UplinkProblem {
    fn from(e: &LinkError) -> UplinkProblem {
        UplinkProblem {
            kind: UplinkProblemKind::Link(e.kind()),
            detail: e.to_string(),
        }
    }
}

impl From<&OutboxError> for UplinkProblem {
    fn from(e: &OutboxError) -> UplinkProblem {
        UplinkProblem {
            kind: UplinkProblemKind::Outbox(e.kind()),
            detail: e.to_string(),
        }
    }
}

impl From<&SyncError> for UplinkProblem {
    fn from(e: &SyncError) -> UplinkProblem {
        match e {
            SyncError::Link(link) => UplinkProblem::from(link),
            other => UplinkProblem {
                kind: UplinkProblemKind::Catalog,
                detail: other.to_string(),
            },
        }
    }
}
