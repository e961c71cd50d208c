//! The seed article's comparison table (`../shared/seed/`: containers,
//! native and WebAssembly by start-up, image size, isolation, portability
//! and security model), regenerated from a run's own measurements: the
//! cold-start records of a container id, the native twin and the Wasm ids on
//! one workload, and, where the run has them, its iteration cells (execute
//! inside the container against the bare twin). Each cell gives the seed's
//! claim and what was measured; the last column says whether the claim
//! holds here.

use wasm_arena_adapters::Tier;

use super::{Block, Cell, Column, Row, Section, Table, Text};
use crate::analysis::bootstrap;
use crate::analysis::metric::Metric;
use crate::cold::{ColdResult, Variant};
use crate::conformance::SandboxRate;
use crate::export::{format_bytes, format_median_ci, format_ns};
use crate::phase::Phase;
use crate::results::{NATIVE, Results, Status};
use crate::scenario::Scenario;

/// The seed's image-size claims as byte ranges: "100s MB", "10s MB", "KBs to
/// MBs" (read as up to 10 MB).
const CLAIM_CONTAINER_BYTES: (f64, f64) = (100e6, 1e9);
const CLAIM_NATIVE_BYTES: (f64, f64) = (10e6, 100e6);
const CLAIM_WASM_BYTES: (f64, f64) = (1e3, 10e6);

/// One workload's cold-start records, by kind of runtime.
struct Records<'a> {
    workload: &'a str,
    containers: Vec<(&'a str, &'a ColdResult)>,
    native: Option<&'a ColdResult>,
    /// Every Wasm id's variants.
    wasm: Vec<(&'a str, &'a ColdResult)>,
}

/// The section, when the run started a container id cold.
pub fn section(r: &Results) -> Option<Section> {
    let mut blocks = vec![Block::Paragraph(Text::from(
        "The seed's table, each row measured in this run on this machine: start-up is the cold \
         start (spawn until the first byte of output; p50 / p99), the container started by \
         `runc run` from a real OCI image; sizes are the OCI image (manifest, config and \
         compressed layers) and its unpacked root, the twin's binary, the `.wasm` and each \
         runtime's precompiled artifact; memory is the peak resident size of the process that \
         ran the program; isolation is what a created container was read back to have; \
         security is the sandbox suite's escape probes built as native code, run bare and in \
         the container.",
    ))];
    // The whole table on one workload (`hello` where the run has it: the
    // least work, so the most start-up); start-up and size on the others.
    let mut all = workloads(r);
    let lead = all.iter().position(|w| w.workload == "hello").unwrap_or(0);
    if all.is_empty() {
        return None;
    }
    let first = all.remove(lead);
    blocks.push(Block::Paragraph(
        Text::new().plain("On ").code(first.workload).plain(":"),
    ));
    blocks.push(Block::Table(table(r, &first)));
    if !all.is_empty() {
        blocks.push(Block::Paragraph(Text::from(
            "Start-up and size on the other workloads (isolation, security and portability are \
             the same for every workload; the start-up includes the workload's own run):",
        )));
        blocks.push(Block::Table(others(&all)));
    }
    if let Some(table) = overhead(r) {
        blocks.push(Block::Paragraph(Text::from(
            "Execute inside the container against the bare twin (the same region, timed by the \
             twin's shim; ratio of medians with its 95% bootstrap interval over processes and \
             iterations):",
        )));
        blocks.push(Block::Table(table));
    }
    Some(Section::new(
        "Containers, native and WebAssembly (the seed's table, measured)",
        blocks,
    ))
}

fn tier(r: &Results, id: &str) -> Option<Tier> {
    r.runtime(id).map(|info| info.tier)
}

fn workloads(r: &Results) -> Vec<Records<'_>> {
    let cold: Vec<(&str, &str, &ColdResult)> = r
        .scenarios
        .iter()
        .filter(|c| c.scenario == Scenario::Cold && c.status == Status::Ok)
        .filter_map(|c| Some((c.runtime.as_str(), c.workload.as_str(), c.cold.as_ref()?)))
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for (id, workload, _) in &cold {
        if tier(r, id) == Some(Tier::Container) && !names.contains(workload) {
            names.push(workload);
        }
    }
    names
        .into_iter()
        .map(|workload| {
            let here = cold.iter().filter(|(_, w, _)| *w == workload);
            let of = |wanted: fn(Option<Tier>) -> bool| {
                here.clone()
                    .filter(|(id, _, _)| wanted(tier(r, id)))
                    .map(|(id, _, c)| (*id, *c))
                    .collect::<Vec<_>>()
            };
            Records {
                workload,
                containers: of(|t| t == Some(Tier::Container)),
                native: of(|t| t == Some(Tier::Native)).first().map(|(_, c)| *c),
                wasm: of(|t| t.is_some_and(Tier::is_wasm)),
            }
        })
        .collect()
}

