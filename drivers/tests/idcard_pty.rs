//! The ID card reader driver against the simulated reader, over a real pseudo-terminal.

use std::thread;
use std::time::Duration;

use drivers::idcard::status::Sw3;
use drivers::idcard::text::TextError;
use drivers::idcard::{
    CardErrorKind, CardEvent, CardPoller, ReaderError, SamReader, SimIdReader, SimMode,
};
use drivers::{Gender, IdType, Identity};
use serialport::{SerialPort, TTYPort};

fn resident() -> Identity {
    let mut id = Identity::default();
    id.id_type = IdType::Resident;
    id.name = "李四".into();
    id.gender = Gender::Female;
    id.nation = "回".into();
    id.birth_date = "1990-02-28".into();
    id.address = "河南省南阳市西峡县紫金路2号".into();
    id.id_number = "11010519491231002X".into();
    id.authority = "西峡县公安局".into();
    id.valid_from = "2020-03-01".into();
    id.valid_to = "2040-03-01".into();
    id
}

/// A simulated reader serving one end of a PTY, and a poller on the other end.
fn connect() -> (SimIdReader, CardPoller<TTYPort>, thread::JoinHandle<()>) {
    let (mut device_side, mut kiosk_side) = TTYPort::pair().expect("pty pair");
    device_side.set_timeout(Duration::from_millis(20)).unwrap();
    kiosk_side.set_timeout(Duration::from_millis(20)).unwrap();
    let sim = SimIdReader::default();
    let serving = sim.clone();
    let handle = thread::spawn(move || {
        let _ = serving.serve(device_side);
    });
    let reader = SamReader::new(kiosk_side, Duration::from_millis(600));
    (sim, CardPoller::new(reader), handle)
}

#[test]
fn a_card_is_read_once_per_placement_and_its_removal_noticed() {
    let (sim, mut poller, _h) = connect();
    assert!(matches!(poller.poll(), Ok(None)), "no card yet");
    sim.place(resident(), false);
    let Ok(Some(CardEvent::Placed(data))) = poller.poll() else {
        panic!("the card was not read")
    };
    assert!(data.identity == resident());
    assert_eq!(data.photo_wlt.len(), 1024);
    assert!(poller.card_present());
    for _ in 0..3 {
        assert!(
            matches!(poller.poll(), Ok(None)),
            "a card lying on the reader is not read again"
        );
    }
    assert_eq!(sim.reads(), 1);
    sim.remove();
    assert!(matches!(poller.poll(), Ok(Some(CardEvent::Removed))));
    assert!(!poller.card_present());
    sim.place(resident(), false);
    assert!(matches!(poller.poll(), Ok(Some(CardEvent::Placed(_)))));
    assert_eq!(sim.reads(), 2, "placed again, read again");
}

#[test]
fn sam_id_and_status() {
    let (_sim, mut poller, _h) = connect();
    let reader = poller.reader();
    reader.sam_status().unwrap();
    assert_eq!(
        reader.sam_id().unwrap(),
        "05.01-20101228-0012345678-1234567890"
    );
}

#[test]
fn garbage_and_bad_checksums_on_the_line_are_skipped() {
    let (sim, mut poller, _h) = connect();
    sim.set_mode(SimMode::Garbage);
    sim.place(resident(), false);
    let Ok(Some(CardEvent::Placed(data))) = poller.poll() else {
        panic!("no read through the noise")
    };
    assert!(data.identity == resident());
    assert!(poller.reader().skipped_bytes() > 0);
}

#[test]
fn reader_faults_are_errors_with_plain_messages() {
    let (sim, mut poller, _h) = connect();
    sim.set_mode(SimMode::Fail(0x60));
    let err = poller.poll().err().expect("a SAM fault");
    assert!(matches!(err, ReaderError::Status(Sw3::SamSelfTest)));
    assert!(err.is_device_fault());
    assert_eq!(err.kind(), CardErrorKind::Status(Sw3::SamSelfTest));
}

#[test]
fn a_card_that_cannot_be_read_is_reported_to_the_applicant() {
    let (sim, mut poller, _h) = connect();
    let mut broken = resident();
    broken.id_number = "110105194912310021".into(); // wrong check digit
    sim.place(broken, false);
    let Ok(Some(CardEvent::Unreadable(err))) = poller.poll() else {
        panic!("expected an unreadable card")
    };
    assert!(!err.is_device_fault());
    assert_eq!(err.kind(), CardErrorKind::Text(TextError::IdNumber));
}

#[test]
fn silence_times_out() {
    let (sim, mut poller, _h) = connect();
    sim.set_mode(SimMode::Silent);
    assert!(matches!(poller.poll(), Err(ReaderError::Timeout)));
    sim.set_mode(SimMode::Normal);
    assert!(
        matches!(poller.poll(), Ok(None)),
        "it answers again once the line is back"
    );
}

