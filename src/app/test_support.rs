//! What the controllers' unit tests share: a kiosk's state on the session core's test catalog, without a UI.

use std::sync::Arc;

use super::{App, Settings};

pub fn settings() -> Settings {
    Settings {
        center_name: "测试中心".into(),
        kiosk_id: "XX-KIOSK-01".into(),
        idle: crate::session::IdlePolicy::default(),
        simulated_devices: true,
        paper: drivers::printer::PaperWidth::Mm80,
        technician: Default::default(),
    }
}

/// A kiosk at Home on the test catalog; nothing wakes (the tests take results in themselves).
pub fn app() -> App {
    App::new(
        Arc::new(crate::session::test_support::catalog()),
        settings(),
        Arc::new(|| {}),
    )
}

/// A kiosk on the form of a complete application (every field filled).
pub fn app_on_the_form() -> App {
    use drivers::camera::DocumentCamera;
    let catalog = Arc::new(crate::session::test_support::catalog());
    let mut app = App::new(catalog.clone(), settings(), Arc::new(|| {}));
    let no = crate::package::synthetic::default_one_thing(&catalog).expect("a one-thing");
    let mut camera = drivers::camera::SimCamera::new(320, 240);
    let mut session =
        crate::package::synthetic::session_at_check_answers(catalog, no, 1, &mut || {
            camera.capture().map_err(|e| e.to_string())
        })
        .expect("a complete application");
    session
        .change(crate::session::Step::Form)
        .expect("back to the form");
    app.session = session;
    app
}
