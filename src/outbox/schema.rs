//! The outbox database's tables, migrated in order; `user_version` says how far a database has come.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: packages and the daily receipt sequence.
    "CREATE TABLE packages (
        package_id TEXT PRIMARY KEY,
        receipt_no TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'refused')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_try_at INTEGER NOT NULL DEFAULT 0,
        delivered_at TEXT,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        test INTEGER NOT NULL
     );
     CREATE INDEX packages_due ON packages (state, next_try_at);
     CREATE TABLE receipt_sequence (day TEXT PRIMARY KEY, last INTEGER NOT NULL);",
    // 2: when a package was delivered, in Unix seconds, for the grace period before its files are deleted.
    "ALTER TABLE packages ADD COLUMN delivered_unix INTEGER;
     CREATE INDEX packages_delivered ON packages (state, delivered_unix);",
    // 3: `damaged`, a package whose files cannot be read: kept for technicians, never holding back the others.
    // SQLite cannot change a CHECK in place, so the table is made anew with the same columns in the same order.
    "CREATE TABLE packages_3 (
        package_id TEXT PRIMARY KEY,
        receipt_no TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'refused', 'damaged')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_try_at INTEGER NOT NULL DEFAULT 0,
        delivered_at TEXT,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        test INTEGER NOT NULL,
        delivered_unix INTEGER
     );
     INSERT INTO packages_3 SELECT * FROM packages;
     DROP TABLE packages;
     ALTER TABLE packages_3 RENAME TO packages;
     CREATE INDEX packages_due ON packages (state, next_try_at);
     CREATE INDEX packages_delivered ON packages (state, delivered_unix);",
    // 4: 好差评, uploaded like packages. The body is sealed with the device key and dropped once delivered; one
    // evaluation per application or pickup (一次一评).
    "CREATE TABLE evaluations (
        evaluation_id TEXT PRIMARY KEY,
        receipt_no TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('application', 'pickup')),
        created_at TEXT NOT NULL,
        sealed BLOB,
        state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'refused', 'damaged')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_try_at INTEGER NOT NULL DEFAULT 0,
        delivered_unix INTEGER,
        UNIQUE (receipt_no, kind)
     );
     CREATE INDEX evaluations_due ON evaluations (state, next_try_at);",
];

/// Brings `db` to the latest schema, each step in a transaction of its own.
pub fn migrate(db: &Connection) -> rusqlite::Result<()> {
    let version: i64 = db.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let tx = db.unchecked_transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made by an earlier version keeps its rows through the later migrations.
    #[test]
    fn rows_survive_the_migrations() {
        let db = Connection::open_in_memory().unwrap();
        let tx = db.unchecked_transaction().unwrap();
        tx.execute_batch(MIGRATIONS[0]).unwrap();
        tx.execute_batch(MIGRATIONS[1]).unwrap();
        tx.pragma_update(None, "user_version", 2).unwrap();
        tx.commit().unwrap();
        db.execute(
            "INSERT INTO packages (package_id, receipt_no, created_at, state, files, bytes, test, delivered_unix)
             VALUES ('p', 'R-1', '2026-11-28T10:15:00+08:00', 'refused', 2, 10, 0, NULL)",
            [],
        )
        .unwrap();
        migrate(&db).unwrap();
        let (state, files): (String, i64) = db
            .query_row(
                "SELECT state, files FROM packages WHERE package_id = 'p'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((state.as_str(), files), ("refused", 2));
        db.execute("UPDATE packages SET state = 'damaged'", [])
            .unwrap();
        assert!(db
            .execute("UPDATE packages SET state = 'lost'", [])
            .is_err());
    }
}
