//! Where the virtual terminal's test (`scripts/terminal-vm.sh`) puts its finger: the centres of the buttons it taps,
//! as this headless window lays them out at the panel's size, written to `target/vm/taps.json`. Each centre is
//! tapped here with real pointer events first, so a centre that misses its button fails here, not in the VM.

mod common;

use std::collections::BTreeMap;

use common::*;
use slint::platform::{PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition};

struct Taps<'k> {
    kiosk: &'k kiosk::ui::Kiosk,
    centres: BTreeMap<String, [f32; 2]>,
}

impl<'k> Taps<'k> {
    /// The centre of the one button labelled `label` on screen, tapped as a finger would.
    fn tap(&mut self, screen: &str, label: &str) {
        let found = find(self.kiosk, label);
        let button = found
            .iter()
            .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button))
            .unwrap_or_else(|| panic!("no button labelled {label:?} on {screen}"));
        let (origin, size) = (button.absolute_position(), button.size());
        let centre =
            LogicalPosition::new(origin.x + size.width / 2.0, origin.y + size.height / 2.0);
        let window = self.kiosk.window.window();
        window.dispatch_event(WindowEvent::PointerPressed {
            position: centre,
            button: PointerEventButton::Left,
        });
        window.dispatch_event(WindowEvent::PointerReleased {
            position: centre,
            button: PointerEventButton::Left,
        });
        self.centres
            .insert(format!("{screen}/{label}"), [centre.x, centre.y]);
    }

    fn write(&self) {
        let dir = repo_path("target/vm");
        std::fs::create_dir_all(&dir).expect("target/vm");
        let json = serde_json::to_string_pretty(&self.centres).expect("json");
        std::fs::write(dir.join("taps.json"), json).expect("write taps.json");
    }
}

#[test]
fn the_buttons_the_virtual_terminal_taps() {
    init_headless();
    let kiosk = open_kiosk(1080, 1920);
    let mut taps = Taps {
        kiosk: &kiosk,
        centres: BTreeMap::new(),
    };
    taps.tap("home", "我要办事");
    assert!(
        !is_shown(&kiosk, "我要办事"),
        "the tap on 我要办事 opened the identify screen"
    );
    taps.write();
}
