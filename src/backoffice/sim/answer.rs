//! The simulated back office's answers: JSON bodies, empty ones, errors in the contract's shape, and answers cut
//! short or dropped on purpose (the injected faults).

use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame};
use hyper::header::CONTENT_TYPE;
use hyper::{Response, StatusCode};
use serde_json::{json, Value};

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The connection is closed without an answer (an injected fault).
#[derive(Debug)]
pub(super) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

pub(super) type Answer = Response<SimBody>;

/// A whole answer body, or one cut off half way (the `truncate` fault).
pub(super) struct SimBody {
    data: Option<Bytes>,
    fail_after: bool,
}

impl SimBody {
    /// All of `data`, then the end.
    pub(super) fn whole(data: Bytes) -> SimBody {
        SimBody {
            data: Some(data),
            fail_after: false,
        }
    }
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = Dropped;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Dropped>>> {
        match self.data.take() {
            Some(data) => Poll::Ready(Some(Ok(Frame::data(data)))),
            None if self.fail_after => {
                self.fail_after = false;
                Poll::Ready(Some(Err(Dropped)))
            }
            None => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::default()
    }
}

pub(super) fn answer(status: StatusCode, body: Value) -> Answer {
    let mut response = Response::new(SimBody {
        data: Some(Bytes::from(body.to_string())),
        fail_after: false,
    });
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        "application/json".parse().expect("static header"),
    );
    response
}

pub(super) fn empty(status: StatusCode) -> Answer {
    let mut response = Response::new(SimBody {
        data: None,
        fail_after: false,
    });
    *response.status_mut() = status;
    response
}

pub(super) fn error(status: StatusCode, code: &str) -> Answer {
    answer(status, json!({ "error": code }))
}

/// Cuts a body at half its length and then fails, so the client sees an answer that never completes.
pub(super) fn truncate(mut response: Answer) -> Answer {
    let body = response.body_mut();
    let data = body.data.take().unwrap_or_default();
    let half = data.slice(..data.len() / 2);
    let length = data.len().max(1);
    *body = SimBody {
        data: Some(half),
        fail_after: true,
    };
    response
        .headers_mut()
        .insert(hyper::header::CONTENT_LENGTH, length.into());
    response
}
