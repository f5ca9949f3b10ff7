//! The kiosk's side of `back-office-api.md`: every request signed, every answer sorted into what the caller must
//! do next (done, retry later, refused, rejected).

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use zeroize::Zeroizing;

use super::signing::sign;
use super::tls::{self, TlsError};
use super::wire::{Application, Applications, ErrorBody, Heartbeat, Lookup, Received};
use crate::package::PackageFile;

/// Where the back office is and how to reach it.
#[derive(Clone)]
pub struct LinkSettings {
    pub url: String,
    pub kiosk_id: String,
    pub secret: Zeroizing<String>,
    pub ca_file: Option<PathBuf>,
    /// SHA-256 of the server certificate, as hex.
    pub pin_sha256: Option<String>,
    /// Longest wait for one request, body included.
    pub timeout: Duration,
}

/// Why a request did not get the answer the caller wanted. The Display is technical English (logs, the
/// heartbeat, a package's stored reason, a technician's detail); the app words it by [`LinkError::kind`].
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The setup itself is wrong: nothing can be sent until a technician fixes it.
    #[error("{0}")]
    Setup(String),
    /// No answer, or an incomplete one: try again later.
    #[error("network error: {0}")]
    Transport(String),
    /// 5xx or 429: try again later, not before `retry_after`.
    #[error("the back office is unavailable ({status}{})", code.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Unavailable {
        status: u16,
        code: Option<String>,
        retry_after: Option<Duration>,
    },
    /// 401: the back office does not accept this kiosk (secret, clock). Not retried in a loop.
    #[error("the back office refuses this kiosk (401 {code})")]
    Refused { code: String },
    /// Another 4xx: the request as it is will never succeed.
    #[error("the back office does not accept the request ({status} {code})")]
    Rejected { status: u16, code: String },
    /// An answer that breaks the contract.
    #[error("the back office's answer breaks the contract: {0}")]
    Protocol(String),
}

/// What went wrong on the link, without the detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkErrorKind {
    Setup,
    Transport,
    Unavailable,
    Refused,
    Rejected,
    Protocol,
}

impl LinkError {
    pub fn kind(&self) -> LinkErrorKind {
        match self {
            LinkError::Setup(_) => LinkErrorKind::Setup,
            LinkError::Transport(_) => LinkErrorKind::Transport,
            LinkError::Unavailable { .. } => LinkErrorKind::Unavailable,
            LinkError::Refused { .. } => LinkErrorKind::Refused,
            LinkError::Rejected { .. } => LinkErrorKind::Rejected,
            LinkError::Protocol(_) => LinkErrorKind::Protocol,
        }
    }

    /// Whether sending the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            LinkError::Transport(_) | LinkError::Unavailable { .. } | LinkError::Protocol(_)
        )
    }
}

impl From<TlsError> for LinkError {
    fn from(e: TlsError) -> Self {
        LinkError::Setup(e.to_string())
    }
}

/// What the back office said to a manifest.
#[derive(Debug, PartialEq, Eq)]
pub enum ManifestAnswer {
    /// 201 (first time) or 200 (identical retry): delivered.
    Stored {
        first_time: bool,
        received: Received,
    },
    /// 422: these files must be uploaded first.
    MissingFiles(Vec<String>),
}

/// What the catalog endpoint said.
#[derive(Debug, PartialEq, Eq)]
pub enum CatalogAnswer {
    NotModified,
    New { etag: Option<String>, body: Vec<u8> },
}

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    /// May hold personal data (a look-up's applications): zeroed when dropped.
    pub(super) body: Zeroizing<Vec<u8>>,
}

const MB: usize = 1024 * 1024;
/// The longest catalog read; a catalog of 58 one-things is about 200 KB.
pub const CATALOG_LIMIT: usize = 8 * MB;
/// The longest answer read for anything else (status answers, errors): a few KB in practice.
pub const ANSWER_LIMIT: usize = MB;

