//! The small catalog the session core's unit tests run on, loaded through the real loader.

use crate::catalog::Catalog;

pub fn catalog() -> Catalog {
    let text = include_str!("test_catalog.toml");
    match crate::catalog::load_text(std::path::Path::new("test_catalog.toml"), text) {
        Ok(catalog) => catalog,
        Err(problems) => panic!("the test catalog is broken: {problems:?}"),
    }
}
