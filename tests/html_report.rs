//! The HTML report in a real browser: headless Chromium (Debian's
//! `chromium`; `.ci/run` installs it) opens the committed reference
//! `report.html` offline, runs its script, and takes a screenshot; any
//! console message (an error, an uncaught exception) or a missing section
//! fails the test. The committed file must also be what `report` renders
//! from its results.json today.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{text, wasm_arena};

/// The committed reference run whose report.html is checked.
const REFERENCE: &str = "results/2026-12-03-all-runtimes-default";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What Chromium printed of a page: the DOM after its scripts ran, and its
/// console messages (Chromium logs every one, whatever its level, as
/// `INFO:CONSOLE`), with the network and every background service off.
struct Page {
    dom: String,
    console: Vec<String>,
}

fn chromium(page: &Path, action: &str, profile: &Path) -> (String, String) {
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Nothing may be fetched: every host name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,3000",
            action,
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot start chromium (apt-get install chromium): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "chromium {action} failed: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

fn open(page: &Path) -> Page {
    let profile = tempfile::tempdir().unwrap();
    let (dom, stderr) = chromium(page, "--dump-dom", profile.path());
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Page { dom, console }
}

#[test]
fn a_console_error_is_caught() {
    // The check below must be able to fail: a page that logs an error and
    // throws is seen to.
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><script>console.error('boom'); missing();</script></body></html>",
    )
    .unwrap();
    let console = open(&page).console;
    assert_eq!(console.len(), 2, "{console:?}");
    assert!(
        console[1].contains("Uncaught ReferenceError"),
        "{console:?}"
    );
}

#[test]
fn the_committed_reference_report_opens_offline_with_every_section() {
    let committed = repo().join(REFERENCE).join("report.html");
    let html = std::fs::read_to_string(&committed).unwrap();

    // It is what `report` renders from the committed results today.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(
        repo().join(REFERENCE).join("results.json"),
        dir.join("results.json"),
    )
    .unwrap();
    let out = wasm_arena(&["report", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let rendered = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        rendered == html,
        "{} is stale: re-render it with `wasm-arena report {REFERENCE}`",
        committed.display()
    );

    // Self-contained: nothing to load, from anywhere.
    for external in ["<link", " src=", "url(", "@import", "<iframe", "<img"] {
        assert!(!html.contains(external), "report.html holds {external:?}");
    }

    let page = open(&committed);
    assert!(page.console.is_empty(), "console: {:#?}", page.console);
    assert!(
        page.dom.contains("data-ready=\"yes\""),
        "the inline script did not finish"
    );
    for section in [
        "recommendation",
        "overview",
        "execute-time-median-and-95-confidence-interval",
        "compile-phase",
        "instantiate-phase",
        "execute-phase",
        "trade-offs-pareto-frontiers",
        "memory-medians-over-the-measured-iterations",
        "conformance-and-sandbox",
        "failures",
        "runtimes",
    ] {
        assert!(
            page.dom.contains(&format!("<section id=\"{section}\">")),
            "no section {section}"
        );
    }
    // The charts are inline SVG, and every one drew.
    assert!(page.dom.matches("<figure role=\"img\"").count() >= 6);
    assert_eq!(
        page.dom.matches("<svg").count(),
        page.dom.matches("<figure").count()
    );

    let profile = tempfile::tempdir().unwrap();
    let shot = tmp.path().join("report.png");
    chromium(
        &committed,
        &format!("--screenshot={}", shot.display()),
        profile.path(),
    );
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 50_000,
        "a blank screenshot"
    );
}
