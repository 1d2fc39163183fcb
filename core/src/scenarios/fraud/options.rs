//! The fraud scenario's options (as Python's `FraudOptions` dumps them) and the regime built
//! from them for each drift concept.

use super::labels::Reporting;
use crate::rng::Weighted;
use crate::time::DAY;
use serde::Deserialize;
use serde_json::Value as Json;

pub const YEAR: f64 = 365.0 * DAY;

/// Fraud typologies, in the order of their `fraud_type` values.
pub const TYPOLOGIES: [&str; 5] = [
    "card_testing",
    "stolen_card",
    "account_takeover",
    "new_account",
    "compromised_merchant",
];
pub const CARD_TESTING: usize = 0;
pub const STOLEN_CARD: usize = 1;
pub const ACCOUNT_TAKEOVER: usize = 2;
pub const NEW_ACCOUNT: usize = 3;
pub const COMPROMISED_MERCHANT: usize = 4;

/// Relative weights of the high-value typologies.
#[derive(Debug, Clone, Deserialize)]
pub struct TypologyMix {
    #[serde(default)]
    pub stolen_card: f64,
    #[serde(default)]
    pub account_takeover: f64,
    #[serde(default)]
    pub new_account: f64,
    #[serde(default)]
    pub compromised_merchant: f64,
}

impl TypologyMix {
    /// Weights in typology order (card testing first, weighing 0 here).
    pub fn weights(&self) -> [f64; 5] {
        [
            0.0,
            self.stolen_card,
            self.account_takeover,
            self.new_account,
            self.compromised_merchant,
        ]
    }
}

/// The options of Python's `FraudOptions` (JSON mode, by alias).
#[derive(Debug, Clone, Deserialize)]
pub struct FraudOptions {
    pub fraud_probability: f64,
    pub account_age_days_limit: u64,
    pub merchant_id_limit: u64,
    pub cvv_provided_missing_probability: f64,
    pub billing_address_match_missing_probability: f64,
    pub high_value_fraud_probability: f64,
    #[serde(default)]
    pub users: Option<u64>,
    pub typology_mix: TypologyMix,
    pub cash_out_probability: f64,
    pub trips_per_year: f64,
    pub device_changes_per_year: f64,
    pub new_device_probability: f64,
    pub account_growth_per_year: f64,
    pub label_mode: LabelMode,
    pub label_delay_median_days: f64,
    pub label_delay_sigma: f64,
    pub label_statement_share: f64,
    pub label_late_share: f64,
    pub label_maturity_days: f64,
    pub dispute_window_days: f64,
    #[serde(default)]
    pub difficulty: Difficulty,
    #[serde(default)]
    pub unreported_fraud_probability: Option<f64>,
    #[serde(default)]
    pub friendly_fraud_probability: Option<f64>,
}

/// How hard fraud is to tell from legitimate spending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    #[default]
    Realistic,
    Hard,
}

/// What a difficulty level sets together.
#[derive(Debug, Clone, Copy)]
pub struct Level {
    /// Share of victims' attacks that imitate the victim (device, network, place, amounts,
    /// merchants): account takeover through the victim's own device, a card used nearby.
    pub mimicry: f64,
    /// Multiplies trips, device changes and borrowed devices of legitimate cardholders.
    pub oddities: f64,
    /// Share of legitimate purchases that are one-off large purchases.
    pub splurge: f64,
    /// Share of legitimate purchases at high-risk (resale) merchants, beyond habits.
    pub risky_merchant: f64,
    /// Default share of fraud never reported (labelled 0).
    pub unreported: f64,
    /// Default share of legitimate transactions disputed as fraud (labelled 1).
    pub friendly: f64,
}

