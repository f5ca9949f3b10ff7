//! The simulated back office's staff accounts (contract 1.1, "Staff sessions"): PINs kept as Argon2 hashes, a
//! lock of 15 minutes after 5 wrong PINs, sessions of 15 minutes, and a log of every status answer given to staff.

use rusqlite::{params, OptionalExtension};

use super::store::{now, SimStore, StoreError};

/// Wrong PINs before a staff id is locked, and for how long.
pub const STAFF_TRIES: i64 = 5;
pub const STAFF_LOCK_SECONDS: i64 = 15 * 60;
/// How long a staff session lasts.
pub const STAFF_SESSION_SECONDS: i64 = 15 * 60;

/// What a staff login came to.
pub enum StaffOutcome {
    SignedIn {
        token: String,
        name: String,
        expires_at: String,
    },
    BadCredentials,
    Locked,
}

fn unix() -> i64 {
    chrono::Utc::now().timestamp()
}

fn verify_pin(hash: &str, pin: &str) -> bool {
    use argon2::PasswordVerifier;
    argon2::PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash no PIN matches, checked for unknown staff ids.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| crate::technician::pin::hash("no-such-staff").unwrap_or_default())
}

impl SimStore {
    /// Adds (or replaces) a member of staff who may sign in at kiosks; only the PIN's Argon2 hash is kept.
    pub fn add_staff(&self, staff_id: &str, name: &str, pin: &str) -> Result<(), StoreError> {
        let hash = crate::technician::pin::hash(pin).map_err(StoreError::Invalid)?;
        self.db.execute(
            "INSERT INTO staff (staff_id, name, pin_hash) VALUES (?1, ?2, ?3)
             ON CONFLICT (staff_id) DO UPDATE SET name = ?2, pin_hash = ?3, failures = 0, locked_until = 0",
            params![staff_id, name, hash],
        )?;
        Ok(())
    }

    /// A staff login: locked for 15 minutes after 5 wrong PINs; a right one opens a 15-minute session.
    pub fn staff_login(&self, staff_id: &str, pin: &str) -> Result<StaffOutcome, StoreError> {
        let now = unix();
        let row: Option<(String, String, i64, i64)> = self
            .db
            .query_row(
                "SELECT name, pin_hash, failures, locked_until FROM staff WHERE staff_id = ?1",
                [staff_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((name, hash, failures, locked_until)) = row else {
            // As long as a wrong PIN takes, so the time of the answer does not tell which ids exist.
            let _ = verify_pin(dummy_hash(), pin);
            return Ok(StaffOutcome::BadCredentials);
        };
        if locked_until > now {
            return Ok(StaffOutcome::Locked);
        }
        let right = verify_pin(&hash, pin);
        if !right {
            let failures = failures + 1;
            let locked = failures >= STAFF_TRIES;
            self.db.execute(
                "UPDATE staff SET failures = ?2, locked_until = ?3 WHERE staff_id = ?1",
                params![
                    staff_id,
                    if locked { 0 } else { failures },
                    if locked { now + STAFF_LOCK_SECONDS } else { 0 }
                ],
            )?;
            return Ok(if locked {
                StaffOutcome::Locked
            } else {
                StaffOutcome::BadCredentials
            });
        }
        self.db.execute(
            "UPDATE staff SET failures = 0, locked_until = 0 WHERE staff_id = ?1",
            [staff_id],
        )?;
        let token = crate::package::hex(&rand::random::<[u8; 24]>());
        let expires = now + STAFF_SESSION_SECONDS;
        self.db.execute(
            "INSERT INTO staff_sessions (token, staff_id, expires) VALUES (?1, ?2, ?3)",
            params![token, staff_id, expires],
        )?;
        let expires_at = chrono::DateTime::from_timestamp(expires, 0)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
            })
            .unwrap_or_default();
        Ok(StaffOutcome::SignedIn {
            token,
            name,
            expires_at,
        })
    }

    /// The staff id a live session's token belongs to.
    pub fn staff_session(&self, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .query_row(
                "SELECT staff_id FROM staff_sessions WHERE token = ?1 AND expires > ?2",
                params![token, unix()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// How many staff sessions are live now (for tests: a kiosk ends its session with the visit).
    pub fn live_staff_sessions(&self) -> Result<u64, StoreError> {
        Ok(self.db.query_row(
            "SELECT COUNT(*) FROM staff_sessions WHERE expires > ?1",
            [unix()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    pub fn end_staff_session(&self, token: &str) -> Result<(), StoreError> {
        self.db
            .execute("DELETE FROM staff_sessions WHERE token = ?1", [token])?;
        Ok(())
    }

    /// Every status answer given to a staff token is logged with the staff id.
    pub fn log_staff_answer(
        &self,
        staff_id: &str,
        kiosk_id: &str,
        receipt_no: &str,
    ) -> Result<(), StoreError> {
        self.db.execute(
            "INSERT INTO staff_log (staff_id, kiosk_id, receipt_no, at) VALUES (?1, ?2, ?3, ?4)",
            params![staff_id, kiosk_id, receipt_no, now()],
        )?;
        Ok(())
    }

    /// The staff log: (staff id, receipt number) of each answer given to staff.
    pub fn staff_log(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .db
            .prepare("SELECT staff_id, receipt_no FROM staff_log ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    }
}
