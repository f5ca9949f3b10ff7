//! The simulated back office's HTTP(S) server: the whole of `back-office-api.md` on top of [`SimStore`] and the
//! sample [`Platform`], with injectable faults and unsigned control routes for tests (`/_sim/faults`,
//! `/_sim/catalog`, `/_sim/face`).

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::answer::{answer, empty, error, lock, truncate, Answer, Dropped, SimBody};
use super::faults::{Fault, FaultKind, Faults, Target};
use super::platform::{FaceAnswers, Platform};
use super::platform_routes;
use super::staff::StaffOutcome;
use super::store::{ManifestOutcome, SimStore};
use crate::backoffice::contract::check_manifest;
use crate::backoffice::signing::{verify, Refusal, SignedHeaders};
use crate::backoffice::wire::{StaffLogin, StatusQuery};
use crate::package::sha256_hex;

/// Requests larger than this are refused (a page is under 500 KB).
const MAX_BODY: usize = 32 * 1024 * 1024;

pub struct SimSettings {
    pub listen: SocketAddr,
    pub data: PathBuf,
    /// Kiosk id → secret.
    pub kiosks: BTreeMap<String, String>,
    /// The catalog JSON to serve, if any.
    pub catalog: Option<Vec<u8>>,
    pub faults: Vec<Fault>,
    /// PEM certificate chain and private key: serve HTTPS instead of HTTP.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The government platform's sample records (shared data, e-licences).
    pub platform: Platform,
    /// What the face comparison answers until told otherwise.
    pub face: crate::backoffice::platform_wire::FaceResult,
}

struct Shared {
    store: Mutex<SimStore>,
    platform: Platform,
    face: Mutex<FaceAnswers>,
    kiosks: BTreeMap<String, String>,
    catalog: Mutex<Option<(String, Bytes)>>,
    faults: Mutex<Faults>,
    /// Each kiosk's status look-ups that found nothing, in the last minute.
    failed_lookups: Mutex<BTreeMap<String, VecDeque<Instant>>>,
}

/// Failed look-ups a kiosk may make within [`LOOKUP_WINDOW`] before the rest of it is answered 429.
const MAX_FAILED_LOOKUPS: usize = 5;
const LOOKUP_WINDOW: Duration = Duration::from_secs(60);

fn tag(body: &[u8]) -> String {
    format!("\"{}\"", sha256_hex(body))
}

/// What a request is for, from its method and path.
enum Route {
    File {
        package_id: String,
        sha256: String,
    },
    Manifest {
        package_id: String,
    },
    Status,
    /// `GET /v1/applications/{receipt_no}` of version 1, withdrawn in 1.1.
    Withdrawn,
    Lookup,
    StaffLogin,
    StaffLogout {
        token: String,
    },
    Catalog,
    Heartbeat {
        kiosk_id: String,
    },
    IdentityVerify,
    SharedData,
    LicenceVerify,
    Evaluation,
    SetFaults,
    SetCatalog,
    SetFace,
    Unknown,
}

fn safe(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn route(method: &Method, path: &str) -> Route {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        (&Method::PUT, ["v1", "packages", id, "files", hash]) if safe(id) && safe(hash) => {
            Route::File {
                package_id: id.to_string(),
                sha256: hash.to_string(),
            }
        }
        (&Method::PUT, ["v1", "packages", id]) if safe(id) => Route::Manifest {
            package_id: id.to_string(),
        },
        (&Method::POST, ["v1", "applications", "lookup"]) => Route::Lookup,
        (&Method::POST, ["v1", "applications", "status"]) => Route::Status,
        (&Method::GET, ["v1", "applications", _]) => Route::Withdrawn,
        (&Method::POST, ["v1", "staff", "sessions"]) => Route::StaffLogin,
        (&Method::DELETE, ["v1", "staff", "sessions", token]) if safe(token) => {
            Route::StaffLogout {
                token: token.to_string(),
            }
        }
        (&Method::GET, ["v1", "catalog"]) => Route::Catalog,
        (&Method::POST, ["v1", "kiosks", id, "heartbeat"]) if safe(id) => Route::Heartbeat {
            kiosk_id: id.to_string(),
        },
        (&Method::POST, ["v1", "identity", "verify"]) => Route::IdentityVerify,
        (&Method::POST, ["v1", "applicants", "shared-data"]) => Route::SharedData,
        (&Method::POST, ["v1", "licences", "verify"]) => Route::LicenceVerify,
        (&Method::POST, ["v1", "evaluations"]) => Route::Evaluation,
        (&Method::POST, ["_sim", "faults"]) => Route::SetFaults,
        (&Method::POST, ["_sim", "face"]) => Route::SetFace,
        (&Method::PUT, ["_sim", "catalog"]) => Route::SetCatalog,
        _ => Route::Unknown,
    }
}

