//! `kiosk device …`: find the devices, read a card, print a test receipt, ask the printer's state, read codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Subcommand;
use drivers::idcard::{CardEvent, CardPoller, SamReader};
use drivers::printer::{
    Align, PaperWidth, PrinterConnection, PrinterState, PrinterUri, ReceiptWriter,
};
use drivers::scanner::{CodeSource, HidScanner, SerialScanner, Suffix};

use kiosk::app::words;
use kiosk::services::devices::{discover, DeviceKind, Fault, FaultKind};

use super::identity_json::IdentityJson;
use super::Failed;

#[derive(Subcommand)]
pub enum DeviceAction {
    /// Serial ports with their USB ids, video devices and printers found on this machine.
    List,
    /// Wait for an ID card and print what it holds (the only place a whole ID number is printed: use a test card).
    ReadCard {
        #[arg(long)]
        port: PathBuf,
        #[arg(long, default_value_t = 115_200)]
        baud: u32,
        /// One JSON object instead of lines of text.
        #[arg(long)]
        json: bool,
        /// Seconds to wait for a card.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// Decode the photo with the reader vendor's library (WLT) and write it here as PNG.
        #[arg(long, requires = "wlt_library")]
        photo: Option<PathBuf>,
        /// The vendor's WLT library (its `unpack` function).
        #[arg(long)]
        wlt_library: Option<PathBuf>,
    },
    /// Print a test receipt: Chinese text, a QR code and a cut.
    PrintTest {
        #[arg(long)]
        printer: PrinterUri,
        #[arg(long, default_value_t = 80)]
        width: u32,
    },
    /// Print the printer's state: ok, paper_near_end, paper_out, cover_open, offline or cutter_error.
    PrinterStatus {
        #[arg(long)]
        printer: PrinterUri,
    },
    /// Take one page with the document camera and write it as JPEG.
    Capture {
        /// sim, v4l2:/dev/videoN or folder:PATH
        #[arg(long)]
        camera: drivers::camera::CameraUri,
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure the drivers' own processing (ID card read, receipt building) and print a table.
    Bench {
        /// Iterations of each measurement.
        #[arg(long, default_value_t = 20_000)]
        iterations: u32,
    },
    /// Print the codes a scanner reads until the timeout: a serial one (`--port /dev/ttyACM0`) or a USB HID one
    /// in keyboard mode (`--port evdev:/dev/input/by-id/…-event-kbd`, grabbed while it listens).
    Scan {
        #[arg(long)]
        port: PathBuf,
        #[arg(long, default_value_t = 9600)]
        baud: u32,
        #[arg(long, default_value = "cr")]
        suffix: Suffix,
        /// Seconds to listen.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
    },
}

const NO_CARD: u8 = 2;

pub fn run(action: &DeviceAction) -> Result<(), Failed> {
    match action {
        DeviceAction::List => {
            list();
            Ok(())
        }
        DeviceAction::ReadCard {
            port,
            baud,
            json,
            timeout,
            photo,
            wlt_library,
        } => {
            let photo = match (photo, wlt_library) {
                (Some(out), Some(library)) => Some((out.as_path(), library.as_path())),
                _ => None,
            };
            read_card(port, *baud, *json, *timeout, photo)
        }
        DeviceAction::PrintTest { printer, width } => {
            let width = PaperWidth::from_mm(*width)
                .ok_or_else(|| Failed::with_message("--width is 58 or 80"))?;
            let bytes = test_receipt(width).map_err(Failed::for_technicians)?;
            let mut connection = open_printer(printer)?;
            match connection.print(&bytes) {
                Ok(states) => {
                    println!(
                        "printed {} bytes; printer: {}",
                        bytes.len(),
                        codes(&states).join(", ")
                    );
                    Ok(())
                }
                Err(e) => Err(Failed::for_technicians(e)),
            }
        }
        DeviceAction::PrinterStatus { printer } => {
            let states = open_printer(printer)?
                .status()
                .map_err(Failed::for_technicians)?;
            for code in codes(&states) {
                println!("{code}");
            }
            if states == [PrinterState::Ok] {
                Ok(())
            } else {
                Err(Failed(ExitCode::FAILURE))
            }
        }
        DeviceAction::Bench { iterations } => {
            bench(*iterations);
            Ok(())
        }
        DeviceAction::Capture { camera, out } => {
            let mut camera = drivers::camera::open(camera, drivers::camera::CameraRole::Document)
                .map_err(Failed::for_technicians)?;
            let jpeg = camera.capture().map_err(Failed::for_technicians)?;
            std::fs::write(out, &jpeg)
                .map_err(|e| Failed::with_message(format!("{}: {e}", out.display())))?;
            println!("wrote {} bytes to {}", jpeg.len(), out.display());
            Ok(())
        }
        DeviceAction::Scan {
            port,
            baud,
            suffix,
            timeout,
        } => {
            let mut scanner: Box<dyn CodeSource> =
                match port.to_str().and_then(|p| p.strip_prefix("evdev:")) {
                    Some(path) => Box::new(
                        HidScanner::open(std::path::Path::new(path))
                            .map_err(|e| Failed::with_message(format!("{path}: {e}")))?,
                    ),
                    None => Box::new(SerialScanner::new(open_serial(port, *baud)?, *suffix)),
                };
            let deadline = Instant::now() + Duration::from_secs(*timeout);
            let mut any = false;
            while Instant::now() < deadline {
                for code in scanner.read_codes(deadline - Instant::now()).map_err(|e| {
                    let lost = Fault::new(FaultKind::Disconnected, e);
                    Failed::with_message(words::fault_detailed(DeviceKind::Scanner, &lost))
                })? {
                    println!("{code}");
                    any = true;
                }
            }
            if any {
                Ok(())
            } else {
                eprintln!("no code scanned in {timeout} s");
                Err(Failed(ExitCode::from(NO_CARD)))
            }
        }
    }
}

fn codes(states: &[PrinterState]) -> Vec<&'static str> {
    states.iter().map(|s| s.code()).collect()
}

