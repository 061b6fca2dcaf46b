//! Locks that outlive a panic. A handler that panics while holding a mutex poisons it; what
//! our mutexes guard (counters, maps, queue positions) is still usable then, and one failed
//! request must not turn every later one into a panic too. So every lock and condvar wait
//! takes the guard over with [`Unpoison::unpoisoned`] instead of `unwrap`.

use std::sync::{LockResult, PoisonError};

pub trait Unpoison<T> {
    /// The guard, whether or not a panicking thread poisoned the lock.
    fn unpoisoned(self) -> T;
}

impl<T> Unpoison<T> for LockResult<T> {
    fn unpoisoned(self) -> T {
        self.unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn a_poisoned_lock_is_taken_over() {
        let m = std::sync::Arc::new(Mutex::new(1));
        let m2 = m.clone();
        let _ = std::thread::spawn(move || {
            let _g = m2.lock().unpoisoned();
            panic!("poison it");
        })
        .join();
        assert!(m.is_poisoned());
        *m.lock().unpoisoned() += 1;
        assert_eq!(*m.lock().unpoisoned(), 2);
    }
}