fn text(s: impl Into<String>) -> Cell {
    Cell::text(Text::from(s.into()))
}

fn none() -> Cell {
    text("not measured in this run")
}

/// "claim: X — measured: Y".
fn claimed(claim: &str, measured: String) -> Cell {
    Cell::text(
        Text::new()
            .plain(format!("claim: {claim} — measured: "))
            .strong(measured),
    )
}

fn latency(c: &ColdResult) -> String {
    format!(
        "{} / {}",
        format_ns(c.first_byte.p50_ns),
        format_ns(c.first_byte.p99_ns)
    )
}

fn table(r: &Results, rec: &Records) -> Table {
    let mut table = Table::new(vec![
        Column::left(""),
        Column::left("Containers"),
        Column::left("Native"),
        Column::left("WebAssembly"),
        Column::left("does the claim hold here?"),
    ])
    .with_caption(&format!("the seed's table on {}", rec.workload));
    let per_container = |f: &dyn Fn(&ColdResult) -> String| {
        rec.containers
            .iter()
            .map(|(id, c)| format!("{} ({id})", f(c)))
            .collect::<Vec<_>>()
            .join("; ")
    };

    // Start-up.
    let mut wasm = rec.wasm.clone();
    wasm.sort_by(|a, b| a.1.first_byte.p50_ns.total_cmp(&b.1.first_byte.p50_ns));
    let fastest_container = rec
        .containers
        .iter()
        .map(|(_, c)| c.first_byte.p50_ns)
        .fold(f64::INFINITY, f64::min);
    let mut verdicts = vec![format!(
        "containers: {} (fastest p50 {})",
        holds(fastest_container >= 1e9, "seconds"),
        format_ns(fastest_container)
    )];
    if let Some((id, c)) = wasm.first() {
        verdicts.push(format!(
            "Wasm: {} (fastest {id} {}, p50 {})",
            holds(c.first_byte.p50_ns < 1e6, "microseconds"),
            c.variant.name(),
            format_ns(c.first_byte.p50_ns)
        ));
        verdicts.push(format!(
            "the fastest Wasm start is {:.1}× faster than the fastest container",
            fastest_container / c.first_byte.p50_ns
        ));
    }
    table.rows.push(Row::new(vec![
        text("Startup time (first byte p50 / p99)"),
        claimed("Seconds", per_container(&latency)),
        rec.native
            .map_or_else(none, |n| claimed("Instant", latency(n))),
        match (wasm.first(), wasm.last()) {
            (Some((fast, f)), Some((slow, s))) => claimed(
                "Microseconds",
                format!(
                    "fastest {fast} ({}) {}; slowest {slow} ({}) {}",
                    f.variant.name(),
                    latency(f),
                    s.variant.name(),
                    latency(s)
                ),
            ),
            _ => none(),
        },
        text(verdicts.join("; ")),
    ]));

    // Image size.
    let image = |c: &ColdResult| {
        c.image.as_ref().map_or("—".into(), |i| {
            format!(
                "{} compressed, {} unpacked",
                format_bytes(i.compressed_bytes),
                format_bytes(i.unpacked_bytes)
            )
        })
    };
    let module = wasm
        .iter()
        .find(|(_, c)| c.variant == Variant::Source)
        .map(|(_, c)| c.loaded_bytes);
    let artifacts: Vec<u64> = wasm
        .iter()
        .filter(|(_, c)| c.variant == Variant::Precompiled)
        .map(|(_, c)| c.loaded_bytes)
        .collect();
    let mut wasm_sizes = Vec::new();
    if let Some(bytes) = module {
        wasm_sizes.push(format!(".wasm {}", format_bytes(bytes)));
    }
    if let (Some(lo), Some(hi)) = (artifacts.iter().min(), artifacts.iter().max()) {
        wasm_sizes.push(format!(
            "precompiled artifacts {}–{}",
            format_bytes(*lo),
            format_bytes(*hi)
        ));
    }
    let within = |bytes: u64, (lo, hi): (f64, f64)| (lo..hi).contains(&(bytes as f64));
    let mut verdicts = Vec::new();
    for (id, c) in &rec.containers {
        if let Some(i) = &c.image {
            verdicts.push(format!(
                "{id}: {}",
                holds(
                    within(i.compressed_bytes, CLAIM_CONTAINER_BYTES)
                        || within(i.unpacked_bytes, CLAIM_CONTAINER_BYTES),
                    "100s MB"
                )
            ));
        }
    }
    if let Some(n) = rec.native {
        verdicts.push(format!(
            "native: {}",
            holds(within(n.loaded_bytes, CLAIM_NATIVE_BYTES), "10s MB")
        ));
    }
    if let Some(bytes) = module {
        verdicts.push(format!(
            "Wasm: {}",
            holds(within(bytes, CLAIM_WASM_BYTES), "KBs to MBs")
        ));
    }
    table.rows.push(Row::new(vec![
        text("Image size"),
        claimed("100s MB", per_container(&image)),
        rec.native.map_or_else(none, |n| {
            claimed("10s MB", format!("{} binary", format_bytes(n.loaded_bytes)))
        }),
        match wasm_sizes.is_empty() {
            true => none(),
            false => claimed("KBs to MBs", wasm_sizes.join("; ")),
        },
        text(verdicts.join("; ")),
    ]));

    // Memory: not in the seed's table, measured beside it.
    let peak = |c: &ColdResult| {
        c.peak_rss
            .as_ref()
            .map_or("—".into(), |m| format_bytes(m.median_bytes as u64))
    };
    let wasm_peaks: Vec<u64> = rec
        .wasm
        .iter()
        .filter_map(|(_, c)| Some(c.peak_rss.as_ref()?.median_bytes as u64))
        .collect();
    table.rows.push(Row::new(vec![
        text("Peak memory (the process that ran it)"),
        text(per_container(&|c| format!("{} in the container", peak(c)))),
        rec.native.map_or_else(none, |n| text(peak(n))),
        match (wasm_peaks.iter().min(), wasm_peaks.iter().max()) {
            (Some(lo), Some(hi)) => text(format!(
                "{}–{} over {} runtime variants",
                format_bytes(*lo),
                format_bytes(*hi),
                wasm_peaks.len()
            )),
            _ => none(),
        },
        text("not in the seed's table; runc's own processes are not counted"),
    ]));

    // Isolation.
    let isolation = |c: &ColdResult| {
        c.isolation.as_ref().map_or("not read".into(), |i| {
            let limits: Vec<String> = i
                .limits
                .iter()
                .map(|(k, v)| format!("{k} {}", limit(v)))
                .collect();
            format!(
                "own {} namespaces; shares {}; root {}; cgroup limits: {}",
                i.namespaces.join(", "),
                if i.shared.is_empty() {
                    "none".into()
                } else {
                    i.shared.join(", ")
                },
                if i.read_only_root {
                    "read-only"
                } else {
                    "writable"
                },
                if limits.is_empty() {
                    "none read".into()
                } else {
                    limits.join(", ")
                }
            )
        })
    };
    table.rows.push(Row::new(vec![
        text("Isolation"),
        claimed("Process", per_container(&isolation)),
        rec.native.map_or_else(none, |_| {
            claimed(
                "None",
                "a child process in the harness's own namespaces, grants as symlinks".into(),
            )
        }),
        sandbox(
            r,
            rec,
            "Sandbox",
            "the runtime's sandbox inside its host process; its guarantees are measured by \
             `wasm-arena conformance` (sandbox suite; `report --conformance DIR` puts them here)",
            |s| (s.passed, s.ran),
            "sandbox suite tests passed",
        ),
        text("containers: processes in their own namespaces, as claimed"),
    ]));

    // Security: the escape probes.
    let escapes = |c: &ColdResult| {
        c.escapes.as_ref().map_or("not run".into(), |e| {
            let reached: Vec<&str> = e
                .iter()
                .filter(|e| e.reached)
                .map(|e| e.probe.as_str())
                .collect();
            format!(
                "{} of {} escape probes reached the host file{}",
                reached.len(),
                e.len(),
                if reached.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", reached.join(", "))
                }
            )
        })
    };
    table.rows.push(Row::new(vec![
        text("Security model (escape probes: absolute path, `..`, symlink)"),
        claimed("OS-level", per_container(&escapes)),
        rec.native
            .map_or_else(none, |n| claimed("Trust", escapes(n))),
        sandbox(
            r,
            rec,
            "Capability-based",
            "the same probes are the sandbox suite's escape_* tests: `wasm-arena conformance \
             --suite sandbox`",
            |s| (s.escapes_passed, s.escapes_ran),
            "escape tests held (the same probes, as Wasm)",
        ),
        text(security_verdict(r, rec)),
    ]));

    // Portability.
    let ran: Vec<&str> = {
        let mut ids: Vec<&str> = r
            .runtimes
            .iter()
            .filter(|info| info.tier.is_wasm())
            .map(|info| info.id.as_str())
            .filter(|id| {
                r.cell(id, rec.workload)
                    .is_some_and(|c| c.status == Status::Ok && c.output_verified)
                    || rec.wasm.iter().any(|(w, _)| w == id)
            })
            .collect();
        ids.dedup();
        ids
    };
    let wasm_ids = r.runtimes.iter().filter(|info| info.tier.is_wasm()).count();
    let triple = format!("{} Linux", r.host.arch);
    table.rows.push(Row::new(vec![
        text("Portability"),
        claimed(
            "Good",
            format!("an image for one platform: linux/{}", r.host.arch),
        ),
        claimed("Poor", format!("one binary built for this host ({triple})")),
        claimed(
            "Excellent",
            format!(
                "{} of {wasm_ids} Wasm runtime ids in this run ran the identical .wasm with its \
                 output checked",
                ran.len()
            ),
        ),
        text(
            "the .wasm ran unchanged on every runtime that passed; the twin and the image are \
              for one platform",
        ),
    ]));
    table
}