/// A signed connection to one back office.
#[derive(Clone)]
pub struct Link {
    base: Url,
    kiosk_id: String,
    secret: Zeroizing<String>,
    client: reqwest::Client,
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

/// Whether `url` names this machine (the simulator), where plain HTTP is allowed.
pub fn is_loopback_url(url: &str) -> bool {
    Url::parse(url.trim()).is_ok_and(|u| is_loopback(&u))
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.timestamp() - chrono::Utc::now().timestamp();
    Some(Duration::from_secs(wait.max(0) as u64))
}

impl Link {
    pub fn new(settings: &LinkSettings) -> Result<Link, LinkError> {
        let mut base = Url::parse(settings.url.trim())
            .map_err(|e| LinkError::Setup(format!("server URL `{}`: {e}", settings.url)))?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(LinkError::Setup(format!(
                    "server URL `{}`: plain HTTP is allowed only on this machine (127.0.0.1); use https://",
                    settings.url
                )))
            }
            other => {
                return Err(LinkError::Setup(format!(
                    "server URL `{}`: unknown scheme `{other}`",
                    settings.url
                )))
            }
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let pin = settings
            .pin_sha256
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(tls::parse_pin)
            .transpose()?;
        let tls = if base.scheme() == "https" {
            tls::client_config(settings.ca_file.as_deref(), pin)?
        } else {
            tls::unused_config()?
        };
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            // A redirect (from the server or from anything between) would hand the manifest, the pages and the
            // signature to another host: none is followed, a 3xx is a rejection kept for technicians.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .timeout(settings.timeout)
            .connect_timeout(Duration::from_secs(10))
            .no_proxy()
            .user_agent(format!("one-thing-kiosk/{}", crate::version()))
            .build()
            .map_err(|e| LinkError::Setup(format!("HTTP client: {e}")))?;
        Ok(Link {
            base,
            kiosk_id: settings.kiosk_id.clone(),
            secret: settings.secret.clone(),
            client,
        })
    }

