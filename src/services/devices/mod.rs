//! The device service: one task per device on a tokio runtime, a health state for each, reconnection after a
//! device goes away, and events to the session (card placed/removed, code scanned, printer state changed).
//!
//! The drivers block on their ports, so each device's loop runs as a blocking task; the app talks to the printer
//! and the camera through channels and waits for their answers asynchronously (or blocking, from the CLI).

mod camera_task;
pub mod discover;
mod health;
mod idcard_task;
mod printer_task;
mod scanner_task;
mod sim;
mod uri;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drivers::camera::{CameraRole, Frame};
use drivers::idcard::{CardData, CardErrorKind};
use drivers::printer::PrinterState;
use tokio::sync::{mpsc, oneshot};

pub use health::{Fault, FaultKind, Health, OpenError};
pub use sim::SimDevices;
pub use uri::{DeviceUris, PrinterDevice, ScannerDevice, SerialDevice, UriError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviceKind {
    IdReader,
    Printer,
    Camera,
    Scanner,
    /// The camera facing the applicant, for real-person verification (only where one is configured).
    FaceCamera,
}

impl DeviceKind {
    /// The name the back office's heartbeat uses.
    pub fn code(self) -> &'static str {
        match self {
            DeviceKind::IdReader => "id_reader",
            DeviceKind::Printer => "printer",
            DeviceKind::Camera => "camera",
            DeviceKind::Scanner => "scanner",
            DeviceKind::FaceCamera => "face_camera",
        }
    }
}

/// What the devices tell the app.
pub enum DeviceEvent {
    Health {
        device: DeviceKind,
        health: Health,
    },
    /// A card was placed and read. Personal data: never log it.
    CardPlaced(Box<CardData>),
    /// A card was placed but could not be read (moved too soon, not an ID card): the applicant can try again.
    CardUnreadable(CardErrorKind),
    /// The card that was read has been taken off the reader.
    CardRemoved,
    CodeScanned(String),
    PrinterState(Vec<PrinterState>),
}

pub type EventSink = Arc<dyn Fn(DeviceEvent) + Send + Sync>;

/// Shared between the device tasks and the service handle.
struct Shared {
    health: Mutex<BTreeMap<DeviceKind, Health>>,
    card_on_reader: AtomicBool,
    stopping: AtomicBool,
    events: EventSink,
}

/// Waits for the next request on `rx`, up to `limit`: `Ok(None)` when none came, `Err(())` when the service is
/// gone. Polls rather than parking on the runtime, so a blocking task never touches a runtime being shut down.
fn next_request<T>(
    shared: &Shared,
    rx: &mut mpsc::Receiver<T>,
    limit: Duration,
) -> Result<Option<T>, ()> {
    let step = Duration::from_millis(10);
    let mut waited = Duration::ZERO;
    loop {
        match rx.try_recv() {
            Ok(request) => return Ok(Some(request)),
            Err(mpsc::error::TryRecvError::Disconnected) => return Err(()),
            Err(mpsc::error::TryRecvError::Empty) if shared.stopping() => return Err(()),
            Err(mpsc::error::TryRecvError::Empty) if waited >= limit => return Ok(None),
            Err(mpsc::error::TryRecvError::Empty) => {
                std::thread::sleep(step);
                waited += step;
            }
        }
    }
}

