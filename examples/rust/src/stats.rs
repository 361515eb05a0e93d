//! Tick-time percentiles (an HDR histogram) and the per-second report window.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// Tick times, recorded in microseconds with 3 significant digits.
#[derive(Debug, Clone)]
pub struct Ticks {
    hist: Histogram<u64>,
}

impl Default for Ticks {
    fn default() -> Ticks {
        Ticks::new()
    }
}

impl Ticks {
    /// An empty record, from 1 µs to about 12 days.
    #[allow(
        clippy::expect_used,
        reason = "the bounds and 3 significant digits are constants the crate accepts"
    )]
    pub fn new() -> Ticks {
        Ticks {
            hist: Histogram::new_with_bounds(1, 1 << 40, 3).expect("valid histogram bounds"),
        }
    }

    /// Records one tick's time.
    pub fn record(&mut self, took: Duration) {
        // Clamped into the bounds: a tick over 12 days counts as 12 days.
        let us = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
        self.hist.saturating_record(us);
    }

    /// How many ticks were recorded.
    pub fn len(&self) -> u64 {
        self.hist.len()
    }

    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.hist.is_empty()
    }

    /// The time at or under which `q` (0..=1) of the ticks took.
    pub fn quantile(&self, q: f64) -> Duration {
        Duration::from_micros(self.hist.value_at_quantile(q))
    }

    /// p50, p99 and the slowest.
    pub fn summary(&self) -> Summary {
        Summary {
            p50: self.quantile(0.5),
            p99: self.quantile(0.99),
            max: Duration::from_micros(self.hist.max()),
        }
    }
}

/// p50, p99 and the worst of a set of tick times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// The median tick.
    pub p50: Duration,
    /// The 99th percentile tick.
    pub p99: Duration,
    /// The slowest tick.
    pub max: Duration,
}

/// Milliseconds with two decimals, for the report lines.
pub fn ms(d: Duration) -> String {
    format!("{:.2}ms", d.as_secs_f64() * 1e3)
}

/// Ticks and queries since the last report line.
#[derive(Debug)]
pub struct Window {
    /// When the window opened.
    pub start: Instant,
    /// The ticks in the window.
    pub ticks: Ticks,
    /// Spatial queries made in the window.
    pub queries: u64,
}

impl Window {
    /// An empty window opening now.
    pub fn new(start: Instant) -> Window {
        Window {
            start,
            ticks: Ticks::new(),
            queries: 0,
        }
    }

    /// Records one tick.
    pub fn add(&mut self, took: Duration, queries: u64) {
        self.ticks.record(took);
        self.queries += queries;
    }

    /// Rate of `n` events over the window's wall time up to `now`.
    pub fn rate(&self, n: u64, now: Instant) -> f64 {
        let secs = now.duration_since(self.start).as_secs_f64();
        if secs > 0.0 { n as f64 / secs } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_within_the_histogram_s_precision() {
        let mut t = Ticks::new();
        for ms in (1..=100).rev() {
            t.record(Duration::from_millis(ms));
        }
        let s = t.summary();
        let near = |got: Duration, want_ms: u64| {
            let want = Duration::from_millis(want_ms).as_secs_f64();
            (got.as_secs_f64() - want).abs() <= want * 1e-3
        };
        assert!(near(s.p50, 50), "{s:?}");
        assert!(near(s.p99, 99), "{s:?}");
        assert!(near(s.max, 100), "{s:?}");
        assert_eq!(t.len(), 100);
        assert_eq!(Ticks::new().summary(), Summary::default());
        assert!(Ticks::new().is_empty());
    }

    #[test]
    fn formatting_and_rates() {
        assert_eq!(ms(Duration::from_micros(1234)), "1.23ms");
        let t0 = Instant::now();
        let mut w = Window::new(t0);
        w.add(Duration::from_millis(3), 10);
        w.add(Duration::from_millis(5), 10);
        assert_eq!(w.queries, 20);
        assert_eq!(w.ticks.len(), 2);
        assert_eq!(w.rate(20, t0 + Duration::from_secs(2)), 10.0);
        assert_eq!(w.rate(20, t0), 0.0);
    }
}
