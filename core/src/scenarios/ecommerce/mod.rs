//! Clickstream of shopping sessions: returning customers, a product catalogue and the full funnel.
//!
//! The original `e_commerce_customer_interactions` producer: every original field and option.
//! Sessions are timelines: each open session schedules its next event at its last event's time
//! plus the time spent on that page, and new sessions start from a Poisson process that follows
//! the daily, weekly and holiday rhythm. Open sessions are bounded by a hard cap and closed by
//! event-time inactivity, so memory stays flat however long the run.

pub mod calendar;
pub mod catalogue;
pub mod customers;
pub mod fields;
pub mod funnel;
pub mod intmap;
pub mod options;
pub mod stream;
pub mod world;

#[cfg(test)]
mod tests;

use crate::scenario::Spec;

pub static SPEC: Spec = Spec {
    name: "ecommerce",
    streams: &["", "sessions"],
    fields: &[fields::MAIN, fields::SESSIONS],
    build: stream::build,
};
