//! Numbers from samples: medians of timings and percentiles of request latencies, and the
//! formatting every row of the table shares.

use std::time::Duration;

/// The median of a set of durations (the mean of the two middle ones for an even count).
pub fn median(samples: &[Duration]) -> Duration {
    assert!(!samples.is_empty(), "median of no samples");
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2 }
}

/// The median of a set of ratios (the mean of the two middle ones for an even count); `NaN`
/// for none.
pub fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[mid],
        _ => (values[mid - 1] + values[mid]) / 2.0,
    }
}

/// Request latencies in microseconds, sorted once for percentile queries.
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    micros: Vec<u32>,
    sorted: bool,
}

impl Latencies {
    pub fn push(&mut self, latency: Duration) {
        self.micros.push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        self.sorted = false;
    }

    pub fn extend(&mut self, other: Latencies) {
        self.micros.extend(other.micros);
        self.sorted = false;
    }

    pub fn len(&self) -> usize {
        self.micros.len()
    }

    pub fn is_empty(&self) -> bool {
        self.micros.is_empty()
    }

    /// The `p`th percentile (0..=100) by nearest rank; zero when there is no sample.
    pub fn percentile(&mut self, p: f64) -> Duration {
        if self.micros.is_empty() {
            return Duration::ZERO;
        }
        if !self.sorted {
            self.micros.sort_unstable();
            self.sorted = true;
        }
        let rank = ((p / 100.0) * self.micros.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.micros.len()) - 1;
        Duration::from_micros(u64::from(self.micros[index]))
    }
}

/// `12.3 ms`, `1.84 s`, `850 µs`: three significant digits in the fitting unit.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{} s", sig3(secs))
    } else if secs >= 1e-3 {
        format!("{} ms", sig3(secs * 1e3))
    } else {
        format!("{} µs", sig3(secs * 1e6))
    }
}

/// A rate such as `23,400/s` or `812/s`.
pub fn rate(per_second: f64) -> String {
    if per_second >= 1000.0 {
        let rounded = (per_second / 100.0).round() as u64 * 100;
        format!("{}/s", thousands(rounded))
    } else {
        format!("{}/s", sig3(per_second))
    }
}

/// Three significant digits, without a trailing `.0`.
pub fn sig3(x: f64) -> String {
    let decimals = if x >= 100.0 {
        0
    } else if x >= 10.0 {
        1
    } else {
        2
    };
    format!("{x:.decimals$}")
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(4), ms(1), ms(3), ms(2)]), Duration::from_micros(2500));
        assert_eq!(median_f64(vec![1.2, 0.9, 1.0]), 1.0);
        assert_eq!(median_f64(vec![1.2, 0.9, 1.0, 0.8]), 0.95);
        assert!(median_f64(Vec::new()).is_nan());
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut l = Latencies::default();
        for us in 1..=100 {
            l.push(Duration::from_micros(us));
        }
        assert_eq!(l.percentile(50.0), Duration::from_micros(50));
        assert_eq!(l.percentile(99.0), Duration::from_micros(99));
        assert_eq!(l.percentile(100.0), Duration::from_micros(100));
        assert_eq!(Latencies::default().percentile(99.0), Duration::ZERO);
    }

    #[test]
    fn formatting() {
        assert_eq!(duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(duration(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(duration(Duration::from_millis(1840)), "1.84 s");
        assert_eq!(rate(23_449.0), "23,400/s");
        assert_eq!(rate(812.4), "812/s");
    }
}