impl Shared {
    /// Records a device's health; tells the app only when it changed.
    fn set_health(&self, device: DeviceKind, health: Health) {
        let changed = {
            let mut all = self.health.lock().unwrap_or_else(|e| e.into_inner());
            all.insert(device, health.clone()) != Some(health.clone())
        };
        if changed {
            match &health {
                Health::Ok => tracing::info!(device = device.code(), "device ok"),
                Health::Starting => tracing::info!(device = device.code(), "device starting"),
                Health::Absent(fault) => {
                    tracing::warn!(device = device.code(), reason = %fault, "device absent")
                }
                Health::Error(fault) => {
                    tracing::warn!(device = device.code(), reason = %fault, "device error")
                }
            }
            (self.events)(DeviceEvent::Health { device, health });
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Sleeps up to `duration`, waking early when the service stops.
    fn pause(&self, duration: Duration) {
        let step = Duration::from_millis(50);
        let mut left = duration;
        while !self.stopping() && !left.is_zero() {
            let nap = left.min(step);
            std::thread::sleep(nap);
            left -= nap;
        }
    }
}

/// Waits between attempts to reopen a device: 1 s, then longer, up to 10 s.
struct Backoff(Duration);

impl Backoff {
    fn new() -> Backoff {
        Backoff(Duration::from_secs(1))
    }
    fn next(&mut self) -> Duration {
        let wait = self.0;
        self.0 = (self.0 * 2).min(Duration::from_secs(10));
        wait
    }
    fn reset(&mut self) {
        self.0 = Duration::from_secs(1);
    }
}

pub struct PrintJob {
    /// A receipt holds a check code and a masked identity: zeroed once printed (or not).
    bytes: zeroize::Zeroizing<Vec<u8>>,
    reply: oneshot::Sender<Result<Vec<PrinterState>, Fault>>,
}

pub enum CameraRequest {
    Preview {
        max_width: u32,
        max_height: u32,
        reply: oneshot::Sender<Result<Frame, Fault>>,
    },
    Capture {
        reply: oneshot::Sender<Result<Vec<u8>, Fault>>,
    },
    /// A visit ended: forget anything of it the camera holds (pages a vendor tool dropped).
    Reset,
}

/// Prints from any task.
#[derive(Clone)]
pub struct Printing(mpsc::Sender<PrintJob>);

impl Printing {
    pub async fn print(self, bytes: Vec<u8>) -> Result<Vec<PrinterState>, Fault> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(PrintJob {
                bytes: zeroize::Zeroizing::new(bytes),
                reply,
            })
            .await
            .map_err(|_| Fault::stopped(DeviceKind::Printer))?;
        answer
            .await
            .map_err(|_| Fault::stopped(DeviceKind::Printer))?
    }
}

/// Captures and previews from any task.
#[derive(Clone)]
pub struct Camera {
    requests: mpsc::Sender<CameraRequest>,
    /// The document camera or the face camera: whose service a failure names.
    kind: DeviceKind,
}

impl Camera {
    pub async fn capture(self) -> Result<Vec<u8>, Fault> {
        let (reply, answer) = oneshot::channel();
        self.ask(CameraRequest::Capture { reply }).await?;
        answer.await.map_err(|_| Fault::stopped(self.kind))?
    }

    pub async fn preview(self, max_width: u32, max_height: u32) -> Result<Frame, Fault> {
        let (reply, answer) = oneshot::channel();
        self.ask(CameraRequest::Preview {
            max_width,
            max_height,
            reply,
        })
        .await?;
        answer.await.map_err(|_| Fault::stopped(self.kind))?
    }

