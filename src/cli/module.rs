//! `run`'s options for a user's own modules: what a `.wasm` given by path
//! to `--workload` needs (arguments, environment, directories, stdin) and
//! what it must produce, and `--catalog` files whose entries join the
//! built-in workloads.

use std::path::PathBuf;

use wasm_arena_harness::catalog::{self, Catalog, UserModule, Workload};
use wasm_arena_harness::verify::{Expectation, ExpectedBytes};

use super::exit::{Classify, Error};

#[derive(clap::Args)]
pub struct ModuleArgs {
    /// A workloads catalog of your own, in workloads/catalog.toml's format
    /// (paths relative to the file); its workloads join the built-in ones.
    /// Repeatable.
    #[arg(long = "catalog", value_name = "FILE.toml")]
    catalogs: Vec<PathBuf>,
    /// An argument for a .wasm given by path (after its argv[0], the file's
    /// name). Repeatable; arguments after `--` are added too.
    #[arg(long = "arg", value_name = "ARG", allow_hyphen_values = true)]
    args: Vec<String>,
    /// An environment variable for a .wasm given by path. Repeatable.
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// A host directory granted to a .wasm given by path, at a guest path;
    /// `::ro` grants it read-only. Repeatable.
    #[arg(long = "dir", value_name = "HOST::GUEST[::ro]")]
    dirs: Vec<String>,
    /// A file a .wasm given by path reads on stdin.
    #[arg(long, value_name = "FILE")]
    stdin: Option<PathBuf>,
    /// What a .wasm given by path must print on stdout: exact text, or
    /// `sha256:HEX` of it.
    #[arg(long, value_name = "TEXT", conflicts_with = "expect_stdout_file")]
    expect_stdout: Option<String>,
    /// A file holding exactly what a .wasm given by path must print on stdout.
    #[arg(long, value_name = "FILE")]
    expect_stdout_file: Option<PathBuf>,
    /// The exit code a .wasm given by path must end with.
    #[arg(long, default_value_t = 0)]
    expect_exit: i32,
    /// Arguments for a .wasm given by path, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    trailing: Vec<String>,
}

impl ModuleArgs {
    /// Adds the user's catalogs to the built-in one.
    pub fn extend(&self, catalog: &mut Catalog) -> Result<(), Error> {
        for file in &self.catalogs {
            catalog.add_file(file).usage()?;
        }
        Ok(())
    }

    /// Gives each `.wasm` named by path what the options say; refuses them
    /// when no workload is such a file, since they would do nothing.
    pub fn configure(&self, workloads: &mut [Workload]) -> Result<(), Error> {
        let user = self.user_module()?;
        if !user.is_set() {
            return Ok(());
        }
        let mut files = workloads
            .iter_mut()
            .filter(|w| w.origin == catalog::Origin::File)
            .peekable();
        if files.peek().is_none() {
            return Err(Error::usage(
                "--arg, --env, --dir, --stdin and --expect-* are for a .wasm given by path to \
                 --workload; catalog workloads have their own (use --catalog for your own entries)",
            ));
        }
        for workload in files {
            workload.configure(&user);
        }
        Ok(())
    }

    fn user_module(&self) -> Result<UserModule, Error> {
        let env = self
            .env
            .iter()
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) if !key.is_empty() => Ok((key.into(), value.into())),
                _ => Err(Error::usage(format!("--env {pair}: expected KEY=VALUE"))),
            })
            .collect::<Result<_, _>>()?;
        let dirs = self
            .dirs
            .iter()
            .map(|mapping| catalog::parse_dir(mapping).usage())
            .collect::<Result<_, _>>()?;
        let read = |path: &PathBuf, what: &str| {
            std::fs::read(path).map_err(|e| {
                Error::usage(format!("--{what} {}: cannot read it: {e}", path.display()))
            })
        };
        let stdin = match &self.stdin {
            Some(path) => read(path, "stdin")?,
            None => Vec::new(),
        };
        let stdout = match (&self.expect_stdout, &self.expect_stdout_file) {
            (Some(text), _) => Some(ExpectedBytes::from(text.clone())),
            (None, Some(path)) => {
                let bytes = read(path, "expect-stdout-file")?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::usage(format!(
                        "--expect-stdout-file {}: not UTF-8 text; give `--expect-stdout \
                         sha256:HEX` instead",
                        path.display()
                    ))
                })?;
                Some(ExpectedBytes::Text(text))
            }
            (None, None) => None,
        };
        Ok(UserModule {
            args: self.args.iter().chain(&self.trailing).cloned().collect(),
            env,
            dirs,
            stdin,
            expect: Expectation {
                exit_code: self.expect_exit,
                stdout,
                files: Default::default(),
            },
        })
    }
}
