//! The workload catalog (`workloads/catalog.toml`) and the resolution of
//! `--workload` arguments into workloads: catalog ids or paths to `.wasm` files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use wasm_arena_adapters::{Limits, Preopen, StdinEnd, WasiSpec};

use crate::verify::{Expectation, ExpectedBytes};

/// Which size of a workload to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// Well under 50 ms natively: what tests use.
    Small,
    /// 0.2-2 s natively: what reports use.
    Default,
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Size::Small => "small",
            Size::Default => "default",
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    workload: Vec<Entry>,
}

/// One workload as the catalog describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub category: String,
    pub language: String,
    pub description: String,
    wasm: PathBuf,
    /// The source the `.wasm` is built from (by `scripts/build-workloads.sh`).
    pub source: Option<PathBuf>,
    /// A directory granted read-only as `/input`.
    input: Option<PathBuf>,
    /// More directories granted read-only, guest path = host path (relative
    /// to the catalog file): a program that wants its data at a fixed path.
    #[serde(default)]
    dirs: BTreeMap<String, PathBuf>,
    /// A file the guest reads on stdin.
    stdin: Option<PathBuf>,
    #[serde(default)]
    output: bool,
    #[serde(default)]
    env: BTreeMap<String, String>,
    /// A plugin workload (a WASI reactor the host calls): the first call's
    /// input; each size says how many `calls`.
    plugin_input: Option<PathBuf>,
    /// The same program as a WASI 0.2 command component (built from `wasm`
    /// by the build script): the catalog then has a workload `<id>-p2` too,
    /// the same in all but its binary, so a report shows what moving from
    /// preview 1 to 0.2 costs.
    component: Option<PathBuf>,
    /// For a third-party module that is not shipped: the command that fetches it.
    pub fetch: Option<String>,
    /// Longest one iteration may take, compile included, when that is more
    /// than the run's `--timeout` (a module whose compile takes minutes).
    timeout_s: Option<f64>,
    repetitions: Option<Repetitions>,
    sizes: BTreeMap<Size, SizeEntry>,
    /// The directory of the catalog file this entry came from: its paths
    /// are relative to it.
    #[serde(skip)]
    base: PathBuf,
}

/// The most repetitions a workload gets, whatever the run asks: for modules
/// that take minutes and gigabytes to compile on every iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repetitions {
    pub processes: u32,
    pub iterations: u32,
    pub warmup: u32,
}

impl Repetitions {
    /// Each count the smaller of the two.
    pub fn capped(self, cap: Option<Repetitions>) -> Repetitions {
        let Some(cap) = cap else { return self };
        Repetitions {
            processes: self.processes.min(cap.processes),
            iterations: self.iterations.min(cap.iterations),
            warmup: self.warmup.min(cap.warmup),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SizeEntry {
    args: Vec<String>,
    #[serde(default)]
    exit_code: i32,
    stdout: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
    calls: Option<u32>,
}

pub struct Catalog {
    entries: Vec<Entry>,
}

/// Where a workload came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Catalog,
    /// A `.wasm` path given on the command line: only its exit code is checked.
    File,
}

/// A workload ready to run at one size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    pub id: String,
    pub category: String,
    pub language: Option<String>,
    pub description: String,
    pub origin: Origin,
    pub wasm: PathBuf,
    /// `argv`, `argv[0]` included.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Host directories granted to the guest (`/input` among them).
    pub dirs: Vec<Preopen>,
    /// What the guest reads on stdin.
    #[serde(default)]
    pub stdin: Vec<u8>,
    /// Whether a fresh `/output` directory is preopened.
    pub output: bool,
    pub expect: Expectation,
    /// Set for a plugin workload: the host calls its exports instead of `_start`.
    #[serde(default)]
    pub plugin: Option<PluginSpec>,
    /// Set for a third-party module that is not shipped: how to fetch it.
    #[serde(default)]
    pub fetch: Option<String>,
    /// Longest one iteration may take, compile included, if over `--timeout`.
    #[serde(default)]
    pub timeout_s: Option<f64>,
    /// Caps on the run's processes, iterations and warm-ups.
    #[serde(default)]
    pub repetitions: Option<Repetitions>,
}

/// How the host drives a plugin workload (see [`wasm_arena_adapters::PluginCalls`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginSpec {
    /// File holding the first call's input.
    pub input: PathBuf,
    pub calls: u32,
}

