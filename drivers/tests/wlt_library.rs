//! The WLT photo decoder loads a vendor library at run time. The real one is licensed and absent here, so the test
//! builds a stand-in with the same C signature and loads it the same way; and the kiosk runs fine without any.

use std::path::Path;
use std::process::Command;

use drivers::idcard::wlt::{WltDecoder, WltError, PHOTO_HEIGHT, PHOTO_WIDTH};

/// A stand-in `unpack` that writes a 102×126 BMP whose pixels encode the first input byte.
const FAKE_SDK: &str = r#"
#include <string.h>
int unpack(const unsigned char *wlt, unsigned char *bmp, int save) {
    (void)save;
    if (wlt[0] == 0xEE) return -1;
    const int w = 102, h = 126, row = 308, size = 54 + row * h;
    memset(bmp, 0, size);
    bmp[0] = 'B'; bmp[1] = 'M';
    bmp[2] = size & 0xFF; bmp[3] = (size >> 8) & 0xFF;
    bmp[10] = 54; bmp[14] = 40;
    bmp[18] = w; bmp[22] = h; bmp[26] = 1; bmp[28] = 24;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned char *p = bmp + 54 + y * row + x * 3;
            p[0] = wlt[0]; p[1] = (unsigned char)x; p[2] = (unsigned char)y;
        }
    return 1;
}
"#;

fn build_fake_sdk(dir: &Path) -> std::path::PathBuf {
    let source = dir.join("fake_wlt.c");
    let library = dir.join("libfakewlt.so");
    std::fs::write(&source, FAKE_SDK).unwrap();
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("a C compiler (cc) to build the stand-in library");
    assert!(status.success());
    library
}

#[test]
fn decodes_through_a_library_loaded_at_run_time() {
    let dir = tempfile::tempdir().unwrap();
    let library = build_fake_sdk(dir.path());
    let decoder = WltDecoder::load(&library, "unpack").unwrap();
    let mut wlt = vec![0u8; 1024];
    wlt[0] = 0x42;
    let photo = decoder.decode(&wlt).unwrap();
    assert_eq!(photo.dimensions(), (PHOTO_WIDTH, PHOTO_HEIGHT));
    // BMP rows run bottom-up and pixels are BGR: the decoder must have put them right.
    assert_eq!(photo.get_pixel(5, 0).0, [(PHOTO_HEIGHT - 1) as u8, 5, 0x42]);
    wlt[0] = 0xEE;
    assert!(matches!(decoder.decode(&wlt), Err(WltError::Failed(-1))));
    assert!(matches!(
        decoder.decode(&wlt[..10]),
        Err(WltError::Length(10))
    ));
}

#[test]
fn a_missing_library_or_symbol_is_an_error_not_a_crash() {
    assert!(matches!(
        WltDecoder::load(Path::new("/nonexistent/libwlt.so"), "unpack"),
        Err(WltError::Load(_))
    ));
    let dir = tempfile::tempdir().unwrap();
    let library = build_fake_sdk(dir.path());
    assert!(matches!(
        WltDecoder::load(&library, "no_such_function"),
        Err(WltError::Load(_))
    ));
}
