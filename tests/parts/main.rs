//! The kiosk's parts without a window: the command-line tools (catalog, devices, outbox), the device service on
//! simulated devices, receipts and the package's files. One test binary, linked once.

#[path = "../common/mod.rs"]
mod common;

mod catalog_cli;
mod device_cli;
mod device_service;
mod outbox_cli;
mod outbox_edges;
mod outbox_transfer;
mod receipts;
mod speech;
mod terminal_files;