fn open_printer(uri: &PrinterUri) -> Result<PrinterConnection, Failed> {
    PrinterConnection::open(uri, Duration::from_secs(2)).map_err(Failed::for_technicians)
}

fn open_serial(path: &Path, baud: u32) -> Result<drivers::serialport::TTYPort, Failed> {
    drivers::serialport::new(path.to_string_lossy(), baud)
        .timeout(Duration::from_millis(50))
        .open_native()
        .map_err(|e| Failed::with_message(format!("{}: {e}", path.display())))
}

/// Where to write the decoded photo, and the vendor library that decodes it.
type PhotoOut<'a> = Option<(&'a Path, &'a Path)>;

fn read_card(
    port: &Path,
    baud: u32,
    json: bool,
    timeout: u64,
    photo: PhotoOut,
) -> Result<(), Failed> {
    let port = open_serial(port, baud)?;
    let mut poller = CardPoller::new(SamReader::new(port, Duration::from_secs(1)));
    let deadline = Instant::now() + Duration::from_secs(timeout);
    // A card left on the reader since an earlier read answers select, not find: read it again for the technician.
    if let Ok(true) = poller.reader().select_card() {
        if let Ok(data) = poller.reader().read_card() {
            return print_card(&data, json, photo);
        }
    }
    while Instant::now() < deadline {
        match poller.poll() {
            Ok(Some(CardEvent::Placed(data))) => return print_card(&data, json, photo),
            Ok(Some(CardEvent::Unreadable(e))) => return Err(Failed::for_technicians(e)),
            Ok(Some(CardEvent::Removed) | None) => std::thread::sleep(Duration::from_millis(300)),
            Err(e) => return Err(Failed::for_technicians(e)),
        }
    }
    eprintln!("no card within {timeout} s");
    Err(Failed(ExitCode::from(NO_CARD)))
}

fn print_card(data: &drivers::idcard::CardData, json: bool, photo: PhotoOut) -> Result<(), Failed> {
    if let Some((out, library)) = photo {
        let decoder = drivers::idcard::wlt::WltDecoder::load(library, "unpack")
            .map_err(Failed::for_technicians)?;
        let image = decoder
            .decode(&data.photo_wlt)
            .map_err(Failed::for_technicians)?;
        image
            .save(out)
            .map_err(|e| Failed::with_message(format!("{}: {e}", out.display())))?;
    }
    let out = IdentityJson::from_identity(&data.identity, data.photo_wlt.len());
    if json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        print_identity(&out);
    }
    Ok(())
}

fn print_identity(id: &IdentityJson) {
    let rows = [
        ("证件类型", id.card_type.as_str()),
        ("姓名", &id.name),
        ("英文姓名", &id.english_name),
        ("性别", &id.gender),
        ("民族", &id.nation),
        ("国籍", &id.nationality),
        ("出生日期", &id.birth_date),
        ("住址", &id.address),
        ("证件号码", &id.id_number),
        ("通行证号码", &id.pass_number),
        ("签发次数", &id.issue_count),
        ("签发机关", &id.authority),
        ("有效期起", &id.valid_from),
        ("有效期止", &id.valid_to),
    ];
    for (label, value) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        println!("{label}：{value}");
    }
    println!("照片：{} 字节（WLT）", id.photo_bytes);
}

