//! Concept drift: the regime in effect at each main-stream event, following a schedule.
//!
//! Python validates a schedule and hands over every concept's complete options (the base
//! options, then each phase's options merged over the previous concept's). Here a scenario's
//! `build` turns options into its regime (derived, ready-to-use tables), once per concept and
//! once per step of an incremental phase. How a phase takes over:
//! `sudden` at once; `gradual` over `width`, each event drawn from the new concept with a
//! smoothstep probability; `incremental` over `width`, numbers interpolated in 50 steps (other
//! values switch half-way); `recurring` the new concept for `duration` at the start of every
//! `period`.

use crate::rng::Rng;
use serde::Deserialize;
use serde_json::Value as Json;
use std::sync::Arc;

pub const INCREMENTAL_STEPS: u32 = 50;
pub const BASE_CONCEPT: &str = "base";

/// One phase of a schedule, as Python resolved it.
#[derive(Debug, Clone, Deserialize)]
pub struct PhaseSpec {
    pub name: String,
    /// Absolute start (event time), or None for an `after` phase.
    pub start: Option<f64>,
    /// Start after this many main-stream events.
    pub after: Option<u64>,
    pub how: String,
    pub width: Option<f64>,
    pub period: Option<f64>,
    pub duration: Option<f64>,
    /// The complete options of the concept this phase introduces.
    pub options: Json,
}

type Build<R> = Box<dyn Fn(&Json) -> Result<R, String> + Send>;

struct Concept<R> {
    name: String,
    options: Json,
    regime: Arc<R>,
}

/// The drift controller of one run.
pub struct Drift<R> {
    build: Build<R>,
    rng: Rng,
    concepts: Vec<Concept<R>>,
    phases: Vec<PhaseSpec>,
    starts: Vec<Option<f64>>,
    regime: Arc<R>,
    concept: String,
    /// Index of the phase in effect (0 before the first).
    pub phase: u32,
    step: Option<u32>,
}

impl<R> Drift<R> {
    pub fn new(
        base: &Json,
        phases: Vec<PhaseSpec>,
        build: impl Fn(&Json) -> Result<R, String> + Send + 'static,
        rng: Rng,
    ) -> Result<Drift<R>, String> {
        let base_regime = Arc::new(build(base)?);
        let mut concepts = vec![Concept {
            name: BASE_CONCEPT.to_string(),
            options: base.clone(),
            regime: base_regime.clone(),
        }];
        for phase in &phases {
            concepts.push(Concept {
                name: phase.name.clone(),
                options: phase.options.clone(),
                regime: Arc::new(build(&phase.options)?),
            });
        }
        let starts = phases.iter().map(|p| p.start).collect();
        Ok(Drift {
            build: Box::new(build),
            rng,
            concepts,
            phases,
            starts,
            regime: base_regime,
            concept: BASE_CONCEPT.to_string(),
            phase: 0,
            step: None,
        })
    }

    /// Name of the concept of the latest event ('base', a phase's name, or a blend).
    pub fn concept(&self) -> &str {
        &self.concept
    }

    /// The regime currently in effect, without advancing.
    pub fn current(&self) -> Arc<R> {
        self.regime.clone()
    }

    /// The regime for a main-stream event at `t`, the `events`-th of the run (from 1).
    /// Times must not decrease from call to call. Lent, not cloned: counting references
    /// on every event costs two atomic operations.
    pub fn at(&mut self, t: f64, events: u64) -> &Arc<R> {
        if self.phases.is_empty() {
            return &self.regime;
        }
        while (self.phase as usize) < self.phases.len() {
            let i = self.phase as usize;
            if self.starts[i].is_none() {
                if let Some(after) = self.phases[i].after {
                    if events >= after {
                        self.starts[i] = Some(t);
                    }
                }
            }
            match self.starts[i] {
                Some(start) if t >= start => {
                    self.phase += 1;
                    self.step = None;
                }
                _ => break,
            }
        }
        if self.phase == 0 {
            return &self.regime;
        }
        let i = self.phase as usize;
        let spec = &self.phases[i - 1];
        let start = self.starts[i - 1].expect("an entered phase has a start");
        let elapsed = t - start;
        let use_new = match spec.how.as_str() {
            "sudden" => true,
            "recurring" => {
                let period = spec.period.unwrap_or(f64::INFINITY);
                let hold = spec.duration.unwrap_or(period / 2.0);
                elapsed.rem_euclid(period) < hold
            }
            how => {
                let progress = elapsed / spec.width.unwrap_or(0.0);
                // A zero width gives NaN or infinity: the new concept at once.
                if progress.is_nan() || progress >= 1.0 {
                    true
                } else if how == "gradual" {
                    self.rng.random() < smoothstep(progress)
                } else {
                    return self.incremental(i, progress);
                }
            }
        };
        let chosen = &self.concepts[if use_new { i } else { i - 1 }];
        self.regime = chosen.regime.clone();
        if self.concept != chosen.name {
            self.concept = chosen.name.clone();
        }
        &self.regime
    }

