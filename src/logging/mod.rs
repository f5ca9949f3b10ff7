//! The kiosk's log: `tracing` events, redacted (see [`redact`]), written as lines to standard error. Under
//! systemd (`JOURNAL_STREAM` set) each line starts with its syslog priority (`<3>` …), which journald reads, so
//! the journal gets priorities without a second output path that could bypass the redaction. The last lines are
//! also kept in memory for the technician screen.

pub mod redact;

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

pub use redact::{scrub, RedactingFields, HIDDEN};

/// How many recent lines the technician screen can show.
pub const RECENT_LINES: usize = 200;

/// The last lines written, newest last (already redacted).
#[derive(Clone, Default)]
pub struct Recent(Arc<Mutex<VecDeque<String>>>);

impl Recent {
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn push(&self, line: String) {
        if let Ok(mut lines) = self.0.lock() {
            if lines.len() == RECENT_LINES {
                lines.pop_front();
            }
            lines.push_back(line);
        }
    }
}

/// One line per event: `<priority>` for journald when asked, the level, the module, the redacted fields.
pub struct LineFormat {
    pub journald: bool,
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let level = *event.metadata().level();
        if self.journald {
            let priority = match level {
                Level::ERROR => 3,
                Level::WARN => 4,
                Level::INFO => 6,
                Level::DEBUG | Level::TRACE => 7,
            };
            write!(writer, "<{priority}>")?;
        } else {
            write!(
                writer,
                "{} ",
                chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
            )?;
        }
        write!(writer, "{level} {}:", event.metadata().target())?;
        ctx.format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Where lines go: a sink (standard error, or a buffer in tests) and the recent lines.
#[derive(Clone)]
pub struct Sink {
    out: Arc<Mutex<Box<dyn Write + Send>>>,
    recent: Recent,
}

impl Sink {
    pub fn new(out: Box<dyn Write + Send>, recent: Recent) -> Sink {
        Sink {
            out: Arc::new(Mutex::new(out)),
            recent,
        }
    }
}

/// One event's bytes, written whole when dropped.
pub struct LineWriter {
    sink: Sink,
    line: Vec<u8>,
}

impl Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.line.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if self.line.is_empty() {
            return;
        }
        if let Ok(mut out) = self.sink.out.lock() {
            let _ = out.write_all(&self.line);
            let _ = out.flush();
        }
        let text = String::from_utf8_lossy(&self.line);
        self.sink.recent.push(text.trim_end().to_string());
    }
}

impl<'a> MakeWriter<'a> for Sink {
    type Writer = LineWriter;
    fn make_writer(&'a self) -> LineWriter {
        LineWriter {
            sink: self.clone(),
            line: Vec::new(),
        }
    }
}

/// The subscriber the kiosk logs through, writing to `sink` at `level` and above.
pub fn subscriber(
    sink: Sink,
    level: Level,
    journald: bool,
) -> impl Subscriber + Send + Sync + for<'a> LookupSpan<'a> {
    tracing_subscriber::fmt()
        .with_max_level(level)
        .fmt_fields(RedactingFields)
        .event_format(LineFormat { journald })
        .with_writer(sink)
        .finish()
}

static RECENT: OnceLock<Recent> = OnceLock::new();

/// Starts logging for the process: the level from `KIOSK_LOG` (error, warn, info, debug, trace; info by
/// default), journald priorities when systemd connected standard error to the journal.
pub fn init() -> Recent {
    let recent = RECENT.get_or_init(Recent::default).clone();
    let level = std::env::var("KIOSK_LOG")
        .ok()
        .and_then(|l| l.parse::<Level>().ok())
        .unwrap_or(Level::INFO);
    let journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let sink = Sink::new(Box::new(io::stderr()), recent.clone());
    let _ = tracing::subscriber::set_global_default(subscriber(sink, level, journald));
    install_panic_hook();
    recent
}

/// A panic's message and place, redacted like every log line: a panic built from a value (`expect` on a
/// parse of a scanned code, a formatted assertion) must not put an ID or mobile number in the journal.
pub fn panic_report(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    let place = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_default();
    let thread = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string();
    format!(
        "kiosk panicked in thread {thread} at {place}: {}",
        scrub(&message)
    )
}

