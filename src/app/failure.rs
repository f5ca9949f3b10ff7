//! What the visit's use cases can fail with, typed: [`super::words`] says each in Chinese, logs print their
//! technical English. (Kept apart from the use cases, which use the words, so that words need not import them.)

use drivers::printer::receipt::ReceiptError;

use crate::services::devices::Fault;

/// Why a receipt or slip did not print.
#[derive(Debug, thiserror::Error)]
pub enum PrintFailure {
    #[error("no printer is configured")]
    NoPrinter,
    #[error(transparent)]
    Receipt(#[from] ReceiptError),
    /// The printer (its states, its connection) or its service.
    #[error(transparent)]
    Printer(#[from] Fault),
}

/// Why a submitted application was not stored (no receipt is shown then).
#[derive(Debug, thiserror::Error)]
pub enum StoreFailure {
    /// The kiosk takes no application now (the outbox cannot keep one, or it must not file one).
    #[error("intake is paused: {0}")]
    Paused(crate::services::uplink::intake_policy::Refusal),
    #[error(transparent)]
    Outbox(#[from] crate::outbox::OutboxError),
    #[error(transparent)]
    CheckCode(#[from] crate::package::check_code::NoRandomness),
    #[error(transparent)]
    Package(#[from] crate::package::PackageError),
}

/// Why the outbox was not exported to a USB stick.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("no USB stick is mounted")]
    NoStick,
    /// The waiting packages could not be listed.
    #[error(transparent)]
    Outbox(#[from] crate::outbox::OutboxError),
    #[error(transparent)]
    Transfer(#[from] crate::outbox::transfer::TransferError),
}

/// Why a page was not captured.
#[derive(Debug, thiserror::Error)]
pub enum CaptureFailure {
    /// The camera (or its service).
    #[error(transparent)]
    Camera(#[from] Fault),
    /// The picture it gave cannot be read.
    #[error(transparent)]
    Page(#[from] crate::package::pages::PageError),
    /// The check of the page did not finish (its thread panicked or was cancelled).
    #[error("the page check did not finish: {0}")]
    Interrupted(#[from] tokio::task::JoinError),
}
