//! The one-thing-one-go kiosk: catalog, session core, configuration and the Slint shell.

pub mod catalog;
pub mod session;
pub mod toml_source;

slint::include_modules!();