    fn incremental(&mut self, i: usize, progress: f64) -> &Arc<R> {
        let step = (progress * INCREMENTAL_STEPS as f64) as u32;
        if self.step != Some(step) {
            let fraction = step as f64 / INCREMENTAL_STEPS as f64;
            let (old, new) = (&self.concepts[i - 1], &self.concepts[i]);
            let mixed = mix(&old.options, &new.options, fraction);
            // Both ends were validated; a blend of valid options is valid by construction.
            self.regime = Arc::new((self.build)(&mixed).expect("a blend of valid options builds"));
            self.concept = format!("{}->{}@{:.2}", old.name, new.name, fraction);
            self.step = Some(step);
        }
        &self.regime
    }
}

/// Share of the new concept at progress `x` of a gradual phase: 0 -> 1, smooth at both ends.
pub fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// Options part-way from `a` to `b`: numbers interpolated (integers stay integers), other
/// values switch half-way, objects with the same keys mixed key by key.
pub fn mix(a: &Json, b: &Json, fraction: f64) -> Json {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let (fx, fy) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            let value = fx + (fy - fx) * fraction;
            if (x.is_i64() || x.is_u64()) && (y.is_i64() || y.is_u64()) {
                Json::from(value.round() as i64)
            } else {
                serde_json::Number::from_f64(value).map_or(Json::Null, Json::Number)
            }
        }
        (Json::Object(x), Json::Object(y))
            if x.len() == y.len() && x.keys().all(|k| y.contains_key(k)) =>
        {
            Json::Object(
                x.iter()
                    .map(|(k, v)| (k.clone(), mix(v, &y[k], fraction)))
                    .collect(),
            )
        }
        _ => {
            if fraction >= 0.5 {
                b.clone()
            } else {
                a.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn phase(how: &str, start: f64, width: Option<f64>, p: f64) -> PhaseSpec {
        PhaseSpec {
            name: "storms".into(),
            start: Some(start),
            after: None,
            how: how.into(),
            width,
            period: None,
            duration: None,
            options: json!({"p": p, "n": 10}),
        }
    }

    fn build(o: &Json) -> Result<f64, String> {
        o["p"].as_f64().ok_or_else(|| "p".to_string())
    }

    #[test]
    fn sudden_switches_at_the_start() {
        let mut d = Drift::new(
            &json!({"p": 0.02, "n": 0}),
            vec![phase("sudden", 3600.0, None, 0.5)],
            build,
            Rng::new(0),
        )
        .unwrap();
        assert_eq!(**d.at(10.0, 1), 0.02);
        assert_eq!(d.concept(), "base");
        assert_eq!(**d.at(3600.0, 2), 0.5);
        assert_eq!((d.concept(), d.phase), ("storms", 1));
    }

    #[test]
    fn incremental_interpolates_and_after_counts_events() {
        let mut d = Drift::new(
            &json!({"p": 0.0, "n": 0}),
            vec![phase("incremental", 0.0, Some(100.0), 1.0)],
            build,
            Rng::new(0),
        )
        .unwrap();
        let mid = **d.at(50.0, 1);
        assert!((mid - 0.5).abs() < 1e-9);
        assert_eq!(d.concept(), "base->storms@0.50");
        assert_eq!(**d.at(100.0, 2), 1.0);
        let mut after = phase("sudden", 0.0, None, 1.0);
        after.start = None;
        after.after = Some(3);
        let mut d =
            Drift::new(&json!({"p": 0.0, "n": 0}), vec![after], build, Rng::new(0)).unwrap();
        assert_eq!(**d.at(1.0, 2), 0.0);
        assert_eq!(**d.at(2.0, 3), 1.0);
    }

    #[test]
    fn mix_keeps_integers() {
        assert_eq!(
            mix(
                &json!({"n": 0, "b": true}),
                &json!({"n": 10, "b": false}),
                0.26
            ),
            json!({"n": 3, "b": true})
        );
    }
}
