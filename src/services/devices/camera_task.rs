//! A camera's task (the document camera's, and the face camera's where there is one): previews and captures on
//! request; the camera is opened when first needed and reopened after it fails.

use drivers::camera::{self, CameraError, CameraRole, CameraUri, DocumentCamera};
use tokio::sync::mpsc;

use std::time::Duration;

use super::{next_request, CameraRequest, DeviceKind, Fault, Health, Shared};

pub fn run(
    shared: &Shared,
    uri: &CameraUri,
    role: CameraRole,
    mut requests: mpsc::Receiver<CameraRequest>,
) {
    let kind = match role {
        CameraRole::Document => DeviceKind::Camera,
        CameraRole::Face => DeviceKind::FaceCamera,
    };
    let mut device: Option<Box<dyn DocumentCamera>> = None;
    // Say at once whether the camera is there.
    match camera::open(uri, role) {
        Ok(opened) => {
            device = Some(opened);
            shared.set_health(kind, Health::Ok);
        }
        Err(e) => shared.set_health(kind, Health::Absent(Fault::from(&e))),
    }
    while !shared.stopping() {
        let request = match next_request(shared, &mut requests, Duration::from_secs(1)) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(()) => return,
        };
        if device.is_none() {
            match camera::open(uri, role) {
                Ok(opened) => device = Some(opened),
                Err(e) => {
                    let fault = Fault::from(&e);
                    shared.set_health(kind, Health::Absent(fault.clone()));
                    match request {
                        CameraRequest::Preview { reply, .. } => drop(reply.send(Err(fault))),
                        CameraRequest::Capture { reply } => drop(reply.send(Err(fault))),
                        CameraRequest::Reset => {}
                    }
                    continue;
                }
            }
        }
        let Some(cam) = device.as_mut() else { continue };
        // A page not yet dropped or framed (a timeout) is no fault of the camera.
        let failure =
            |e: &CameraError| (!matches!(e, CameraError::Timeout)).then(|| Fault::from(e));
        let failed = match request {
            CameraRequest::Preview {
                max_width,
                max_height,
                reply,
            } => {
                let result = cam.preview(max_width, max_height);
                let failed = result.as_ref().err().and_then(failure);
                let _ = reply.send(result.map_err(|e| Fault::from(&e)));
                failed
            }
            CameraRequest::Capture { reply } => {
                let result = cam.capture();
                let failed = result.as_ref().err().and_then(failure);
                let _ = reply.send(result.map_err(|e| Fault::from(&e)));
                failed
            }
            CameraRequest::Reset => cam.reset().err().as_ref().and_then(failure),
        };
        match failed {
            Some(fault) => {
                device = None;
                shared.set_health(kind, Health::Error(fault));
            }
            None => shared.set_health(kind, Health::Ok),
        }
    }
}
