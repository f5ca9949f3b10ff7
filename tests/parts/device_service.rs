//! The device service on simulated devices: events, printing, capture, health, and a reader unplugged and plugged
//! back in at the same path.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use drivers::idcard::SimIdReader;
use drivers::printer::PrinterState;
use drivers::serialport::{SerialPort, TTYPort};
use drivers::Identity;
use kiosk::services::devices::{DeviceEvent, DeviceKind, DeviceService, DeviceUris, Health};

/// What the events said, without personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    Placed(String),
    Unreadable,
    Removed,
    Code(String),
    Printer(Vec<PrinterState>),
    Health(DeviceKind, &'static str),
}

fn start(uris: &DeviceUris) -> (DeviceService, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let service = DeviceService::start(
        uris,
        Arc::new(move |event| {
            let item = match event {
                DeviceEvent::CardPlaced(data) => Seen::Placed(data.identity.masked_id_number()),
                DeviceEvent::CardUnreadable(_) => Seen::Unreadable,
                DeviceEvent::CardRemoved => Seen::Removed,
                DeviceEvent::CodeScanned(code) => Seen::Code(code),
                DeviceEvent::PrinterState(states) => Seen::Printer(states),
                DeviceEvent::Health { device, health } => Seen::Health(device, health.code()),
            };
            sink.lock().unwrap().push(item);
        }),
    )
    .expect("service");
    (service, seen)
}

fn wait_for(seen: &Arc<Mutex<Vec<Seen>>>, what: &Seen) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if seen.lock().unwrap().contains(what) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("never saw {what:?}; saw {:?}", seen.lock().unwrap());
}

fn person() -> Identity {
    drivers::idcard::sim::sample_identity()
}

#[test]
fn simulated_devices_end_to_end() {
    let (service, seen) = start(&DeviceUris::all_sim());
    for device in [
        DeviceKind::IdReader,
        DeviceKind::Printer,
        DeviceKind::Scanner,
        DeviceKind::Camera,
    ] {
        wait_for(&seen, &Seen::Health(device, "ok"));
    }
    let sim = service.sim().expect("simulators");

    // A card placed is read once; taking it away is noticed.
    sim.id_reader().unwrap().place(person(), false);
    wait_for(&seen, &Seen::Placed("1101**********002X".into()));
    assert!(
        service.card_on_reader(),
        "the card still lies on the reader"
    );
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(
        sim.id_reader().unwrap().reads(),
        1,
        "read once per placement"
    );
    sim.id_reader().unwrap().remove();
    wait_for(&seen, &Seen::Removed);
    assert!(!service.card_on_reader());

    // A scanned code arrives as an event.
    sim.scan("XX-KIOSK-01-20261128-0007").unwrap();
    wait_for(&seen, &Seen::Code("XX-KIOSK-01-20261128-0007".into()));

    // Printing asks the state first; out of paper, nothing prints and the state is reported.
    let receipt = b"\x1b@\x1c&receipt\x1dVB@".to_vec();
    assert_eq!(
        service.block_on(service.print(receipt.clone())),
        Ok(vec![PrinterState::Ok])
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while sim.printer().unwrap().received() != receipt && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(sim.printer().unwrap().received(), receipt);
    sim.printer().unwrap().set_states(&[PrinterState::PaperOut]);
    let refused = service.block_on(service.print(receipt.clone()));
    assert!(refused.is_err(), "{refused:?}");
    wait_for(&seen, &Seen::Printer(vec![PrinterState::PaperOut]));
    assert_eq!(service.health()[&DeviceKind::Printer].code(), "error");
    assert_eq!(
        sim.printer().unwrap().received(),
        receipt,
        "nothing more was printed"
    );

    // The camera: a preview at screen size and a full page.
    let frame = service.block_on(service.preview(960, 960)).unwrap();
    assert_eq!((frame.width, frame.height), (960, 720));
    let page = service.block_on(service.capture()).unwrap();
    assert_eq!(&page[..2], &[0xFF, 0xD8]);
}

/// A real serial device at a path (a symlink to a PTY, as udev makes /dev/idcard), unplugged and plugged back.
#[test]
fn a_reader_that_is_unplugged_is_reported_and_reconnected() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("idcard");
    let plug_in = |sim: &SimIdReader| -> TTYPort {
        let (mut device, client) = TTYPort::pair().unwrap();
        device.set_timeout(Duration::from_millis(20)).unwrap();
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(client.name().unwrap(), &link).unwrap();
        let serving = sim.clone();
        std::thread::spawn(move || serving.serve(device));
        client
    };
    let sim = SimIdReader::default();
    let _first = plug_in(&sim);
    let mut uris = DeviceUris::all_sim();
    uris.id_reader = kiosk::services::devices::SerialDevice::Serial {
        path: link.clone(),
        baud: 115_200,
        suffix: drivers::scanner::Suffix::Cr,
    };
    let (service, seen) = start(&uris);
    wait_for(&seen, &Seen::Health(DeviceKind::IdReader, "ok"));

    sim.unplug();
    drop(_first);
    wait_for(&seen, &Seen::Health(DeviceKind::IdReader, "absent"));
    assert!(matches!(
        service.health()[&DeviceKind::IdReader],
        Health::Absent(_)
    ));

    seen.lock().unwrap().clear();
    let _second = plug_in(&sim);
    wait_for(&seen, &Seen::Health(DeviceKind::IdReader, "ok"));
    sim.place(person(), false);
    wait_for(&seen, &Seen::Placed("1101**********002X".into()));
}
