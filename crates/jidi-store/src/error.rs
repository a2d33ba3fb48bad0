//! What can go wrong in the store, sorted so that callers can map it: not found, conflict, invalid,
//! and the database's own failures.

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The record does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// Kind of record.
        entity: &'static str,
        /// Its key.
        key: String,
    },
    /// A uniqueness or state rule would be broken (duplicate name, decided proposal, published run).
    #[error("{0}")]
    Conflict(String),
    /// Input that passed the domain's checks still breaks a database rule.
    #[error("{0}")]
    Invalid(String),
    /// A stored value that no valid write could have produced (an unknown code, JSON that does not
    /// parse): a bug or tampering, never the caller's fault.
    #[error("corrupt stored {what}: {value:?}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// The offending value (shortened).
        value: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// A corrupt stored value.
    pub(crate) fn corrupt(what: &'static str, value: &str) -> StoreError {
        StoreError::Corrupt {
            what,
            value: value.chars().take(80).collect(),
        }
    }

    pub(crate) fn from_unique(e: sqlx::Error, what: impl Into<String>) -> StoreError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict(what.into())
            }
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                // The driver's text names tables and constraints; it stays in the logs.
                tracing::warn!(error = %d, "foreign key violation");
                StoreError::Invalid("a referenced record does not exist".into())
            }
            _ => StoreError::Database(e),
        }
    }
}

/// Result of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
