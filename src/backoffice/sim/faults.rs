//! Faults the simulated back office can inject, written `KIND[@TARGET][*COUNT]`:
//! - KIND: `500`, `502`, `503`, `429` (answered with `Retry-After: 1`), `slow=MS` (answer after MS milliseconds),
//!   `drop` (close the connection without answering, before doing anything), `drop-after-store` (do the work, then
//!   close without answering: the answer is lost), `truncate` (do the work, then cut the answer's body short);
//! - TARGET: `file`, `manifest`, `status`, `lookup`, `staff`, `catalog`, `heartbeat`, `identity` (real-person
//!   verification), `shared` (shared data), `licence` (a shown e-licence), `evaluation` (好差评) or `any` (the
//!   default);
//! - COUNT: how many matching requests it hits (default: every one).

use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    Status(u16),
    Slow(Duration),
    Drop,
    DropAfterStore,
    Truncate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    File,
    Manifest,
    Status,
    Lookup,
    Staff,
    Catalog,
    Heartbeat,
    Identity,
    Shared,
    Licence,
    Evaluation,
    Any,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub target: Target,
    pub remaining: Option<u32>,
}

impl FromStr for Fault {
    type Err = String;

    fn from_str(text: &str) -> Result<Fault, String> {
        let text = text.trim();
        let (rest, remaining) = match text.split_once('*') {
            Some((rest, count)) => (
                rest,
                Some(
                    count
                        .parse::<u32>()
                        .map_err(|_| format!("fault `{text}`: `{count}` is not a count"))?,
                ),
            ),
            None => (text, None),
        };
        let (kind, target) = rest.split_once('@').unwrap_or((rest, "any"));
        let kind = match kind {
            "500" | "502" | "503" | "429" => FaultKind::Status(kind.parse().unwrap_or(500)),
            "drop" => FaultKind::Drop,
            "drop-after-store" => FaultKind::DropAfterStore,
            "truncate" => FaultKind::Truncate,
            other => match other.strip_prefix("slow=") {
                Some(ms) => FaultKind::Slow(Duration::from_millis(
                    ms.parse()
                        .map_err(|_| format!("fault `{text}`: `{ms}` is not milliseconds"))?,
                )),
                None => {
                    return Err(format!(
                    "fault `{text}`: unknown kind `{other}` (500, 502, 503, 429, slow=MS, drop, \
                         drop-after-store, truncate)"
                ))
                }
            },
        };
        let target = match target {
            "file" => Target::File,
            "manifest" => Target::Manifest,
            "status" => Target::Status,
            "lookup" => Target::Lookup,
            "staff" => Target::Staff,
            "catalog" => Target::Catalog,
            "heartbeat" => Target::Heartbeat,
            "identity" => Target::Identity,
            "shared" => Target::Shared,
            "licence" => Target::Licence,
            "evaluation" => Target::Evaluation,
            "any" => Target::Any,
            other => return Err(format!("fault `{text}`: unknown target `{other}`")),
        };
        Ok(Fault {
            kind,
            target,
            remaining,
        })
    }
}

/// The faults in force; each request takes the first one that matches it.
#[derive(Default)]
pub struct Faults {
    list: Vec<Fault>,
}

impl Faults {
    pub fn set(&mut self, list: Vec<Fault>) {
        self.list = list;
    }

    /// The fault that hits a request to `target`, counting it down.
    pub fn take(&mut self, target: Target) -> Option<FaultKind> {
        let index = self
            .list
            .iter()
            .position(|f| f.target == Target::Any || f.target == target)?;
        let fault = &mut self.list[index];
        let kind = fault.kind;
        if let Some(n) = &mut fault.remaining {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.list.remove(index);
            }
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_count_down() {
        let fault: Fault = "503@manifest*2".parse().unwrap();
        assert_eq!(fault.kind, FaultKind::Status(503));
        assert_eq!(fault.target, Target::Manifest);
        let mut faults = Faults::default();
        faults.set(vec![fault, "slow=250".parse().unwrap()]);
        assert_eq!(
            faults.take(Target::File),
            Some(FaultKind::Slow(Duration::from_millis(250)))
        );
        assert_eq!(faults.take(Target::Manifest), Some(FaultKind::Status(503)));
        assert_eq!(faults.take(Target::Manifest), Some(FaultKind::Status(503)));
        assert_eq!(
            faults.take(Target::Manifest),
            Some(FaultKind::Slow(Duration::from_millis(250))),
            "the counted fault is used up, the endless one stays"
        );
        assert!("boom".parse::<Fault>().is_err());
        assert!("503@nowhere".parse::<Fault>().is_err());
        assert!("503*x".parse::<Fault>().is_err());
    }
}
