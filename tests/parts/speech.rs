//! Spoken guidance with the real synthesizer: every screen's prompt, with and without a headset, synthesized by
//! the default command (`espeak-ng -v cmn --stdout`, which CI installs) into a WAV that is sound and under 8 s;
//! and the speaker's interruption with a player that is a real program recording what it is fed.

use std::path::Path;
use std::time::{Duration, Instant};

use kiosk::app::spoken::{private_fragments, prompt, sample_screens};
use kiosk::speech::{synthesize_wav, wav, Speaker, SpeechEvent, SpeechSettings};

#[test]
fn every_prompt_synthesizes_to_sound_under_eight_seconds() {
    let settings = SpeechSettings::default();
    let mut longest = (Duration::ZERO, String::new());
    for headset in [false, true] {
        for (name, screen) in sample_screens() {
            let text = prompt(&screen, headset);
            if !headset {
                for private in private_fragments() {
                    assert!(!text.contains(private), "{name} says {private:?} aloud");
                }
            }
            let bytes = synthesize_wav(&settings, &text)
                .unwrap_or_else(|e| panic!("{name}: {e} (is espeak-ng installed?)"));
            let info = wav::analyse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                info.peak > 0.1 && info.rms > 0.01,
                "{name} is silent: {info:?}"
            );
            assert!(
                info.duration < Duration::from_secs(8),
                "{name} ({text}) lasts {:?}",
                info.duration
            );
            if info.duration > longest.0 {
                longest = (info.duration, format!("{name}: {text}"));
            }
        }
    }
    eprintln!(
        "longest prompt: {:.2} s, {}",
        longest.0.as_secs_f64(),
        longest.1
    );
}

/// A player that writes what it is given to `out` (numbered per run), then says it ended.
fn recording_player(dir: &Path) -> String {
    let script = dir.join("player.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n\
         n=$(ls \"$1\" | grep -c 'wav$')\n\
         cat > \"$1/run$n.wav\"\n\
         touch \"$1/run$n.done\"\n",
    )
    .expect("the script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    format!("{} {}", script.display(), dir.display())
}

fn eventually(what: &str, within: Duration, check: impl Fn() -> bool) {
    let deadline = Instant::now() + within;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn say_interrupts_what_plays_and_repeat_says_it_again() {
    let dir = tempfile::tempdir().expect("a folder");
    let settings = SpeechSettings {
        player: recording_player(dir.path()),
        volume: 50,
        ..SpeechSettings::default()
    };
    let (events, inbox) = std::sync::mpsc::channel();
    let events = std::sync::Mutex::new(events);
    let speaker = Speaker::with_listener(settings.clone(), move |e| {
        let _ = events.lock().map(|tx| tx.send(e));
    });
    let run = |n: usize, what: &str| dir.path().join(format!("run{n}.{what}"));

    // A long text, cut short by the next one: its player is killed, so it never ends by itself.
    let long = "欢迎使用自助服务终端。".repeat(20);
    speaker.say(&long);
    eventually("the first sound", Duration::from_secs(5), || {
        std::fs::metadata(run(0, "wav")).is_ok_and(|m| m.len() > 44)
    });
    speaker.say("请把身份证放在读卡区。");
    eventually(
        "the second played to its end",
        Duration::from_secs(15),
        || run(1, "done").exists(),
    );
    assert!(
        !run(0, "done").exists(),
        "the first player was killed, not left to finish"
    );
    eventually("the speaker idle", Duration::from_secs(2), || {
        !speaker.speaking()
    });

    // What the player got is the synthesizer's WAV at half volume.
    let played = std::fs::read(run(1, "wav")).expect("recorded");
    let whole = synthesize_wav(&settings, "请把身份证放在读卡区。").expect("synthesized");
    let (played_info, whole_info) = (
        wav::analyse(&played).expect("a wav"),
        wav::analyse(&whole).expect("a wav"),
    );
    assert_eq!(played.len(), whole.len());
    assert!(
        (played_info.peak - whole_info.peak / 2.0).abs() < 0.01,
        "{played_info:?} vs {whole_info:?}"
    );

    speaker.repeat();
    eventually("said again", Duration::from_secs(15), || {
        run(2, "done").exists()
    });
    assert_eq!(std::fs::read(run(2, "wav")).expect("recorded"), played);

    // Events: a first sound for each, one end (the interrupted one is not a failure).
    std::thread::sleep(Duration::from_millis(100));
    let events: Vec<SpeechEvent> = inbox.try_iter().collect();
    let finished = events
        .iter()
        .filter(|e| matches!(e, SpeechEvent::Finished { .. }))
        .count();
    let failed = events
        .iter()
        .filter(|e| matches!(e, SpeechEvent::Failed(_)))
        .count();
    assert_eq!((finished, failed), (2, 0), "{events:?}");
    assert_eq!(speaker.last_error(), None);

    speaker.say(&long);
    eventually("playing", Duration::from_secs(5), || run(3, "wav").exists());
    speaker.stop();
    eventually("stopped", Duration::from_secs(2), || !speaker.speaking());
    assert!(!run(3, "done").exists(), "stop kills the player");
}

#[test]
fn a_missing_player_is_reported_not_a_panic() {
    let settings = SpeechSettings {
        player: "no-such-player-here -q".into(),
        ..SpeechSettings::default()
    };
    let speaker = Speaker::new(settings);
    speaker.say("你好");
    eventually("the error", Duration::from_secs(5), || {
        speaker.last_error().is_some()
    });
    assert_eq!(
        speaker.last_error(),
        Some(kiosk::speech::SpeechErrorKind::Missing(
            kiosk::speech::Program::Player
        ))
    );
}

/// A prompt meant for a headset is not started without one, and stops the moment the headset is pulled out: it is
/// never finished on the loudspeaker.
#[test]
fn a_private_prompt_stops_when_the_headset_is_pulled_out() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = tempfile::tempdir().expect("a folder");
    let settings = SpeechSettings {
        player: recording_player(dir.path()),
        ..SpeechSettings::default()
    };
    let speaker = Speaker::new(settings);
    let run = |n: usize, what: &str| dir.path().join(format!("run{n}.{what}"));
    let headset = Arc::new(AtomicBool::new(false));
    speaker.say_private("证号1 1 0 1，0 0 2 X。", headset.clone());
    std::thread::sleep(Duration::from_millis(500));
    assert!(!run(0, "wav").exists(), "not started without a headset");

    headset.store(true, Ordering::Release);
    let long = "已提交，请取证件和回执。".repeat(20);
    speaker.say_private(&long, headset.clone());
    eventually("the first sound", Duration::from_secs(5), || {
        std::fs::metadata(run(0, "wav")).is_ok_and(|m| m.len() > 44)
    });
    headset.store(false, Ordering::Release);
    eventually("the speaker silent", Duration::from_secs(2), || {
        !speaker.speaking()
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(!run(0, "done").exists(), "stopped, not played to its end");
    // 重听 under the same guard: nothing, while the headset is out.
    speaker.repeat();
    std::thread::sleep(Duration::from_millis(500));
    assert!(!run(1, "wav").exists());
}