/// A test receipt: Chinese text, styles, a QR code and a cut.
pub fn test_receipt(width: PaperWidth) -> Result<Vec<u8>, drivers::printer::receipt::ReceiptError> {
    let mut w = ReceiptWriter::new(width)?;
    w.align(Align::Center)?
        .bold(true)?
        .double(true)?
        .text("打印测试")?
        .double(false)?
        .bold(false)?;
    w.text("一件事一次办 自助服务终端")?.rule()?;
    w.align(Align::Left)?;
    w.field(
        "纸宽",
        if width == PaperWidth::Mm80 {
            "80毫米（576点）"
        } else {
            "58毫米（384点）"
        },
    )?;
    w.text("中文测试：政务服务便民热线 12345；生僻字：堃喆玥")?;
    w.align(Align::Center)?
        .qr("KIOSK-PRINT-TEST", 6)?
        .text("扫描上方二维码应显示 KIOSK-PRINT-TEST")?;
    w.feed(2)?.cut()?;
    w.finish()
}

/// What `device list` finds, from sysfs (no udev needed).
fn list() {
    println!("serial ports:");
    for port in discover::serial_ports() {
        match port.usb {
            Some(usb) => println!(
                "  {}  usb {}:{}  {}",
                port.path, usb.vendor, usb.product_id, usb.product
            ),
            None => println!("  {}", port.path),
        }
    }
    println!("video devices:");
    for (path, name) in discover::sysfs_names("/sys/class/video4linux", "name") {
        println!("  /dev/{path}  {name}");
    }
    println!("printers:");
    for (path, name) in discover::sysfs_names("/sys/class/usbmisc", "device/../product") {
        if path.starts_with("lp") {
            println!("  file:/dev/usb/{path}  {name}");
        }
    }
}

/// Median time of `f` over `iterations` runs, in microseconds.
fn median_micros(iterations: u32, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..iterations.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Seconds to send `bytes` at `baud` with 8N1 framing (10 bits a byte).
fn wire_ms(bytes: usize, baud: u32) -> f64 {
    bytes as f64 * 10.0 / f64::from(baud) * 1000.0
}

fn bench(iterations: u32) {
    use drivers::idcard::{frame, reader, sim::SimIdReader};
    let sim = SimIdReader::default();
    sim.place(drivers::idcard::sim::sample_identity(), false);
    let response = sim.respond(&[0x30, 0x01]).unwrap_or_default();
    let read_us = median_micros(iterations, || {
        let mut decoder = frame::FrameDecoder::default();
        decoder.push(&response);
        if let Some(Ok(frame)) = decoder.next_frame() {
            let _ = std::hint::black_box(reader::parse_read(frame.data()));
        }
    });
    println!("{:<52}{:>14}", "measure", "value");
    println!(
        "{:<52}{:>14}",
        "ID card read response (bytes)",
        response.len()
    );
    println!(
        "{:<52}{:>14.1}",
        "  its time on the wire at 115200 baud (ms)",
        wire_ms(response.len(), 115_200)
    );
    println!(
        "{:<52}{:>14.1}",
        "  decode frame + parse text, median (µs)", read_us
    );
    // The camera preview: what a V4L2 preview does per frame (decode a 1280×960 MJPEG frame, scale it to
    // 960×720), and the simulated camera's cached frame.
    use drivers::camera::{preview_from_jpeg, DocumentCamera, SimCamera};
    let mjpeg = SimCamera::new(1280, 960).capture().unwrap_or_default();
    let decode_ms = median_micros(iterations / 200 + 5, || {
        let _ = std::hint::black_box(preview_from_jpeg(&mjpeg, 960, 960));
    }) / 1000.0;
    println!(
        "{:<52}{:>14.1}",
        "preview: decode 1280×960 MJPEG + scale to 960×720 (ms)", decode_ms
    );
    println!(
        "{:<52}{:>14.0}",
        "  frames per second this allows",
        1000.0 / decode_ms.max(0.001)
    );
    let mut sim_camera = SimCamera::default();
    let _ = sim_camera.preview(960, 960);
    let sim_us = median_micros(iterations / 10, || {
        let _ = std::hint::black_box(sim_camera.preview(960, 960));
    });
    println!(
        "{:<52}{:>14.1}",
        "preview: simulated camera, per frame (µs)", sim_us
    );
    for width in [PaperWidth::Mm80, PaperWidth::Mm58] {
        let bytes = test_receipt(width).unwrap_or_default();
        let build_us = median_micros(iterations / 10, || {
            let _ = std::hint::black_box(test_receipt(width));
        });
        let label = if width == PaperWidth::Mm80 {
            "80"
        } else {
            "58"
        };
        println!(
            "{:<52}{:>14}",
            format!("test receipt, {label} mm (bytes)"),
            bytes.len()
        );
        println!(
            "{:<52}{:>14.1}",
            "  its time on the wire at 115200 baud (ms)",
            wire_ms(bytes.len(), 115_200)
        );
        println!("{:<52}{:>14.1}", "  building it, median (µs)", build_us);
    }
}
