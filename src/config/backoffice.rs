//! `[backoffice]` of `kiosk.toml`: where the back office is, how the kiosk proves itself, how often it reports.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;
use zeroize::Zeroizing;

use crate::backoffice::LinkSettings;
use crate::toml_source::{Problem, TomlSource};

/// A value that must never be printed: `{:?}` shows that it is set, not what it is; zeroed when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(text: &str) -> Secret {
        Secret(Zeroizing::new(text.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[hidden, {} characters]", self.0.chars().count())
    }
}

/// The validated section. An absent section means no back office: packages wait in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackOffice {
    pub url: String,
    pub secret: Secret,
    pub ca_file: Option<std::path::PathBuf>,
    pub pin_sha256: Option<String>,
    pub timeout: Duration,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub heartbeat: Duration,
    pub catalog_sync: Duration,
    /// How long a delivered package's files stay on the kiosk.
    pub delivered_grace: Duration,
    /// How many days the row of a delivered package (receipt number and state, nothing personal) is kept.
    pub delivered_record_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackOffice {
    url: Spanned<String>,
    secret: Spanned<String>,
    #[serde(default)]
    ca_file: String,
    #[serde(default = "no_pin")]
    pin_sha256: Spanned<String>,
    #[serde(default = "default_timeout")]
    timeout_seconds: Spanned<u64>,
    #[serde(default = "default_retry_base")]
    retry_base_seconds: Spanned<u64>,
    #[serde(default = "default_retry_max")]
    retry_max_seconds: Spanned<u64>,
    #[serde(default = "default_heartbeat")]
    heartbeat_seconds: Spanned<u64>,
    #[serde(default = "default_catalog_sync")]
    catalog_sync_seconds: Spanned<u64>,
    #[serde(default)]
    delivered_grace_hours: u64,
    #[serde(default = "default_record_days")]
    delivered_record_days: u32,
}

fn default_record_days() -> u32 {
    crate::outbox::DEFAULT_RECORD_DAYS
}

fn no_pin() -> Spanned<String> {
    Spanned::new(0..0, String::new())
}
fn spanned(value: u64) -> Spanned<u64> {
    Spanned::new(0..0, value)
}
fn default_timeout() -> Spanned<u64> {
    spanned(60)
}
fn default_retry_base() -> Spanned<u64> {
    spanned(5)
}
fn default_retry_max() -> Spanned<u64> {
    spanned(1800)
}
fn default_heartbeat() -> Spanned<u64> {
    spanned(60)
}
fn default_catalog_sync() -> Spanned<u64> {
    spanned(600)
}

impl RawBackOffice {
    pub(super) fn check(
        self,
        src: &TomlSource,
        base: &Path,
        problems: &mut Vec<Problem>,
    ) -> BackOffice {
        let mut check = |ok: bool, span: std::ops::Range<usize>, message: String| {
            if !ok {
                problems.push(src.problem(span, message));
            }
        };
        let url = self.url.get_ref().trim();
        let scheme_ok = url.starts_with("https://")
            || ["http://127.", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| url.starts_with(p));
        check(
            scheme_ok && url::Url::parse(url).is_ok(),
            self.url.span(),
            format!(
                "backoffice.url: `{url}` must be an https:// URL (plain http only for 127.0.0.1)"
            ),
        );
        check(
            self.secret.get_ref().len() >= 8,
            self.secret.span(),
            "backoffice.secret must be at least 8 characters".into(),
        );
        let pin = self.pin_sha256.get_ref().trim().to_string();
        check(
            pin.is_empty() || crate::backoffice::tls::parse_pin(&pin).is_ok(),
            self.pin_sha256.span(),
            "backoffice.pin_sha256: 64 hex digits, the SHA-256 of the server certificate".into(),
        );
        for (key, value, min) in [
            ("timeout_seconds", &self.timeout_seconds, 1),
            ("retry_base_seconds", &self.retry_base_seconds, 1),
            ("retry_max_seconds", &self.retry_max_seconds, 1),
            ("heartbeat_seconds", &self.heartbeat_seconds, 5),
            ("catalog_sync_seconds", &self.catalog_sync_seconds, 30),
        ] {
            check(
                *value.get_ref() >= min,
                value.span(),
                format!("backoffice.{key} must be at least {min}"),
            );
        }
        check(
            self.retry_max_seconds.get_ref() >= self.retry_base_seconds.get_ref(),
            self.retry_max_seconds.span(),
            "backoffice.retry_max_seconds must not be shorter than retry_base_seconds".into(),
        );
        let secs = |v: &Spanned<u64>| Duration::from_secs(*v.get_ref());
        BackOffice {
            url: url.to_string(),
            secret: Secret::new(self.secret.get_ref()),
            ca_file: Some(self.ca_file)
                .filter(|p| !p.is_empty())
                .map(|p| base.join(p)),
            pin_sha256: Some(pin).filter(|p| !p.is_empty()),
            timeout: secs(&self.timeout_seconds),
            retry_base: secs(&self.retry_base_seconds),
            retry_max: secs(&self.retry_max_seconds),
            heartbeat: secs(&self.heartbeat_seconds),
            catalog_sync: secs(&self.catalog_sync_seconds),
            delivered_grace: Duration::from_secs(self.delivered_grace_hours * 3600),
            delivered_record_days: self.delivered_record_days,
        }
    }
}

impl BackOffice {
    pub fn link_settings(&self, kiosk_id: &str) -> LinkSettings {
        LinkSettings {
            url: self.url.clone(),
            kiosk_id: kiosk_id.to_string(),
            secret: Zeroizing::new(self.secret.expose().to_string()),
            ca_file: self.ca_file.clone(),
            pin_sha256: self.pin_sha256.clone(),
            timeout: self.timeout,
        }
    }

    /// How long delivered packages leave traces on the kiosk.
    pub fn retention(&self) -> crate::outbox::Retention {
        crate::outbox::Retention {
            grace: self.delivered_grace,
            record_days: self.delivered_record_days,
        }
    }

    pub fn retry_policy(&self) -> crate::services::uplink::RetryPolicy {
        crate::services::uplink::RetryPolicy {
            base: self.retry_base,
            max: self.retry_max,
        }
    }
}
