//! Spoken guidance, without a window: the configured synthesizer run as a separate process, its WAV scaled to the
//! volume and streamed to the player process as it comes, one utterance at a time ([`Speaker`]).
//!
//! The synthesizer command (`speech.command`) is split into words as a POSIX shell would (the `shlex` crate,
//! already in the tree: quotes work, nothing is expanded and no shell runs), given `--stdout`, and the text on
//! its standard input, never as an argument: what is said (with a headset, a masked ID number or typed digits)
//! never shows in a process list. It must write a WAV (8- or 16-bit PCM) to standard output, as espeak-ng does.
//! The player (`speech.player`) reads that WAV on its standard input (`aplay -q`).

mod speaker;
pub mod wav;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

pub use speaker::{Speaker, SpeechEvent};

pub const DEFAULT_COMMAND: &str = "espeak-ng -v cmn";
pub const DEFAULT_PLAYER: &str = "aplay -q";
pub const DEFAULT_VOLUME: u8 = 70;

/// `[speech]` in the kiosk's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeechSettings {
    /// The synthesizer: given `--stdout` and the text on standard input, it writes a WAV to standard output.
    pub command: String,
    /// The player: reads a WAV on standard input and plays it.
    pub player: String,
    /// 0 to 100 %, applied to the samples before the player gets them.
    pub volume: u8,
}

impl Default for SpeechSettings {
    fn default() -> Self {
        SpeechSettings {
            command: DEFAULT_COMMAND.into(),
            player: DEFAULT_PLAYER.into(),
            volume: DEFAULT_VOLUME,
        }
    }
}

/// Which of the two processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    Synthesizer,
    Player,
}

impl Program {
    /// Its key in `[speech]`.
    pub fn key(self) -> &'static str {
        match self {
            Program::Synthesizer => "command",
            Program::Player => "player",
        }
    }
}

impl std::fmt::Display for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Program::Synthesizer => "speech synthesizer",
            Program::Player => "audio player",
        })
    }
}

/// Why an utterance was not heard. The Display is technical English and never holds the text.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("speech.{} is empty or its quotes do not pair", .0.key())]
    BadCommand(Program),
    #[error("the {0} could not be started: {1}")]
    Spawn(Program, io::Error),
    #[error("the {0} stopped with {1}")]
    Exited(Program, ExitStatus),
    #[error("the synthesizer's output is not a WAV the kiosk plays: {0}")]
    BadAudio(&'static str),
    #[error("passing the audio between the processes failed: {0}")]
    Io(io::Error),
}

/// What went wrong, without the detail, for the technician screen to put in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpeechErrorKind {
    BadCommand(Program),
    /// The program is not installed.
    Missing(Program),
    /// It is there but could not be started (permissions, not an executable).
    CannotStart(Program),
    /// It ended in failure (a player with no sound card, a synthesizer without the voice).
    Failed(Program),
    BadAudio,
    Io,
}

impl SpeechError {
    pub fn kind(&self) -> SpeechErrorKind {
        match self {
            SpeechError::BadCommand(p) => SpeechErrorKind::BadCommand(*p),
            SpeechError::Spawn(p, e) if e.kind() == io::ErrorKind::NotFound => {
                SpeechErrorKind::Missing(*p)
            }
            SpeechError::Spawn(p, _) => SpeechErrorKind::CannotStart(*p),
            SpeechError::Exited(p, _) => SpeechErrorKind::Failed(*p),
            SpeechError::BadAudio(_) => SpeechErrorKind::BadAudio,
            SpeechError::Io(_) => SpeechErrorKind::Io,
        }
    }
}

/// Why speech cannot be offered on this terminal (the 语音 button is then not shown).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpeechUnavailable {
    #[error("speech.{} is empty or its quotes do not pair", .0.key())]
    BadCommand(Program),
    #[error("the {0} `{1}` is not installed (not found on PATH)")]
    NotInstalled(Program, String),
    #[error("the {0} `{1}` is not an executable file")]
    NotExecutable(Program, String),
    #[error("ALSA finds no sound card for aplay")]
    NoSoundCard,
}

