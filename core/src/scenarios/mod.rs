//! The built-in scenarios, one module each with the same inner layout:
//! `options` (typed options and regime), `fields` (stream field lists), `world` (entities and
//! their behaviour), `stream` (the event loop implementing `Scenario`).

use crate::scenario::Spec;

pub mod ecommerce;
pub mod eta;
pub mod fraud;

/// Every built-in scenario's spec.
pub const ALL: &[&Spec] = &[&ecommerce::SPEC, &eta::SPEC, &fraud::SPEC];
