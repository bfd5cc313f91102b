//! The signals an on-call engineer reads: redeliveries, restarts, dead letters, duplicates caught and
//! slipped, processing latency, queue depth, throughput, retry amplification.
//!
//! A redelivery spike is the first visible symptom of the double-payment incident; restarts lined up
//! with duplicates are the second. The time series keep a bounded number of samples (older ones are
//! merged pairwise), so long runs cost fixed memory.

use super::config::Millis;
use serde::{Deserialize, Serialize};

/// Running counters. All cumulative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counters {
    /// Messages published.
    pub published: u64,
    /// Deliveries, first ones and redeliveries.
    pub deliveries: u64,
    /// Deliveries of a message that had been delivered before (all causes).
    pub redeliveries: u64,
    /// Acks the broker received.
    pub acks: u64,
    /// Acks lost on the way.
    pub acks_lost: u64,
    /// Nacks after failures.
    pub nacks: u64,
    /// Consumer crashes.
    pub crashes: u64,
    /// Consumer restarts.
    pub restarts: u64,
    /// Connection drops after a lost ack.
    pub reconnects: u64,
    /// Messages moved to the dead-letter queue.
    pub dead_lettered: u64,
    /// Deliveries a safeguard recognised as repeats (processed record, unique constraint, gateway key, conditional or commutative write). Unit: deliveries.
    pub duplicates_detected: u64,
    /// Extra effects that got through: charges beyond the first and ledger rows beyond the first. Unit: effects.
    pub duplicates_slipped: u64,
    /// Charges that moved money.
    pub charges: u64,
    /// Charge attempts the gateway failed.
    pub charge_failures: u64,
    /// Messages a consumer finished (acked, or skipped as duplicate and acked).
    pub completed: u64,
    /// Redeliveries because the consumer holding the message went away (crash or lost connection).
    pub redelivered_after_disconnect: u64,
    /// Redeliveries because a visibility timeout ran out while the message was still unacknowledged.
    pub redelivered_after_visibility: u64,
    /// Redeliveries of a message nacked after a failure, once its retry delay was over.
    pub redelivered_after_retry: u64,
    /// Gateway calls the consumer gave up on after its call timeout (their outcome unknown to it).
    pub charge_timeouts: u64,
    /// Charges the gateway made after the caller had given up or died: money moved that nobody recorded.
    pub late_charges: u64,
    /// Payments published again as a new message (by the producer or the outbox relay).
    pub republished: u64,
    /// Publisher crashes (the order service before publishing, or the relay before marking sent).
    pub publisher_crashes: u64,
    /// SQS standard-queue deletes that missed a stored copy (each one a delivery with no failure).
    pub sqs_duplicates: u64,
    /// Publishes an SQS FIFO queue dropped as repeats inside the deduplication window.
    pub fifo_dropped: u64,
    /// Redeliveries of a log's records read again from the committed offset (after a crash, a
    /// rebalance or a failed record before them).
    pub redelivered_after_replay: u64,
}

impl Counters {
    /// How many counters there are.
    pub const LEN: usize = 25;

    /// Every counter in declaration order (for compact encodings; new counters are only ever added at
    /// the end, so older saves read back with the newer ones at 0).
    pub fn to_array(&self) -> [u64; Self::LEN] {
        [
            self.published,
            self.deliveries,
            self.redeliveries,
            self.acks,
            self.acks_lost,
            self.nacks,
            self.crashes,
            self.restarts,
            self.reconnects,
            self.dead_lettered,
            self.duplicates_detected,
            self.duplicates_slipped,
            self.charges,
            self.charge_failures,
            self.completed,
            self.redelivered_after_disconnect,
            self.redelivered_after_visibility,
            self.redelivered_after_retry,
            self.charge_timeouts,
            self.late_charges,
            self.republished,
            self.publisher_crashes,
            self.sqs_duplicates,
            self.fifo_dropped,
            self.redelivered_after_replay,
        ]
    }

    /// The inverse of [`Counters::to_array`].
    pub fn from_array(a: [u64; Self::LEN]) -> Counters {
        let [
            published,
            deliveries,
            redeliveries,
            acks,
            acks_lost,
            nacks,
            crashes,
            restarts,
            reconnects,
            dead_lettered,
            duplicates_detected,
            duplicates_slipped,
            charges,
            charge_failures,
            completed,
            redelivered_after_disconnect,
            redelivered_after_visibility,
            redelivered_after_retry,
            charge_timeouts,
            late_charges,
            republished,
            publisher_crashes,
            sqs_duplicates,
            fifo_dropped,
            redelivered_after_replay,
        ] = a;
        Counters {
            published,
            deliveries,
            redeliveries,
            acks,
            acks_lost,
            nacks,
            crashes,
            restarts,
            reconnects,
            dead_lettered,
            duplicates_detected,
            duplicates_slipped,
            charges,
            charge_failures,
            completed,
            redelivered_after_disconnect,
            redelivered_after_visibility,
            redelivered_after_retry,
            charge_timeouts,
            late_charges,
            republished,
            publisher_crashes,
            sqs_duplicates,
            fifo_dropped,
            redelivered_after_replay,
        }
    }
}

