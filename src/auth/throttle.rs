//! Failed-login throttling, in memory: per account and per client address. A restart forgets
//! it, which is acceptable: the attacker gains one window, the bcrypt cost still applies.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sync::Unpoison;

pub struct Throttle {
    window: Duration,
    max_failures: u32,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

/// Keys kept at most; beyond it the oldest-looking entries are dropped so memory stays bounded.
const MAX_KEYS: usize = 100_000;

impl Throttle {
    pub fn new(max_failures: u32, window: Duration) -> Throttle {
        Throttle { window, max_failures, failures: Mutex::new(HashMap::new()) }
    }

    /// `Some(seconds until the oldest failure leaves the window)` when the key is locked.
    pub fn locked(&self, key: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unpoisoned();
        let list = map.get_mut(key)?;
        list.retain(|t| now.duration_since(*t) < self.window);
        if list.len() as u32 >= self.max_failures {
            let oldest = list.iter().min().copied()?;
            let wait = self.window.saturating_sub(now.duration_since(oldest));
            return Some(wait.as_secs().max(1));
        }
        None
    }

    pub fn record_failure(&self, key: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unpoisoned();
        if map.len() >= MAX_KEYS && !map.contains_key(key) {
            let window = self.window;
            map.retain(|_, l| l.iter().any(|t| now.duration_since(*t) < window));
            if map.len() >= MAX_KEYS {
                map.clear();
            }
        }
        let list = map.entry(key.to_string()).or_default();
        list.retain(|t| now.duration_since(*t) < self.window);
        list.push(now);
    }

    pub fn clear(&self, key: &str) {
        self.failures.lock().unpoisoned().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_clears() {
        let t = Throttle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            t.record_failure("a");
        }
        assert!(t.locked("a").is_none());
        t.record_failure("a");
        let wait = t.locked("a").unwrap();
        assert!(wait > 0 && wait <= 60);
        assert!(t.locked("b").is_none());
        t.clear("a");
        assert!(t.locked("a").is_none());
    }
}
