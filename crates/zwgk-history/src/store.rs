//! The SQLite store.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, Row};
use zwgk_core::report::{OutcomeCounts, Summary};
use zwgk_core::{Outcome, Report};

use crate::record::{RuleResult, ScanId, ScanRecord, ScanSummary};
use crate::{HistoryError, Result};
use zwgk_core::report::TrendPoint;
use zwgk_core::Probe;

/// `PRAGMA application_id` of a zwgk history: the bytes `zwgk`.
const APPLICATION_ID: i64 = 0x7a77_676b;

/// The schema migrations: entry `n` takes the schema from version `n` to `n + 1`
/// (`PRAGMA user_version`). Never edit a released entry; append a new one.
const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE scans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    pack_id TEXT NOT NULL,
    pack_year INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    tasks_pass INTEGER NOT NULL,
    tasks_fail INTEGER NOT NULL,
    tasks_needs_evidence INTEGER NOT NULL,
    tasks_incomplete INTEGER NOT NULL,
    tasks_not_applicable INTEGER NOT NULL,
    rules_pass INTEGER NOT NULL,
    rules_fail INTEGER NOT NULL,
    rules_needs_evidence INTEGER NOT NULL,
    rules_incomplete INTEGER NOT NULL,
    rules_not_applicable INTEGER NOT NULL
);
CREATE INDEX scans_by_target ON scans (target, pack_id, id);
CREATE TABLE rule_results (
    scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    task INTEGER NOT NULL,
    rule_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    page TEXT NOT NULL,
    evidence_url TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (scan_id, ord)
);
CREATE INDEX rule_results_by_fingerprint ON rule_results (fingerprint);
",
    "
CREATE TABLE probes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    target TEXT NOT NULL,
    at TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    millis INTEGER NOT NULL,
    status INTEGER,
    error TEXT,
    bytes INTEGER NOT NULL
);
CREATE INDEX probes_by_target ON probes (target, at_ms);
",
];

/// The schema version this library writes.
const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The columns of `scans` read into a [`ScanSummary`], in [`summary_of`]'s order.
const SCAN_COLUMNS: &str = "id, recorded_at, target, pack_id, pack_year, as_of, \
    tasks_pass, tasks_fail, tasks_needs_evidence, tasks_incomplete, tasks_not_applicable, \
    rules_pass, rules_fail, rules_needs_evidence, rules_incomplete, rules_not_applicable";

/// A scan history database.
///
/// Scans are numbered in the order they are recorded; "previous" and "latest" follow that
/// order, not `recorded_at`.
pub struct History {
    conn: Connection,
    path: String,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History").field("path", &self.path).finish()
    }
}

