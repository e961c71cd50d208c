//! WasmEdge's error log: off except while a guest runs, and what the adapter
//! reads in the lines it logged then. WasmEdge says no more than its error
//! code when a call fails: the log says in which function and where it
//! trapped, and whether the memory cap refused a grow.

use std::sync::Mutex;

use wasmedge_sdk::LogManager;
use wasmedge_sdk::error::WasmEdgeError;

use wasm_arena_adapters::guest;

/// How WasmEdge words the log line of a `memory.grow` its page limit refused
/// (0.14: "Memory Instance: Memory grow page failed, exceeded limited N page
/// size in configuration."). Only that refusal logs it: growth past the
/// module's own maximum fails silently.
const GROW_REFUSED: &str = "grow page failed";

/// How many runs have WasmEdge's log on. WasmEdge logs through spdlog to the
/// process's stdout and stderr, which outside runs are the harness's own; so
/// the log is off except while a guest runs, when it goes to the captured
/// stdio and is taken out of it (it says when the memory cap refused a grow).
static LOGGING_RUNS: Mutex<usize> = Mutex::new(0);

/// Turns the log off unless a run has it on.
pub(crate) fn quiet_log() {
    let runs = LOGGING_RUNS.lock().unwrap_or_else(|e| e.into_inner());
    if *runs == 0 {
        LogManager::log_off();
    }
}

/// WasmEdge's error log on while it lives.
pub(crate) struct LogWindow;

impl LogWindow {
    pub(crate) fn open() -> LogWindow {
        let mut runs = LOGGING_RUNS.lock().unwrap_or_else(|e| e.into_inner());
        if *runs == 0 {
            LogManager::log_error_info();
        }
        *runs += 1;
        LogWindow
    }
}

impl Drop for LogWindow {
    fn drop(&mut self) {
        let mut runs = LOGGING_RUNS.lock().unwrap_or_else(|e| e.into_inner());
        *runs -= 1;
        if *runs == 0 {
            LogManager::log_off();
        }
    }
}

/// Whether WasmEdge logged refusing a `memory.grow` past its page limit.
pub(crate) fn grow_refused(log: &[String]) -> bool {
    log.iter().any(|line| line.contains(GROW_REFUSED))
}

/// `error` with what `log` says of it; `refused`: the least size the memory
/// cap refused before it.
pub(crate) fn trap_message(error: &WasmEdgeError, log: &[String], refused: Option<u64>) -> String {
    let mut message = error.to_string();
    // WasmEdge logs the function a trap happened in.
    let function = log.iter().find_map(|line| {
        let (_, name) = line.split_once("When executing function name: ")?;
        Some(name.trim().trim_matches('"').to_string())
    });
    if let Some(name) = function.filter(|n| !n.is_empty()) {
        message.push_str(&format!(" in `{name}`"));
    }
    // The interpreter logs where in the code section it trapped.
    let at = log.iter().find_map(|line| {
        let (_, offset) = line.split_once("Bytecode offset: ")?;
        Some(offset.trim().to_string())
    });
    if let Some(offset) = at {
        message.push_str(&format!(" at bytecode offset {offset}"));
    }
    if let Some(bytes) = refused {
        message.push_str(&guest::refused_by_cap(bytes, true));
    }
    message
}
