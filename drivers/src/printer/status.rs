//! The printer's real-time status (DLE EOT n), asked before every print: many printers take a job and report
//! nothing when they are out of paper.

/// One thing the printer reports about itself. The app words it for people; [`PrinterState::code`] names it
/// for technicians and machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrinterState {
    Ok,
    Offline,
    CoverOpen,
    PaperNearEnd,
    PaperOut,
    CutterError,
    /// The printer reports an error (DLE EOT 2, bit 6), e.g. an overheated head.
    Error,
    /// An error the printer cannot recover from without a technician.
    Unrecoverable,
}

impl PrinterState {
    /// The name technicians and the CLI use.
    pub fn code(self) -> &'static str {
        match self {
            PrinterState::Ok => "ok",
            PrinterState::Offline => "offline",
            PrinterState::CoverOpen => "cover_open",
            PrinterState::PaperNearEnd => "paper_near_end",
            PrinterState::PaperOut => "paper_out",
            PrinterState::CutterError => "cutter_error",
            PrinterState::Error => "error",
            PrinterState::Unrecoverable => "unrecoverable_error",
        }
    }

    /// Whether a receipt can still come out (paper near end can).
    pub fn allows_printing(self) -> bool {
        matches!(self, PrinterState::Ok | PrinterState::PaperNearEnd)
    }
}

/// The four status bytes (DLE EOT 1, 2, 3, 4) as states. An empty list would be impossible: `[Ok]` then.
pub fn states(bytes: [u8; 4]) -> Vec<PrinterState> {
    let [printer, offline, error, paper] = bytes;
    let mut states = Vec::new();
    let mut when = |condition: bool, state| {
        if condition && !states.contains(&state) {
            states.push(state);
        }
    };
    when(printer & 0x08 != 0, PrinterState::Offline);
    when(offline & 0x04 != 0, PrinterState::CoverOpen);
    when(
        offline & 0x20 != 0 || paper & 0x60 != 0,
        PrinterState::PaperOut,
    );
    when(
        paper & 0x0C != 0 && paper & 0x60 == 0,
        PrinterState::PaperNearEnd,
    );
    when(offline & 0x40 != 0, PrinterState::Error);
    when(error & 0x08 != 0, PrinterState::CutterError);
    when(error & 0x20 != 0, PrinterState::Unrecoverable);
    if states.is_empty() {
        states.push(PrinterState::Ok);
    }
    states
}

/// The states' codes, as the CLI prints them: `paper_out, cover_open`.
pub fn codes(states: &[PrinterState]) -> String {
    states
        .iter()
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `byte` has the fixed bits of a status reply (0xx1xx10).
pub fn is_status_byte(byte: u8) -> bool {
    byte & 0b1001_0011 == 0b0001_0010
}

/// The request for status byte `n` (1 to 4).
pub fn request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: u8 = 0x12;

    #[test]
    fn fixed_bits() {
        assert!(is_status_byte(OK));
        assert!(is_status_byte(OK | 0x08 | 0x04 | 0x20 | 0x40));
        assert!(!is_status_byte(0x00));
        assert!(!is_status_byte(0x92));
    }

    #[test]
    fn each_condition() {
        assert_eq!(states([OK; 4]), vec![PrinterState::Ok]);
        assert_eq!(states([OK | 0x08, OK, OK, OK]), vec![PrinterState::Offline]);
        assert_eq!(
            states([OK, OK | 0x04, OK, OK]),
            vec![PrinterState::CoverOpen]
        );
        assert_eq!(
            states([OK, OK, OK, OK | 0x0C]),
            vec![PrinterState::PaperNearEnd]
        );
        assert_eq!(
            states([OK, OK | 0x20, OK, OK | 0x6C]),
            vec![PrinterState::PaperOut]
        );
        assert_eq!(
            states([OK, OK, OK | 0x08, OK]),
            vec![PrinterState::CutterError]
        );
        assert_eq!(
            states([OK | 0x08, OK | 0x04, OK, OK | 0x60]),
            vec![
                PrinterState::Offline,
                PrinterState::CoverOpen,
                PrinterState::PaperOut
            ]
        );
        assert_eq!(states([OK, OK | 0x40, OK, OK]), vec![PrinterState::Error]);
        assert!(!PrinterState::Error.allows_printing());
        assert!(PrinterState::PaperNearEnd.allows_printing());
        assert!(!PrinterState::PaperOut.allows_printing());
    }
}