impl History {
    /// Open the history at `path`, creating the file (and its schema) if it does not exist,
    /// and bringing an older schema up to date.
    ///
    /// # Errors
    /// [`HistoryError::Open`] when the file cannot be opened or created;
    /// [`HistoryError::NotAHistory`] for a file that is not SQLite, is damaged or belongs
    /// to another program; [`HistoryError::TooNew`] for a newer schema; `Sql` otherwise.
    pub fn open(path: &Path) -> Result<History> {
        let shown = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| not_a_history(&shown, e))?;
        History::init(conn, shown)
    }

    /// Open an existing history (never creating one), e.g. to list or compare scans.
    ///
    /// # Errors
    /// [`HistoryError::Missing`] when there is no file at `path`; otherwise as
    /// [`History::open`].
    pub fn open_existing(path: &Path) -> Result<History> {
        if !path.is_file() {
            return Err(HistoryError::Missing(path.display().to_string()));
        }
        History::open(path)
    }

    /// A history in memory, gone when dropped (for tests).
    ///
    /// # Errors
    /// When SQLite cannot allocate it.
    pub fn open_in_memory() -> Result<History> {
        History::init(Connection::open_in_memory()?, ":memory:".into())
    }

    fn init(conn: Connection, path: String) -> Result<History> {
        let bad = |e| not_a_history(&path, e);
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(bad)?;
        let app: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(bad)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(bad)?;
        if app != 0 && app != APPLICATION_ID {
            return Err(HistoryError::NotAHistory {
                path,
                reason: format!(
                    "it is another program's SQLite database (application id {app:#x})"
                ),
            });
        }
        if version == 0 {
            let tables: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                    [],
                    |r| r.get(0),
                )
                .map_err(bad)?;
            if tables > 0 {
                return Err(HistoryError::NotAHistory {
                    path,
                    reason: "it is a SQLite database with other tables".into(),
                });
            }
        }
        if version > SCHEMA_VERSION {
            return Err(HistoryError::TooNew {
                path,
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
        let mut history = History { conn, path };
        history.migrate(version)?;
        Ok(history)
    }

    /// Apply the migrations after `from`, in one transaction.
    fn migrate(&mut self, from: i64) -> Result<()> {
        if from == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for step in &MIGRATIONS[from as usize..] {
            tx.execute_batch(step)?;
        }
        tx.execute_batch(&format!(
            "PRAGMA user_version = {SCHEMA_VERSION}; PRAGMA application_id = {APPLICATION_ID};"
        ))?;
        tx.commit()?;
        Ok(())
    }

    /// The file this history is kept in (`:memory:` for one in memory).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Record a scan: its identity, counts and one row per rule × evidence page (see
    /// [`ScanRecord::from_report`]). `recorded_at` is the time of recording as the caller
    /// reads it, in RFC 3339 (e.g. `2022-02-01T08:00:00+08:00`).
    ///
    /// # Errors
    /// [`HistoryError::BadTime`] for a time that is not RFC 3339; `Sql` when writing fails.
    pub fn record(&mut self, report: &Report, recorded_at: &str) -> Result<ScanId> {
        if chrono::DateTime::parse_from_rfc3339(recorded_at).is_err() {
            return Err(HistoryError::BadTime(recorded_at.to_string()));
        }
        let rec = ScanRecord::from_report(report);
        let tx = self.conn.transaction()?;
        let c = |s: &OutcomeCounts, o: Outcome| s.get(o) as i64;
        let (t, r) = (&rec.summary.tasks, &rec.summary.rules);
        tx.execute(
            "INSERT INTO scans (target, pack_id, pack_year, as_of, recorded_at, \
             tasks_pass, tasks_fail, tasks_needs_evidence, tasks_incomplete, tasks_not_applicable, \
             rules_pass, rules_fail, rules_needs_evidence, rules_incomplete, rules_not_applicable) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                rec.target,
                rec.pack_id,
                rec.pack_year,
                rec.as_of.to_string(),
                recorded_at,
                c(t, Outcome::Pass),
                c(t, Outcome::Fail),
                c(t, Outcome::NeedsEvidence),
                c(t, Outcome::Incomplete),
                c(t, Outcome::NotApplicable),
                c(r, Outcome::Pass),
                c(r, Outcome::Fail),
                c(r, Outcome::NeedsEvidence),
                c(r, Outcome::Incomplete),
                c(r, Outcome::NotApplicable),
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare(
                "INSERT INTO rule_results (scan_id, ord, task, rule_id, outcome, fingerprint, \
                 page, evidence_url, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (ord, row) in rec.results.iter().enumerate() {
                insert.execute(params![
                    id,
                    ord as i64,
                    row.task,
                    row.rule_id,
                    row.outcome.as_str(),
                    row.fingerprint,
                    row.page,
                    row.evidence_url,
                    row.message,
                ])?;
            }
        }
        tx.commit()?;
        Ok(ScanId(id))
    }

    /// The recorded scans, oldest first; only those of `target` when given.
    ///
    /// # Errors
    /// When reading fails or a stored value is damaged.
    pub fn scans(&self, target: Option<&str>) -> Result<Vec<ScanSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE ?1 IS NULL OR target = ?1 ORDER BY id"
        ))?;
        let raw = stmt
            .query_map([target], raw_summary)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter().map(summary_of).collect()
    }

    /// One scan with its rule results.
    ///
    /// # Errors
    /// [`HistoryError::UnknownScan`] when no scan has this id.
    pub fn scan(&self, id: ScanId) -> Result<ScanRecord> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {SCAN_COLUMNS} FROM scans WHERE id = ?1"),
                [id.0],
                raw_summary,
            )
            .optional()?
            .ok_or(HistoryError::UnknownScan(id))?;
        let s = summary_of(raw)?;
        let mut stmt = self.conn.prepare(
            "SELECT task, rule_id, outcome, fingerprint, page, evidence_url, message \
             FROM rule_results WHERE scan_id = ?1 ORDER BY ord",
        )?;
        let rows = stmt
            .query_map([id.0], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let results = rows
            .into_iter()
            .map(
                |(task, rule_id, outcome, fingerprint, page, evidence_url, message)| {
                    Ok(RuleResult {
                        task,
                        rule_id,
                        outcome: outcome_of(&outcome)?,
                        fingerprint,
                        page,
                        evidence_url,
                        message,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        Ok(ScanRecord {
            id: Some(s.id),
            recorded_at: Some(s.recorded_at),
            target: s.target,
            pack_id: s.pack_id,
            pack_year: s.pack_year,
            as_of: s.as_of,
            summary: s.summary,
            results,
        })
    }

    /// The latest scan of `target` with pack `pack_id`, recorded before scan `before`
    /// (any, when `None`).
    ///
    /// # Errors
    /// When reading fails.
    pub fn previous(
        &self,
        target: &str,
        pack_id: &str,
        before: Option<ScanId>,
    ) -> Result<Option<ScanRecord>> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM scans WHERE target = ?1 AND pack_id = ?2 \
                 AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT 1",
                params![target, pack_id, before.map(|b| b.0)],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| self.scan(ScanId(id))).transpose()
    }

    /// [`History::previous`] for the target and pack of a report.
    ///
    /// # Errors
    /// When reading fails.
    pub fn previous_of(
        &self,
        report: &Report,
        before: Option<ScanId>,
    ) -> Result<Option<ScanRecord>> {
        self.previous(&report.target, &report.rules_pack.id, before)
    }

    /// The latest scan (of `target` when given) and the one before it of the same target
    /// and pack, as `(older, latest)`; `None` when there are not two such scans.
    ///
    /// # Errors
    /// When reading fails.
    pub fn latest_two(&self, target: Option<&str>) -> Result<Option<(ScanRecord, ScanRecord)>> {
        let latest: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM scans WHERE ?1 IS NULL OR target = ?1 ORDER BY id DESC LIMIT 1",
                [target],
                |r| r.get(0),
            )
            .optional()?;
        let Some(latest) = latest else {
            return Ok(None);
        };
        let latest = self.scan(ScanId(latest))?;
        let older = self.previous(&latest.target, &latest.pack_id, latest.id)?;
        Ok(older.map(|o| (o, latest)))
    }

    /// One point per scan (of `target` and of `pack` when given), oldest first, labelled
    /// `#id date`: the data of a trend chart of task and rule outcomes.
    ///
    /// # Errors
    /// When reading fails.
    pub fn trend(&self, target: Option<&str>, pack: Option<&str>) -> Result<Vec<TrendPoint>> {
        Ok(self
            .scans(target)?
            .into_iter()
            .filter(|s| pack.is_none_or(|p| s.pack_id == p))
            .map(|s| TrendPoint {
                label: format!(
                    "#{} {}",
                    s.id,
                    s.recorded_at.get(..10).unwrap_or(&s.recorded_at)
                ),
                tasks: s.summary.tasks,
                rules: s.summary.rules,
            })
            .collect())
    }
}

