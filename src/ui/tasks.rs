//! Slow device work started from the UI (printing, capturing, a preview frame) runs on the device service's
//! runtime; its result comes back as a change to apply to the UI state on the UI thread.

use std::sync::mpsc::{channel, Receiver, Sender};

use slint::ComponentHandle;

use super::generated::{AppWindow, ShellAdapter};
use super::UiState;

/// A result to apply on the UI thread. It carries only `Send` data, never the state itself.
pub type Done = Box<dyn FnOnce(&mut UiState) + Send>;

pub struct Tasks {
    sender: Sender<Done>,
    receiver: Receiver<Done>,
    window: slint::Weak<AppWindow>,
}

impl Tasks {
    pub fn new(window: &AppWindow) -> Tasks {
        let (sender, receiver) = channel();
        Tasks {
            sender,
            receiver,
            window: window.as_weak(),
        }
    }

    pub fn window(&self) -> slint::Weak<AppWindow> {
        self.window.clone()
    }

    /// Runs `work` on `runtime`, then `done` with its output on the UI thread.
    pub fn spawn<T: Send + 'static>(
        &self,
        runtime: &tokio::runtime::Handle,
        work: impl std::future::Future<Output = T> + Send + 'static,
        done: impl FnOnce(&mut UiState, T) + Send + 'static,
    ) {
        let poster = self.poster();
        runtime.spawn(async move {
            let output = work.await;
            poster.post(move |state| done(state, output));
        });
    }

    /// Runs `work` on a thread of its own (CPU work such as building a package), then `done` on the UI thread.
    pub fn spawn_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
        done: impl FnOnce(&mut UiState, T) + Send + 'static,
    ) {
        let poster = self.poster();
        std::thread::spawn(move || {
            let output = work();
            poster.post(move |state| done(state, output));
        });
    }

    /// Something that posts changes to the UI state from another thread, as often as it likes (progress of long
    /// work).
    pub fn poster(&self) -> Poster {
        Poster {
            sender: self.sender.clone(),
            window: self.window.clone(),
        }
    }

    /// The results that arrived since the last call.
    pub fn finished(&self) -> Vec<Done> {
        self.receiver.try_iter().collect()
    }
}

/// Posts changes to the UI state from any thread; each is applied on the UI thread, in order.
#[derive(Clone)]
pub struct Poster {
    sender: Sender<Done>,
    window: slint::Weak<AppWindow>,
}

impl Poster {
    pub fn post(&self, change: impl FnOnce(&mut UiState) + Send + 'static) {
        if self.sender.send(Box::new(change)).is_ok() {
            let _ = self
                .window
                .upgrade_in_event_loop(|w| w.global::<ShellAdapter>().invoke_services_changed());
        }
    }
}

/// Applies the results of finished tasks.
pub fn drain(state: &mut UiState) {
    let finished = match &state.tasks {
        Some(tasks) => tasks.finished(),
        None => return,
    };
    for done in finished {
        done(state);
    }
}
