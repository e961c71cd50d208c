//! The history database: its schema, adding a run, and reading runs and
//! trends back.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params};

use super::{Filter, MEMORY, Point, Trend};
use crate::results::{Cell, Results, Status};

/// Bumped when the tables change; a database of another version is refused.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    -- RFC 3339 in UTC with nanoseconds: sorts as text in time order.
    started_at TEXT NOT NULL,
    finished_at TEXT,
    interrupted INTEGER NOT NULL,
    -- `git rev-parse HEAD` where the run was added, when that was a git work tree.
    git_commit TEXT,
    -- Host::fingerprint(): which runs were measured on the same machine.
    host TEXT NOT NULL,
    hostname TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    size TEXT NOT NULL,
    -- The results directory it was added from.
    source TEXT NOT NULL,
    added_at TEXT NOT NULL,
    -- Its results.json without the cells (settings, host, runtimes, workloads).
    run_json TEXT NOT NULL,
    UNIQUE (started_at, host, hostname)
);
CREATE TABLE cells (
    run INTEGER NOT NULL REFERENCES runs (id),
    -- Its place in results.json, to read the run back as it was.
    position INTEGER NOT NULL,
    runtime TEXT NOT NULL,
    workload TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    cell_json TEXT NOT NULL,
    PRIMARY KEY (run, runtime, workload)
);
-- One row per value: what trends and baselines query.
CREATE TABLE summaries (
    run INTEGER NOT NULL REFERENCES runs (id),
    runtime TEXT NOT NULL,
    workload TEXT NOT NULL,
    size TEXT NOT NULL,
    phase TEXT NOT NULL,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (run, runtime, workload, size, phase, metric)
);
CREATE INDEX summaries_by_cell ON summaries (runtime, workload, size, phase, metric);
";

/// A history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

/// A run in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub commit: Option<String>,
    pub hostname: String,
    /// Its host's [`crate::host::Host::fingerprint`].
    pub host: String,
    pub tool_version: String,
    pub size: String,
    /// The results directory it was added from.
    pub source: String,
    pub interrupted: bool,
}

/// The columns [`run_info`] reads, from `runs AS r`.
const RUN_COLUMNS: &str = "r.id, r.started_at, r.git_commit, r.hostname, r.host, r.tool_version, \
                           r.size, r.source, r.interrupted";

fn run_info(row: &Row, at: usize) -> rusqlite::Result<RunInfo> {
    let started: String = row.get(at + 1)?;
    Ok(RunInfo {
        id: row.get(at)?,
        started_at: DateTime::parse_from_rfc3339(&started)
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    at + 1,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?
            .to_utc(),
        commit: row.get(at + 2)?,
        hostname: row.get(at + 3)?,
        host: row.get(at + 4)?,
        tool_version: row.get(at + 5)?,
        size: row.get(at + 6)?,
        source: row.get(at + 7)?,
        interrupted: row.get(at + 8)?,
    })
}

fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

