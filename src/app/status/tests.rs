//! The status look-up and staff sign-in against the back-office simulator, served in-process over real HTTP.

use super::Field;
use crate::app::test_support::{back_office, linked_app, until};
use crate::app::App;
use crate::backoffice::sim::store::SimStore;

/// A kiosk linked to the simulator at `url`, at the status screen.
fn kiosk(dir: &std::path::Path, url: &str) -> App {
    let mut app = linked_app(dir, url);
    app.start_status();
    app
}

fn type_into(app: &mut App, field: Field, text: &str) {
    app.status_type_field(field);
    for c in text.chars() {
        app.keyboard_key(&c.to_string());
    }
}

/// A receipt number alone finds nothing for a visitor, and asks for the check code before anything is sent; a
/// number and a code that match nothing get the same words as a wrong code.
#[test]
fn a_number_alone_is_not_enough_and_an_unknown_one_says_so_plainly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_runtime, url) = back_office(&dir.path().join("backoffice"));
    let mut app = kiosk(dir.path(), &url);
    type_into(&mut app, Field::ReceiptNo, "XX-KIOSK-01-20261128-0007");
    app.status_look_up_typed();
    assert!(!app.status.looking, "nothing was sent");
    assert!(
        app.status.problem.contains("8 位查询码"),
        "{}",
        app.status.problem
    );
    assert_eq!(app.status_typing(), Field::CheckCode);
    type_into(&mut app, Field::CheckCode, "K7M2PQRS");
    app.status_look_up_typed();
    assert!(app.status.looking);
    until(&mut app, "the answer", |a| !a.status.looking);
    assert!(app.status.found.is_empty());
    assert!(
        app.status
            .problem
            .starts_with("没有查到：受理编号 XX-KIOSK-01-20261128-0007 或查询码不对"),
        "{}",
        app.status.problem
    );
}

/// Staff sign in with the back office's check; a wrong PIN is refused in words and signs nobody in.
#[test]
fn staff_sign_in_is_checked_by_the_back_office() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("backoffice");
    let (_runtime, url) = back_office(&data);
    SimStore::open(&data)
        .expect("the simulator's store")
        .add_staff("S1024", "王芳", "13579")
        .expect("staff added");
    let mut app = kiosk(dir.path(), &url);
    app.staff_start();
    assert_eq!(app.status_typing(), Field::StaffId);
    type_into(&mut app, Field::StaffId, "S1024");
    type_into(&mut app, Field::StaffPin, "24680");
    app.staff_submit();
    until(&mut app, "the refusal", |a| {
        a.status.staff_form.as_ref().is_some_and(|f| !f.signing_in)
    });
    assert!(app.staff.is_none());
    assert!(
        app.status.problem.starts_with("不能登录"),
        "{}",
        app.status.problem
    );
    type_into(&mut app, Field::StaffPin, "13579");
    app.staff_submit();
    until(&mut app, "the staff session", |a| a.staff.is_some());
    assert_eq!(app.staff_name(), Some("王芳"));
    // The visit ends: so does the staff session.
    app.end_visit();
    assert!(app.staff.is_none());
}
