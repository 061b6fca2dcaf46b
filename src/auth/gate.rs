//! Bounds concurrent bcrypt work. A login flood must not starve every other page: beyond the
//! limit a login is refused at once (429) instead of queueing CPU work.

use std::sync::atomic::{AtomicUsize, Ordering};

pub struct HashGate {
    in_flight: AtomicUsize,
    limit: usize,
}

pub struct Permit<'a>(&'a HashGate);

impl HashGate {
    pub fn new(limit: usize) -> HashGate {
        HashGate { in_flight: AtomicUsize::new(0), limit: limit.max(1) }
    }

    /// Every permit is taken right now (a login would be refused).
    pub fn is_full(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) >= self.limit
    }

    pub fn try_enter(&self) -> Option<Permit<'_>> {
        let prev = self.in_flight.fetch_add(1, Ordering::AcqRel);
        if prev >= self.limit {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(Permit(self))
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_admits_up_to_the_limit() {
        let g = HashGate::new(2);
        let a = g.try_enter();
        let b = g.try_enter();
        assert!(a.is_some() && b.is_some());
        assert!(g.try_enter().is_none());
        assert!(g.is_full());
        drop(a);
        assert!(!g.is_full());
        assert!(g.try_enter().is_some());
    }
}
