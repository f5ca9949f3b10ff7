//! What the session core's unit tests share: a small catalog loaded through the real loader, and an identity.

use crate::catalog::Catalog;
use drivers::Identity;

pub fn catalog() -> Catalog {
    let text = include_str!("test_catalog.toml");
    match crate::catalog::load_text(std::path::Path::new("test_catalog.toml"), text) {
        Ok(catalog) => catalog,
        Err(problems) => panic!("the test catalog is broken: {problems:?}"),
    }
}

/// The simulator's made-up resident (张三; the ID number is the worked example of GB 11643).
pub fn identity() -> Identity {
    drivers::idcard::sim::sample_identity()
}