/// Replaces Rust's panic hook (which prints the message as it is) with one that prints [`panic_report`], with
/// journald's critical priority under systemd, and keeps it for the technician screen.
pub fn install_panic_hook() {
    let journald = std::env::var_os("JOURNAL_STREAM").is_some();
    std::panic::set_hook(Box::new(move |info| {
        let report = panic_report(info);
        let backtrace = std::backtrace::Backtrace::capture();
        let prefix = if journald { "<2>" } else { "" };
        eprintln!("{prefix}{report}");
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            eprintln!("{prefix}{backtrace}");
        }
        if let Some(recent) = RECENT.get() {
            recent.push(report);
        }
    }));
}

/// The recent lines, once [`init`] has run.
pub fn recent() -> Vec<String> {
    RECENT.get().map(Recent::lines).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[derive(Debug)]
    #[allow(dead_code)] // read through Debug only
    struct Applicant {
        phone: String,
        id: String,
    }

    /// Whatever a careless caller puts in a field or a message, nothing personal reaches the log.
    #[test]
    fn personal_data_never_reaches_the_log() {
        let buffer = Buffer::default();
        let recent = Recent::default();
        let sink = Sink::new(Box::new(buffer.clone()), recent.clone());
        let id_number = "11010519491231002X";
        tracing::subscriber::with_default(subscriber(sink, Level::TRACE, true), || {
            tracing::info!(
                name = "张三",
                phone = "13800138000",
                address = "西峡县白羽路1号",
                "card read"
            );
            tracing::warn!(applicant_name = %"李四", id_number, "identity fields");
            tracing::error!("lookup failed for {id_number} at 13800138000");
            let applicant = Applicant {
                phone: "13912345678".into(),
                id: id_number.into(),
            };
            tracing::debug!(
                ?applicant,
                receipt_no = "XX-KIOSK-01-20261128-0007",
                "debug of a struct"
            );
            tracing::info!(error = %std::io::Error::other(format!("bad number {id_number}")), "an error value");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        for personal in [
            "张三",
            "李四",
            "13800138000",
            "13912345678",
            id_number,
            "110105",
            "白羽路",
        ] {
            assert!(!text.contains(personal), "{personal} leaked:\n{text}");
        }
        // What technicians need stays.
        assert!(text.contains("XX-KIOSK-01-20261128-0007"), "{text}");
        assert!(
            text.contains("card read") && text.contains("lookup failed for"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5);
        assert!(
            text.lines().next().unwrap().starts_with("<6>INFO "),
            "{text}"
        );
        assert!(
            text.lines().nth(2).unwrap().starts_with("<3>ERROR "),
            "{text}"
        );
        assert_eq!(recent.lines().len(), 5);
        assert_eq!(recent.lines()[2], text.lines().nth(2).unwrap());
    }

    /// Review finding: Rust's own panic hook printed a panic's message as it was, ID numbers included.
    #[test]
    fn a_panic_is_reported_redacted() {
        static REPORT: Mutex<String> = Mutex::new(String::new());
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|info| {
            *REPORT.lock().unwrap() = panic_report(info);
        }));
        let id_number = "11010519491231002X";
        let _ = std::panic::catch_unwind(|| {
            panic!("could not parse {id_number} / 138 0013 8000");
        });
        std::panic::set_hook(previous);
        let report = REPORT.lock().unwrap().clone();
        assert!(report.contains("could not parse"), "{report}");
        assert!(report.contains("src/logging/mod.rs:"), "{report}");
        assert!(
            !report.contains(id_number) && !report.contains("0013"),
            "{report}"
        );
    }

    #[test]
    fn recent_lines_are_bounded() {
        let recent = Recent::default();
        for i in 0..RECENT_LINES + 10 {
            recent.push(format!("line {i}"));
        }
        let lines = recent.lines();
        assert_eq!(lines.len(), RECENT_LINES);
        assert_eq!(lines[0], "line 10");
    }
}