impl Workload {
    /// A fetched module that is not there: its cells are `unavailable`.
    pub fn unavailable(&self) -> Option<String> {
        let fetch = self.fetch.as_ref()?;
        (!self.wasm.exists()).then(|| {
            format!(
                "{} has not been fetched (it is third-party and never committed): run `{fetch}`",
                self.wasm.display()
            )
        })
    }
}

/// Where a workload's directories appear in the guest.
pub const INPUT_DIR: &str = "/input";
pub const OUTPUT_DIR: &str = "/output";

/// Grants `host`, a fresh empty directory, read-write as the guest's `/output`.
pub fn output_preopen(host: &Path) -> Preopen {
    Preopen {
        host: host.to_path_buf(),
        guest: OUTPUT_DIR.into(),
        read_only: false,
    }
}

impl Workload {
    /// What the workload is granted: its args, env, directories and stdin;
    /// `/output` is added per iteration by whoever runs it.
    pub fn wasi(&self, limits: Limits) -> WasiSpec {
        WasiSpec {
            args: self.args.clone(),
            env: self.env.clone(),
            preopens: self.dirs.clone(),
            stdin: self.stdin.clone(),
            stdin_end: StdinEnd::Eof,
            limits,
        }
    }

    /// Gives a `.wasm` named by path what the user said it needs (`run
    /// --arg/--env/--dir/--stdin/--expect-*`); catalog workloads keep theirs.
    pub fn configure(&mut self, user: &UserModule) {
        if self.origin != Origin::File {
            return;
        }
        self.args.extend(user.args.iter().cloned());
        self.env = user.env.clone();
        self.dirs = user.dirs.clone();
        self.stdin = user.stdin.clone();
        self.expect = user.expect.clone();
    }
}

/// What a user's own module needs to run, given on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct UserModule {
    /// Arguments after `argv[0]` (the file's name).
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub dirs: Vec<Preopen>,
    pub stdin: Vec<u8>,
    pub expect: Expectation,
}

impl UserModule {
    /// Whether any of it was given (it needs a `.wasm` path to apply to).
    pub fn is_set(&self) -> bool {
        *self
            != UserModule {
                args: Vec::new(),
                env: Vec::new(),
                dirs: Vec::new(),
                stdin: Vec::new(),
                expect: Expectation::exit_zero(),
            }
    }
}

/// Parses `HOST::GUEST` or `HOST::GUEST::ro`; the host directory must exist.
pub fn parse_dir(mapping: &str) -> Result<Preopen> {
    let parts: Vec<&str> = mapping.split("::").collect();
    let (host, guest, read_only) = match parts[..] {
        [host, guest] => (host, guest, false),
        [host, guest, "ro"] => (host, guest, true),
        _ => bail!("--dir {mapping}: expected HOST::GUEST or HOST::GUEST::ro"),
    };
    if host.is_empty() || !guest.starts_with('/') {
        bail!("--dir {mapping}: expected a host directory and an absolute guest path (/data)");
    }
    let host = Path::new(host)
        .canonicalize()
        .with_context(|| format!("--dir {mapping}: cannot open the host directory {host}"))?;
    if !host.is_dir() {
        bail!("--dir {mapping}: {} is not a directory", host.display());
    }
    Ok(Preopen {
        host,
        guest: guest.into(),
        read_only,
    })
}

