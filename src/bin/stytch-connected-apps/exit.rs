//! Exit codes (documented in `--help` and the README).

use std::process::ExitCode;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything asked was done.
    Done = 0,
    /// A call failed: nothing (or not everything) could be read or changed. Or stdout could not be written (a
    /// closed pipe); a revoke's summary on stderr still says what was revoked.
    Failed = 1,
    /// Usage: clap's own errors, and an argument the library rejects before sending (an empty or `..` id).
    Usage = 2,
    /// The report is printed, but some apps or members failed or were not attempted: re-run to finish (or `clients
    /// list` stopped at its `--limit`).
    Partial = 3,
    /// A destructive command was not confirmed.
    NotConfirmed = 4,
    /// Credentials, base URL, or the embedded emulator.
    Configuration = 5,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}