fn target(route: &Route) -> Option<Target> {
    Some(match route {
        Route::File { .. } => Target::File,
        Route::Manifest { .. } => Target::Manifest,
        Route::Status | Route::Withdrawn => Target::Status,
        Route::Lookup => Target::Lookup,
        Route::StaffLogin | Route::StaffLogout { .. } => Target::Staff,
        Route::Catalog => Target::Catalog,
        Route::Heartbeat { .. } => Target::Heartbeat,
        Route::IdentityVerify => Target::Identity,
        Route::SharedData => Target::Shared,
        Route::LicenceVerify => Target::Licence,
        Route::Evaluation => Target::Evaluation,
        _ => return None,
    })
}

fn header<'a>(request: &'a hyper::http::request::Parts, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The contract's authentication: a known kiosk, a fresh timestamp, the body's hash, the signature.
fn authenticate(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Result<String, Box<Answer>> {
    let signed = (|| {
        Some(SignedHeaders {
            kiosk_id: header(parts, "x-kiosk-id")?.to_string(),
            timestamp: header(parts, "x-timestamp")?.to_string(),
            content_sha256: header(parts, "x-content-sha256")?.to_string(),
            signature: header(parts, "x-signature")?.to_string(),
        })
    })()
    .ok_or_else(|| Box::new(error(StatusCode::UNAUTHORIZED, "bad_signature")))?;
    let secret = shared
        .kiosks
        .get(&signed.kiosk_id)
        .ok_or_else(|| Box::new(error(StatusCode::UNAUTHORIZED, "bad_signature")))?;
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let now = chrono::Utc::now().timestamp();
    match verify(
        &signed,
        secret.as_bytes(),
        parts.method.as_str(),
        path,
        body,
        now,
    ) {
        Ok(()) => Ok(signed.kiosk_id),
        Err(Refusal::HashMismatch) => {
            Err(Box::new(error(StatusCode::BAD_REQUEST, "hash_mismatch")))
        }
        Err(refusal) => Err(Box::new(error(StatusCode::UNAUTHORIZED, refusal.code()))),
    }
}

fn store_failed(e: impl std::fmt::Display) -> Answer {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "error": "internal", "detail": e.to_string() }),
    )
}