impl Catalog {
    /// The catalog shipped with the source tree.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("WASM_ARENA_WORKLOADS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads"))
    }

    /// The catalog of a workloads directory (its `catalog.toml`).
    pub fn load(dir: &Path) -> Result<Catalog> {
        Ok(Catalog {
            entries: entries(&dir.join("catalog.toml"))?,
        })
    }

    /// Adds a user's catalog file, in the same format; its paths are
    /// relative to it. An id the catalog has already is refused.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let added = entries(path)?;
        for entry in &added {
            if self.entries.iter().any(|e| e.id == entry.id) {
                bail!(
                    "workload `{}` in {} is already in the catalog: give it another id",
                    entry.id,
                    path.display()
                );
            }
        }
        self.entries.extend(added);
        Ok(())
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn ids(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.id.as_str()).collect()
    }

    /// Describes the arguments of each size, for listings.
    pub fn size_args(entry: &Entry, size: Size) -> String {
        entry
            .sizes
            .get(&size)
            .map(|s| match s.calls {
                Some(calls) => format!("{calls} calls"),
                None => s.args.join(" "),
            })
            .unwrap_or_default()
    }

    /// Resolves `--workload` items and `--category` names into workloads, in
    /// the order given, each once; nothing named means the whole catalog.
    /// A workload item is a catalog id or a path to a `.wasm` file (anything
    /// with a `/` or ending in `.wasm`); a path that does not exist still
    /// resolves, and its cell then fails with the reason.
    pub fn select(
        &self,
        items: &[String],
        categories: &[String],
        size: Size,
    ) -> Result<Vec<Workload>, Unknown> {
        if items.is_empty() && categories.is_empty() {
            return Ok(self.all(size));
        }
        let mut workloads = self.resolve(items, size)?;
        let valid: Vec<String> = self.categories();
        let unknown: Vec<String> = categories
            .iter()
            .filter(|c| !valid.contains(c))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(Unknown {
                what: "category",
                unknown,
                valid,
            });
        }
        for entry in self
            .entries
            .iter()
            .filter(|e| categories.contains(&e.category))
        {
            if !workloads.iter().any(|w| w.id == entry.id) {
                workloads.push(self.workload(entry, size));
            }
        }
        Ok(workloads)
    }

    /// The catalog's categories, in catalog order.
    pub fn categories(&self) -> Vec<String> {
        let mut categories: Vec<String> = Vec::new();
        for e in &self.entries {
            if !categories.contains(&e.category) {
                categories.push(e.category.clone());
            }
        }
        categories
    }

    fn resolve(&self, items: &[String], size: Size) -> Result<Vec<Workload>, Unknown> {
        let mut unknown = Vec::new();
        let mut workloads = Vec::new();
        for item in items {
            // Naming a workload twice measures it once: ids name report rows.
            if workloads.iter().any(|w: &Workload| &w.id == item) {
                continue;
            }
            if let Some(entry) = self.entries.iter().find(|e| &e.id == item) {
                workloads.push(self.workload(entry, size));
            } else if item.contains('/') || item.ends_with(".wasm") {
                workloads.push(file_workload(item));
            } else {
                unknown.push(item.clone());
            }
        }
        if unknown.is_empty() {
            Ok(workloads)
        } else {
            let valid = self.ids().iter().map(|s| s.to_string()).collect();
            Err(Unknown {
                what: "workload id",
                unknown,
                valid,
            })
        }
    }

    pub fn all(&self, size: Size) -> Vec<Workload> {
        self.entries
            .iter()
            .map(|e| self.workload(e, size))
            .collect()
    }

    fn workload(&self, entry: &Entry, size: Size) -> Workload {
        let sized = &entry.sizes[&size];
        let argv0 = entry
            .wasm
            .file_name()
            .map_or(entry.id.clone(), |n| n.to_string_lossy().into_owned());
        Workload {
            id: entry.id.clone(),
            category: entry.category.clone(),
            language: Some(entry.language.clone()),
            description: entry.description.clone(),
            origin: Origin::Catalog,
            wasm: entry.base.join(&entry.wasm),
            args: std::iter::once(argv0)
                .chain(sized.args.iter().cloned())
                .collect(),
            env: entry
                .env
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            dirs: entry
                .input
                .iter()
                .map(|host| (INPUT_DIR, host))
                .chain(
                    entry
                        .dirs
                        .iter()
                        .map(|(guest, host)| (guest.as_str(), host)),
                )
                .map(|(guest, host)| Preopen {
                    host: entry.base.join(host),
                    guest: guest.into(),
                    read_only: true,
                })
                .collect(),
            stdin: entry
                .stdin
                .as_ref()
                .and_then(|file| std::fs::read(entry.base.join(file)).ok())
                .unwrap_or_default(),
            output: entry.output,
            expect: Expectation {
                exit_code: sized.exit_code,
                stdout: sized.stdout.clone().map(ExpectedBytes::from),
                files: sized
                    .files
                    .iter()
                    .map(|(k, v)| (k.clone(), ExpectedBytes::from(v.clone())))
                    .collect(),
            },
            plugin: entry
                .plugin_input
                .as_ref()
                .zip(sized.calls)
                .map(|(input, calls)| PluginSpec {
                    input: entry.base.join(input),
                    calls,
                }),
            fetch: entry.fetch.clone(),
            timeout_s: entry.timeout_s,
            repetitions: entry.repetitions,
        }
    }
}