/// One point of the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Simulated time of the sample.
    pub t: Millis,
    /// Ready messages.
    pub queue_depth: u32,
    /// Delivered, unacknowledged messages.
    pub in_flight: u32,
    /// Messages in the dead-letter queue.
    pub dead_letter_depth: u32,
    /// How long the oldest ready message had waited since it was published, in ms (consumer lag).
    pub oldest_ready_age_ms: u32,
    /// Calls inside the card gateway: being served or waiting, abandoned ones included.
    pub gateway_load: u32,
    /// The counters at that time.
    pub counters: Counters,
}

const EXACT: u64 = 32;
const SUB: u64 = 16;
const BUCKETS: usize = 32 + 24 * 16;

/// A log-linear histogram of processing latency: exact below 32 ms, 16 sub-buckets per power of two
/// above (at most 1/16 relative error), fixed size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0; BUCKETS],
            total: 0,
            max: 0,
        }
    }
}

impl Histogram {
    fn bucket(v: u64) -> usize {
        if v < EXACT {
            return v as usize;
        }
        let exp = 63 - v.leading_zeros() as u64; // ≥ 5
        let sub = (v >> (exp - 4)) & (SUB - 1);
        ((EXACT + (exp - 5) * SUB + sub) as usize).min(BUCKETS - 1)
    }

    fn upper(i: usize) -> u64 {
        let i = i as u64;
        if i < EXACT {
            return i;
        }
        let exp = (i - EXACT) / SUB + 5;
        let sub = (i - EXACT) % SUB;
        ((SUB + sub + 1) << (exp - 4)) - 1
    }

    /// Records one latency.
    pub fn record(&mut self, v: u64) {
        self.counts[Self::bucket(v)] += 1;
        self.total += 1;
        self.max = self.max.max(v);
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-th percentile (0–100); 0 when empty. Exact below 32 ms; above, the values of the
    /// percentile's bucket are taken as spread evenly over its width (rounding every percentile up
    /// to the bucket's upper edge would report 51 as the median of 1..=100).
    pub fn percentile(&self, q: u32) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = (self.total * q as u64).div_ceil(100).max(1);
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            if c > 0 && seen + c >= rank {
                let lower = if i == 0 { 0 } else { Self::upper(i - 1) + 1 };
                let width = Self::upper(i) - lower + 1;
                let k = rank - seen; // 1..=c: the rank's place among the bucket's values
                let offset = spread(k, width, c) - 1;
                return (lower + offset).min(self.max);
            }
            seen += c;
        }
        self.max
    }

    /// Non-empty buckets as `(upper edge ms, count)`, for the chart.
    pub fn buckets(&self) -> Vec<(u64, u64)> {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (Self::upper(i), *c))
            .collect()
    }
}

/// `⌈k · width / c⌉` for `1 ≤ k ≤ c` and a power-of-two `width` (every bucket's width is one),
/// exact for all such `u64` inputs, in 64-bit arithmetic: a 128-bit product and division would link
/// the 128-bit division routine into the WebAssembly build (about 0.5 KB). Long division by `c`,
/// one bit of the quotient per bit of the shift, keeps the remainder below `c` without overflowing.
fn spread(k: u64, width: u64, c: u64) -> u64 {
    debug_assert!(1 <= k && k <= c && width.is_power_of_two());
    if k == c {
        return width;
    }
    // k < c: the quotient k·2^s / c is below 2^s; build it bit by bit.
    let (mut quotient, mut rem) = (0u64, k);
    for _ in 0..width.trailing_zeros() {
        // rem < c: doubling it and subtracting c at most once keeps it below c (compared as
        // rem ≥ c − rem so that 2·rem is never formed).
        quotient <<= 1;
        if rem >= c - rem {
            rem -= c - rem;
            quotient |= 1;
        } else {
            rem <<= 1;
        }
    }
    quotient + u64::from(rem > 0)
}

/// Most samples kept; beyond it, neighbours are merged and the interval doubles.
pub const MAX_SAMPLES: usize = 1024;

/// Counters, latency and time series of a run.
#[derive(Clone, Debug)]
pub struct Metrics {
    /// The running counters.
    pub counters: Counters,
    /// Processing latency, receive to done, of finished messages.
    pub latency: Histogram,
    /// End-to-end latency, published to done, of finished messages: what a customer waits.
    pub end_to_end: Histogram,
    samples: Vec<Sample>,
    interval: Millis,
    next_sample: Millis,
}

