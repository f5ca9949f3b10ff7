//! One utterance at a time: [`Speaker::say`] stops what is playing (both processes killed and reaped) and starts
//! the new one. The caller (the UI thread) only sends an order down a channel; a worker thread starts and stops
//! the processes, and a pump thread per utterance carries the WAV from the synthesizer to the player, scaled to
//! the volume, as it comes, so the first sound waits for the synthesizer's first words, not its last.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::wav::VolumeFilter;
use super::{argv, start_synthesizer, Program, SpeechError, SpeechErrorKind, SpeechSettings};

/// What happened to an utterance, as it happens (on the speaker's own thread).
#[derive(Debug)]
pub enum SpeechEvent {
    /// The first samples went to the player this long after `say`.
    FirstSound(Duration),
    /// Played to its end: the synthesizer had finished this long after `say`, the player this long.
    Finished {
        synthesis: Duration,
        total: Duration,
    },
    /// Not heard to its end; never raised for an utterance stopped by `say` or `stop`.
    Failed(SpeechError),
}

type Listener = Arc<dyn Fn(SpeechEvent) + Send + Sync>;

/// A private utterance's condition: it plays only while this holds (a headset plugged in).
type Guard = Option<Arc<AtomicBool>>;

enum Order {
    Say(Zeroizing<String>, Instant, Guard),
    Stop,
    Quit,
}

/// How often the worker looks whether the utterance playing has ended.
const TICK: Duration = Duration::from_millis(10);

/// Speaks one text at a time through the configured synthesizer and player.
pub struct Speaker {
    orders: mpsc::Sender<Order>,
    volume: Arc<AtomicU8>,
    speaking: Arc<AtomicBool>,
    last_error: Arc<Mutex<Option<SpeechErrorKind>>>,
    /// What was said last, for 重听, and its guard; personal with a headset, so zeroed when replaced or
    /// forgotten.
    last: Mutex<Option<(Zeroizing<String>, Guard)>>,
    worker: Option<JoinHandle<()>>,
}

impl Speaker {
    pub fn new(settings: SpeechSettings) -> Speaker {
        Speaker::with_listener(settings, |_| {})
    }

    /// A speaker that tells `listener` what becomes of each utterance (on its own thread: a UI hands it on).
    pub fn with_listener(
        settings: SpeechSettings,
        listener: impl Fn(SpeechEvent) + Send + Sync + 'static,
    ) -> Speaker {
        let (orders, inbox) = mpsc::channel();
        let volume = Arc::new(AtomicU8::new(settings.volume.min(100)));
        let speaking = Arc::new(AtomicBool::new(false));
        let last_error = Arc::new(Mutex::new(None));
        let worker = Worker {
            settings,
            volume: volume.clone(),
            speaking: speaking.clone(),
            last_error: last_error.clone(),
            listener: Arc::new(listener),
        };
        let worker = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || worker.run(inbox))
            .map_err(|e| tracing::warn!("speech: no thread for the speaker: {e}"))
            .ok();
        Speaker {
            orders,
            volume,
            speaking,
            last_error,
            last: Mutex::new(None),
            worker,
        }
    }

    /// Stops what is being said and says `text`. Returns at once.
    pub fn say(&self, text: &str) {
        self.say_guarded(text, None);
    }

    /// [`Speaker::say`] a text meant for a headset only: it is not started, or stops within a tick, once
    /// `headset` no longer holds (the headset pulled out mid-sentence must not finish it on the loudspeaker).
    pub fn say_private(&self, text: &str, headset: Arc<AtomicBool>) {
        self.say_guarded(text, Some(headset));
    }

    fn say_guarded(&self, text: &str, guard: Guard) {
        let at = Instant::now();
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Zeroizing::new(text.to_string()), guard.clone()));
        }
        self.send(Order::Say(Zeroizing::new(text.to_string()), at, guard));
    }

    /// Says the last text again (重听), under the same guard; nothing when there is none.
    pub fn repeat(&self) {
        let last = self.last.lock().ok().and_then(|last| last.clone());
        if let Some((text, guard)) = last {
            self.send(Order::Say(text, Instant::now(), guard));
        }
    }

    /// Stops what is being said (a touch, another screen, 语音 off); 重听 still has it.
    pub fn stop(&self) {
        self.send(Order::Stop);
    }

    /// Stops and forgets the last text: the visit is over.
    pub fn forget(&self) {
        if let Ok(mut last) = self.last.lock() {
            *last = None;
        }
        self.stop();
    }

    /// 0 to 100 %; the utterance playing changes at once.
    pub fn set_volume(&self, volume: u8) {
        self.volume.store(volume.min(100), Ordering::Relaxed);
    }

    pub fn volume(&self) -> u8 {
        self.volume.load(Ordering::Relaxed)
    }

    /// Whether an utterance is playing now.
    pub fn speaking(&self) -> bool {
        self.speaking.load(Ordering::Acquire)
    }

    /// Why the last utterance that failed did, until one plays to its end.
    pub fn last_error(&self) -> Option<SpeechErrorKind> {
        self.last_error.lock().ok().and_then(|e| *e)
    }

    fn send(&self, order: Order) {
        // The worker ends only when this is dropped.
        let _ = self.orders.send(order);
    }
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.send(Order::Quit);
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

