//! The fraud scenario: card transactions of persistent cardholders, with fraud campaigns of
//! five typologies and labels inline (`is_fraud`) or on a companion stream when confirmed.
//!
//! `options` (typed options and the drift regime), `fields` (stream field lists), `world`
//! (merchants, networks, devices, cardholders, rhythm), `campaigns` (fraud typologies),
//! `labels` (when delayed labels become known), `stream` (the event loop).

pub mod campaigns;
pub mod fields;
pub mod labels;
pub mod options;
pub mod stream;
pub mod world;

use crate::scenario::{Config, Scenario, Spec};

fn build(config: &Config) -> Result<Box<dyn Scenario>, String> {
    Ok(Box::new(stream::FraudStream::new(config)?))
}

pub static SPEC: Spec = Spec {
    name: "fraud",
    streams: &["", "labels"],
    fields: &[fields::TRANSACTION, fields::LABEL],
    build,
};
