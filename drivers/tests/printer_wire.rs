//! The printer driver against the simulated printer, over a real PTY and a real TCP socket.

use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use drivers::printer::{
    PaperWidth, PrinterConnection, PrinterError, PrinterState, PrinterUri, ReceiptWriter,
    SimPrinter,
};
use serialport::{SerialPort, TTYPort};

fn receipt() -> Vec<u8> {
    let mut w = ReceiptWriter::new(PaperWidth::Mm80).unwrap();
    w.bold(true)
        .unwrap()
        .text("测试小票 自助终端")
        .unwrap()
        .qr("https://example.invalid/r/1", 6)
        .unwrap()
        .cut()
        .unwrap();
    w.finish().unwrap()
}

/// The line may deliver in pieces: waits (up to a second) until the printer has `len` bytes.
fn wait_until_received(sim: &SimPrinter, len: usize) {
    for _ in 0..100 {
        if sim.received().len() >= len {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn over_pty() -> (SimPrinter, PrinterConnection) {
    let (mut device, mut kiosk) = TTYPort::pair().expect("pty");
    device.set_timeout(Duration::from_millis(20)).unwrap();
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let sim = SimPrinter::default();
    let serving = sim.clone();
    thread::spawn(move || serving.serve(device));
    (
        sim,
        PrinterConnection::with_port(Box::new(kiosk), Duration::from_millis(500)),
    )
}

fn over_tcp() -> (SimPrinter, PrinterUri, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let uri: PrinterUri = format!("tcp://{}", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let sim = SimPrinter::default();
    let serving = sim.clone();
    let handle = thread::spawn(move || {
        let _ = serving.serve_tcp(listener);
    });
    (sim, uri, handle)
}

#[test]
fn prints_exactly_the_receipt_over_a_pty() {
    let (sim, mut printer) = over_pty();
    let bytes = receipt();
    assert_eq!(printer.print(&bytes).unwrap(), vec![PrinterState::Ok]);
    wait_until_received(&sim, bytes.len());
    assert_eq!(
        sim.received(),
        bytes,
        "the printer got the receipt, and no status query bytes"
    );
}

#[test]
fn each_state_is_reported_and_an_empty_printer_prints_nothing() {
    let (sim, mut printer) = over_pty();
    for state in [
        PrinterState::Offline,
        PrinterState::CoverOpen,
        PrinterState::PaperOut,
        PrinterState::CutterError,
        PrinterState::Unrecoverable,
    ] {
        sim.set_states(&[state]);
        assert_eq!(printer.status().unwrap(), vec![state]);
        match printer.print(&receipt()) {
            Err(PrinterError::NotReady(states)) => assert_eq!(states, vec![state]),
            other => panic!("{state:?}: printed anyway: {other:?}"),
        }
    }
    thread::sleep(Duration::from_millis(50));
    assert!(
        sim.received().is_empty(),
        "nothing may print while the printer is not ready"
    );
}

#[test]
fn paper_near_end_still_prints_and_says_so() {
    let (sim, mut printer) = over_pty();
    sim.set_states(&[PrinterState::PaperNearEnd]);
    assert_eq!(
        printer.print(&receipt()).unwrap(),
        vec![PrinterState::PaperNearEnd]
    );
}

#[test]
fn over_tcp_and_after_the_printer_comes_back() {
    let (sim, uri, _h) = over_tcp();
    let mut printer = PrinterConnection::open(&uri, Duration::from_millis(500)).unwrap();
    let bytes = receipt();
    printer.print(&bytes).unwrap();
    drop(printer);
    wait_until_received(&sim, bytes.len());
    assert_eq!(sim.received(), bytes);

    // A printer that is switched off refuses the connection; a new connection works once it is back.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let gone: PrinterUri = format!("tcp://{addr}").parse().unwrap();
    assert!(matches!(
        PrinterConnection::open(&gone, Duration::from_millis(300)),
        Err(PrinterError::Connect(_))
    ));
    let back = SimPrinter::default();
    let listener = TcpListener::bind(addr).unwrap();
    let serving = back.clone();
    thread::spawn(move || serving.serve_tcp(listener));
    let mut printer = PrinterConnection::open(&gone, Duration::from_millis(500)).unwrap();
    assert_eq!(printer.status().unwrap(), vec![PrinterState::Ok]);
}

#[test]
fn a_silent_printer_is_an_error_not_ok() {
    let (device, mut kiosk) = TTYPort::pair().expect("pty");
    kiosk.set_timeout(Duration::from_millis(20)).unwrap();
    let mut printer = PrinterConnection::with_port(Box::new(kiosk), Duration::from_millis(200));
    assert!(matches!(printer.status(), Err(PrinterError::NoStatus)));
    drop(device);
}

#[test]
fn a_printer_device_file_prints_and_answers_status() {
    // A PTY's path stands in for /dev/usb/lp0: a character device opened as a file.
    let (mut device, client) = TTYPort::pair().expect("pty");
    device.set_timeout(Duration::from_millis(20)).unwrap();
    let sim = SimPrinter::default();
    let serving = sim.clone();
    thread::spawn(move || serving.serve(device));
    let uri: PrinterUri = format!("file:{}", client.name().unwrap()).parse().unwrap();
    let mut printer = PrinterConnection::open(&uri, Duration::from_millis(500)).unwrap();
    let bytes = receipt();
    assert_eq!(printer.print(&bytes).unwrap(), vec![PrinterState::Ok]);
    wait_until_received(&sim, bytes.len());
    assert_eq!(sim.received(), bytes);
    drop(client);
}