/// [`SpeechUnavailable`] without the program's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnavailableKind {
    BadCommand(Program),
    NotInstalled(Program),
    NotExecutable(Program),
    NoSoundCard,
}

impl SpeechUnavailable {
    pub fn kind(&self) -> UnavailableKind {
        match self {
            SpeechUnavailable::BadCommand(p) => UnavailableKind::BadCommand(*p),
            SpeechUnavailable::NotInstalled(p, _) => UnavailableKind::NotInstalled(*p),
            SpeechUnavailable::NotExecutable(p, _) => UnavailableKind::NotExecutable(*p),
            SpeechUnavailable::NoSoundCard => UnavailableKind::NoSoundCard,
        }
    }
}

/// The words of `command`, as a shell would split them; `None` when empty or its quotes do not pair.
pub fn split_command(command: &str) -> Option<Vec<String>> {
    shlex::split(command).filter(|words| !words.is_empty())
}

fn argv(settings: &SpeechSettings, program: Program) -> Result<Vec<String>, SpeechError> {
    let command = match program {
        Program::Synthesizer => &settings.command,
        Program::Player => &settings.player,
    };
    let mut words = split_command(command).ok_or(SpeechError::BadCommand(program))?;
    if program == Program::Synthesizer {
        words.push("--stdout".into());
    }
    Ok(words)
}

/// Whether the synthesizer and the player are installed, and (for aplay) whether there is a sound card. Quick:
/// it looks at files only, runs nothing.
pub fn availability(settings: &SpeechSettings) -> Result<(), SpeechUnavailable> {
    for program in [Program::Synthesizer, Program::Player] {
        let words = argv(settings, program).map_err(|_| SpeechUnavailable::BadCommand(program))?;
        let name = &words[0];
        match find_program(name) {
            Found::Runnable(_) => {}
            Found::NotExecutable => {
                return Err(SpeechUnavailable::NotExecutable(program, name.clone()))
            }
            Found::Missing => return Err(SpeechUnavailable::NotInstalled(program, name.clone())),
        }
        if program == Program::Player
            && Path::new(name).file_name().is_some_and(|n| n == "aplay")
            && !alsa_has_a_card()
        {
            return Err(SpeechUnavailable::NoSoundCard);
        }
    }
    Ok(())
}

enum Found {
    Runnable(PathBuf),
    NotExecutable,
    Missing,
}

/// `name` as `execvp` would find it: a path when it has a slash, else the first match on `PATH`.
fn find_program(name: &str) -> Found {
    use std::os::unix::fs::PermissionsExt;
    let check = |path: &Path| match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.permissions().mode() & 0o111 != 0 => {
            Found::Runnable(path.to_path_buf())
        }
        Ok(_) => Found::NotExecutable,
        Err(_) => Found::Missing,
    };
    if name.contains('/') {
        return check(Path::new(name));
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    let mut seen = Found::Missing;
    for dir in std::env::split_paths(&path) {
        match check(&dir.join(name)) {
            Found::Runnable(p) => return Found::Runnable(p),
            Found::NotExecutable => seen = Found::NotExecutable,
            Found::Missing => {}
        }
    }
    seen
}

/// ALSA's list of cards (what `aplay -l` reads).
fn alsa_has_a_card() -> bool {
    std::fs::read_to_string("/proc/asound/cards")
        .is_ok_and(|cards| !cards.trim().is_empty() && !cards.contains("no soundcards"))
}

/// Starts the synthesizer on `text`: its standard output is the WAV. The text is written on a thread of its
/// own, so a long one never stalls against a full output pipe.
fn start_synthesizer(
    settings: &SpeechSettings,
    text: &str,
) -> Result<std::process::Child, SpeechError> {
    use std::os::unix::process::CommandExt;
    let words = argv(settings, Program::Synthesizer)?;
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // A group of its own, so a wrapper script's children are stopped with it.
        .process_group(0)
        .spawn()
        .map_err(|e| SpeechError::Spawn(Program::Synthesizer, e))?;
    if let Some(mut stdin) = child.stdin.take() {
        let text = zeroize::Zeroizing::new(text.to_string());
        let writer = std::thread::Builder::new()
            .name("speech-text".into())
            .spawn(move || {
                // A synthesizer that stops early closes the pipe: its exit status says why.
                let _ = stdin.write_all(text.as_bytes());
            });
        if let Err(e) = writer {
            // No zombie, no orphaned group: the synthesizer just started goes with the error.
            let _ = child.kill();
            let _ = child.wait();
            return Err(SpeechError::Io(e));
        }
    }
    Ok(child)
}