/// The entries of one catalog file, checked, with their base directory set.
fn entries(path: &Path) -> Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the workload catalog {}", path.display()))?;
    let mut file: CatalogFile = toml::from_str(&text)
        .with_context(|| format!("invalid workload catalog {}", path.display()))?;
    let base = path
        .parent()
        .unwrap_or(Path::new("."))
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", path.display()))?;
    for entry in &file.workload {
        for size in [Size::Small, Size::Default] {
            let Some(sized) = entry.sizes.get(&size) else {
                bail!(
                    "workload `{}` in {} has no `{size}` size",
                    entry.id,
                    path.display()
                );
            };
            if entry.plugin_input.is_some() != sized.calls.is_some() {
                bail!(
                    "workload `{}` in {}: a plugin workload needs `plugin_input` and \
                     `calls` in every size; no other workload may have them",
                    entry.id,
                    path.display()
                );
            }
        }
    }
    let path = path.display();
    for entry in &mut file.workload {
        entry.base = base.clone();
        if let Some(stdin) = &entry.stdin {
            let file = base.join(stdin);
            if !file.is_file() {
                bail!(
                    "workload `{}` in {path}: its stdin file {} does not exist",
                    entry.id,
                    file.display()
                );
            }
        }
        for (guest, host) in &entry.dirs {
            let dir = base.join(host);
            if !guest.starts_with('/') || !dir.is_dir() {
                bail!(
                    "workload `{}` in {path}: `dirs` maps an absolute guest path to a \
                     directory, and {guest} = {} is not",
                    entry.id,
                    dir.display()
                );
            }
        }
    }
    let twins: Vec<Entry> = file
        .workload
        .iter()
        .filter_map(|entry| {
            let component = entry.component.clone()?;
            Some(Entry {
                id: format!("{}-p2", entry.id),
                description: format!("{}; as a WASI 0.2 component", entry.description),
                wasm: component,
                component: None,
                ..entry.clone()
            })
        })
        .collect();
    file.workload.extend(twins);
    Ok(file.workload)
}

fn file_workload(path: &str) -> Workload {
    let wasm = Path::new(path);
    let argv0 = wasm
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().into_owned());
    Workload {
        id: path.to_string(),
        category: "file".into(),
        language: None,
        description: format!("user module {path}"),
        origin: Origin::File,
        wasm: std::path::absolute(wasm).unwrap_or_else(|_| wasm.to_path_buf()),
        args: vec![argv0],
        env: Vec::new(),
        dirs: Vec::new(),
        stdin: Vec::new(),
        output: false,
        expect: Expectation::exit_zero(),
        plugin: None,
        fetch: None,
        timeout_s: None,
        repetitions: None,
    }
}

/// `--workload` or `--category` named something the catalog does not have.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what}(s): {}; valid: {}{}", unknown.join(", "), valid.join(", "),
    if *what == "workload id" { " (or a path to a .wasm file)" } else { "" })]
