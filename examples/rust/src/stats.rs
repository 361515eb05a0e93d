//! Tick-time percentiles and the per-second report window.

use std::time::{Duration, Instant};

/// The `p`-th percentile (0 < p <= 100) of `sorted` by the nearest-rank
/// method: the smallest sample with at least p% of the samples at or
/// below it. Zero for no samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted.len()) - 1;
    sorted.get(i).copied().unwrap_or_default()
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

impl Summary {
    /// Summarises `samples` (in any order; they are sorted in place).
    pub fn of(samples: &mut [Duration]) -> Summary {
        samples.sort_unstable();
        Summary {
            p50: percentile(samples, 50.0),
            p99: percentile(samples, 99.0),
            max: samples.last().copied().unwrap_or_default(),
        }
    }
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
    /// The time of each tick in the window.
    pub ticks: Vec<Duration>,
    /// Spatial queries made in the window.
    pub queries: u64,
}

impl Window {
    /// An empty window opening now.
    pub fn new(start: Instant) -> Window {
        Window {
            start,
            ticks: Vec::new(),
            queries: 0,
        }
    }

    /// Records one tick.
    pub fn add(&mut self, took: Duration, queries: u64) {
        self.ticks.push(took);
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

    fn ms_list(v: impl IntoIterator<Item = u64>) -> Vec<Duration> {
        v.into_iter().map(Duration::from_millis).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = ms_list(1..=100);
        s.reverse(); // Summary::of sorts
        let sum = Summary::of(&mut s);
        assert_eq!(sum.p50, Duration::from_millis(50));
        assert_eq!(sum.p99, Duration::from_millis(99));
        assert_eq!(sum.max, Duration::from_millis(100));

        let one = ms_list([7]);
        assert_eq!(percentile(&one, 50.0), Duration::from_millis(7));
        assert_eq!(percentile(&one, 99.0), Duration::from_millis(7));

        let ten = ms_list(1..=10);
        assert_eq!(percentile(&ten, 50.0), Duration::from_millis(5));
        assert_eq!(percentile(&ten, 99.0), Duration::from_millis(10));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
        assert_eq!(Summary::of(&mut []), Summary::default());
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