struct Worker {
    settings: SpeechSettings,
    volume: Arc<AtomicU8>,
    speaking: Arc<AtomicBool>,
    last_error: Arc<Mutex<Option<SpeechErrorKind>>>,
    listener: Listener,
}

impl Worker {
    fn run(self, inbox: mpsc::Receiver<Order>) {
        let mut playing: Option<Utterance> = None;
        loop {
            let order = if playing.is_some() {
                match inbox.recv_timeout(TICK) {
                    Ok(order) => Some(order),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => Some(Order::Quit),
                }
            } else {
                Some(inbox.recv().unwrap_or(Order::Quit))
            };
            // Orders sent together (quick taps): only the last one matters.
            let order = order.map(|first| inbox.try_iter().fold(first, |_, next| next));
            match order {
                None => {
                    if playing.as_ref().is_some_and(Utterance::unguarded) {
                        if let Some(u) = playing.take() {
                            u.interrupt();
                        }
                    } else if playing.as_mut().is_some_and(Utterance::ended) {
                        if let Some(u) = playing.take() {
                            self.report(u.finish());
                        }
                    }
                }
                Some(order) => {
                    if let Some(u) = playing.take() {
                        u.interrupt();
                    }
                    match order {
                        Order::Say(_, _, Some(guard)) if !guard.load(Ordering::Acquire) => {}
                        Order::Say(text, at, guard) => match self.start(&text, at) {
                            Ok(mut u) => {
                                u.guard = guard;
                                playing = Some(u);
                            }
                            Err(e) => self.report(Err(e)),
                        },
                        Order::Stop => {}
                        Order::Quit => {
                            self.speaking.store(false, Ordering::Release);
                            return;
                        }
                    }
                }
            }
            self.speaking.store(playing.is_some(), Ordering::Release);
        }
    }

