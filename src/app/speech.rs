//! Spoken guidance for the visit: 语音 turns it on or off (on by default in 长辈模式), each new screen says its
//! prompt, 重听 says it again, any touch interrupts it, 音量 +/- change the volume. Personal data is spoken only
//! into a headset ([`super::spoken`]). Without the synthesizer or the player nothing of it shows, and technician
//! mode says why. The speaker works on its own thread: nothing here waits for a process.

use zeroize::Zeroizing;

use super::spoken;
use super::App;
use crate::speech::{availability, Speaker, SpeechSettings, UnavailableKind};

/// One press of 音量 + or -.
pub const VOLUME_STEP: u8 = 10;

pub struct SpeechState {
    speaker: Option<Speaker>,
    /// Why there is no speech on this kiosk, for technicians.
    pub unavailable: Option<UnavailableKind>,
    headset: Option<drivers::audio::HeadsetJack>,
    /// Speaking during this visit.
    pub on: bool,
    /// The visitor chose on or off (长辈模式 no longer decides).
    chosen: bool,
    elderly: bool,
    /// The prompt said last: a screen whose prompt is the same is not said again.
    last: Zeroizing<String>,
}

impl SpeechState {
    /// Speech as `settings` configure it, if its programs are there; the headset jack, if the terminal has one.
    pub fn new(settings: &SpeechSettings) -> SpeechState {
        match availability(settings) {
            Ok(()) => SpeechState {
                speaker: Some(Speaker::new(settings.clone())),
                unavailable: None,
                headset: drivers::audio::HeadsetJack::open_auto(),
                ..SpeechState::off()
            },
            Err(why) => {
                tracing::info!(reason = %why, "no spoken guidance");
                SpeechState {
                    unavailable: Some(why.kind()),
                    ..SpeechState::off()
                }
            }
        }
    }

    /// No speech at all (tests, and kiosks built without it).
    pub fn off() -> SpeechState {
        SpeechState {
            speaker: None,
            unavailable: None,
            headset: None,
            on: false,
            chosen: false,
            elderly: false,
            last: Zeroizing::new(String::new()),
        }
    }

    pub fn available(&self) -> bool {
        self.speaker.is_some()
    }

    pub fn volume(&self) -> u8 {
        self.speaker.as_ref().map_or(0, Speaker::volume)
    }

    /// The volume technicians saved.
    pub fn set_volume(&self, volume: u8) {
        if let Some(speaker) = &self.speaker {
            speaker.set_volume(volume.min(100));
        }
    }

    /// Whether a headset is plugged in now (only then is personal data spoken).
    pub fn headset(&self) -> bool {
        self.headset.as_ref().is_some_and(|h| h.plugged())
    }

    /// The visit ended: the next visitor starts with 长辈模式's default, and nothing said is kept.
    pub(super) fn end_visit(&mut self) {
        if let Some(speaker) = &self.speaker {
            speaker.forget();
        }
        self.chosen = false;
        self.on = self.elderly && self.available();
        self.last = Zeroizing::new(String::new());
    }
}

impl Default for SpeechState {
    fn default() -> Self {
        SpeechState::off()
    }
}

impl App {
    /// 语音: on or off for this visit.
    pub fn toggle_speech(&mut self) {
        let speech = &mut self.speech;
        if !speech.available() {
            return;
        }
        speech.on = !speech.on;
        speech.chosen = true;
        // Turned on: the screen's prompt is said (by `speak_screen`); off: silence at once.
        speech.last = Zeroizing::new(String::new());
        if let (false, Some(speaker)) = (speech.on, &speech.speaker) {
            speaker.stop();
        }
    }

    /// 重听: the last prompt again.
    pub fn repeat_speech(&mut self) {
        if let (true, Some(speaker)) = (self.speech.on, &self.speech.speaker) {
            speaker.repeat();
        }
    }

    /// 音量 + or -.
    pub fn change_volume(&mut self, up: bool) {
        if let Some(speaker) = &self.speech.speaker {
            let volume = speaker.volume();
            let volume = if up {
                volume.saturating_add(VOLUME_STEP).min(100)
            } else {
                volume.saturating_sub(VOLUME_STEP)
            };
            speaker.set_volume(volume);
            // Heard at the new volume.
            if self.speech.on {
                speaker.repeat();
            }
        }
    }

    /// 长辈模式 turned on or off: speech follows it unless the visitor chose otherwise.
    pub fn set_elderly(&mut self, elderly: bool) {
        let speech = &mut self.speech;
        speech.elderly = elderly;
        if !speech.chosen && speech.available() {
            speech.on = elderly;
            if !elderly {
                if let Some(speaker) = &speech.speaker {
                    speaker.stop();
                }
            }
        }
    }

    /// A touch: what is being said stops.
    pub(super) fn speech_touched(&mut self) {
        if let Some(speaker) = &self.speech.speaker {
            speaker.stop();
        }
    }

    /// After every change: a screen whose prompt differs from the last one said is spoken (technician mode
    /// never is).
    pub(super) fn speak_screen(&mut self) {
        if !self.speech.on || self.technician.is_some() {
            return;
        }
        let Some(speaker) = &self.speech.speaker else {
            return;
        };
        let text = spoken::prompt(&spoken::screen_of(self), self.speech.headset());
        if *self.speech.last != text {
            speaker.say(&text);
            self.speech.last = Zeroizing::new(text);
        }
    }
}