impl History {
    /// Record one availability probe (a timed request of `probe.url`).
    ///
    /// # Errors
    /// `Sql` when writing fails.
    pub fn record_probe(&mut self, probe: &Probe) -> Result<()> {
        let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.conn.execute(
            "INSERT INTO probes (target, at, at_ms, millis, status, error, bytes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                probe.url,
                probe
                    .at
                    .and_utc()
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                probe.at.and_utc().timestamp_millis(),
                clamp(probe.millis),
                probe.status,
                probe.error,
                clamp(probe.bytes),
            ],
        )?;
        Ok(())
    }

    /// The probes of `target` (the URL exactly as recorded) that started at or after
    /// `from` and before `until`, oldest first.
    ///
    /// # Errors
    /// When reading fails or a stored value is damaged.
    pub fn probes(
        &self,
        target: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Probe>> {
        let mut stmt = self.conn.prepare(
            "SELECT at_ms, millis, status, error, bytes FROM probes \
             WHERE target = ?1 AND at_ms >= ?2 AND at_ms < ?3 ORDER BY at_ms, id",
        )?;
        let rows = stmt
            .query_map(
                params![target, from.timestamp_millis(), until.timestamp_millis()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(at_ms, millis, status, error, bytes)| {
                let damaged = |what: &str| {
                    HistoryError::Damaged(format!("probe of {target} at {at_ms}: {what}"))
                };
                Ok(Probe {
                    url: target.to_string(),
                    at: DateTime::from_timestamp_millis(at_ms)
                        .ok_or_else(|| damaged("time"))?
                        .naive_utc(),
                    millis: u64::try_from(millis).map_err(|_| damaged("millis"))?,
                    status: status
                        .map(u16::try_from)
                        .transpose()
                        .map_err(|_| damaged("status"))?,
                    error,
                    bytes: u64::try_from(bytes).map_err(|_| damaged("bytes"))?,
                })
            })
            .collect()
    }
}

/// A `scans` row as stored.
type RawSummary = (i64, String, String, String, i32, String, [i64; 10]);

fn raw_summary(r: &Row<'_>) -> rusqlite::Result<RawSummary> {
    let mut counts = [0i64; 10];
    for (i, c) in counts.iter_mut().enumerate() {
        *c = r.get(6 + i)?;
    }
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        counts,
    ))
}