    pub fn kiosk_id(&self) -> &str {
        &self.kiosk_id
    }

    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
        extra: &[(reqwest::header::HeaderName, String)],
        limit: usize,
    ) -> Result<Answer, LinkError> {
        let url = self
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| LinkError::Setup(format!("request path {path}: {e}")))?;
        let path_and_query = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let signed = sign(
            &self.kiosk_id,
            self.secret.as_bytes(),
            method.as_str(),
            &path_and_query,
            &body,
            chrono::Utc::now().timestamp(),
        );
        let mut request = self
            .client
            .request(method, url)
            .header("X-Kiosk-Id", signed.kiosk_id)
            .header("X-Timestamp", signed.timestamp)
            .header("X-Content-SHA256", signed.content_sha256)
            .header("X-Signature", signed.signature);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        for (name, value) in extra {
            request = request.header(name, value);
        }
        // The body (a manifest, a page, an ID number) is zeroed once the client is done with it.
        let body = reqwest::Body::from(bytes::Bytes::from_owner(Zeroizing::new(body)));
        let mut response = request
            .body(body)
            .send()
            .await
            .map_err(|e| LinkError::Transport(describe(&e)))?;
        let status = response.status();
        let headers = response.headers().clone();
        let too_large = || {
            LinkError::Protocol(format!(
                "the answer is larger than {} MB, the most this request takes",
                limit / MB
            ))
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // Read in chunks up to the limit: an answer that never ends must not fill the kiosk's memory.
        let mut body = Zeroizing::new(Vec::new());
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| LinkError::Transport(describe(&e)))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// POSTs `body` as JSON. The serialised body may hold personal data (an ID number, a code): it is handed to the
    /// client, which zeroes it once sent.
    pub(super) async fn post_json(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<Answer, LinkError> {
        let mut json = Zeroizing::new(
            serde_json::to_vec(body).map_err(|e| LinkError::Protocol(e.to_string()))?,
        );
        self.send(
            Method::POST,
            path,
            std::mem::take(&mut *json),
            Some("application/json"),
            &[],
            ANSWER_LIMIT,
        )
        .await
    }

    /// Step 1 of an upload: one file, by its hash. 201 and 200 both mean the server has it.
    pub async fn put_file(&self, package_id: &str, file: &PackageFile) -> Result<(), LinkError> {
        let path = format!("v1/packages/{package_id}/files/{}", file.sha256);
        let answer = self
            .send(
                Method::PUT,
                &path,
                file.bytes.clone(),
                Some(file.content_type),
                &[],
                ANSWER_LIMIT,
            )
            .await?;
        match answer.status {
            StatusCode::OK | StatusCode::CREATED => Ok(()),
            _ => Err(failure(&answer)),
        }
    }

    /// Step 2 of an upload: the manifest, as the exact bytes stored for it.
    pub async fn put_manifest(
        &self,
        package_id: &str,
        manifest_json: &[u8],
    ) -> Result<ManifestAnswer, LinkError> {
        let path = format!("v1/packages/{package_id}");
        let answer = self
            .send(
                Method::PUT,
                &path,
                manifest_json.to_vec(),
                Some("application/json"),
                &[],
                ANSWER_LIMIT,
            )
            .await?;
        match answer.status {
            StatusCode::OK | StatusCode::CREATED => {
                let received: Received = parse(&answer.body)?;
                if received.package_id != package_id {
                    return Err(LinkError::Protocol(format!(
                        "stored package {} when {package_id} was sent",
                        received.package_id
                    )));
                }
                Ok(ManifestAnswer::Stored {
                    first_time: answer.status == StatusCode::CREATED,
                    received,
                })
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                let body: ErrorBody = parse(&answer.body)?;
                if body.error != "missing_files" {
                    return Err(failure(&answer));
                }
                Ok(ManifestAnswer::MissingFiles(body.missing))
            }
            _ => Err(failure(&answer)),
        }
    }

    /// Every application of one person. The ID number travels in the body, never in the URL.
    pub async fn lookup(&self, id_number: &str) -> Result<Vec<Application>, LinkError> {
        let lookup = Lookup {
            id_number: id_number.to_string(),
        };
        let answer = self.post_json("v1/applications/lookup", &lookup).await?;
        match answer.status {
            StatusCode::OK => Ok(parse::<Applications>(&answer.body)?.applications),
            _ => Err(failure(&answer)),
        }
    }

    /// The catalog, unless it is still the one tagged `etag`.
    pub async fn catalog(&self, etag: Option<&str>) -> Result<CatalogAnswer, LinkError> {
        let extra: Vec<_> = etag
            .map(|tag| (IF_NONE_MATCH, tag.to_string()))
            .into_iter()
            .collect();
        let answer = self
            .send(
                Method::GET,
                "v1/catalog",
                Vec::new(),
                None,
                &extra,
                CATALOG_LIMIT,
            )
            .await?;
        match answer.status {
            StatusCode::NOT_MODIFIED => Ok(CatalogAnswer::NotModified),
            StatusCode::OK => Ok(CatalogAnswer::New {
                etag: answer
                    .headers
                    .get(ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
                body: answer.body.to_vec(),
            }),
            _ => Err(failure(&answer)),
        }
    }

    pub async fn heartbeat(&self, beat: &Heartbeat) -> Result<(), LinkError> {
        let answer = self
            .post_json(&format!("v1/kiosks/{}/heartbeat", self.kiosk_id), beat)
            .await?;
        match answer.status {
            StatusCode::NO_CONTENT | StatusCode::OK => Ok(()),
            _ => Err(failure(&answer)),
        }
    }
}

/// An answer as the contract's JSON. serde's message may quote the offending value (a name, a number, a
/// licence), so only where it broke is kept.
pub(super) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, LinkError> {
    serde_json::from_slice(body).map_err(|e| {
        LinkError::Protocol(format!(
            "an answer that is not the contract's JSON ({:?} at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })
}

/// Sorts an unwanted answer by what the contract says to do about it.
pub(super) fn failure(answer: &Answer) -> LinkError {
    let code = serde_json::from_slice::<ErrorBody>(&answer.body)
        .ok()
        .map(|b| b.error);
    let status = answer.status.as_u16();
    if answer.status.is_server_error() || answer.status == StatusCode::TOO_MANY_REQUESTS {
        LinkError::Unavailable {
            status,
            code,
            retry_after: retry_after(&answer.headers),
        }
    } else if answer.status == StatusCode::UNAUTHORIZED {
        LinkError::Refused {
            code: code.unwrap_or_else(|| "unauthorized".into()),
        }
    } else if answer.status.is_client_error() {
        LinkError::Rejected {
            status,
            code: code.unwrap_or_default(),
        }
    } else if answer.status.is_redirection() {
        let to = answer
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("?");
        LinkError::Rejected {
            status,
            code: format!("redirect to {to} not followed"),
        }
    } else {
        LinkError::Protocol(format!("unexpected status {status}"))
    }
}

/// A transport error in one line, with its causes (reqwest's own message is often just "error sending request").
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
