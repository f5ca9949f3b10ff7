//! The ID card reader's task: poll about twice a second, read each card once, notice its removal, reopen the port
//! when the reader goes away.

use std::io;
use std::time::Duration;

use drivers::idcard::{CardEvent, CardPoller, ReaderError, SamReader};
use drivers::serialport::TTYPort;

use super::sim::SimDevices;
use super::uri::SerialDevice;
use super::{Backoff, DeviceEvent, DeviceKind, Fault, Health, OpenError, Shared};

pub type Opener = Box<dyn FnMut() -> Result<TTYPort, OpenError> + Send>;

const POLL_EVERY: Duration = Duration::from_millis(500);
/// A read of text and photo is about 112 ms on the wire at 115200 baud; allow for slow readers.
const EXCHANGE_TIMEOUT: Duration = Duration::from_millis(1500);
/// Silences in a row before the reader counts as gone and the port is reopened.
const SILENCES_BEFORE_REOPEN: u32 = 3;

pub fn opener(device: &SerialDevice, sim: Option<&SimDevices>) -> io::Result<Opener> {
    Ok(match device {
        SerialDevice::Sim => {
            let port = sim
                .and_then(SimDevices::id_reader_port)
                .ok_or_else(|| io::Error::other("no simulator"))??;
            Box::new(move || {
                port.try_clone_native()
                    .map_err(|e| OpenError::new("simulated reader", e))
            })
        }
        SerialDevice::Serial { path, baud, .. } => {
            let (path, baud) = (path.clone(), *baud);
            Box::new(move || {
                drivers::serialport::new(path.to_string_lossy(), baud)
                    .timeout(Duration::from_millis(20))
                    .open_native()
                    .map_err(|e| OpenError::new(path.display(), e))
            })
        }
    })
}

pub fn run(shared: &Shared, mut open: Opener) {
    let mut backoff = Backoff::new();
    while !shared.stopping() {
        let port = match open() {
            Ok(port) => port,
            Err(e) => {
                shared.set_health(DeviceKind::IdReader, Health::Absent(Fault::from(&e)));
                shared.pause(backoff.next());
                continue;
            }
        };
        let mut poller = CardPoller::new(SamReader::new(port, EXCHANGE_TIMEOUT));
        match poller.reader().sam_status() {
            Ok(()) => {
                shared.set_health(DeviceKind::IdReader, Health::Ok);
                backoff.reset();
            }
            Err(e) => {
                shared.set_health(DeviceKind::IdReader, health_of(&e));
                shared.pause(backoff.next());
                continue;
            }
        }
        poll_until_lost(shared, &mut poller);
    }
}

fn health_of(error: &ReaderError) -> Health {
    match error {
        ReaderError::Timeout | ReaderError::Io(_) => Health::Absent(Fault::from(error)),
        other => Health::Error(Fault::from(other)),
    }
}

/// Polls until the reader stops answering or the service stops.
fn poll_until_lost(shared: &Shared, poller: &mut CardPoller<TTYPort>) {
    let mut silences = 0;
    while !shared.stopping() {
        match poller.poll() {
            Ok(event) => {
                silences = 0;
                shared.set_health(DeviceKind::IdReader, Health::Ok);
                match event {
                    Some(CardEvent::Placed(data)) => {
                        shared
                            .card_on_reader
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                        (shared.events)(DeviceEvent::CardPlaced(data));
                    }
                    Some(CardEvent::Unreadable(e)) => {
                        shared
                            .card_on_reader
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                        (shared.events)(DeviceEvent::CardUnreadable(e.kind()));
                    }
                    Some(CardEvent::Removed) => {
                        shared
                            .card_on_reader
                            .store(false, std::sync::atomic::Ordering::Relaxed);
                        (shared.events)(DeviceEvent::CardRemoved);
                    }
                    None => {}
                }
            }
            Err(e @ ReaderError::Io(_)) => {
                shared.set_health(DeviceKind::IdReader, Health::Absent(Fault::from(&e)));
                return;
            }
            Err(e) => {
                silences += 1;
                shared.set_health(DeviceKind::IdReader, health_of(&e));
                if silences >= SILENCES_BEFORE_REOPEN && matches!(e, ReaderError::Timeout) {
                    return;
                }
            }
        }
        shared.pause(POLL_EVERY);
    }
}
