//! The e-commerce options as Python dumps them, and the regime derived from them.

use super::catalogue::{Catalogue, CATEGORIES};
use super::customers::{device_profiles, SECOND_DEVICE};
use super::funnel::{geometric_log, MAX_BOUNCE_PROBABILITY, MAX_CART_PROBABILITY, MAX_COMPLETION};
use super::funnel::{ABANDON_EVENTS, CART_EVENTS, PURCHASE_EVENTS};
use super::funnel::{DEEP_FACTOR, SHALLOW_FACTOR};
use crate::rng::Weighted;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

pub const CHANNELS: [&str; 6] = [
    "direct",
    "organic_search",
    "paid",
    "social",
    "email",
    "marketplace",
];
pub const DEVICE_TYPES: [&str; 3] = ["Mobile", "Desktop", "Tablet"];
pub const HOLIDAYS: [&str; 7] = [
    "thanksgiving",
    "black_friday",
    "cyber_weekend",
    "cyber_monday",
    "christmas_season",
    "christmas",
    "after_christmas",
];
/// Mean loyalty over returning sessions (loyal customers visit more): 1 / (2 - LOYALTY_SKEW).
pub const MEAN_SESSION_LOYALTY: f64 = 1.0 / (2.0 - super::customers::LOYALTY_SKEW);

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct MixSpec {
    pub share: f64,
    pub bounce: f64,
    pub conversion: f64,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct HolidayEffect {
    pub traffic: f64,
    pub conversion: f64,
}

/// `EcommerceOptions.model_dump(mode="json", by_alias=True)` without the drift options.
#[derive(Debug, Clone, Deserialize)]
pub struct Options {
    pub max_active_sessions: u64,
    pub session_timeout_minutes: f64,
    pub customers: u64,
    pub products: u64,
    pub session_outcomes: bool,
    pub seasonality: bool,
    pub holidays: bool,
    pub holiday_effects: HashMap<String, HolidayEffect>,
    pub traffic_multiplier: f64,
    pub conversion_rate: f64,
    pub cart_abandonment_rate: f64,
    pub bounce_rate: f64,
    pub new_visitor_share: f64,
    pub signup_probability: f64,
    pub returning_conversion_lift: f64,
    pub cross_device_share: f64,
    pub browse_depth: f64,
    pub review_probability: f64,
    pub time_on_page_scale: f64,
    pub price_elasticity: f64,
    pub channels: HashMap<String, MixSpec>,
    pub devices: HashMap<String, MixSpec>,
    pub category_interest: HashMap<String, f64>,
    pub category_price_multipliers: HashMap<String, f64>,
}

fn get<T: Copy>(map: &HashMap<String, T>, key: &str, what: &str) -> Result<T, String> {
    map.get(key)
        .copied()
        .ok_or_else(|| format!("invalid options: {what} {key:?} missing"))
}

impl Options {
    pub fn from_json(json: &serde_json::Value) -> Result<Options, String> {
        let o: Options =
            serde_json::from_value(json.clone()).map_err(|e| format!("invalid options: {e}"))?;
        // Every table must be complete (Python fills them from the defaults).
        o.channel_table()?;
        o.device_table()?;
        o.category_table(&o.category_interest, "category")?;
        o.category_table(&o.category_price_multipliers, "category")?;
        o.holiday_table()?;
        Ok(o)
    }

    /// Share of sessions with an add-to-cart implied by conversion and abandonment.
    pub fn add_to_cart_rate(&self) -> f64 {
        self.conversion_rate / (1.0 - self.cart_abandonment_rate)
    }

    pub fn channel_table(&self) -> Result<[MixSpec; 6], String> {
        let mut out = [MixSpec {
            share: 0.0,
            bounce: 1.0,
            conversion: 1.0,
        }; 6];
        for (slot, name) in out.iter_mut().zip(CHANNELS) {
            *slot = get(&self.channels, name, "channel")?;
        }
        Ok(out)
    }

    pub fn device_table(&self) -> Result<[MixSpec; 3], String> {
        let mut out = [MixSpec {
            share: 0.0,
            bounce: 1.0,
            conversion: 1.0,
        }; 3];
        for (slot, name) in out.iter_mut().zip(DEVICE_TYPES) {
            *slot = get(&self.devices, name, "device type")?;
        }
        Ok(out)
    }

    pub fn category_table(
        &self,
        map: &HashMap<String, f64>,
        what: &str,
    ) -> Result<[f64; 12], String> {
        let mut out = [0.0; 12];
        for (slot, c) in out.iter_mut().zip(CATEGORIES.iter()) {
            *slot = get(map, c.name, what)?;
        }
        Ok(out)
    }

    pub fn holiday_table(&self) -> Result<[HolidayEffect; 7], String> {
        let mut out = [HolidayEffect {
            traffic: 1.0,
            conversion: 1.0,
        }; 7];
        for (slot, name) in out.iter_mut().zip(HOLIDAYS) {
            *slot = get(&self.holiday_effects, name, "holiday")?;
        }
        Ok(out)
    }
}

fn normalised<const N: usize>(weights: [f64; N]) -> [f64; N] {
    let total: f64 = weights.iter().sum();
    weights.map(|w| w / total)
}

/// Normalised propensities: relative effects average to 1 over the mixes, so rates mean what they say.
pub struct Tables {
    pub channel_share: [f64; 6],
    pub channel_cart: [f64; 6],
    pub channel_bounce: [f64; 6],
    pub device_share: [f64; 3],
    pub device_bounce: [f64; 3],
    pub device_completion: [f64; 3],
    pub new_factor: f64,
    pub returning_factor: f64,
}

impl Tables {
    pub fn new(o: &Options) -> Result<Tables, String> {
        let channels = o.channel_table()?;
        let devices = o.device_table()?;
        let channel_share = normalised(channels.map(|c| c.share));
        let mean_conversion: f64 = channel_share
            .iter()
            .zip(&channels)
            .map(|(s, c)| s * c.conversion)
            .sum();
        let mean_bounce: f64 = channel_share
            .iter()
            .zip(&channels)
            .map(|(s, c)| s * c.bounce)
            .sum();
        let atc = o.add_to_cart_rate();
        let channel_cart = channels.map(|c| atc * c.conversion / mean_conversion);
        // Bounces come from sessions that do not add to the cart, hence the 1 / (1 - atc).
        let channel_bounce = channels.map(|c| o.bounce_rate * c.bounce / mean_bounce / (1.0 - atc));
        let device_share = session_devices(o, &devices);
        let mean_device_bounce: f64 = (0..3).map(|d| device_share[d] * devices[d].bounce).sum();
        let mean_device_conversion: f64 = (0..3)
            .map(|d| device_share[d] * devices[d].conversion)
            .sum();
        let device_bounce = devices.map(|d| d.bounce / mean_device_bounce);
        let device_completion = devices.map(|d| {
            MAX_COMPLETION
                .min((1.0 - o.cart_abandonment_rate) * d.conversion / mean_device_conversion)
        });
        let mean_visitor =
            o.new_visitor_share + (1.0 - o.new_visitor_share) * o.returning_conversion_lift;
        Ok(Tables {
            channel_share,
            channel_cart,
            channel_bounce,
            device_share,
            device_bounce,
            device_completion,
            new_factor: 1.0 / mean_visitor,
            returning_factor: o.returning_conversion_lift
                / mean_visitor
                / (0.5 + MEAN_SESSION_LOYALTY),
        })
    }
}

/// Share of sessions by device type: customers' devices, some returning sessions on the second one.
fn session_devices(o: &Options, devices: &[MixSpec; 3]) -> [f64; 3] {
    let primary = normalised(devices.map(|d| d.share));
    let switched = (1.0 - o.new_visitor_share) * o.cross_device_share;
    let mut out = primary.map(|s| (1.0 - switched) * s);
    for (d, share) in primary.iter().enumerate() {
        out[SECOND_DEVICE[d]] += switched * share;
    }
    out
}

/// Mean events of a session under these options (ordinary days), from the plan's closed form.
pub fn events_per_session(o: &Options) -> Result<f64, String> {
    let t = Tables::new(o)?;
    let interest = normalised(o.category_table(&o.category_interest, "category")?);
    let multipliers = o.category_table(&o.category_price_multipliers, "category")?;
    let price: f64 = interest
        .iter()
        .zip(&multipliers)
        .map(|(w, m)| w * m.powf(-o.price_elasticity))
        .sum();
    let (mut bounce, mut cart) = (0.0, 0.0);
    for c in 0..6 {
        let p_cart = MAX_CART_PROBABILITY.min(t.channel_cart[c] * price);
        cart += t.channel_share[c] * p_cart;
        for d in 0..3 {
            let p_bounce = MAX_BOUNCE_PROBABILITY.min(t.channel_bounce[c] * t.device_bounce[d]);
            bounce += t.channel_share[c] * t.device_share[d] * (1.0 - p_cart) * p_bounce;
        }
    }
    let completion: f64 = (0..3)
        .map(|d| t.device_share[d] * t.device_completion[d])
        .sum();
    let depth = o.browse_depth;
    let cart_events =
        depth + CART_EVENTS + completion * PURCHASE_EVENTS + (1.0 - completion) * ABANDON_EVENTS;
    Ok(bounce + (1.0 - bounce - cart) * depth + cart * cart_events)
}

/// 168 multipliers (weekday * 24 + local hour) averaging 1 over a week; all 1 without seasonality.
pub fn weekly_rhythm(seasonality: bool) -> [f64; 168] {
    if !seasonality {
        return [1.0; 168];
    }
    let mut week = [0.0; 168];
    for (d, day) in super::calendar::WEEKDAY_SHARES.iter().enumerate() {
        for (h, hour) in super::calendar::HOURLY_VISITS.iter().enumerate() {
            week[d * 24 + h] = day * hour;
        }
    }
    let mean = week.iter().sum::<f64>() / 168.0;
    week.map(|w| w / mean)
}

/// Everything a session needs from the options in effect, precomputed.
pub struct Regime {
    pub options: Options,
    /// Session starts per second before the weekly rhythm and holidays.
    pub sessions_per_second: f64,
    pub week: [f64; 168],
    pub holiday_traffic: Option<[f64; 7]>,
    pub holiday_conversion: Option<[f64; 7]>,
    pub channels: Weighted,
    pub channel_cart: [f64; 6],
    pub channel_bounce: [f64; 6],
    pub device_bounce: [f64; 3],
    pub device_completion: [f64; 3],
    /// Main device profiles of new customers.
    pub devices: Weighted,
    pub interest: Weighted,
    pub new_factor: f64,
    pub returning_factor: f64,
    pub prices: Arc<Vec<f64>>,
    pub log_price_multipliers: [f64; 12],
    pub log_pages: f64,
    /// The same for the sessions that browse deep (see `funnel::DEEP_SHARE`).
    pub log_pages_deep: f64,
}

impl Regime {
    pub fn build(o: Options, catalogue: &Catalogue, base_sessions: f64) -> Result<Regime, String> {
        let t = Tables::new(&o)?;
        let holidays = if o.holidays {
            Some(o.holiday_table()?)
        } else {
            None
        };
        let multipliers = o.category_table(&o.category_price_multipliers, "category")?;
        let interest = o.category_table(&o.category_interest, "category")?;
        let devices = o.device_table()?;
        let channels = o.channel_table()?;
        Ok(Regime {
            sessions_per_second: base_sessions * o.traffic_multiplier,
            week: weekly_rhythm(o.seasonality),
            holiday_traffic: holidays.map(|h| h.map(|e| e.traffic)),
            holiday_conversion: holidays.map(|h| h.map(|e| e.conversion)),
            channels: Weighted::new(&channels.map(|c| c.share)),
            channel_cart: t.channel_cart,
            channel_bounce: t.channel_bounce,
            device_bounce: t.device_bounce,
            device_completion: t.device_completion,
            devices: device_profiles(&devices.map(|d| d.share)),
            interest: Weighted::new(&interest),
            new_factor: t.new_factor,
            returning_factor: t.returning_factor,
            prices: catalogue.prices(&multipliers),
            log_price_multipliers: multipliers.map(f64::ln),
            log_pages: geometric_log((o.browse_depth - 2.0) * SHALLOW_FACTOR),
            log_pages_deep: geometric_log((o.browse_depth - 2.0) * DEEP_FACTOR),
            options: o,
        })
    }
}
