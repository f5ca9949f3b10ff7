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
    /// Whether a headset was plugged in when it was said.
    said_with_headset: bool,
    /// The idle warning has been said (once per warning).
    warned: bool,
    /// The volume technicians set: each visit starts with it, whatever the last visitor chose.
    configured_volume: u8,
}

impl SpeechState {
    /// Speech as `settings` configure it, if its programs are there; the headset jack, if the terminal has one.
    pub fn new(settings: &SpeechSettings) -> SpeechState {
        match availability(settings) {
            Ok(()) => SpeechState {
                speaker: Some(Speaker::new(settings.clone())),
                unavailable: None,
                headset: drivers::audio::HeadsetJack::open_auto(),
                configured_volume: settings.volume.min(100),
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
            said_with_headset: false,
            warned: false,
            configured_volume: 0,
        }
    }

    pub fn available(&self) -> bool {
        self.speaker.is_some()
    }

    pub fn volume(&self) -> u8 {
        self.speaker.as_ref().map_or(0, Speaker::volume)
    }

    /// The volume technicians saved: now, and for every visit after.
    pub fn set_volume(&mut self, volume: u8) {
        self.configured_volume = volume.min(100);
        if let Some(speaker) = &self.speaker {
            speaker.set_volume(self.configured_volume);
        }
    }

    /// The headset went in or out since the last prompt: what may be spoken changed.
    fn headset_changed(&self) -> bool {
        self.on && self.headset() != self.said_with_headset
    }

    /// Whether speech is on and whether the visitor chose so, to carry over a visit's end that is not the
    /// visitor leaving (a pickup slip printed, the rating follows).
    pub(super) fn choice(&self) -> (bool, bool) {
        (self.on, self.chosen)
    }

    pub(super) fn keep_choice(&mut self, (on, chosen): (bool, bool)) {
        self.on = on && self.available();
        self.chosen = chosen;
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
        self.warned = false;
        self.on = self.elderly && self.available();
        self.last = Zeroizing::new(String::new());
        self.set_volume(self.configured_volume);
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

    /// 重听: the screen's prompt again, as a headset now allows.
    pub fn repeat_speech(&mut self) {
        self.speech.last = Zeroizing::new(String::new());
        self.speak_screen();
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
        }
        // Heard at the new volume.
        self.repeat_speech();
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

    /// A touch: what is being said stops (and an idle warning, which a touch ends, may be said again).
    pub(super) fn speech_touched(&mut self) {
        self.speech.warned = false;
        if let Some(speaker) = &self.speech.speaker {
            speaker.stop();
        }
    }

    /// The idle warning is up: said once, over whatever the screen was saying.
    pub(super) fn speak_idle_warning(&mut self) {
        if !self.speech.on || self.speech.warned {
            return;
        }
        if let Some(speaker) = &self.speech.speaker {
            let text = spoken::prompt(&spoken::Screen::IdleWarning, false);
            speaker.say(&text);
            self.speech.warned = true;
            self.speech.last = Zeroizing::new(text);
        }
    }

    /// After every change: a screen whose prompt differs from the last one said is spoken (technician mode
    /// never is).
    pub(super) fn speak_screen(&mut self) {
        // The idle warning stays said until a touch ends it.
        if !self.speech.on || self.speech.warned || self.technician.is_some() {
            return;
        }
        let Some(speaker) = &self.speech.speaker else {
            return;
        };
        let headset = self.speech.headset();
        let text = spoken::prompt(&spoken::screen_of(self), headset);
        if *self.speech.last != text {
            // Said for a headset: stopped the moment it is pulled out, never finished on the loudspeaker.
            match self.speech.headset.as_ref().filter(|_| headset) {
                Some(jack) => speaker.say_private(&text, jack.flag()),
                None => speaker.say(&text),
            }
            self.speech.last = Zeroizing::new(text);
            self.speech.said_with_headset = headset;
        }
    }

    /// The idle clock: a headset plugged in or pulled out changes what the screen's prompt may say, so it is
    /// said again. True when it will be.
    pub(super) fn speech_tick(&mut self) -> bool {
        if self.speech.headset_changed() {
            self.speech.said_with_headset = self.speech.headset();
            return true;
        }
        false
    }
}