pub struct Unknown {
    pub what: &'static str,
    pub unknown: Vec<String>,
    pub valid: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(&Catalog::default_dir()).expect("the shipped catalog loads")
    }

    #[test]
    fn shipped_catalog_has_the_starter_workloads_and_their_files() {
        let c = catalog();
        for id in ["empty", "sha256", "fannkuch", "wordfreq"] {
            let w = &c.select(&[id.to_string()], &[], Size::Small).unwrap()[0];
            assert!(w.wasm.is_file(), "{} missing", w.wasm.display());
            assert_eq!(w.origin, Origin::Catalog);
        }
        let languages: Vec<_> = c.entries().iter().map(|e| e.language.as_str()).collect();
        assert!(languages.contains(&"c") && languages.contains(&"rust"));
    }

    #[test]
    fn sizes_change_arguments_and_expectations() {
        let c = catalog();
        let small = &c.select(&["sha256".into()], &[], Size::Small).unwrap()[0];
        let default = &c.select(&["sha256".into()], &[], Size::Default).unwrap()[0];
        assert_eq!(small.args, ["sha256.wasm", "2"]);
        assert_ne!(small.args, default.args);
        assert_ne!(small.expect, default.expect);
    }

    #[test]
    fn a_dir_mapping_is_host_guest_and_an_optional_ro() {
        let here = Catalog::default_dir();
        let text = here.display();
        let rw = parse_dir(&format!("{text}::/share")).unwrap();
        assert_eq!(
            (rw.guest.as_str(), rw.read_only, rw.host.is_absolute()),
            ("/share", false, true)
        );
        assert!(parse_dir(&format!("{text}::/share::ro")).unwrap().read_only);
        for bad in [
            format!("{text}:/share"),
            format!("{text}::share"),
            format!("{text}::/share::rw"),
            "::/share".to_string(),
        ] {
            let error = parse_dir(&bad).unwrap_err().to_string();
            assert!(error.contains(&format!("--dir {bad}")), "{error}");
        }
        let missing = parse_dir("/no/such/dir::/data").unwrap_err();
        assert!(format!("{missing:#}").contains("cannot open the host directory /no/such/dir"));
    }

    #[test]
    fn a_user_module_gets_what_it_was_given_and_catalog_workloads_keep_theirs() {
        let c = catalog();
        let mut selected = c
            .select(&["hello".into(), "my/tool.wasm".into()], &[], Size::Small)
            .unwrap();
        let user = UserModule {
            args: vec!["--fast".into()],
            env: vec![("LANG".into(), "C".into())],
            dirs: vec![
                parse_dir(&format!("{}::/share::ro", Catalog::default_dir().display())).unwrap(),
            ],
            stdin: b"in".to_vec(),
            expect: Expectation {
                exit_code: 3,
                stdout: Some(ExpectedBytes::from("sha256:AB".to_string())),
                files: BTreeMap::new(),
            },
        };
        assert!(user.is_set());
        let hello = selected[0].clone();
        for w in &mut selected {
            w.configure(&user);
        }
        assert_eq!(selected[0], hello, "a catalog workload keeps its own");
        let tool = &selected[1];
        assert_eq!(tool.args, ["tool.wasm", "--fast"]);
        let wasi = tool.wasi(Limits::default());
        assert_eq!(wasi.env, user.env);
        assert_eq!(wasi.preopens, user.dirs);
        assert_eq!(wasi.stdin, b"in");
        assert_eq!(tool.expect.stdout, Some(ExpectedBytes::Sha256("ab".into())));
    }

    #[test]
    fn a_user_catalog_joins_unless_it_reuses_an_id() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |id: &str| {
            format!(
                "[[workload]]\nid = \"{id}\"\ncategory = \"mine\"\nlanguage = \"c\"\n\
                 description = \"d\"\nwasm = \"m.wasm\"\ndirs = {{ \"/share\" = \".\" }}\n\
                 sizes.small = {{ args = [\"x\"] }}\nsizes.default = {{ args = [] }}\n"
            )
        };
        let mine = dir.path().join("mine.toml");
        std::fs::write(&mine, entry("mine")).unwrap();
        let mut c = catalog();
        c.add_file(&mine).unwrap();
        let w = &c.select(&["mine".into()], &[], Size::Small).unwrap()[0];
        let base = dir.path().canonicalize().unwrap();
        assert_eq!(w.wasm, base.join("m.wasm"), "relative to the file");
        assert_eq!(w.dirs[0].guest, "/share");
        assert_eq!(w.dirs[0].host, base.join("."));
        let reused = dir.path().join("reused.toml");
        std::fs::write(&reused, entry("sha256")).unwrap();
        let error = c.add_file(&reused).unwrap_err().to_string();
        assert!(
            error.contains("`sha256`") && error.contains("already in the catalog"),
            "{error}"
        );
    }

    #[test]
    fn paths_resolve_to_file_workloads_even_when_missing() {
        let w = &catalog()
            .select(&["no/such/module.wasm".into()], &[], Size::Small)
            .unwrap()[0];
        assert_eq!(w.origin, Origin::File);
        assert_eq!(w.args, ["module.wasm"]);
        assert_eq!(w.expect, Expectation::exit_zero());
    }

    #[test]
    fn a_workload_named_twice_is_measured_once() {
        let items = ["sha256", "empty", "sha256"].map(String::from);
        let ids: Vec<String> = catalog()
            .resolve(&items, Size::Small)
            .unwrap()
            .into_iter()
            .map(|w| w.id)
            .collect();
        assert_eq!(ids, ["sha256", "empty"]);
    }

    #[test]
    fn categories_add_their_workloads_after_named_ones() {
        let c = catalog();
        let ids = |w: Vec<Workload>| w.into_iter().map(|w| w.id).collect::<Vec<_>>();
        let compute = ids(c.select(&[], &["compute".into()], Size::Small).unwrap());
        assert_eq!(compute[..2], ["sha256", "fannkuch"]);
        assert!(
            compute.len() >= 10 && compute.contains(&"matmul-simd".to_string()),
            "{compute:?}"
        );
        let mixed = ids(c
            .select(
                &["fannkuch".into(), "empty".into()],
                &["compute".into()],
                Size::Small,
            )
            .unwrap());
        assert_eq!(mixed[..3], ["fannkuch", "empty", "sha256"]);
        assert_eq!(mixed.len(), compute.len() + 1, "fannkuch once: {mixed:?}");
        let err = c.select(&[], &["gpu".into()], Size::Small).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown category(s): gpu; valid: startup, compute, wasi-io, edge, plugin, data, real-world"
        );
        assert_eq!(
            c.select(&[], &[], Size::Small).unwrap().len(),
            c.entries().len()
        );
    }

    #[test]
    fn unknown_ids_list_the_valid_ones() {
        let err = catalog()
            .select(&["sha256".into(), "sha265".into()], &[], Size::Small)
            .unwrap_err();
        assert_eq!(err.unknown, ["sha265"]);
        assert!(
            err.to_string()
                .contains("valid: empty, hello, large, sha256"),
            "{err}"
        );
    }

    #[test]
    fn plugin_workloads_carry_their_input_and_calls_per_size() {
        let c = catalog();
        let pick = |size| {
            c.select(&["plugin".into()], &[], size).unwrap()[0]
                .plugin
                .clone()
                .expect("plugin spec")
        };
        let (small, default) = (pick(Size::Small), pick(Size::Default));
        assert!(small.input.ends_with("inputs/plugin/request.json") && small.input.is_file());
        assert!(small.calls < default.calls);
    }

    #[test]
    fn a_plugin_input_without_calls_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("catalog.toml"),
            "[[workload]]\nid='p'\ncategory='plugin'\nlanguage='c'\ndescription='d'\nwasm='p.wasm'\n\
             plugin_input='in.json'\nsizes.small={args=[], calls=3}\nsizes.default={args=[]}\n",
        )
        .unwrap();
        let err = Catalog::load(dir.path()).err().unwrap();
        assert!(
            format!("{err:#}").contains("needs `plugin_input` and `calls` in every size"),
            "{err:#}"
        );
    }

    #[test]
    fn repetitions_are_capped_count_by_count() {
        let asked = Repetitions {
            processes: 3,
            iterations: 5,
            warmup: 1,
        };
        let cap = Repetitions {
            processes: 1,
            iterations: 10,
            warmup: 0,
        };
        assert_eq!(asked.capped(None), asked);
        assert_eq!(
            asked.capped(Some(cap)),
            Repetitions {
                processes: 1,
                iterations: 5,
                warmup: 0
            }
        );
    }

    #[test]
    fn a_catalog_missing_a_size_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("catalog.toml"),
            "[[workload]]\nid='x'\ncategory='compute'\nlanguage='c'\ndescription='d'\nwasm='x.wasm'\nsizes.small={args=[]}\n",
        )
        .unwrap();
        let err = Catalog::load(dir.path()).err().unwrap();
        assert!(
            format!("{err:#}").contains("has no `default` size"),
            "{err:#}"
        );
    }
}
