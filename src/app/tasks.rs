//! Work that runs off the UI thread (printing, capturing, a look-up, building a package) and events from the
//! services (devices, newer catalogs) come back here as changes to apply to the kiosk's state, in order, on the
//! UI thread. One queue and one wake for all of them: the UI gives the wake (it asks its event loop to drain the
//! queue), so nothing here knows which UI that is.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

use super::App;

/// Asks the UI thread to drain the queue soon. Called from any thread.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A change to apply on the UI thread. It carries only `Send` data, never the state itself.
pub type Change = Box<dyn FnOnce(&mut App) + Send>;

pub struct Tasks {
    poster: Poster,
    receiver: Receiver<Change>,
}

impl Tasks {
    pub fn new(wake: Wake) -> Tasks {
        let (sender, receiver) = channel();
        Tasks {
            poster: Poster { sender, wake },
            receiver,
        }
    }

    /// Runs `work` on `runtime`, then `done` with its output on the UI thread.
    pub fn spawn<T: Send + 'static>(
        &self,
        runtime: &tokio::runtime::Handle,
        work: impl std::future::Future<Output = T> + Send + 'static,
        done: impl FnOnce(&mut App, T) + Send + 'static,
    ) {
        let poster = self.poster();
        runtime.spawn(async move {
            let output = work.await;
            poster.post(move |app| done(app, output));
        });
    }

    /// Runs `work` on a thread of its own (CPU work such as building a package), then `done` on the UI thread.
    pub fn spawn_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
        done: impl FnOnce(&mut App, T) + Send + 'static,
    ) {
        let poster = self.poster();
        std::thread::spawn(move || {
            let output = work();
            poster.post(move |app| done(app, output));
        });
    }

    /// Something that posts changes from another thread, as often as it likes (progress, device events).
    pub fn poster(&self) -> Poster {
        self.poster.clone()
    }

    /// The changes that arrived since the last call.
    pub(super) fn arrived(&self) -> Vec<Change> {
        self.receiver.try_iter().collect()
    }
}

/// Posts changes to the kiosk's state from any thread; each is applied on the UI thread, in order.
#[derive(Clone)]
pub struct Poster {
    sender: Sender<Change>,
    wake: Wake,
}

impl Poster {
    pub fn post(&self, change: impl FnOnce(&mut App) + Send + 'static) {
        if self.sender.send(Box::new(change)).is_ok() {
            (self.wake)();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn changes_from_other_threads_arrive_in_order_and_wake_the_ui() {
        let woken = Arc::new(AtomicUsize::new(0));
        let counter = woken.clone();
        let tasks = Tasks::new(Arc::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }));
        let poster = tasks.poster();
        std::thread::spawn(move || {
            for _ in 0..3 {
                poster.post(|_| {});
            }
        })
        .join()
        .expect("poster thread");
        assert_eq!(tasks.arrived().len(), 3);
        assert_eq!(woken.load(Ordering::SeqCst), 3);
        assert!(tasks.arrived().is_empty(), "each change is taken once");
    }
}