/// The contract's routes, once the request is authenticated.
fn serve_route(
    shared: &Shared,
    route: Route,
    kiosk_id: &str,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Answer {
    match route {
        Route::File { package_id, sha256 } => {
            if sha256_hex(body) != sha256 {
                return error(StatusCode::BAD_REQUEST, "hash_mismatch");
            }
            let content_type = header(parts, "content-type").unwrap_or_default();
            if !["image/jpeg", "image/png", "application/pdf"].contains(&content_type) {
                return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type");
            }
            match lock(&shared.store).put_file(&package_id, &sha256, content_type, body) {
                Ok(true) => empty(StatusCode::CREATED),
                Ok(false) => empty(StatusCode::OK),
                Err(e) => store_failed(e),
            }
        }
        Route::Manifest { package_id } => {
            let Ok(manifest) = serde_json::from_slice::<Value>(body) else {
                return error(StatusCode::BAD_REQUEST, "invalid_json");
            };
            let files = match check_manifest(&manifest, kiosk_id, &package_id) {
                Ok(files) => files,
                Err(problems) => {
                    return answer(
                        StatusCode::BAD_REQUEST,
                        json!({ "error": "invalid_manifest", "detail": problems.join("; ") }),
                    )
                }
            };
            let mut store = lock(&shared.store);
            match store.missing_files(&package_id, &files) {
                Ok(missing) if !missing.is_empty() => {
                    return answer(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        json!({ "error": "missing_files", "missing": missing }),
                    )
                }
                Ok(_) => {}
                Err(e) => return store_failed(e),
            }
            match store.put_manifest(&package_id, kiosk_id, &manifest) {
                Ok(ManifestOutcome::Stored { created, received }) => answer(
                    if created {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    },
                    serde_json::to_value(received).unwrap_or_default(),
                ),
                Ok(ManifestOutcome::Conflict) => error(StatusCode::CONFLICT, "conflict"),
                Err(e) => store_failed(e),
            }
        }
        Route::Status => status(shared, kiosk_id, body),
        Route::Withdrawn => error(StatusCode::GONE, "gone"),
        Route::StaffLogin => {
            let Ok(login) = serde_json::from_slice::<StaffLogin>(body) else {
                return error(StatusCode::BAD_REQUEST, "invalid_json");
            };
            match lock(&shared.store).staff_login(&login.staff_id, &login.pin) {
                Ok(StaffOutcome::SignedIn {
                    token,
                    name,
                    expires_at,
                }) => answer(
                    StatusCode::CREATED,
                    json!({ "staff_token": token, "name": name, "expires_at": expires_at }),
                ),
                Ok(StaffOutcome::BadCredentials) => {
                    error(StatusCode::UNAUTHORIZED, "bad_credentials")
                }
                Ok(StaffOutcome::Locked) => error(StatusCode::UNAUTHORIZED, "locked"),
                Err(e) => store_failed(e),
            }
        }
        Route::StaffLogout { token } => match lock(&shared.store).end_staff_session(&token) {
            Ok(()) => empty(StatusCode::NO_CONTENT),
            Err(e) => store_failed(e),
        },
        Route::Lookup => {
            let id = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v["id_number"].as_str().map(str::to_string));
            let Some(id) = id else {
                return error(StatusCode::BAD_REQUEST, "invalid_json");
            };
            match lock(&shared.store).lookup(&id) {
                Ok(apps) => answer(StatusCode::OK, json!({ "applications": apps })),
                Err(e) => store_failed(e),
            }
        }
        Route::Catalog => match lock(&shared.catalog).clone() {
            None => error(StatusCode::NOT_FOUND, "not_found"),
            Some((etag, _)) if header(parts, IF_NONE_MATCH.as_str()) == Some(etag.as_str()) => {
                let mut response = empty(StatusCode::NOT_MODIFIED);
                response
                    .headers_mut()
                    .insert(ETAG, etag.parse().expect("hex tag"));
                response
            }
            Some((etag, body)) => {
                let mut response = Response::new(SimBody::whole(body));
                let headers = response.headers_mut();
                headers.insert(ETAG, etag.parse().expect("hex tag"));
                headers.insert(CONTENT_TYPE, "application/json".parse().expect("static"));
                response
            }
        },
        Route::Heartbeat {
            kiosk_id: path_kiosk,
        } => {
            if path_kiosk != kiosk_id {
                return error(StatusCode::FORBIDDEN, "forbidden");
            }
            let Ok(beat) = serde_json::from_slice::<Value>(body) else {
                return error(StatusCode::BAD_REQUEST, "invalid_json");
            };
            match lock(&shared.store).heartbeat(kiosk_id, &beat) {
                Ok(()) => empty(StatusCode::NO_CONTENT),
                Err(e) => store_failed(e),
            }
        }
        Route::IdentityVerify => platform_routes::identity_verify(&shared.face, body),
        Route::SharedData => platform_routes::shared_data(&shared.platform, body),
        Route::LicenceVerify => platform_routes::licence_verify(&shared.platform, body),
        Route::Evaluation => super::evaluations::post(&lock(&shared.store), kiosk_id, body),
        Route::SetFaults | Route::SetCatalog | Route::SetFace | Route::Unknown => {
            error(StatusCode::NOT_FOUND, "not_found")
        }
    }
}

/// `POST /v1/applications/status`: the application for the right check code or a live staff token; the same 404
/// for an unknown number and a wrong code; 429 for the rest of the minute after a kiosk's fifth failure in it.
fn status(shared: &Shared, kiosk_id: &str, body: &[u8]) -> Answer {
    let Ok(query) = serde_json::from_slice::<StatusQuery>(body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let now = Instant::now();
    // Held for the whole look-up, so look-ups sent side by side cannot all pass the count before any is recorded.
    let mut failed = lock(&shared.failed_lookups);
    {
        let recent = failed.entry(kiosk_id.to_string()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= LOOKUP_WINDOW)
        {
            recent.pop_front();
        }
        if recent.len() >= MAX_FAILED_LOOKUPS {
            let wait = recent
                .front()
                .map(|t| LOOKUP_WINDOW.saturating_sub(now.duration_since(*t)))
                .unwrap_or(LOOKUP_WINDOW);
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "too_many_lookups");
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            response.headers_mut().insert(RETRY_AFTER, seconds.into());
            return response;
        }
    }
    let store = lock(&shared.store);
    let (found, by_staff) = match (&query.check_code, &query.staff_token) {
        (Some(code), None) => (store.application_checked(&query.receipt_no, code), false),
        (None, Some(token)) => match store.staff_session(token) {
            Ok(Some(staff_id)) => {
                // Every answer given to a staff token is logged with the staff id, found or not.
                if let Err(e) = store.log_staff_answer(&staff_id, kiosk_id, &query.receipt_no) {
                    return store_failed(e);
                }
                (store.application(&query.receipt_no), true)
            }
            Ok(None) => return error(StatusCode::UNAUTHORIZED, "bad_credentials"),
            Err(e) => return store_failed(e),
        },
        _ => return error(StatusCode::BAD_REQUEST, "invalid_json"),
    };
    match found {
        Ok(Some(app)) => answer(
            StatusCode::OK,
            serde_json::to_value(app).unwrap_or_default(),
        ),
        Ok(None) => {
            // Signed-in staff are who they said; a guess by code is what the count is for.
            if !by_staff {
                failed
                    .entry(kiosk_id.to_string())
                    .or_default()
                    .push_back(now);
            }
            error(StatusCode::NOT_FOUND, "not_found")
        }
        Err(e) => store_failed(e),
    }
}