fn summary_of(raw: RawSummary) -> Result<ScanSummary> {
    let (id, recorded_at, target, pack_id, pack_year, as_of, n) = raw;
    let as_of = NaiveDate::parse_from_str(&as_of, "%Y-%m-%d")
        .map_err(|_| HistoryError::Damaged(format!("scan #{id}: as_of `{as_of}`")))?;
    let count = |v: i64| {
        usize::try_from(v).map_err(|_| HistoryError::Damaged(format!("scan #{id}: count {v}")))
    };
    let counts = |n: &[i64]| -> Result<OutcomeCounts> {
        Ok(OutcomeCounts {
            pass: count(n[0])?,
            fail: count(n[1])?,
            needs_evidence: count(n[2])?,
            incomplete: count(n[3])?,
            not_applicable: count(n[4])?,
        })
    };
    Ok(ScanSummary {
        id: ScanId(id),
        recorded_at,
        target,
        pack_id,
        pack_year,
        as_of,
        summary: Summary {
            tasks: counts(&n[..5])?,
            rules: counts(&n[5..])?,
        },
    })
}

fn outcome_of(s: &str) -> Result<Outcome> {
    Outcome::ALL
        .into_iter()
        .find(|o| o.as_str() == s)
        .ok_or_else(|| HistoryError::Damaged(format!("unknown outcome `{s}`")))
}

