//! Password hashing with Argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Argon2 refused (it does not for passwords within the account rules).
    #[error("hashing a password: {0}")]
    Hash(String),
    /// The blocking task did not finish.
    #[error("the hashing task failed")]
    Task(#[from] tokio::task::JoinError),
}

/// Hashes a password with Argon2id (default parameters: m = 19 MiB, t = 2, p = 1). Slow on purpose:
/// call it from a blocking task.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`.
pub fn verify(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// Hashes on a blocking thread.
pub async fn hash_blocking(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_hash_and_verify() {
        let h = super::hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse", &h));
        assert!(!super::verify("wrong", &h));
        assert!(!super::verify("x", "not a phc string"));
    }
}
