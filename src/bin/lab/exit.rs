//! How `lab` ends: an exit code with a fixed meaning, and at most one sentence on stderr.

use std::io::Write as _;

/// The process exit codes. Scripts read them, so their meanings never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Done.
    Ok = 0,
    /// A check failed: a benchmark run did not settle or diverged, or a reality-check row disagreed.
    CheckFailed = 1,
    /// A mistake in the arguments or the input.
    Usage = 2,
    /// A server (RabbitMQ, PostgreSQL) could not be reached or set up.
    #[cfg_attr(not(feature = "real"), allow(dead_code))]
    Unreachable = 3,
}

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> i32 {
        self as i32
    }

    /// Reads a code returned by a part that still speaks in numbers (`lab real`).
    #[cfg_attr(not(feature = "real"), allow(dead_code))]
    pub fn from_code(code: i32) -> Exit {
        match code {
            0 => Exit::Ok,
            1 => Exit::CheckFailed,
            3 => Exit::Unreachable,
            _ => Exit::Usage,
        }
    }
}

/// A command that did not finish: the exit code and the sentence for stderr (empty when the
/// command already said what went wrong).
#[derive(Debug)]
pub struct Fail {
    /// How the process ends.
    pub exit: Exit,
    /// One sentence, without the `lab: ` prefix.
    pub message: String,
}

impl Fail {
    /// A mistake in the arguments or the input.
    pub fn usage(message: impl Into<String>) -> Fail {
        Fail {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// A failed check whose details are already on stderr.
    pub fn check_failed(message: impl Into<String>) -> Fail {
        Fail {
            exit: Exit::CheckFailed,
            message: message.into(),
        }
    }

    /// Prints the sentence to stderr and returns the exit code.
    pub fn report(self) -> Exit {
        if !self.message.is_empty() {
            eprintln!("lab: {}", self.message);
        }
        self.exit
    }
}

/// `Err(Fail::usage(message))`.
pub fn usage<T>(message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::usage(message))
}

/// Writes a report to stdout.
pub fn print(text: &str) -> Exit {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`lab sweep | head`) is not an error worth a message.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
    Exit::Ok
}
