//! Work other threads hand to the UI loop (`slint::invoke_from_event_loop`, `quit_event_loop`), and the counter
//! (an eventfd) that wakes the loop from `poll` for it.

use std::collections::VecDeque;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use slint::platform::EventLoopProxy;
use slint::EventLoopError;

type Job = Box<dyn FnOnce() + Send>;

/// Work other threads hand to the UI loop, and the counter that wakes the loop for it.
pub struct Queue {
    jobs: Mutex<VecDeque<Job>>,
    quit: AtomicBool,
    wake: OwnedFd,
}

impl Queue {
    pub fn new() -> std::io::Result<Queue> {
        // SAFETY: eventfd takes no pointers; the result is checked before it is owned.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Queue {
            jobs: Mutex::new(VecDeque::new()),
            quit: AtomicBool::new(false),
            // SAFETY: `fd` was just created and nothing else owns it.
            wake: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Whether the loop was asked to end (and forgets that it was).
    pub fn take_quit(&self) -> bool {
        self.quit.swap(false, Ordering::AcqRel)
    }

    /// The file that is readable while the loop has something to do.
    pub fn wake_fd(&self) -> std::os::fd::RawFd {
        self.wake.as_raw_fd()
    }

    fn wake(&self) {
        let one: u64 = 1;
        // SAFETY: writes the eight bytes of `one`. A full counter (never, in practice) still leaves it readable.
        unsafe { libc::write(self.wake.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    pub fn drain_wake(&self) {
        let mut count: u64 = 0;
        // SAFETY: reads at most eight bytes into `count`; non-blocking, so an empty counter returns at once.
        unsafe { libc::read(self.wake.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
    }

    pub fn has_jobs(&self) -> bool {
        self.jobs
            .lock()
            .map(|jobs| !jobs.is_empty())
            .unwrap_or(false)
    }

    /// Runs the jobs queued so far (those they queue run at the next turn, after timers and a frame).
    pub fn run_jobs(&self) {
        let jobs = match self.jobs.lock() {
            Ok(mut jobs) => std::mem::take(&mut *jobs),
            Err(_) => return,
        };
        for job in jobs {
            job();
        }
    }
}

pub struct Proxy(pub Arc<Queue>);

impl EventLoopProxy for Proxy {
    fn quit_event_loop(&self) -> Result<(), EventLoopError> {
        self.0.quit.store(true, Ordering::Release);
        self.0.wake();
        Ok(())
    }

    fn invoke_from_event_loop(&self, job: Job) -> Result<(), EventLoopError> {
        self.0
            .jobs
            .lock()
            .map_err(|_| EventLoopError::EventLoopTerminated)?
            .push_back(job);
        self.0.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(queue: &Queue, timeout_ms: i32) -> bool {
        let mut fds = [libc::pollfd {
            fd: queue.wake_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        // SAFETY: one live pollfd.
        unsafe { libc::poll(fds.as_mut_ptr(), 1, timeout_ms) == 1 }
    }

    #[test]
    fn jobs_from_other_threads_run_in_order_and_wake_the_loop() {
        let queue = Arc::new(Queue::new().expect("eventfd"));
        let proxy = Proxy(queue.clone());
        let (sender, receiver) = std::sync::mpsc::channel();
        let sent = std::thread::spawn(move || {
            for n in 0..3 {
                let sender = sender.clone();
                proxy
                    .invoke_from_event_loop(Box::new(move || {
                        let _ = sender.send(n);
                    }))
                    .expect("queued");
            }
            proxy.quit_event_loop().expect("quit")
        });
        let _ = sent.join();
        assert!(readable(&queue, 1000), "the loop is woken");
        queue.drain_wake();
        assert!(queue.has_jobs(), "the loop does not sleep on queued work");
        queue.run_jobs();
        assert!(!queue.has_jobs());
        assert_eq!(receiver.try_iter().collect::<Vec<_>>(), [0, 1, 2]);
        assert!(queue.take_quit());
        assert!(!queue.take_quit(), "asked once, ended once");
        assert!(!readable(&queue, 0), "nothing left to wake for");
    }
}