/// Per workload: each container's, the native process's and the fastest
/// Wasm id's first byte, and the sizes.
fn others(all: &[Records]) -> Table {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("containers: first byte p50 / p99 · image compressed"),
        Column::left("native"),
        Column::left("fastest Wasm"),
        Column::right("fastest container ÷ fastest Wasm"),
    ]);
    for rec in all {
        let containers = rec
            .containers
            .iter()
            .map(|(id, c)| {
                let size = c
                    .image
                    .as_ref()
                    .map_or("—".into(), |i| format_bytes(i.compressed_bytes));
                format!("{id} {} · {size}", latency(c))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let fastest = rec
            .wasm
            .iter()
            .min_by(|a, b| a.1.first_byte.p50_ns.total_cmp(&b.1.first_byte.p50_ns));
        let container = rec
            .containers
            .iter()
            .map(|(_, c)| c.first_byte.p50_ns)
            .fold(f64::INFINITY, f64::min);
        table.rows.push(Row::new(vec![
            Cell::code(rec.workload),
            text(containers),
            text(rec.native.map_or("—".into(), |n| {
                format!("{} · {} binary", latency(n), format_bytes(n.loaded_bytes))
            })),
            text(fastest.map_or("—".into(), |(id, c)| {
                format!("{id} ({}) {}", c.variant.name(), latency(c))
            })),
            Cell::figure(fastest.map_or("—".into(), |(_, c)| {
                format!("{:.1}×", container / c.first_byte.p50_ns)
            })),
        ]));
    }
    table
}

/// The Wasm column's cell for a sandbox row: each Wasm runtime of this run's
/// rate in the sandbox suite and where the rates come from, or `absent` when
/// no conformance results were given.
fn sandbox(
    r: &Results,
    rec: &Records,
    claim: &str,
    absent: &str,
    pick: fn(&SandboxRate) -> (u32, u32),
    what: &str,
) -> Cell {
    if rec.wasm.is_empty() {
        return none();
    }
    let Some(rates) = &r.sandbox else {
        return claimed(claim, absent.into());
    };
    let per: Vec<String> = rates
        .runtimes
        .iter()
        .filter(|s| r.runtime(&s.runtime).is_some())
        .map(|s| {
            let (passed, ran) = pick(s);
            format!("{} {passed}/{ran}", s.runtime)
        })
        .collect();
    let measured = format!(
        "{what}: {} (conformance run of {} in {})",
        if per.is_empty() {
            "none of this run's runtimes".to_string()
        } else {
            per.join(", ")
        },
        rates.measured_at.format("%Y-%m-%d"),
        rates.source
    );
    claimed(claim, measured)
}

/// A cgroup limit as written, or "unlimited" for the values that mean none.
fn limit(value: &str) -> String {
    let unlimited = value == "max"
        || value == "-1"
        || value.starts_with("max ")
        || value.parse::<u64>().is_ok_and(|v| v >= 1 << 62);
    match unlimited {
        true => "unlimited".into(),
        false => value.into(),
    }
}

fn holds(yes: bool, claim: &str) -> String {
    match yes {
        true => format!("yes, {claim}"),
        false => format!("no, not {claim}"),
    }
}

fn security_verdict(r: &Results, rec: &Records) -> String {
    let reached = |c: &ColdResult| {
        c.escapes
            .as_ref()
            .map(|e| e.iter().filter(|e| e.reached).count())
    };
    let mut said = Vec::new();
    if let Some(n) = rec.native.and_then(reached) {
        said.push(match n {
            0 => "native: no probe reached the host (unexpected for unsandboxed code)".to_string(),
            n => format!("native: {n} probes reached the host, as trust implies"),
        });
    }
    for (id, c) in &rec.containers {
        if let Some(n) = reached(c) {
            said.push(match n {
                0 => format!("{id}: the container kept every probe in"),
                n => format!("{id}: {n} probes got out"),
            });
        }
    }
    if let Some(rates) = &r.sandbox {
        let mine: Vec<&SandboxRate> = rates
            .runtimes
            .iter()
            .filter(|s| r.runtime(&s.runtime).is_some() && s.escapes_ran > 0)
            .collect();
        let leaky: Vec<&str> = mine
            .iter()
            .filter(|s| s.escapes_passed < s.escapes_ran)
            .map(|s| s.runtime.as_str())
            .collect();
        said.push(match leaky.is_empty() {
            true => format!("Wasm: all {} runtimes held every escape test", mine.len()),
            false => format!(
                "Wasm: {} of {} runtimes held every escape test; not {} (see the conformance \
                 report)",
                mine.len() - leaky.len(),
                mine.len(),
                leaky.join(", ")
            ),
        });
    }
    said.join("; ")
}

/// Execute inside each container against the bare twin, per workload: the
/// ratio of medians with its 95% hierarchical bootstrap interval.
fn overhead(r: &Results) -> Option<Table> {
    let mut table = Table::new(vec![
        Column::left("workload"),
        Column::left("runtime"),
        Column::right("execute (median [95% CI])"),
        Column::right("native"),
        Column::right("ratio [95% CI]"),
    ])
    .with_caption("Execute inside the container against the bare twin");
    for workload in &r.workloads {
        let Some(native) = r
            .cell(NATIVE, &workload.id)
            .filter(|c| c.status == Status::Ok)
        else {
            continue;
        };
        for info in r.runtimes.iter().filter(|i| i.tier == Tier::Container) {
            let Some(cell) = r
                .cell(&info.id, &workload.id)
                .filter(|c| c.status == Status::Ok)
            else {
                continue;
            };
            let (Some(base), Some(current)) = (
                native.phases.get(&Phase::Execute),
                cell.phases.get(&Phase::Execute),
            ) else {
                continue;
            };
            let (Some(b), Some(c)) = (
                Metric::Execute.samples(native),
                Metric::Execute.samples(cell),
            ) else {
                continue;
            };
            let ratio = bootstrap::by_process(&b.values, &b.per_process)
                .zip(bootstrap::by_process(&c.values, &c.per_process))
                .and_then(|(b, c)| {
                    bootstrap::ratio_of_medians(&b, &c, 0.95, 2_000, r.settings.seed)
                });
            table.rows.push(Row::new(vec![
                Cell::code(&workload.id),
                Cell::code(&info.id),
                Cell::figure(format_median_ci(current)),
                Cell::figure(format_median_ci(base)),
                Cell::figure(ratio.map_or("—".into(), |x| match x.interval {
                    Some([lo, hi]) => format!("{:.3} [{lo:.3}–{hi:.3}]", x.ratio),
                    None => format!("{:.3}", x.ratio),
                })),
            ]));
        }
    }
    (!table.rows.is_empty()).then_some(table)
}
