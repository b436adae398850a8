//! Bounds on heavy work at once, so parallel requests cannot take the server's memory:
//! a budget in megabytes shared by image decodes and spreadsheet reads, and a number of
//! upload bodies received at once. Work that does not fit now is refused at once with
//! 503 and `Retry-After` (never queued without end).

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// Seconds a refused client is asked to wait.
pub const RETRY_AFTER_SECS: u64 = 5;

/// The shared budgets.
#[derive(Debug, Clone)]
pub struct WorkGate {
    memory: Arc<Semaphore>,
    memory_mb: u32,
    uploads: Arc<Semaphore>,
}

/// Held while the work runs; dropping it gives the budget back.
#[derive(Debug)]
pub struct WorkPermit {
    _permit: OwnedSemaphorePermit,
}

fn busy() -> AppError {
    AppError::Busy {
        retry_after_secs: RETRY_AFTER_SECS, message: "服务器正忙，请稍后重试".into()
    }
}

impl WorkGate {
    /// A gate with `memory_mb` of work memory and `uploads` bodies at once.
    pub fn new(memory_mb: u64, uploads: usize) -> Self {
        let memory_mb = u32::try_from(memory_mb).unwrap_or(u32::MAX).max(1);
        Self {
            memory: Arc::new(Semaphore::new(memory_mb as usize)),
            memory_mb,
            uploads: Arc::new(Semaphore::new(uploads.max(1))),
        }
    }

    /// Reserves `bytes` of work memory (a job larger than the whole budget needs all of
    /// it, so it runs alone); 503 when that much is not free now.
    pub fn try_memory(&self, bytes: u64) -> Result<WorkPermit, AppError> {
        let mb = bytes.div_ceil(1024 * 1024).clamp(1, u64::from(self.memory_mb));
        let mb = u32::try_from(mb).unwrap_or(self.memory_mb);
        self.memory
            .clone()
            .try_acquire_many_owned(mb)
            .map(|p| WorkPermit { _permit: p })
            .map_err(|_| busy())
    }

    /// Reserves one upload slot; 503 when all are in use.
    pub fn try_upload(&self) -> Result<WorkPermit, AppError> {
        self.uploads
            .clone()
            .try_acquire_owned()
            .map(|p| WorkPermit { _permit: p })
            .map_err(|_| busy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_over_the_budget_waits_its_turn_as_a_503() {
        let gate = WorkGate::new(100, 1);
        let big = gate.try_memory(80 * 1024 * 1024).unwrap();
        assert_eq!(gate.try_memory(30 * 1024 * 1024).unwrap_err().code(), "busy");
        let small = gate.try_memory(10 * 1024 * 1024).unwrap();
        drop((big, small));
        let whole = gate.try_memory(500 * 1024 * 1024).unwrap();
        assert!(gate.try_memory(1).is_err(), "a job over the budget runs alone");
        drop(whole);
        let upload = gate.try_upload().unwrap();
        assert_eq!(gate.try_upload().unwrap_err().status().as_u16(), 503);
        drop(upload);
        assert!(gate.try_upload().is_ok());
    }
}
