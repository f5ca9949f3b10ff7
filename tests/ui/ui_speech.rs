//! Spoken guidance on screen: 语音 shows on a kiosk that can speak, is off by default and on in 长辈模式, each new
//! screen says its prompt through the real synthesizer into the player, 重听 says it again, 音量 +/- change the
//! volume, and off means silence. The player is a real program that keeps what it is fed.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::*;
use kiosk::speech::{wav, SpeechSettings};

/// A player that keeps each utterance as `runN.wav` in `dir`.
fn recording_player(dir: &Path) -> String {
    let script = dir.join("player.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nn=$(ls \"$1\" | grep -c 'wav$')\ncat > \"$1/run$n.wav\"\n",
    )
    .expect("the script");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    format!("{} {}", script.display(), dir.display())
}

fn utterances(dir: &Path) -> Vec<Vec<u8>> {
    let mut runs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    runs.sort();
    runs.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Waits until `n` utterances have been played whole.
fn played(kiosk: &kiosk::ui::Kiosk, dir: &Path, n: usize) -> Vec<Vec<u8>> {
    until(kiosk, &format!("{n} utterances played"), |_| {
        let runs = utterances(dir);
        runs.len() == n && runs.iter().all(|r| wav::analyse(r).is_ok())
    });
    utterances(dir)
}

#[test]
fn speech_follows_the_screens_and_the_visitor() {
    init_headless();
    let dir = tempfile::tempdir().unwrap();
    let player = recording_player(dir.path());
    let kiosk = open_kiosk_with(1080, 1920, |s| {
        s.speech = Some(SpeechSettings {
            player,
            ..SpeechSettings::default()
        })
    });
    assert!(is_shown(&kiosk, "语音：关"), "offered, off by default");
    assert!(!is_shown(&kiosk, "重听"));
    pump_for(&kiosk, Duration::from_millis(300));
    assert!(utterances(dir.path()).is_empty(), "silent while off");

    // 长辈模式 turns it on: Home's prompt is heard.
    press(&kiosk, "长辈模式");
    assert!(is_shown(&kiosk, "语音：开"));
    let runs = played(&kiosk, dir.path(), 1);
    let first = wav::analyse(&runs[0]).unwrap();
    assert!(first.peak > 0.1, "sound, not silence: {first:?}");
    screenshot(&kiosk, "67-speech-on-elderly");

    // 重听: the same again; 音量＋: louder, said again at the new volume.
    press(&kiosk, "重听");
    let runs = played(&kiosk, dir.path(), 2);
    assert!(runs[0] == runs[1], "the same prompt at the same volume");
    press(&kiosk, "音量＋");
    let runs = played(&kiosk, dir.path(), 3);
    let louder = wav::analyse(&runs[2]).unwrap();
    assert!(louder.peak > first.peak, "{louder:?} vs {first:?}");

    // A new screen says its own prompt.
    press(&kiosk, "我要办事");
    let runs = played(&kiosk, dir.path(), 4);
    assert!(runs[3] != runs[0], "another screen, another prompt");

    // The idle warning is said once, over the screen; 继续办理 ends it and the screen is said again.
    let policy = kiosk.app().idle;
    let then = std::time::Instant::now()
        .checked_sub(policy.warn_after + Duration::from_secs(1))
        .expect("the clock goes back that far");
    kiosk.app_mut().session.touch(then);
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(600));
    let runs = played(&kiosk, dir.path(), 5);
    assert!(runs[4] != runs[3], "the warning, not the screen");
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(600));
    pump_for(&kiosk, Duration::from_millis(500));
    assert_eq!(utterances(dir.path()).len(), 5, "said once");
    press(&kiosk, "继续办理");
    let runs = played(&kiosk, dir.path(), 6);
    assert!(runs[5] == runs[3], "the screen's prompt again");

    // Off: silence for the rest of the visit, whatever the screen.
    press(&kiosk, "语音：开");
    assert!(is_shown(&kiosk, "语音：关"));
    press(&kiosk, "首页");
    // The next visitor starts with 长辈模式's default: on, and Home is said.
    assert!(is_shown(&kiosk, "语音：开"));
    played(&kiosk, dir.path(), 7);
    press(&kiosk, "语音：开");
    press(&kiosk, "进度查询 / 领取");
    pump_for(&kiosk, Duration::from_millis(1500));
    assert_eq!(utterances(dir.path()).len(), 7, "nothing said while off");
    press(&kiosk, "标准模式");
}