/// `text` synthesized whole with the configured command (no volume applied), checked to be a WAV the kiosk
/// plays. For tests and the bench; the [`Speaker`] streams instead.
pub fn synthesize_wav(settings: &SpeechSettings, text: &str) -> Result<Vec<u8>, SpeechError> {
    let mut child = start_synthesizer(settings, text)?;
    let mut wav = Vec::new();
    let read = child
        .stdout
        .take()
        .map(|mut out| out.read_to_end(&mut wav))
        .transpose();
    let status = child.wait().map_err(SpeechError::Io)?;
    if !status.success() {
        return Err(SpeechError::Exited(Program::Synthesizer, status));
    }
    read.map_err(SpeechError::Io)?;
    wav::parse_header(&wav)
        .map_err(SpeechError::BadAudio)?
        .ok_or(SpeechError::BadAudio("the header is cut short"))?;
    Ok(wav)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(command: &str, player: &str) -> SpeechSettings {
        SpeechSettings {
            command: command.into(),
            player: player.into(),
            volume: 70,
        }
    }

    #[test]
    fn commands_are_split_as_a_shell_would() {
        assert_eq!(
            split_command("espeak-ng -v cmn"),
            Some(vec!["espeak-ng".into(), "-v".into(), "cmn".into()])
        );
        assert_eq!(
            split_command("'/opt/my tts/say' --voice \"zh cn\""),
            Some(vec![
                "/opt/my tts/say".into(),
                "--voice".into(),
                "zh cn".into()
            ])
        );
        assert_eq!(split_command("  "), None);
        assert_eq!(split_command("say 'unpaired"), None);
    }

    #[test]
    fn availability_names_what_is_missing() {
        let missing = availability(&settings("no-such-synthesizer-here -v cmn", "sh"))
            .expect_err("no synthesizer");
        assert_eq!(
            missing.kind(),
            UnavailableKind::NotInstalled(Program::Synthesizer)
        );
        assert!(missing.to_string().contains("no-such-synthesizer-here"));
        let dir = tempfile::tempdir().expect("a temporary folder");
        let text = dir.path().join("player.txt");
        std::fs::write(&text, "not a program").expect("a file");
        let player =
            availability(&settings("sh", &text.display().to_string())).expect_err("not a program");
        assert_eq!(
            player.kind(),
            UnavailableKind::NotExecutable(Program::Player)
        );
        assert_eq!(
            availability(&settings("sh", "")).map_err(|e| e.kind()),
            Err(UnavailableKind::BadCommand(Program::Player))
        );
        assert_eq!(
            availability(&settings("sh", "sh -c 'cat >/dev/null'")),
            Ok(())
        );
    }

    #[test]
    fn a_missing_or_failing_synthesizer_is_an_error_not_a_panic() {
        let missing = synthesize_wav(&settings("no-such-synthesizer-here", "sh"), "你好")
            .expect_err("missing");
        assert_eq!(
            missing.kind(),
            SpeechErrorKind::Missing(Program::Synthesizer)
        );
        // `false` ignores its arguments and fails.
        let failed = synthesize_wav(&settings("false", "sh"), "你好").expect_err("fails");
        assert_eq!(failed.kind(), SpeechErrorKind::Failed(Program::Synthesizer));
        // `cat` (its --stdout refused by GNU cat) is no synthesizer either; a shell echoing text is not a WAV.
        let not_wav =
            synthesize_wav(&settings("sh -c 'cat' sh", "sh"), "你好").expect_err("not a wav");
        assert_eq!(not_wav.kind(), SpeechErrorKind::BadAudio);
        assert!(
            !not_wav.to_string().contains("你好"),
            "the text is never in an error"
        );
    }
}