impl Difficulty {
    pub fn level(self) -> Level {
        match self {
            Difficulty::Easy => Level {
                mimicry: 0.0,
                oddities: 1.0,
                splurge: 0.0,
                risky_merchant: 0.0,
                unreported: 0.0,
                friendly: 0.0,
            },
            Difficulty::Realistic => Level {
                mimicry: 0.2,
                oddities: 1.0,
                splurge: 0.01,
                risky_merchant: 0.03,
                unreported: 0.15,
                friendly: 0.002,
            },
            Difficulty::Hard => Level {
                mimicry: 0.6,
                oddities: 2.0,
                splurge: 0.02,
                risky_merchant: 0.08,
                unreported: 0.3,
                friendly: 0.005,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelMode {
    Inline,
    Delayed,
}

// Campaign shapes: transactions per victim (inclusive range), mean gap, longest span.
/// Cards a card tester runs through one merchant in one burst, and probes per card.
pub const BURST_CARDS: (i64, i64) = (3, 10);
pub const PROBES: (i64, i64) = (2, 5);
pub const STOLEN_TRANSACTIONS: (i64, i64) = (2, 6);
pub const TAKEOVER_TRANSACTIONS: (i64, i64) = (2, 5);
pub const NEW_ACCOUNT_TRANSACTIONS: (i64, i64) = (1, 4);
pub const BREACH_VICTIMS: (i64, i64) = (8, 24);
pub const COUNTERFEIT_TRANSACTIONS: (i64, i64) = (1, 3);

fn mean(bounds: (i64, i64)) -> f64 {
    (bounds.0 + bounds.1) as f64 / 2.0
}

/// Mean number of fraudulent transactions of one campaign of a typology.
pub fn expected_transactions(typology: usize, cash_out_probability: f64) -> f64 {
    match typology {
        CARD_TESTING => mean(BURST_CARDS) * (mean(PROBES) + cash_out_probability),
        STOLEN_CARD => mean(STOLEN_TRANSACTIONS),
        ACCOUNT_TAKEOVER => mean(TAKEOVER_TRANSACTIONS),
        NEW_ACCOUNT => mean(NEW_ACCOUNT_TRANSACTIONS),
        _ => mean(BREACH_VICTIMS) * mean(COUNTERFEIT_TRANSACTIONS),
    }
}

/// The parameters in effect, with their derived tables (one per drift concept).
#[derive(Debug, Clone)]
pub struct Regime {
    pub fraud_probability: f64,
    /// Typology of the next fraudulent transaction.
    pub typology: Weighted,
    /// 1 / mean campaign size: keeps the share of fraud exact.
    pub start_probability: [f64; 5],
    /// Share of fraudulent transactions by typology.
    pub shares: [f64; 5],
    pub cvv_missing: f64,
    pub billing_missing: f64,
    /// Trips per cardholder per second.
    pub trip_rate: f64,
    /// Device replacements per cardholder per second.
    pub device_change_rate: f64,
    pub new_device: f64,
    pub cash_out: f64,
    /// New accounts per cardholder per second.
    pub growth_per_second: f64,
    /// How victims and disputing cardholders come to report (delayed labels).
    pub reporting: Reporting,
    pub level: Level,
}

impl Regime {
    pub fn new(o: &FraudOptions) -> Result<Regime, String> {
        let mix = o.typology_mix.weights();
        let total: f64 = mix.iter().sum();
        if total <= 0.0 || mix.iter().any(|&w| w < 0.0) {
            return Err("typology_mix: expected at least one positive weight".into());
        }
        let hv = o.high_value_fraud_probability;
        let mut shares = [1.0 - hv, 0.0, 0.0, 0.0, 0.0];
        for k in 1..5 {
            shares[k] = hv * mix[k] / total;
        }
        let mut start_probability = [0.0; 5];
        for (k, p) in start_probability.iter_mut().enumerate() {
            *p = 1.0 / expected_transactions(k, o.cash_out_probability);
        }
        let weights: Vec<f64> = shares.iter().map(|s| s.max(0.0)).collect();
        let typology = if weights.iter().sum::<f64>() > 0.0 {
            Weighted::new(&weights)
        } else {
            Weighted::new(&[1.0])
        };
        let mut level = o.difficulty.level();
        level.unreported = o.unreported_fraud_probability.unwrap_or(level.unreported);
        level.friendly = o.friendly_fraud_probability.unwrap_or(level.friendly);
        let odd = level.oddities;
        Ok(Regime {
            level,
            fraud_probability: o.fraud_probability,
            typology,
            start_probability,
            shares,
            cvv_missing: o.cvv_provided_missing_probability,
            billing_missing: o.billing_address_match_missing_probability,
            trip_rate: odd * o.trips_per_year / YEAR,
            device_change_rate: odd * o.device_changes_per_year / YEAR,
            new_device: (odd * o.new_device_probability).min(1.0),
            cash_out: o.cash_out_probability,
            growth_per_second: o.account_growth_per_year / YEAR,
            reporting: Reporting {
                quick_mu: (o.label_delay_median_days * DAY).ln(),
                quick_sigma: o.label_delay_sigma,
                statement: o.label_statement_share,
                late: o.label_late_share,
                window: o.dispute_window_days * DAY,
            },
        })
    }

    /// The regime of one concept's options (JSON).
    pub fn build(options: &Json) -> Result<Regime, String> {
        let o: FraudOptions =
            serde_json::from_value(options.clone()).map_err(|e| format!("invalid options: {e}"))?;
        Regime::new(&o)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub fn defaults() -> Json {
        json!({
            "fraud_probability": 0.01, "account_age_days_limit": 5, "merchant_id_limit": 200,
            "cvv_provided_missing_probability": 0.05,
            "billing_address_match_missing_probability": 0.1,
            "high_value_fraud_probability": 0.8, "users": null,
            "typology_mix": {"stolen_card": 0.6, "account_takeover": 0.15, "new_account": 0.1,
                             "compromised_merchant": 0.15},
            "cash_out_probability": 0.6, "trips_per_year": 3.0, "device_changes_per_year": 0.7,
            "new_device_probability": 0.005, "account_growth_per_year": 0.1,
            "label_mode": "inline", "label_delay_median_days": 2.0, "label_delay_sigma": 1.0,
            "label_statement_share": 0.4, "label_late_share": 0.1, "label_maturity_days": 45.0,
            "dispute_window_days": 120.0
        })
    }

    #[test]
    fn shares_split_high_value_by_the_mix() {
        let r = Regime::build(&defaults()).unwrap();
        assert!((r.shares[CARD_TESTING] - 0.2).abs() < 1e-12);
        assert!((r.shares[STOLEN_CARD] - 0.48).abs() < 1e-12);
        assert!((r.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((expected_transactions(CARD_TESTING, 0.6) - 26.65).abs() < 1e-12);
        assert!((expected_transactions(COMPROMISED_MERCHANT, 0.6) - 32.0).abs() < 1e-12);
    }
}