async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Result<Answer, Dropped> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(error(StatusCode::PAYLOAD_TOO_LARGE, "too_large")),
    };
    let route = route(&parts.method, parts.uri.path());
    match route {
        Route::SetFaults => {
            let parsed: Result<Vec<Fault>, String> = String::from_utf8_lossy(&body)
                .split([',', '\n'])
                .filter(|s| !s.trim().is_empty())
                .map(str::parse)
                .collect();
            return Ok(match parsed {
                Ok(list) => {
                    lock(&shared.faults).set(list);
                    empty(StatusCode::NO_CONTENT)
                }
                Err(e) => answer(
                    StatusCode::BAD_REQUEST,
                    json!({"error": "bad_fault", "detail": e}),
                ),
            });
        }
        Route::SetCatalog => {
            *lock(&shared.catalog) = Some((tag(&body), body));
            return Ok(empty(StatusCode::NO_CONTENT));
        }
        Route::SetFace => return Ok(platform_routes::set_face(&shared.face, &body)),
        Route::Unknown => return Ok(error(StatusCode::NOT_FOUND, "not_found")),
        _ => {}
    }
    let fault = target(&route).and_then(|t| lock(&shared.faults).take(t));
    match fault {
        Some(FaultKind::Drop) => return Err(Dropped),
        Some(FaultKind::Status(status)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = error(status, "injected_fault");
            if matches!(status.as_u16(), 429 | 503) {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, "1".parse().expect("static"));
            }
            return Ok(response);
        }
        Some(FaultKind::Slow(pause)) => tokio::time::sleep(pause).await,
        _ => {}
    }
    let kiosk_id = match authenticate(&shared, &parts, &body) {
        Ok(id) => id,
        Err(refusal) => return Ok(*refusal),
    };
    let response = serve_route(&shared, route, &kiosk_id, &parts, &body);
    match fault {
        Some(FaultKind::DropAfterStore) => Err(Dropped),
        Some(FaultKind::Truncate) => Ok(truncate(response)),
        _ => Ok(response),
    }
}

fn tls_acceptor(cert: &PathBuf, key: &PathBuf) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|i| i.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let config = rustls::ServerConfig::builder_with_provider(crate::backoffice::tls::provider())
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|e| format!("TLS: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Binds, calls `ready` with the bound address, and serves until the task is dropped.
pub async fn serve(settings: SimSettings, ready: impl FnOnce(SocketAddr)) -> Result<(), String> {
    let store = SimStore::open(&settings.data).map_err(|e| e.to_string())?;
    let mut faults = Faults::default();
    faults.set(settings.faults);
    let shared = Arc::new(Shared {
        store: Mutex::new(store),
        kiosks: settings.kiosks,
        catalog: Mutex::new(settings.catalog.map(|c| (tag(&c), Bytes::from(c)))),
        faults: Mutex::new(faults),
        failed_lookups: Mutex::new(BTreeMap::new()),
        platform: settings.platform,
        face: Mutex::new(FaceAnswers {
            standing: settings.face,
            ..Default::default()
        }),
    });
    let acceptor = settings
        .tls
        .as_ref()
        .map(|(cert, key)| tls_acceptor(cert, key))
        .transpose()?;
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
    ready(listener.local_addr().map_err(|e| e.to_string())?);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(shared.clone(), req));
            let http = hyper::server::conn::http1::Builder::new();
            match acceptor {
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = http.serve_connection(TokioIo::new(tls), service).await;
                    }
                }
                None => {
                    let _ = http.serve_connection(TokioIo::new(stream), service).await;
                }
            }
        });
    }
}

/// The catalog folder (or file) as one JSON document of the same shape as the TOML: `one_thing` and `joint_item`
/// arrays appended file after file, `material` and `field` tables merged.
pub fn catalog_document(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    let mut merged = toml::Table::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| format!("{}: {e}", file.display()))?;
        for (key, value) in table {
            match (merged.get_mut(&key), value) {
                (Some(toml::Value::Array(all)), toml::Value::Array(more)) => all.extend(more),
                (Some(toml::Value::Table(all)), toml::Value::Table(more)) => all.extend(more),
                (_, value) => {
                    merged.insert(key, value);
                }
            }
        }
    }
    serde_json::to_vec(&merged).map_err(|e| e.to_string())
}
