//! `kiosk speech-bench`: for every screen's prompt, the time from `say` to the first samples written to the
//! player, and to the synthesizer's end; then the median and the longest.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use kiosk::app::spoken::{prompt, sample_screens};
use kiosk::speech::{availability, Speaker, SpeechEvent, UnavailableKind};

use super::{load_config, Failed};

/// Plays nothing: for a machine without a sound card.
const DISCARD: &str = "sh -c 'cat >/dev/null'";

pub fn run(config: &Path, player: Option<&str>) -> Result<(), Failed> {
    let mut settings = load_config(config)?.speech;
    if let Some(player) = player {
        settings.player = player.to_string();
    }
    match availability(&settings) {
        Ok(()) => {}
        Err(e) if e.kind() == UnavailableKind::NoSoundCard => {
            println!("no sound card: the audio goes to `{DISCARD}`");
            settings.player = DISCARD.into();
        }
        Err(e) => return Err(Failed::with_message(format!("speech is unavailable: {e}"))),
    }
    let (tx, events) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let speaker = Speaker::with_listener(settings, move |e| {
        let _ = tx.lock().map(|tx| tx.send(e));
    });
    let (mut first, mut synthesis) = (Vec::new(), Vec::new());
    println!("{:<22} {:>12} {:>12}", "screen", "first sound", "synthesis");
    for (name, screen) in sample_screens() {
        speaker.say(&prompt(&screen, false));
        let mut heard = None;
        loop {
            match events.recv_timeout(Duration::from_secs(30)) {
                Ok(SpeechEvent::FirstSound(t)) => heard = Some(t),
                Ok(SpeechEvent::Finished { synthesis: s, .. }) => {
                    let f = heard.unwrap_or(s);
                    println!("{name:<22} {:>9.1} ms {:>9.1} ms", ms(f), ms(s));
                    first.push(f);
                    synthesis.push(s);
                    break;
                }
                Ok(SpeechEvent::Failed(e)) => {
                    return Err(Failed::with_message(format!("{name}: {e}")))
                }
                Err(_) => return Err(Failed::with_message(format!("{name}: no answer in 30 s"))),
            }
        }
    }
    for (what, mut times) in [("first sound", first), ("synthesis", synthesis)] {
        times.sort();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        let max = times.last().copied().unwrap_or_default();
        println!("{what}: median {:.1} ms, max {:.1} ms", ms(median), ms(max));
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