impl Metrics {
    /// Continues sampling from `t` (after a recovery, rather than back-filling from 0).
    pub fn resume_at(&mut self, t: Millis) {
        self.next_sample = self.next_sample.max(t);
    }

    /// Metrics sampling every `interval` ms.
    pub fn new(interval: Millis) -> Self {
        Metrics {
            counters: Counters::default(),
            latency: Histogram::default(),
            end_to_end: Histogram::default(),
            samples: Vec::new(),
            interval: interval.max(1),
            next_sample: 0,
        }
    }

    /// When the next sample is due.
    #[inline]
    pub fn next_sample(&self) -> Millis {
        self.next_sample
    }

    /// The time of the next sample if it is due by `t`. `None` once the sampling clock has reached
    /// the end of time (it never wraps around).
    #[inline]
    pub fn due(&self, t: Millis) -> Option<Millis> {
        (self.next_sample <= t && self.next_sample != Millis::MAX).then_some(self.next_sample)
    }

    /// Records a sample for the time `self.next_sample()` with the given gauges.
    pub fn sample(
        &mut self,
        queue_depth: u32,
        in_flight: u32,
        dead_letter_depth: u32,
        oldest_ready_age_ms: u32,
        gateway_load: u32,
    ) {
        self.samples.push(Sample {
            t: self.next_sample,
            queue_depth,
            in_flight,
            dead_letter_depth,
            oldest_ready_age_ms,
            gateway_load,
            counters: self.counters,
        });
        self.next_sample = self.next_sample.saturating_add(self.interval);
        if self.samples.len() >= MAX_SAMPLES {
            // Keep every second sample: counters are cumulative, so nothing is lost but resolution.
            let mut i = 0;
            self.samples.retain(|_| {
                i += 1;
                i % 2 == 0
            });
            self.interval = self.interval.saturating_mul(2);
            self.next_sample = self
                .samples
                .last()
                .map_or(0, |s| s.t)
                .saturating_add(self.interval);
        }
    }

    /// Heap bytes held by the time series and the histogram.
    pub fn heap_bytes(&self) -> usize {
        self.samples.capacity() * std::mem::size_of::<Sample>() + 2 * BUCKETS * 8
    }

    /// The time series, oldest first.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The current sampling interval.
    pub fn interval(&self) -> Millis {
        self.interval
    }
}

