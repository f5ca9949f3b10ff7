//! The kiosk and the back office over real HTTP(S): upload, the contract, the link's edges, restarts and status
//! look-ups, against the back-office simulator and hostile servers. One test binary, linked once.

#[path = "../common/mod.rs"]
mod common;

mod backoffice;
mod backoffice_contract;
mod backoffice_link;
mod backoffice_restart;
mod backoffice_status;
mod evaluations;
mod link_edges;
mod platform;