/// A SQLite error met while opening: "not a database" and "damaged" say so plainly.
fn not_a_history(path: &str, e: rusqlite::Error) -> HistoryError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => HistoryError::NotAHistory {
            path: path.to_string(),
            reason: "it is not a SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => HistoryError::NotAHistory {
            path: path.to_string(),
            reason: "the database is damaged".into(),
        },
        Some(ErrorCode::CannotOpen) => HistoryError::Open {
            path: path.to_string(),
            source: e,
        },
        _ => HistoryError::Sql(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, Change};
    use crate::record::sample::{report, report_with, rule};

    const T1: &str = "2022-02-01T08:00:00+08:00";
    const T2: &str = "2022-02-02T08:00:00+08:00";

    #[test]
    fn records_and_reads_back() {
        let mut h = History::open_in_memory().unwrap();
        let rep = report();
        let id = h.record(&rep, T1).unwrap();
        assert_eq!(id, ScanId(1));
        let back = h.scan(id).unwrap();
        let mut want = ScanRecord::from_report(&rep);
        want.id = Some(id);
        want.recorded_at = Some(T1.into());
        assert_eq!(back, want);
        let list = h.scans(None).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].summary, rep.summary);
        assert_eq!(list[0].pack_year, 2021);
        assert!(h.scans(Some("elsewhere")).unwrap().is_empty());
    }

    #[test]
    fn previous_latest_two_and_trend() {
        let mut h = History::open_in_memory().unwrap();
        let mut other = report();
        other.target = "other.gov.cn".into();
        let a = h.record(&report(), T1).unwrap();
        let o = h.record(&other, T1).unwrap();
        let b = h.record(&report(), T2).unwrap();
        assert_eq!(
            h.previous("whly.gd.gov.cn", "gd-whly-2021", Some(b))
                .unwrap()
                .unwrap()
                .id,
            Some(a)
        );
        assert_eq!(h.previous_of(&report(), None).unwrap().unwrap().id, Some(b));
        assert!(h
            .previous("whly.gd.gov.cn", "gd-whly-2021", Some(a))
            .unwrap()
            .is_none());
        assert!(h
            .previous("whly.gd.gov.cn", "other-pack", None)
            .unwrap()
            .is_none());
        let (older, latest) = h.latest_two(None).unwrap().unwrap();
        assert_eq!((older.id, latest.id), (Some(a), Some(b)));
        assert!(h.latest_two(Some("other.gov.cn")).unwrap().is_none());
        assert_eq!(h.scans(Some("other.gov.cn")).unwrap()[0].id, o);
        let trend = h.trend(Some("whly.gd.gov.cn"), None).unwrap();
        assert_eq!(trend.len(), 2);
        assert_eq!(trend[1].label, "#3 2022-02-02");
        assert_eq!(trend[0].rules.fail, 1);
        assert_eq!(trend[0].tasks.fail, 1);
    }

    #[test]
    fn diff_of_stored_scans() {
        let mut h = History::open_in_memory().unwrap();
        let old = report_with(vec![
            rule("t01", Outcome::Fail, &["http://a/1"]),
            rule("t02", Outcome::Pass, &[]),
        ]);
        let new = report_with(vec![
            rule("t01", Outcome::Pass, &["http://a/1"]),
            rule("t02", Outcome::Fail, &[]),
        ]);
        let a = h.record(&old, T1).unwrap();
        let b = h.record(&new, T2).unwrap();
        let d = diff(&h.scan(a).unwrap(), &h.scan(b).unwrap());
        let got: Vec<(&str, Change)> = d
            .rules
            .iter()
            .map(|r| (r.rule_id.as_str(), r.change))
            .collect();
        assert_eq!(
            got,
            vec![("t01", Change::Fixed), ("t02", Change::NewlyFailing)]
        );
        assert_eq!(d.old, format!("scan #1 ({T1})"));
    }

    #[test]
    fn unknown_scan_and_bad_time_are_errors() {
        let mut h = History::open_in_memory().unwrap();
        assert!(matches!(
            h.scan(ScanId(7)),
            Err(HistoryError::UnknownScan(ScanId(7)))
        ));
        assert!(matches!(
            h.record(&report(), "yesterday"),
            Err(HistoryError::BadTime(_))
        ));
        assert!(h.scans(None).unwrap().is_empty());
    }

    #[test]
    fn file_persists_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        assert!(matches!(
            History::open_existing(&path),
            Err(HistoryError::Missing(_))
        ));
        {
            let mut h = History::open(&path).unwrap();
            h.record(&report(), T1).unwrap();
        }
        let mut h = History::open_existing(&path).unwrap();
        assert_eq!(h.record(&report(), T2).unwrap(), ScanId(2));
        assert_eq!(h.scans(None).unwrap().len(), 2);
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        std::fs::write(&path, b"this is a report, not a database\n".repeat(200)).unwrap();
        let err = History::open(&path).unwrap_err();
        assert!(matches!(err, HistoryError::NotAHistory { .. }), "{err:?}");
        assert!(err.to_string().contains("not a zwgk history"), "{err}");
        // Left as it was.
        assert!(std::fs::read(&path)
            .unwrap()
            .starts_with(b"this is a report"));
    }

    #[test]
    fn a_damaged_history_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        {
            let mut h = History::open(&path).unwrap();
            for _ in 0..20 {
                h.record(&report(), T1).unwrap();
            }
        }
        // Keep the SQLite header, overwrite the rest.
        let mut bytes = std::fs::read(&path).unwrap();
        for b in bytes[100..].iter_mut() {
            *b = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        let result = History::open(&path).and_then(|h| h.scans(None).map(|_| ()));
        let err = result.unwrap_err();
        assert!(
            matches!(err, HistoryError::NotAHistory { .. } | HistoryError::Sql(_)),
            "{err:?}"
        );
    }

    #[test]
    fn other_databases_and_newer_schemas_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.sqlite");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .unwrap();
        assert!(matches!(
            History::open(&other),
            Err(HistoryError::NotAHistory { .. })
        ));
        let newer = dir.path().join("newer.sqlite");
        drop(History::open(&newer).unwrap());
        Connection::open(&newer)
            .unwrap()
            .execute_batch("PRAGMA user_version = 99")
            .unwrap();
        let err = History::open(&newer).unwrap_err();
        assert!(
            matches!(err, HistoryError::TooNew { found: 99, .. }),
            "{err:?}"
        );
    }

    fn probe(at: &str, millis: u64, status: Option<u16>) -> Probe {
        Probe {
            url: "http://whly.gd.gov.cn/".into(),
            at: DateTime::parse_from_rfc3339(at).unwrap().naive_utc(),
            millis,
            status,
            error: status.is_none().then(|| "timed out".to_string()),
            bytes: if status.is_some() { 5120 } else { 0 },
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn probes_are_recorded_and_read_by_target_and_window() {
        let mut h = History::open_in_memory().unwrap();
        let a = probe("2022-01-31T08:00:00.250+08:00", 900, Some(200));
        let b = probe("2022-01-31T01:00:00Z", 30_000, None);
        let c = probe("2022-02-02T00:00:00Z", 100, Some(503));
        let mut other = a.clone();
        other.url = "http://other.gov.cn/".into();
        for p in [&c, &b, &a, &other] {
            h.record_probe(p).unwrap();
        }
        let got = h
            .probes(
                "http://whly.gd.gov.cn/",
                utc("2022-01-31T00:00:00Z"),
                utc("2022-02-02T00:00:00Z"),
            )
            .unwrap();
        // Oldest first; the end of the window is left out.
        assert_eq!(got, vec![a.clone(), b]);
        assert_eq!(
            h.probes(
                "http://other.gov.cn/",
                utc("2000-01-01T00:00:00Z"),
                utc("2100-01-01T00:00:00Z")
            )
            .unwrap(),
            vec![other]
        );
        assert!(h
            .probes(
                "http://whly.gd.gov.cn",
                utc("2000-01-01T00:00:00Z"),
                utc("2100-01-01T00:00:00Z")
            )
            .unwrap()
            .is_empty());
        // The time is kept readable too.
        let text: String = h
            .conn
            .query_row(
                "SELECT at FROM probes WHERE status = 200 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(text, "2022-01-31T00:00:00.250Z");
    }

    /// Schema version 1 as released: scans and rule results, no probes.
    const VERSION_1: &str = MIGRATIONS[0];

    #[test]
    fn a_version_1_history_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(VERSION_1).unwrap();
            conn.execute_batch(&format!(
                "PRAGMA user_version = 1; PRAGMA application_id = {APPLICATION_ID};"
            ))
            .unwrap();
            conn.execute(
                "INSERT INTO scans (target, pack_id, pack_year, as_of, recorded_at, \
                 tasks_pass, tasks_fail, tasks_needs_evidence, tasks_incomplete, tasks_not_applicable, \
                 rules_pass, rules_fail, rules_needs_evidence, rules_incomplete, rules_not_applicable) \
                 VALUES ('whly.gd.gov.cn', 'gd-whly-2021', 2021, '2022-02-01', ?1, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0)",
                [T1],
            )
            .unwrap();
        }
        let mut h = History::open_existing(&path).unwrap();
        // The old scan is still there, and probes can be recorded.
        let scans = h.scans(None).unwrap();
        assert_eq!(scans.len(), 1);
        assert_eq!(scans[0].summary.rules.pass, 2);
        assert_eq!(h.record(&report(), T2).unwrap(), ScanId(2));
        h.record_probe(&probe("2022-01-31T08:00:00Z", 900, Some(200)))
            .unwrap();
        drop(h);
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 2);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM probes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn a_folder_is_not_a_history() {
        let dir = tempfile::tempdir().unwrap();
        let err = History::open(dir.path()).unwrap_err();
        assert!(err.to_string().contains("cannot open"), "{err}");
        assert!(matches!(
            History::open_existing(dir.path()),
            Err(HistoryError::Missing(_))
        ));
    }
}
