//! The built-in scenarios, one module each with the same inner layout:
//! `options` (typed options and regime), `fields` (stream field lists), `world` (entities and
//! their behaviour), `stream` (the event loop implementing `Scenario`).

pub mod fraud;

use crate::scenario::Spec;

/// Every built-in scenario's spec.
pub const ALL: &[&Spec] = &[&fraud::SPEC];