impl History {
    /// Opens the database at `path`, creating it (and its directory) first
    /// if there is none.
    pub fn create(path: &Path) -> Result<History> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open or create {}", path.display()))?;
        History::checked(conn, path, true)
    }

    /// Opens the existing database at `path`.
    pub fn open(path: &Path) -> Result<History> {
        if !path.is_file() {
            bail!(
                "no history database at {} (`wasm-arena history add DIR` creates it)",
                path.display()
            );
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .with_context(|| format!("cannot open {}", path.display()))?;
        History::checked(conn, path, false)
    }

    /// Checks the schema version, and lays the schema in a new database.
    fn checked(conn: Connection, path: &Path, create: bool) -> Result<History> {
        let not_history = || format!("{} is not a wasm-arena history database", path.display());
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .with_context(not_history)?;
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .with_context(not_history)?;
        match version {
            SCHEMA_VERSION => {}
            0 if tables == 0 && create => {
                conn.execute_batch(&format!(
                    "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))
                .with_context(|| format!("cannot create the tables of {}", path.display()))?;
            }
            0 => bail!("{}", not_history()),
            other => bail!(
                "{} has history schema version {other}; this wasm-arena reads version {SCHEMA_VERSION}",
                path.display()
            ),
        }
        Ok(History {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why `results` cannot be added, if it cannot: it is one shard of a
    /// run (its trend would miss the other shards' cells), or it is in the
    /// history already (the same start time on the same host).
    pub fn refusal(&self, results: &Results, source: &str) -> Result<Option<String>> {
        if let Some(shard) = results.shard {
            return Ok(Some(format!(
                "{source} holds shard {shard} of a run, not a whole run; \
                 join its shards with `wasm-arena merge` and add the merged directory"
            )));
        }
        let existing: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, source FROM runs WHERE started_at = ?1 AND host = ?2 AND hostname = ?3",
                params![
                    timestamp(results.started_at),
                    results.host.fingerprint(),
                    results.host.hostname
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .with_context(|| format!("reading {}", self.path.display()))?;
        Ok(existing.map(|(id, from)| {
            format!(
                "{source} is already in {} (run {id}, added from {from})",
                self.path.display()
            )
        }))
    }

    /// Adds the run in `results` (read from the directory `source`), measured
    /// at `commit`. Check [`History::refusal`] first: a run already there
    /// fails here.
    pub fn add(
        &mut self,
        results: &Results,
        source: &str,
        commit: Option<&str>,
    ) -> Result<RunInfo> {
        let path = self.path.display().to_string();
        let context = || format!("writing to {path}");
        let run_json = serde_json::to_string(&Results {
            cells: Vec::new(),
            ..results.clone()
        })?;
        let size = results.settings.size.to_string();
        let tx = self.conn.transaction().with_context(context)?;
        tx.execute(
            "INSERT INTO runs (started_at, finished_at, interrupted, git_commit, host, hostname, \
             tool_version, size, source, added_at, run_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                timestamp(results.started_at),
                results.finished_at.map(timestamp),
                results.interrupted,
                commit,
                results.host.fingerprint(),
                results.host.hostname,
                results.tool_version,
                size,
                source,
                timestamp(Utc::now()),
                run_json,
            ],
        )
        .with_context(context)?;
        let run = tx.last_insert_rowid();
        for (position, cell) in results.cells.iter().enumerate() {
            tx.execute(
                "INSERT INTO cells (run, position, runtime, workload, status, error, cell_json) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    run,
                    position as i64,
                    cell.runtime,
                    cell.workload,
                    cell.status.to_string(),
                    cell.error,
                    serde_json::to_string(cell)?,
                ],
            )
            .with_context(context)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO summaries (run, runtime, workload, size, phase, metric, value) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .with_context(context)?;
            for (phase, metric, value) in summary_rows(cell) {
                insert
                    .execute(params![
                        run,
                        cell.runtime,
                        cell.workload,
                        size,
                        phase,
                        metric,
                        value
                    ])
                    .with_context(context)?;
            }
        }
        tx.commit().with_context(context)?;
        self.run(run)
    }

    fn run(&self, id: i64) -> Result<RunInfo> {
        self.conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs AS r WHERE r.id = ?1"),
                [id],
                |row| run_info(row, 0),
            )
            .with_context(|| format!("reading run {id} of {}", self.path.display()))
    }

    /// The newest `last` runs measured on the host with `fingerprint` at
    /// `size`, newest first.
    pub fn recent_runs(&self, fingerprint: &str, size: &str, last: usize) -> Result<Vec<RunInfo>> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM runs AS r WHERE r.host = ?1 AND r.size = ?2 \
             ORDER BY r.started_at DESC, r.id DESC LIMIT ?3"
        ))?;
        let runs = statement
            .query_map(params![fingerprint, size, last as i64], |row| {
                run_info(row, 0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>();
        runs.with_context(|| format!("reading {}", self.path.display()))
    }

    /// Run `id` as its results.json said.
    pub fn results(&self, id: i64) -> Result<Results> {
        let context = || format!("reading run {id} of {}", self.path.display());
        let run_json: String = self
            .conn
            .query_row("SELECT run_json FROM runs WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .with_context(context)?;
        let mut results: Results = serde_json::from_str(&run_json).with_context(context)?;
        let mut statement = self
            .conn
            .prepare("SELECT cell_json FROM cells WHERE run = ?1 ORDER BY position")
            .with_context(context)?;
        let cells = statement
            .query_map([id], |row| row.get::<_, String>(0))
            .with_context(context)?;
        for cell in cells {
            let cell: Cell =
                serde_json::from_str(&cell.with_context(context)?).with_context(context)?;
            results.cells.push(cell);
        }
        Ok(results)
    }

    /// Every trend `filter` allows, by runtime, workload, size and phase;
    /// each trend's points oldest first.
    pub fn trends(&self, filter: &Filter) -> Result<Vec<Trend>> {
        let list = |items: &[String]| serde_json::to_string(items).expect("strings are JSON");
        // An empty list allows everything; SQLite's json_each reads the others.
        let sql = format!(
            "SELECT s.runtime, s.workload, s.size, s.phase, {RUN_COLUMNS},
                max(CASE WHEN s.metric IN ('median_ns', 'peak_rss_bytes') THEN s.value END),
                max(CASE WHEN s.metric = 'ci95_lo_ns' THEN s.value END),
                max(CASE WHEN s.metric = 'ci95_hi_ns' THEN s.value END),
                max(CASE WHEN s.metric = 'samples' THEN s.value END)
             FROM summaries AS s JOIN runs AS r ON r.id = s.run
             WHERE (?1 = '[]' OR s.runtime IN (SELECT value FROM json_each(?1)))
               AND (?2 = '[]' OR s.workload IN (SELECT value FROM json_each(?2)))
               AND (?3 = '[]' OR s.phase IN (SELECT value FROM json_each(?3)))
             GROUP BY s.runtime, s.workload, s.size, s.phase, r.id
             ORDER BY s.runtime, s.workload, s.size, s.phase, r.started_at, r.id"
        );
        let context = || format!("reading {}", self.path.display());
        let mut statement = self.conn.prepare(&sql).with_context(context)?;
        let rows = statement
            .query_map(
                params![
                    list(&filter.runtimes),
                    list(&filter.workloads),
                    list(&filter.phases)
                ],
                |row| {
                    let key: [String; 4] = [row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?];
                    let ci = match (row.get::<_, Option<f64>>(14)?, row.get(15)?) {
                        (Some(lo), Some(hi)) => Some([lo, hi]),
                        _ => None,
                    };
                    let point = Point {
                        run: run_info(row, 4)?,
                        value: row.get(13)?,
                        ci95: ci,
                        samples: row.get::<_, Option<f64>>(16)?.map(|n| n as u64),
                    };
                    Ok((key, point))
                },
            )
            .with_context(context)?;
        let mut trends: Vec<Trend> = Vec::new();
        for row in rows {
            let ([runtime, workload, size, phase], point) = row.with_context(context)?;
            match trends.last_mut() {
                Some(t)
                    if (&t.runtime, &t.workload, &t.size, &t.phase)
                        == (&runtime, &workload, &size, &phase) =>
                {
                    t.points.push(point)
                }
                _ => trends.push(Trend {
                    runtime,
                    workload,
                    size,
                    phase,
                    points: vec![point],
                }),
            }
        }
        Ok(trends)
    }
}

/// A cell's rows of the summaries table, as (phase, metric, value): every
/// summary of each timed phase (named as in results.json, the interval as
/// `ci95_lo_ns` and `ci95_hi_ns`, the sample count as `samples`), and its
/// peak RSS as phase `memory`. Only a cell that succeeded has any: a failed
/// one's numbers measure the failure.
fn summary_rows(cell: &Cell) -> Vec<(&'static str, &'static str, f64)> {
    if cell.status != Status::Ok {
        return Vec::new();
    }
    let mut rows = Vec::new();
    for (phase, p) in &cell.phases {
        let metrics = [
            ("median_ns", Some(p.median_ns)),
            ("mean_ns", Some(p.mean_ns)),
            ("stddev_ns", p.stddev_ns),
            ("cv", p.cv),
            ("min_ns", Some(p.min_ns)),
            ("max_ns", Some(p.max_ns)),
            ("p5_ns", Some(p.p5_ns)),
            ("p95_ns", Some(p.p95_ns)),
            ("ci95_lo_ns", p.ci95_ns.map(|[lo, _]| lo)),
            ("ci95_hi_ns", p.ci95_ns.map(|[_, hi]| hi)),
            ("samples", Some(p.samples_ns.len() as f64)),
        ];
        rows.extend(
            metrics
                .into_iter()
                .filter_map(|(metric, value)| Some((phase.name(), metric, value?))),
        );
    }
    if let Some(rss) = cell.peak_rss_bytes {
        rows.push((MEMORY, "peak_rss_bytes", rss as f64));
    }
    rows
}

/// The commit checked out in the current directory, when it is a git work
/// tree and git is installed: what a run added from here measured.
pub fn current_commit() -> Option<String> {
    let output = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}
