//! Bounded blocking work. CPU-heavy steps (an evaluation with its 1,000 replications, reading and
//! checking an uploaded file) run on blocking threads, a bounded number at a time, so that the
//! async workers keep answering sign-ins and pages while they run; password hashing has bounds of
//! its own ([`crate::passwords`]), so that a flood of sign-ins cannot take the memory Argon2 needs
//! per hash (19 MiB) hundreds of times over.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

/// Why bounded work did not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum CpuError {
    /// Every slot stayed busy for the whole wait: the server is overloaded; retry later.
    #[error("the server is busy with other heavy work; try again in a minute")]
    Busy,
    /// The work panicked or was cancelled.
    #[error("a background task failed")]
    Task(#[from] tokio::task::JoinError),
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Heavy jobs at once: all cores but one, at least one, so that one core is always left to the
/// async workers.
fn heavy_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(cores().saturating_sub(1).max(1)))
}

/// Runs `work` on a blocking thread once a heavy-work slot is free, waiting at most `patience`.
pub async fn run_heavy<T: Send + 'static>(
    patience: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CpuError> {
    run_bounded(heavy_slots(), patience, work).await
}

/// Runs `work` on a blocking thread holding a permit of `slots`, waiting at most `patience` for it.
pub(crate) async fn run_bounded<T: Send + 'static>(
    slots: &'static Semaphore,
    patience: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CpuError> {
    let permit = tokio::time::timeout(patience, slots.acquire())
        .await
        .map_err(|_| CpuError::Busy)?
        .expect("the semaphore is never closed");
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await?;
    Ok(result)
}

/// Password checks at once: one per core. Argon2id takes 19 MiB and about 80 ms per check, so this
/// bounds both the memory and the CPU a flood of sign-ins can take.
pub(crate) fn password_slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(cores().max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_work_waits_for_a_slot_and_gives_up_when_busy() {
        static ONE: OnceLock<Semaphore> = OnceLock::new();
        let one = ONE.get_or_init(|| Semaphore::new(1));
        let slow = tokio::spawn(run_bounded(one, Duration::from_secs(5), || {
            std::thread::sleep(Duration::from_millis(300));
            1
        }));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let refused = run_bounded(one, Duration::from_millis(20), || 2).await;
        assert!(matches!(refused, Err(CpuError::Busy)));
        assert_eq!(slow.await.unwrap().unwrap(), 1);
        assert_eq!(
            run_bounded(one, Duration::from_secs(1), || 3)
                .await
                .unwrap(),
            3
        );
    }
}
