//! `wasm-arena`: compare WebAssembly runtimes on shared WASI workloads.
//! This file parses the command line and turns each subcommand's result into
//! the exit status; the subcommands live in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Command, exit};

#[derive(Parser)]
#[command(name = "wasm-arena", version, about, long_about = None, after_help = exit::help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    wasm_arena_engines::link();
    let result = match Cli::parse().command {
        Command::List(args) => cli::list::execute(args),
        Command::Run(args) => cli::run::execute(*args),
        Command::Conformance(args) => cli::conformance::execute(args),
        Command::Report(args) => cli::report::execute(args),
        Command::Merge(args) => cli::merge::execute(args),
        Command::History(args) => cli::history::execute(args),
        Command::Compare(args) => cli::compare::execute(args),
        Command::Recommend(args) => cli::recommend::execute(args),
        Command::Worker => cli::worker::execute(),
    };
    exit::status(result)
}
