//! The native scenario contract and the registry of built-in scenarios.

use crate::drift::PhaseSpec;
use crate::record::Event;
use crate::rng::{RngTree, Shard};
use serde::Deserialize;
use serde_json::Value as Json;

/// What Python hands a scenario: validated options and the run's seed, start, shard and rate.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub seed: u64,
    /// Run start, event time (epoch seconds, UTC).
    pub start: f64,
    #[serde(default)]
    pub shard_index: u64,
    #[serde(default = "one")]
    pub shard_count: u64,
    /// Mean main-stream events per second (Python resolves the scenario's default).
    pub rate: f64,
    /// The scenario's options, as its pydantic model dumps them (`by_alias`, JSON mode).
    pub options: Json,
    /// The drift schedule, resolved (empty without drift).
    #[serde(default)]
    pub phases: Vec<PhaseSpec>,
}

fn one() -> u64 {
    1
}

impl Config {
    pub fn shard(&self) -> Shard {
        Shard {
            index: self.shard_index,
            count: self.shard_count,
        }
    }

    /// The run's RNG tree: every random stream of the scenario comes from it.
    pub fn rng(&self) -> RngTree {
        RngTree::new(self.seed, self.shard())
    }

    /// The options deserialized into a scenario's typed options struct.
    pub fn typed_options<T: serde::de::DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_value(self.options.clone()).map_err(|e| format!("invalid options: {e}"))
    }
}

/// A simulated stream of events in non-decreasing event time.
///
/// A scenario is constructed once per run from a [`Config`]; all its randomness comes from
/// the config's RNG tree, so the same config gives the same events. It is pausable by
/// construction: the caller pulls one event at a time.
pub trait Scenario: Send {
    /// Fills `event` with the next event (starting with `event.begin`); false when the
    /// stream has ended.
    fn next(&mut self, event: &mut Event) -> bool;

    /// Live sizes of the stream (e.g. `entities`, `sessions`), for metrics.
    fn gauges(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }

    /// Ends the main stream (`--drain-labels`): from now on `next` yields only the companion
    /// label events still due for main events already emitted, in event-time order, each at
    /// its true time, and returns false once none is left. With `retract_last_main` the last
    /// main event `next` produced was never emitted (it lay beyond the run's limit): no label
    /// is due for it. Returns false when the scenario has no delayed labels to drain.
    fn drain(&mut self, _retract_last_main: bool) -> bool {
        false
    }

    /// Labels still due: main events emitted whose label (or outcome) has not been emitted.
    fn pending_labels(&self) -> u64 {
        0
    }
}

/// A built-in scenario's static description: its streams and each stream's fields.
pub struct Spec {
    pub name: &'static str,
    /// Stream names; "" is the main stream (index 0), others are companions.
    pub streams: &'static [&'static str],
    /// For each stream, its field paths in row order.
    pub fields: &'static [&'static [&'static str]],
    pub build: fn(&Config) -> Result<Box<dyn Scenario>, String>,
}

/// The built-in scenarios.
pub fn registry() -> Vec<&'static Spec> {
    crate::scenarios::ALL.to_vec()
}

pub fn find(name: &str) -> Result<&'static Spec, String> {
    registry()
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("no native scenario {name:?}"))
}