    async fn ask(&self, request: CameraRequest) -> Result<(), Fault> {
        self.requests
            .send(request)
            .await
            .map_err(|_| Fault::stopped(self.kind))
    }
}

/// Reads the devices' health from any thread.
#[derive(Clone)]
pub struct HealthSource(Arc<Shared>);

impl HealthSource {
    pub fn get(&self) -> BTreeMap<DeviceKind, Health> {
        self.0
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The running device service.
pub struct DeviceService {
    runtime: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    shared: Arc<Shared>,
    printer: mpsc::Sender<PrintJob>,
    camera: mpsc::Sender<CameraRequest>,
    face_camera: Option<mpsc::Sender<CameraRequest>>,
    sim: Option<SimDevices>,
}

impl DeviceService {
    /// Starts one task per device. Devices set to `sim` run on in-process simulators that speak the real bytes
    /// over pseudo-terminals.
    pub fn start(uris: &DeviceUris, events: EventSink) -> std::io::Result<DeviceService> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(8)
            .thread_name("kiosk-devices")
            .enable_time()
            .build()?;
        let shared = Arc::new(Shared {
            health: Mutex::new(
                [
                    DeviceKind::IdReader,
                    DeviceKind::Printer,
                    DeviceKind::Camera,
                    DeviceKind::Scanner,
                ]
                .into_iter()
                // The face camera is reported only where there is one.
                .chain(uris.face_camera.as_ref().map(|_| DeviceKind::FaceCamera))
                .map(|d| (d, Health::Starting))
                .collect(),
            ),
            card_on_reader: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            events,
        });
        let sim = SimDevices::start_needed(uris)?;
        let (printer, printer_jobs) = mpsc::channel(8);
        let (camera, camera_requests) = mpsc::channel(8);
        let handle = runtime.handle().clone();
        {
            let opener = idcard_task::opener(&uris.id_reader, sim.as_ref())?;
            let shared = Arc::clone(&shared);
            runtime.spawn_blocking(move || idcard_task::run(&shared, opener));
        }
        {
            let opener = printer_task::opener(&uris.printer, sim.as_ref())?;
            let shared = Arc::clone(&shared);
            runtime.spawn_blocking(move || printer_task::run(&shared, opener, printer_jobs));
        }
        {
            let opener = scanner_task::opener(&uris.scanner, sim.as_ref())?;
            let shared = Arc::clone(&shared);
            runtime.spawn_blocking(move || scanner_task::run(&shared, opener));
        }
        {
            let uri = uris.camera.clone();
            let shared = Arc::clone(&shared);
            runtime.spawn_blocking(move || {
                camera_task::run(&shared, &uri, CameraRole::Document, camera_requests)
            });
        }
        let face_camera = uris.face_camera.clone().map(|uri| {
            let (sender, requests) = mpsc::channel(8);
            let shared = Arc::clone(&shared);
            runtime.spawn_blocking(move || {
                camera_task::run(&shared, &uri, CameraRole::Face, requests)
            });
            sender
        });
        Ok(DeviceService {
            runtime: Some(runtime),
            handle,
            shared,
            printer,
            camera,
            face_camera,
            sim,
        })
    }

    pub fn health(&self) -> BTreeMap<DeviceKind, Health> {
        self.shared
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A handle that reads the devices' health from any thread (for the heartbeat).
    pub fn health_source(&self) -> HealthSource {
        HealthSource(Arc::clone(&self.shared))
    }

    /// Whether a card that was read still lies on the reader (the UI reminds the applicant to take it).
    pub fn card_on_reader(&self) -> bool {
        self.shared.card_on_reader.load(Ordering::Relaxed)
    }

    /// The simulators, when devices are set to `sim` (to place a card or scan a code in a demo or a test).
    pub fn sim(&self) -> Option<&SimDevices> {
        self.sim.as_ref()
    }

    /// Prints after asking the printer's state; the states seen come back (paper near end prints).
    pub async fn print(&self, bytes: Vec<u8>) -> Result<Vec<PrinterState>, Fault> {
        self.printing().print(bytes).await
    }

    pub async fn capture(&self) -> Result<Vec<u8>, Fault> {
        self.camera().capture().await
    }

    /// A handle to print with that can move into a task.
    pub fn printing(&self) -> Printing {
        Printing(self.printer.clone())
    }

    /// A handle to the camera that can move into a task.
    pub fn camera(&self) -> Camera {
        Camera {
            requests: self.camera.clone(),
            kind: DeviceKind::Camera,
        }
    }

    /// The face camera, where there is one.
    pub fn face_camera(&self) -> Option<Camera> {
        self.face_camera.clone().map(|requests| Camera {
            requests,
            kind: DeviceKind::FaceCamera,
        })
    }

    /// The device runtime, for the UI's device tasks.
    pub fn handle(&self) -> tokio::runtime::Handle {
        self.handle.clone()
    }

    /// Tells the camera a visit ended; it drops whatever of it is left. Does not wait.
    pub fn reset_camera(&self) {
        let _ = self.camera.try_send(CameraRequest::Reset);
    }

    pub async fn preview(&self, max_width: u32, max_height: u32) -> Result<Frame, Fault> {
        self.camera().preview(max_width, max_height).await
    }

    /// Runs one of the async calls above from a thread that is not on the runtime (the UI thread, the CLI).
    pub fn block_on<T>(&self, future: impl std::future::Future<Output = T>) -> T {
        self.handle.block_on(future)
    }
}

impl Drop for DeviceService {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}
