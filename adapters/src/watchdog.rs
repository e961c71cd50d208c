//! A thread that fires a callback when a time budget runs out. Runtimes use
//! it to interrupt a guest from outside (Wasmtime bumps its epoch).

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

enum Command {
    Arm(Instant),
    Disarm,
}

pub struct Watchdog {
    commands: Sender<Command>,
}

/// Disarms the watchdog when dropped, so a finished run is never interrupted.
pub struct Armed<'a>(&'a Watchdog);

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        // The thread only goes away with the watchdog, so sending cannot fail.
        let _ = self.0.commands.send(Command::Disarm);
    }
}

impl Watchdog {
    pub fn new(fire: impl Fn() + Send + 'static) -> Self {
        let (commands, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("wasm-arena-watchdog".into())
            .spawn(move || {
                let mut deadline: Option<Instant> = None;
                loop {
                    let command = match deadline {
                        None => receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
                        Some(at) => {
                            receiver.recv_timeout(at.saturating_duration_since(Instant::now()))
                        }
                    };
                    match command {
                        Ok(Command::Arm(at)) => deadline = Some(at),
                        Ok(Command::Disarm) => deadline = None,
                        Err(RecvTimeoutError::Timeout) => {
                            fire();
                            deadline = None;
                        }
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .expect("spawning the watchdog thread");
        Watchdog { commands }
    }

    /// Fires once `budget` from now unless the returned guard is dropped first.
    pub fn arm(&self, budget: Duration) -> Armed<'_> {
        let _ = self.commands.send(Command::Arm(Instant::now() + budget));
        Armed(self)
    }
}