#[test]
fn foreigner_and_permit_cards_over_the_wire() {
    let (sim, mut poller, _h) = connect();
    let mut permit = resident();
    permit.id_type = IdType::HkMoTw;
    permit.nation.clear();
    permit.id_number = "810000199001011237".into();
    permit.pass_number = "H98765432".into();
    permit.issue_count = "02".into();
    // Make the check digit right for this made-up number.
    let body = &permit.id_number[..17].to_string();
    permit.id_number = format!("{body}{}", drivers::id_number::check_char(body).unwrap());
    sim.place(permit.clone(), false);
    let Ok(Some(CardEvent::Placed(data))) = poller.poll() else {
        panic!()
    };
    assert_eq!(data.identity.id_type, IdType::HkMoTw);
    assert!(data.identity == permit);
}

#[test]
fn a_reader_that_vanishes_is_an_io_error_not_a_hang() {
    let (device_side, mut kiosk_side) = TTYPort::pair().expect("pty pair");
    kiosk_side.set_timeout(Duration::from_millis(20)).unwrap();
    drop(device_side);
    let mut poller = CardPoller::new(SamReader::new(kiosk_side, Duration::from_millis(300)));
    let err = poller.poll().err().expect("the line is gone");
    assert!(err.is_device_fault());
    assert!(
        matches!(err, ReaderError::Io(_) | ReaderError::Timeout),
        "{err:?}"
    );
}

#[test]
fn text_photo_and_fingerprint_read_keeps_no_fingerprint() {
    let (sim, mut poller, _h) = connect();
    sim.place(resident(), false);
    let data = poller
        .reader()
        .read_card_with_fingerprint()
        .expect("a 30 10 read");
    assert!(data.identity == resident());
    assert_eq!(
        data.photo_wlt.len(),
        1024,
        "the photo, and nothing of the fingerprint, is kept"
    );
}

#[test]
fn the_reader_reporting_a_checksum_error_is_a_device_fault() {
    let (sim, mut poller, _h) = connect();
    sim.set_mode(SimMode::Fail(0x10));
    let err = poller
        .poll()
        .err()
        .expect("the reader says our frame was bad");
    assert!(matches!(err, ReaderError::Status(Sw3::ChecksumError)));
    assert!(err.is_device_fault());
}

#[test]
fn a_late_answer_is_not_taken_for_the_next_one() {
    let (device, mut kiosk) = TTYPort::pair().expect("pty pair");
    let mut device = device;
    device.set_timeout(Duration::from_millis(20)).unwrap();
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let sim = SimIdReader::default();
    let serving = sim.clone();
    thread::spawn(move || serving.serve(device));
    let mut poller = CardPoller::new(SamReader::new(kiosk, Duration::from_millis(250)));
    assert!(matches!(poller.poll(), Ok(None)));
    sim.place(resident(), false);
    // The read's answer comes after the kiosk gave up waiting for it.
    sim.set_delay(Duration::from_millis(120));
    let mut placed = None;
    for _ in 0..10 {
        match poller.poll() {
            Ok(Some(CardEvent::Placed(data))) => {
                placed = Some(data);
                break;
            }
            Ok(_) | Err(ReaderError::Timeout | ReaderError::Garbled) => {}
            Err(e) => panic!("a stale answer was taken for a new one: {e}"),
        }
        sim.set_delay(Duration::ZERO);
    }
    let data = placed.expect("the card is read once the reader keeps up");
    assert!(data.identity == resident());
}

#[test]
fn after_a_reconnect_a_card_read_before_is_known_and_its_removal_noticed() {
    let (device, mut kiosk) = TTYPort::pair().expect("pty pair");
    let mut device = device;
    device.set_timeout(Duration::from_millis(20)).unwrap();
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let second_line = kiosk.try_clone_native().unwrap();
    let sim = SimIdReader::default();
    let serving = sim.clone();
    thread::spawn(move || serving.serve(device));
    let mut first = CardPoller::new(SamReader::new(kiosk, Duration::from_millis(600)));
    sim.place(resident(), false);
    assert!(matches!(first.poll(), Ok(Some(CardEvent::Placed(_)))));
    drop(first);

    let mut second = CardPoller::new(SamReader::new(second_line, Duration::from_millis(600)));
    assert!(matches!(second.poll(), Ok(None)), "not read again");
    assert!(second.card_present(), "but known to lie there");
    sim.remove();
    assert!(matches!(second.poll(), Ok(Some(CardEvent::Removed))));
    assert_eq!(sim.reads(), 1);
}

#[test]
fn a_card_that_is_not_an_id_card_is_the_applicants_to_fix() {
    let (sim, mut poller, _h) = connect();
    sim.place(resident(), false);
    sim.set_mode(SimMode::Fail(0x40));
    // The reader says 40 (not an ID card, e.g. a bank card): an event for the applicant, not a reader fault.
    let Ok(Some(CardEvent::Unreadable(err))) = poller.poll() else {
        panic!("expected an unreadable card")
    };
    assert!(!err.is_device_fault(), "{err}");
    assert_eq!(err.kind(), CardErrorKind::Status(Sw3::UnknownCardType));
}
