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
