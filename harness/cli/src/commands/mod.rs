//! One module per subcommand. Each returns the process exit code or a
//! [`CliError`] that says which exit code it deserves.

pub mod keys;
pub mod list;
pub mod matrix;
pub mod merge;
pub mod mutants;
pub mod reference;
pub mod report;
pub mod run;
pub mod suite;
pub mod trust;
pub mod verify;

/// A command that could not do its work.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Usage or input error (exit 2): bad suite, bad target file, unknown name.
    #[error("{0}")]
    Input(String),
    /// The run could not complete (exit 3): I/O failure, cannot bind, ...
    #[error("{0}")]
    Environment(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Input(_) => 2,
            CliError::Environment(_) => 3,
        }
    }
}

impl From<crate::session::SessionError> for CliError {
    fn from(e: crate::session::SessionError) -> Self {
        match e {
            crate::session::SessionError::Input(m) => CliError::Input(m),
            crate::session::SessionError::Environment(m) => CliError::Environment(m),
        }
    }
}
