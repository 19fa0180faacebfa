//! What can go wrong in a `wacr` run, the exit code of each class (documented in `--help`), and
//! how an error is reported on stderr: the API's code, message and field errors.

use std::fmt::Write as _;
use std::process::ExitCode;

use crate::client::Error;
use crate::value::WireEnum;

/// The exit codes, for the root command's `--help`.
pub const EXIT_HELP: &str = "\
Exit codes:
  0  success
  1  other failure (unexpected response, config file, I/O, another 4xx such as 409)
  2  usage: bad flags or arguments, malformed --data or --filter
  3  authentication or scope: 401, 403
  4  not found: 404
  5  validation: 400, 422
  6  rate limit: 429
  7  server: 5xx
  8  network: no answer (connection refused, timeout)";

/// The class of a failure, and its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Other = 1,
    Usage = 2,
    Auth = 3,
    NotFound = 4,
    Validation = 5,
    RateLimit = 6,
    Server = 7,
    Network = 8,
}

impl Exit {
    /// The class of an HTTP error status.
    pub fn of_status(status: u16) -> Exit {
        match status {
            401 | 403 => Exit::Auth,
            404 => Exit::NotFound,
            400 | 422 => Exit::Validation,
            429 => Exit::RateLimit,
            500..=599 => Exit::Server,
            _ => Exit::Other,
        }
    }

    pub fn code(self) -> ExitCode {
        ExitCode::from(self as u8)
    }
}

/// A failed run.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("config file {path}: {message}")]
    Config { path: String, message: String },
    #[error("no API token: pass --token, set WACR_TOKEN, or save one with `wacr configure`")]
    NoToken,
    #[error("cannot build the client: {0}")]
    Build(#[from] crate::client::BuildError),
    #[error(transparent)]
    Api(#[from] Error<AnyCode>),
}

impl CliError {
    /// The exit class of the failure.
    pub fn exit(&self) -> Exit {
        match self {
            CliError::Usage(_) => Exit::Usage,
            CliError::NoToken => Exit::Auth,
            CliError::Io { .. } | CliError::Config { .. } | CliError::Build(_) => Exit::Other,
            CliError::Api(Error::Api(e)) => Exit::of_status(e.status),
            CliError::Api(Error::Transport { .. }) => Exit::Network,
            CliError::Api(Error::Decode { .. }) => Exit::Other,
        }
    }

    /// The report for stderr: `error: 422 VALIDATION_ERROR: The given data was invalid`, then
    /// one line per field error and the request id.
    pub fn report(&self) -> String {
        let CliError::Api(Error::Api(e)) = self else { return format!("error: {self}\n") };
        let mut out = format!("error: {} {}: {}\n", e.status, e.code.as_str(), e.message);
        for (field, messages) in &e.field_errors {
            for message in messages {
                let _ = writeln!(out, "  {field}: {message}");
            }
        }
        if let Some(retry_after) = e.retry_after {
            let _ = writeln!(out, "  retry after {retry_after} s");
        }
        if let Some(id) = &e.request_id {
            let _ = writeln!(out, "  request id: {id}");
        }
        out
    }
}

/// An error code of any operation: the command line reports the code as the server sent it,
/// so every code reads as [`Open::Unknown`](crate::Open::Unknown).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyCode {}

impl WireEnum for AnyCode {
    const ALL: &'static [Self] = &[];
    const NAME: &'static str = "error code";

    fn as_str(self) -> &'static str {
        match self {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_class_has_its_own_code() {
        let codes: Vec<u8> = [401, 403, 404, 422, 400, 429, 500, 503, 409].iter().map(|s| Exit::of_status(*s) as u8).collect();
        assert_eq!(codes, [3, 3, 4, 5, 5, 6, 7, 7, 1]);
        for class in [Exit::Other, Exit::Usage, Exit::Auth, Exit::NotFound, Exit::Validation, Exit::RateLimit, Exit::Server, Exit::Network] {
            assert!(EXIT_HELP.contains(&format!("  {}  ", class as u8)), "{class:?} is documented");
        }
    }
}
