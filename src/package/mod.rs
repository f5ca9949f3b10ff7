//! An application as the back office receives it: the manifest (`one-thing-package/1`) and its files.

pub mod check_code;
pub mod manifest;
pub mod pages;
pub mod quality;
pub mod signature;
pub mod synthetic;

pub use check_code::CheckCode;
pub use manifest::{
    build, content_type, hex, sha256_hex, Manifest, Package, PackageError, PackageErrorKind,
    PackageFile, Stamp,
};
