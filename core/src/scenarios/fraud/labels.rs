//! When delayed labels become known: a fraud's or a dispute's confirmation (a draw per
//! victim), and the maturity of a transaction nobody disputed (a function of its time).
//!
//! See docs/scenarios/fraud.md ("Labels") for the sources of each figure.

use crate::rng::Rng;
use crate::time::DAY;

/// A card's billing cycle: one statement a month.
pub const STATEMENT_CYCLE: f64 = 30.0 * DAY;
/// From a statement's closing to the dispute of what it shows: delivery, reading, the call
/// to the issuer (log-normal; our assumption, well inside the 60 days consumer rules allow).
const REVIEW_MEDIAN: f64 = 7.0 * DAY;
const REVIEW_SIGMA: f64 = 0.6;
/// Late discoveries (an old statement re-read, a credit report) come after two statements.
const LATE_FROM: f64 = 60.0 * DAY;

/// How a cardholder comes to report a transaction: at once (an alert, a declined card, the
/// banking app), on its next statement, or late, until the scheme's dispute window closes.
#[derive(Debug, Clone, Copy)]
pub struct Reporting {
    /// Log of the median delay of a report at once, in seconds, and its spread.
    pub quick_mu: f64,
    pub quick_sigma: f64,
    /// Shares of reports on the next statement and late (the rest: at once).
    pub statement: f64,
    pub late: f64,
    pub window: f64,
}

impl Reporting {
    /// When a card's cardholder reports what happened at `since` (a fraud: the victim's last
    /// fraudulent transaction). A friendly-fraud dispute has no alert to prompt it: it comes
    /// from the statement, or late.
    pub fn report(&self, r: &mut Rng, card: u128, since: f64, friendly: bool) -> f64 {
        let u = r.random();
        if u < self.late {
            since + r.uniform(LATE_FROM.min(self.window), self.window)
        } else if friendly || u < self.late + self.statement {
            next_statement(card, since) + r.lognormvariate(REVIEW_MEDIAN.ln(), REVIEW_SIGMA)
        } else {
            since + r.lognormvariate(self.quick_mu, self.quick_sigma)
        }
    }
}

/// The first statement of `card` closing at or after `t`: each card's cycle has its own day,
/// drawn from its id (random bits), so nothing is stored per card.
pub fn next_statement(card: u128, t: f64) -> f64 {
    let phase = statement_phase(card);
    ((t - phase) / STATEMENT_CYCLE).ceil() * STATEMENT_CYCLE + phase
}

fn statement_phase(card: u128) -> f64 {
    // SplitMix64's finalizer: a UUID's fixed version and variant bits do not bias the day.
    let mut x = (card as u64) ^ ((card >> 64) as u64);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64 * STATEMENT_CYCLE
}

/// When a transaction nobody disputed is labelled legitimate: the first run of the daily
/// maturity job once the transaction is `horizon` old. A non-decreasing function of the
/// transaction's time, so a copy of the stream running behind can label transactions in order
/// without storing them.
#[derive(Debug, Clone, Copy)]
pub struct Maturity {
    horizon: f64,
    period: f64,
}

impl Maturity {
    /// `horizon`: the maturity horizon, at most the dispute window. The job runs daily at
    /// 00:00 UTC, or every `horizon` when that is shorter (short test windows).
    pub fn new(horizon: f64, window: f64) -> Maturity {
        let horizon = horizon.min(window);
        Maturity {
            horizon,
            period: horizon.min(DAY),
        }
    }

    pub fn at(&self, t: f64) -> f64 {
        ((t + self.horizon) / self.period).ceil() * self.period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maturity_is_monotone_and_daily() {
        let m = Maturity::new(45.0 * DAY, 120.0 * DAY);
        let t0 = 1_740_787_200.0 + 3600.0;
        let mut last = 0.0;
        for i in 0..10_000 {
            let t = t0 + i as f64 * 97.0;
            let at = m.at(t);
            assert!(at >= last && at >= t + 45.0 * DAY && at < t + 46.0 * DAY);
            assert_eq!(at % DAY, 0.0);
            last = at;
        }
        assert_eq!(
            Maturity::new(45.0 * DAY, 2.0 * DAY).at(0.5 * DAY),
            3.0 * DAY
        );
    }

    #[test]
    fn statements_come_monthly_on_each_cards_own_day() {
        let (a, b) = (0x1234_u128 << 70 | 5, 0x9876_u128 << 70 | 11);
        let s = next_statement(a, 1e9);
        assert!((1e9..1e9 + STATEMENT_CYCLE).contains(&s));
        assert_eq!(next_statement(a, s), s);
        assert_eq!(next_statement(a, s + 1.0), s + STATEMENT_CYCLE);
        assert_ne!(next_statement(b, 1e9), s);
    }

    #[test]
    fn reports_mix_quick_statement_and_late() {
        let p = Reporting {
            quick_mu: (2.0 * DAY).ln(),
            quick_sigma: 1.0,
            statement: 0.4,
            late: 0.1,
            window: 120.0 * DAY,
        };
        let mut r = Rng::new(1);
        let mut d: Vec<f64> = (0..20_000u128)
            .map(|card| (p.report(&mut r, card * 7919, 1e9, false) - 1e9) / DAY)
            .collect();
        d.sort_by(f64::total_cmp);
        let q = |x: f64| d[(x * d.len() as f64) as usize];
        assert!(d[0] > 0.0 && q(0.999) <= 120.0);
        assert!((5.0..12.0).contains(&q(0.5)), "median {}", q(0.5));
        assert!(q(0.9) > 40.0, "p90 {}", q(0.9));
    }
}