    fn start(&self, text: &str, at: Instant) -> Result<Utterance, SpeechError> {
        use std::os::unix::process::CommandExt;
        let words = argv(&self.settings, Program::Player)?;
        let mut player = Command::new(&words[0])
            .args(&words[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| SpeechError::Spawn(Program::Player, e))?;
        let mut synthesizer = match start_synthesizer(&self.settings, text) {
            Ok(s) => s,
            Err(e) => {
                stop(&mut player);
                return Err(e);
            }
        };
        let (Some(from), Some(to)) = (synthesizer.stdout.take(), player.stdin.take()) else {
            stop(&mut player);
            stop(&mut synthesizer);
            return Err(SpeechError::Io(std::io::Error::other("no pipe")));
        };
        let pump = Pump {
            volume: self.volume.clone(),
            listener: self.listener.clone(),
            at,
        };
        let pump = std::thread::Builder::new()
            .name("speech-pump".into())
            .spawn(move || pump.run(from, to));
        match pump {
            Ok(pump) => Ok(Utterance {
                synthesizer,
                player,
                pump,
                at,
                guard: None,
            }),
            Err(e) => {
                stop(&mut player);
                stop(&mut synthesizer);
                Err(SpeechError::Io(e))
            }
        }
    }

    fn report(&self, outcome: Result<SpeechEvent, SpeechError>) {
        let event = match outcome {
            Ok(event) => {
                if let Ok(mut last) = self.last_error.lock() {
                    *last = None;
                }
                event
            }
            Err(e) => {
                tracing::warn!("speech: {e}");
                if let Ok(mut last) = self.last_error.lock() {
                    *last = Some(e.kind());
                }
                SpeechEvent::Failed(e)
            }
        };
        (self.listener)(event);
    }
}

/// Kills a child's process group and reaps it.
fn stop(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: a signal to the group this child leads (it is not reaped yet, so the id is still ours).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

struct Utterance {
    synthesizer: Child,
    player: Child,
    pump: JoinHandle<Result<Duration, SpeechError>>,
    at: Instant,
    /// A private utterance plays only while this holds.
    guard: Guard,
}

impl Utterance {
    /// A private utterance whose condition no longer holds (the headset was pulled out).
    fn unguarded(&self) -> bool {
        self.guard
            .as_ref()
            .is_some_and(|g| !g.load(Ordering::Acquire))
    }

    /// Whether the player has played it all (or given up). `try_wait` keeps the status for `wait`.
    fn ended(&mut self) -> bool {
        self.pump.is_finished() && !matches!(self.player.try_wait(), Ok(None))
    }

    /// Reaps an utterance that ended by itself and says how it went.
    fn finish(mut self) -> Result<SpeechEvent, SpeechError> {
        let pumped = self
            .pump
            .join()
            .unwrap_or_else(|_| Err(SpeechError::Io(std::io::Error::other("the pump panicked"))));
        let player = self.player.wait().map_err(SpeechError::Io)?;
        // The synthesizer has closed its output; it is reaped (a stuck one killed first).
        let synthesizer = match self.synthesizer.try_wait() {
            Ok(Some(status)) => status,
            _ => {
                stop(&mut self.synthesizer);
                self.synthesizer.wait().map_err(SpeechError::Io)?
            }
        };
        if !synthesizer.success() {
            return Err(SpeechError::Exited(Program::Synthesizer, synthesizer));
        }
        let synthesis = pumped?;
        if !player.success() {
            return Err(SpeechError::Exited(Program::Player, player));
        }
        Ok(SpeechEvent::Finished {
            synthesis,
            total: self.at.elapsed(),
        })
    }

    /// Stops both processes and reaps them; the pump ends on the closed pipes.
    fn interrupt(mut self) {
        stop(&mut self.player);
        stop(&mut self.synthesizer);
        let _ = self.pump.join();
    }
}

struct Pump {
    volume: Arc<AtomicU8>,
    listener: Listener,
    at: Instant,
}

impl Pump {
    /// Carries the WAV to the player until the synthesizer has said it all; returns when it had.
    fn run(
        self,
        mut from: std::process::ChildStdout,
        mut to: std::process::ChildStdin,
    ) -> Result<Duration, SpeechError> {
        let mut filter = VolumeFilter::default();
        let mut buffer = vec![0u8; 4096];
        let mut out = Vec::with_capacity(4096);
        let mut heard = false;
        loop {
            let n = match from.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SpeechError::Io(e)),
            };
            out.clear();
            filter
                .push(&buffer[..n], self.volume.load(Ordering::Relaxed), &mut out)
                .map_err(SpeechError::BadAudio)?;
            if out.is_empty() {
                continue;
            }
            // A player that has stopped (killed, or failed) closes the pipe; its exit status says which.
            if to.write_all(&out).is_err() {
                return Ok(self.at.elapsed());
            }
            if !heard && filter.sounding() {
                heard = true;
                (self.listener)(SpeechEvent::FirstSound(self.at.elapsed()));
            }
        }
        Ok(self.at.elapsed())
    }
}
