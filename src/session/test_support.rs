//! What the session core's unit tests share: a small catalog loaded through the real loader, and an identity.

use crate::catalog::Catalog;
use drivers::{Gender, IdType, Identity};

pub fn catalog() -> Catalog {
    let text = include_str!("test_catalog.toml");
    match crate::catalog::load_text(std::path::Path::new("test_catalog.toml"), text) {
        Ok(catalog) => catalog,
        Err(problems) => panic!("the test catalog is broken: {problems:?}"),
    }
}

/// A made-up resident; the ID number is the worked example of GB 11643.
pub fn identity() -> Identity {
    let mut id = Identity::default();
    id.id_type = IdType::Resident;
    id.name = "张三丰".into();
    id.gender = Gender::Male;
    id.nation = "汉".into();
    id.birth_date = "1949-12-31".into();
    id.address = "河南省南阳市西峡县白羽路1号".into();
    id.id_number = "11010519491231002X".into();
    id.authority = "西峡县公安局".into();
    id.valid_from = "2015-01-01".into();
    id.valid_to = "长期".into();
    id
}