/// The headline signals of a run, as the CLI prints them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signals {
    /// Redeliveries per topic (one topic here: `payments`). Unit: deliveries.
    pub redeliveries: super::counts::Counts,
    /// Redeliveries by cause: `consumer_gone`, `visibility_timeout`, `retry`. Unit: deliveries.
    pub redeliveries_by_cause: super::counts::Counts,
    /// Consumer restarts.
    pub consumer_restarts: u64,
    /// Dead-lettered messages per published message.
    pub dead_letter_rate: f64,
    /// Dead-lettered messages per simulated second.
    pub dead_letters_per_sec: f64,
    /// Deliveries a safeguard recognised as repeats. Unit: deliveries.
    pub duplicates_detected: u64,
    /// Extra effects that got through (charges and ledger rows beyond the first). Unit: effects.
    pub duplicates_slipped: u64,
    /// Payments charged or recorded more than once. Unit: payments.
    pub duplicate_payments: u64,
    /// Processing latency percentiles (ms).
    pub latency_p50_ms: u64,
    /// 95th percentile.
    pub latency_p95_ms: u64,
    /// 99th percentile.
    pub latency_p99_ms: u64,
    /// End-to-end latency (published → done) percentiles (ms).
    pub end_to_end_p50_ms: u64,
    /// 95th percentile.
    pub end_to_end_p95_ms: u64,
    /// 99th percentile.
    pub end_to_end_p99_ms: u64,
    /// Messages in the queue now.
    pub queue_depth: u32,
    /// How long the oldest ready message had waited at the latest sample (ms): consumer lag.
    pub oldest_ready_age_ms: u64,
    /// Messages delivered and unacknowledged now.
    pub in_flight: u32,
    /// Calls inside the gateway now (served, waiting, or abandoned by their callers).
    pub gateway_load: u32,
    /// Gateway calls the consumers gave up on.
    pub charge_timeouts: u64,
    /// Charges made after their caller had given up or died.
    pub late_charges: u64,
    /// Finished messages per simulated second.
    pub throughput_per_sec: f64,
    /// Deliveries per published message.
    pub retry_amplification: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 128-bit formula `spread` replaced, kept here as the reference it must match.
    fn spread_u128(k: u64, width: u64, c: u64) -> u64 {
        (k as u128 * width as u128).div_ceil(c as u128) as u64
    }

    #[test]
    fn spread_matches_the_128_bit_formula() {
        // Every bucket's width, checked to be a power of two (spread relies on it).
        let widths: Vec<u64> = (0..BUCKETS)
            .map(|i| {
                let lower = if i == 0 {
                    0
                } else {
                    Histogram::upper(i - 1) + 1
                };
                Histogram::upper(i) - lower + 1
            })
            .collect();
        assert!(widths.iter().all(|w| w.is_power_of_two()), "{widths:?}");
        let mut checked = 0;
        let mut check = |k: u64, w: u64, c: u64| {
            assert_eq!(
                spread(k, w, c),
                spread_u128(k, w, c),
                "k {k}, width {w}, c {c}"
            );
            checked += 1;
        };
        // Exhaustive over small counts, for every width a bucket has (and the extremes 2^0, 2^63).
        let mut all_widths = widths.clone();
        all_widths.extend([1, 1 << 62, 1 << 63]);
        all_widths.sort_unstable();
        all_widths.dedup();
        for &w in &all_widths {
            for c in 1..=64 {
                for k in 1..=c {
                    check(k, w, c);
                }
            }
            // Edge counts: near powers of two and near u64::MAX, where k·width overflows 64 bits.
            let big = [
                u32::MAX as u64,
                u32::MAX as u64 + 1,
                1 << 40,
                (1 << 40) + 1,
                (1 << 63) - 1,
                1 << 63,
                (1 << 63) + 1,
                u64::MAX - 1,
                u64::MAX,
            ];
            for &c in &big {
                for k in [1, 2, c / 3, c / 2, c / 2 + 1, c - 1, c] {
                    if k >= 1 {
                        check(k, w, c);
                    }
                }
            }
        }
        // Pseudo-random (k, c) pairs, from a fixed-seed generator, over the buckets' widths.
        let mut rng = crate::sim::rng::Rng::new(7);
        for _ in 0..20_000 {
            let c = (rng.next_u64() >> rng.below(64)) | 1;
            let k = 1 + rng.next_u64() % c;
            let w = widths[rng.below(BUCKETS as u64) as usize];
            check(k, w, c);
        }
        assert!(checked > 70_000, "{checked}");
    }

    #[test]
    fn percentiles_of_a_known_spread() {
        let mut h = Histogram::default();
        for v in 1..=100 {
            h.record(v);
        }
        assert_eq!(h.percentile(50), 50);
        let p99 = h.percentile(99);
        assert!((99..=100).contains(&p99), "{p99}");
        assert_eq!(h.percentile(100), 100);
    }

    #[test]
    fn percentiles_stay_inside_their_bucket_and_grow_with_q() {
        let mut h = Histogram::default();
        for v in [40u64, 41, 41, 300, 5_000, 5_000, 70_000] {
            h.record(v);
        }
        let ps: Vec<u64> = (0..=100).map(|q| h.percentile(q)).collect();
        assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{ps:?}");
        assert_eq!(h.percentile(0), 40);
        assert_eq!(h.percentile(100), 70_000);
        for q in [10, 50, 90] {
            let p = h.percentile(q);
            let b = Histogram::bucket(p);
            assert!(h.counts[b] > 0, "q{q} = {p} lies in an empty bucket");
        }
    }

    #[test]
    fn bucket_edges_are_monotonic_and_cover_values() {
        for v in [0u64, 31, 32, 33, 100, 1000, 65_535, 1 << 20] {
            let b = Histogram::bucket(v);
            assert!(Histogram::upper(b) >= v, "v={v}");
            if b > 0 {
                assert!(Histogram::upper(b - 1) < v, "v={v}");
            }
        }
    }

    #[test]
    fn counters_round_trip_through_their_array_in_order() {
        let a: [u64; Counters::LEN] = std::array::from_fn(|i| i as u64 + 1);
        let c = Counters::from_array(a);
        assert_eq!((c.published, c.completed), (1, 15));
        assert_eq!(c.late_charges, 20);
        assert_eq!(c.fifo_dropped, 24);
        assert_eq!(c.redelivered_after_replay, Counters::LEN as u64);
        assert_eq!(c.to_array(), a);
    }

    #[test]
    fn the_sampling_clock_stops_at_the_end_of_time_instead_of_wrapping() {
        let mut m = Metrics::new(1_000);
        let mut n = 0;
        while let Some(_t) = m.due(Millis::MAX) {
            m.sample(0, 0, 0, 0, 0);
            n += 1;
            assert!(n < 100_000, "sampling to the end of time must end");
        }
        assert!(m.samples().windows(2).all(|w| w[0].t < w[1].t));
    }

    #[test]
    fn time_series_stays_bounded() {
        let mut m = Metrics::new(10);
        for _ in 0..10_000 {
            m.sample(1, 0, 0, 0, 0);
        }
        assert!(m.samples().len() < MAX_SAMPLES);
        assert!(m.interval() > 10);
        assert!(m.samples().windows(2).all(|w| w[0].t < w[1].t));
    }
}
