//! Password hashing with Argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Argon2 refused (it does not for passwords within the account rules).
    #[error("hashing a password: {0}")]
    Hash(String),
    /// The blocking task did not finish, or every slot stayed busy.
    #[error(transparent)]
    Cpu(#[from] crate::cpu::CpuError),
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

/// How long a sign-in waits for a free password slot before the server answers that it is busy.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// Hashes on a blocking thread, one of a bounded number at a time.
pub async fn hash_blocking(password: String) -> Result<String, PasswordError> {
    crate::cpu::run_bounded(crate::cpu::password_slots(), PATIENCE, move || {
        hash(&password)
    })
    .await?
}

/// Verifies on a blocking thread, one of a bounded number at a time; `Busy` when the slots stay
/// taken (a flood of sign-ins), never an unbounded queue of hashes in memory.
pub async fn verify_blocking(password: String, hash: String) -> Result<bool, PasswordError> {
    Ok(
        crate::cpu::run_bounded(crate::cpu::password_slots(), PATIENCE, move || {
            verify(&password, &hash)
        })
        .await?,
    )
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
