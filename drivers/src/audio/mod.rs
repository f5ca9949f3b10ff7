//! Audio hardware the kiosk reads: the headset jack. Spoken guidance says personal data only into a headset, so
//! the kiosk must know whether one is plugged in; the codec reports it as the `SW_HEADPHONE_INSERT` switch of an
//! evdev input device ("HDA Intel PCH Headphone", "… Headset Jack").

mod jack;

pub use jack::{find_jacks, HeadsetJack, JackState, INPUT_DIR};
