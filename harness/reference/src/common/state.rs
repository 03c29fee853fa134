//! The state every reference implementation's handlers share: how requests
//! authenticate, which faults are on, and the interface's own mutable data
//! behind one lock (so a replay check and the creation it guards are atomic).

use std::sync::{Arc, Mutex, MutexGuard};

use crate::{AuthMode, Faults};

#[derive(Debug)]
pub struct SharedState<I> {
    pub auth: Arc<AuthMode>,
    pub faults: Arc<Faults>,
    inner: Arc<Mutex<I>>,
}

impl<I> Clone for SharedState<I> {
    fn clone(&self) -> Self {
        Self {
            auth: self.auth.clone(),
            faults: self.faults.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<I> SharedState<I> {
    pub fn new(auth: AuthMode, faults: Arc<Faults>, inner: I) -> Self {
        Self {
            auth: Arc::new(auth),
            faults,
            inner: Arc::new(Mutex::new(inner)),
        }
    }

    /// The data; a panic in another handler never poisons it for good.
    pub fn lock(&self) -> MutexGuard<'_, I> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
