//! Tests of the whole stream: determinism, order, calibration, the session store.

use super::options::{events_per_session, Options};
use crate::record::{Event, Value};
use crate::scenario::Config;
use crate::stream::{Batch, Engine};
use serde_json::json;
use std::collections::HashMap;

/// The options as Python dumps their defaults.
pub fn default_options() -> serde_json::Value {
    let mut o = json!({
        "event_rate_per_minute": 600, "max_active_sessions": 50000, "session_timeout_minutes": 30,
        "customers": 50000, "products": 5000, "session_outcomes": false, "seasonality": true,
        "holidays": true, "traffic_multiplier": 1.0, "conversion_rate": 0.025,
        "cart_abandonment_rate": 0.7, "bounce_rate": 0.35, "new_visitor_share": 0.52,
        "signup_probability": 0.05, "returning_conversion_lift": 1.75, "cross_device_share": 0.1,
        "browse_depth": 5.0, "review_probability": 0.05, "time_on_page_scale": 1.0,
        "price_elasticity": 1.5,
        "holiday_effects": {
            "thanksgiving": {"traffic": 1.5, "conversion": 1.2},
            "black_friday": {"traffic": 2.4, "conversion": 1.5},
            "cyber_weekend": {"traffic": 1.8, "conversion": 1.3},
            "cyber_monday": {"traffic": 1.6, "conversion": 1.85},
            "christmas_season": {"traffic": 1.3, "conversion": 1.15},
            "christmas": {"traffic": 0.8, "conversion": 0.85},
            "after_christmas": {"traffic": 1.2, "conversion": 1.05}
        },
        "channels": {
            "direct": {"share": 0.28, "bounce": 0.85, "conversion": 1.3},
            "organic_search": {"share": 0.33, "bounce": 1.0, "conversion": 1.0},
            "paid": {"share": 0.17, "bounce": 1.2, "conversion": 0.85},
            "social": {"share": 0.08, "bounce": 1.45, "conversion": 0.45},
            "email": {"share": 0.06, "bounce": 0.75, "conversion": 1.8},
            "marketplace": {"share": 0.08, "bounce": 0.9, "conversion": 1.1}
        },
        "devices": {
            "Mobile": {"share": 0.6, "bounce": 1.15, "conversion": 0.75},
            "Desktop": {"share": 0.35, "bounce": 0.8, "conversion": 1.5},
            "Tablet": {"share": 0.05, "bounce": 0.87, "conversion": 1.3}
        }
    });
    let names = super::catalogue::CATEGORIES;
    o["category_interest"] = names
        .iter()
        .map(|c| (c.name.to_string(), json!(c.interest)))
        .collect();
    o["category_price_multipliers"] = names
        .iter()
        .map(|c| (c.name.to_string(), json!(1.0)))
        .collect();
    o
}

fn config(seed: u64, options: serde_json::Value) -> Config {
    Config {
        seed,
        start: 1_740_960_000.0, // 2025-03-03T00:00:00Z
        shard_index: 0,
        shard_count: 1,
        rate: 10.0,
        options,
        phases: Vec::new(),
    }
}

fn run(config: &Config, n: usize) -> Vec<(usize, f64, Vec<Value>)> {
    let mut s = super::stream::build(config).unwrap();
    let mut e = Event::default();
    (0..n)
        .map(|_| {
            assert!(s.next(&mut e));
            (e.stream, e.time, e.row.clone())
        })
        .collect()
}

#[test]
fn the_closed_form_calibrates_events_per_session() {
    let o = Options::from_json(&default_options()).unwrap();
    let mean = events_per_session(&o).unwrap();
    assert!((mean - 4.07).abs() < 0.005, "{mean}");
}

#[test]
fn same_config_same_events_in_time_order() {
    let mut options = default_options();
    options["session_outcomes"] = json!(true);
    let a = run(&config(1, options.clone()), 40_000);
    assert_eq!(a, run(&config(1, options.clone()), 40_000));
    assert_ne!(a[..50], run(&config(2, options), 40_000)[..50]);
    for w in a.windows(2) {
        assert!(w[0].1 <= w[1].1, "{:?}\n{:?}", w[0], w[1]);
    }
    assert!(a.iter().any(|e| e.0 == 1));
    for (stream, _, row) in &a {
        let fields = if *stream == 0 {
            super::fields::MAIN
        } else {
            super::fields::SESSIONS
        };
        assert_eq!(row.len(), fields.len());
    }
}

#[test]
fn the_cap_bounds_open_sessions() {
    let mut options = default_options();
    options["max_active_sessions"] = json!(25);
    let mut s = super::stream::build(&config(3, options)).unwrap();
    let mut e = Event::default();
    for _ in 0..20_000 {
        assert!(s.next(&mut e));
        let open = s.gauges()[0].1;
        assert!(open <= 25.0);
    }
}

#[test]
#[ignore]
fn bench_default_options() {
    let c = config(1, default_options());
    let n = 1_000_000;
    let started = std::time::Instant::now();
    let mut s = super::stream::build(&c).unwrap();
    let mut e = Event::default();
    for _ in 0..n {
        s.next(&mut e);
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    println!("{rate:.0} events/s (scenario only)");
}

#[test]
fn entities_are_compact() {
    // A persistent customer is one slot of the population: no heap memory of its own.
    assert!(std::mem::size_of::<super::customers::Customer>() <= 64);
    // An open session, with its plan and cart on the heap (a few dozen bytes more).
    assert!(std::mem::size_of::<super::world::Session>() <= 400);
}

#[test]
fn a_sudden_phase_changes_prices_and_marks_events() {
    use crate::drift::PhaseSpec;
    use std::collections::HashMap;
    let base = default_options();
    let mut dearer = base.clone();
    dearer["category_price_multipliers"]["Electronics"] = json!(2.0);
    let mut c = config(5, base);
    c.phases = vec![PhaseSpec {
        name: "tariff".into(),
        start: Some(c.start + 3600.0),
        after: None,
        how: "sudden".into(),
        width: None,
        period: None,
        duration: None,
        options: dearer,
    }];
    let (product, category, price, concept, phase) = (5, 6, 7, 28, 29);
    let mut before: HashMap<String, f64> = HashMap::new();
    let mut ratios = Vec::new();
    for (_, t, row) in run(&c, 80_000) {
        let after = t >= c.start + 3600.0;
        assert_eq!(row[phase], Value::Int(after as i64));
        let name = match &row[concept] {
            Value::Static(s) => s.to_string(),
            Value::Str(s) => s.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(name, if after { "tariff" } else { "base" });
        // Product pages show the current price (carts keep the price when added).
        if let (
            Value::Static("product_view"),
            Value::Str(p),
            Value::Static("Electronics"),
            Value::Float(x),
        ) = (&row[4], &row[product], &row[category], &row[price])
        {
            if !after {
                before.insert(p.clone(), *x);
            } else if let Some(old) = before.get(p) {
                ratios.push((x + 0.01) / (old + 0.01));
            }
        }
    }
    assert!(ratios.len() > 100);
    // Shelf prices end in .99 (and stop at 4999.99).
    assert!(
        ratios.iter().all(|r| (r - 2.0).abs() < 0.02 || *r < 2.0),
        "{ratios:?}"
    );
    assert!(ratios.iter().filter(|r| (*r - 2.0).abs() < 0.02).count() * 10 > ratios.len() * 9);
}

/// (stream, time, session id, events so far or in all) of each record of `batches`.
fn sessions_of(batches: &[&Batch]) -> Vec<(usize, f64, String, i64)> {
    let mut out = Vec::new();
    for b in batches {
        for (i, m) in b.records.iter().enumerate() {
            let v: serde_json::Value = serde_json::from_slice(b.value(i)).unwrap();
            let count = if m.stream == 0 {
                &v["session_event_sequence"]
            } else {
                &v["event_count"]
            };
            let id = v["session_id"].as_str().unwrap().to_string();
            out.push((m.stream, m.time, id, count.as_i64().unwrap()));
        }
    }
    out
}

/// A run drained after `first`: records in time order, no main event after the drain, and
/// exactly one outcome per session with an emitted event, counting just those events; the
/// outcomes of the drain come at each session's last event plus the timeout.
fn check_drained(first: &Batch, rest: &Batch) {
    assert_eq!(rest.main, 0);
    let records = sessions_of(&[first, rest]);
    assert!(records.windows(2).all(|w| w[0].1 <= w[1].1), "out of order");
    let mut emitted: HashMap<&str, (i64, f64)> = HashMap::new();
    for (stream, t, id, _) in records.iter().filter(|r| r.0 == 0) {
        let seen = emitted.entry(id).or_default();
        *seen = (seen.0 + 1, *t);
        assert_eq!(*stream, 0);
    }
    let mut ended: HashMap<&str, i64> = HashMap::new();
    for (_, _, id, events) in records.iter().filter(|r| r.0 == 1) {
        assert!(ended.insert(id, *events).is_none(), "two outcomes for {id}");
    }
    let counts: HashMap<&str, i64> = emitted.iter().map(|(k, v)| (*k, v.0)).collect();
    assert_eq!(ended, counts);
    let drained = sessions_of(&[rest]);
    assert!(!drained.is_empty());
    for (_, t, id, _) in &drained {
        assert!((t - emitted[id.as_str()].1 - 1800.0).abs() < 1e-6);
    }
}

fn engine_with_outcomes() -> Engine {
    let mut options = default_options();
    options["session_outcomes"] = json!(true);
    Engine::new(&super::SPEC, &config(5, options), &[]).unwrap()
}

#[test]
fn draining_after_a_budget_ends_every_open_session() {
    let mut e = engine_with_outcomes();
    let mut first = Batch::default();
    e.fill(&mut first, usize::MAX, 3000, f64::INFINITY).unwrap();
    assert!(e.pending_labels() > 0);
    e.drain();
    let mut rest = Batch::default();
    e.fill(&mut rest, usize::MAX, 0, f64::INFINITY).unwrap();
    check_drained(&first, &rest);
    assert_eq!(
        (e.pending_labels(), e.peek_time(), e.main_events),
        (0, None, 3000)
    );
}

#[test]
fn a_retracted_event_counts_for_no_session() {
    let mut reference = engine_with_outcomes();
    let mut all = Batch::default();
    reference
        .fill(&mut all, usize::MAX, 3000, f64::INFINITY)
        .unwrap();
    let main: Vec<_> = sessions_of(&[&all])
        .into_iter()
        .filter(|r| r.0 == 0)
        .skip(1000)
        .collect();
    // The first event of a session, then a later event of one.
    for sequence in [1, 3] {
        let (_, horizon, id, _) = main.iter().find(|r| r.3 == sequence).unwrap().clone();
        let mut e = engine_with_outcomes();
        let mut first = Batch::default();
        e.fill(&mut first, usize::MAX, 0, horizon).unwrap();
        assert_eq!(e.peek_time(), Some(horizon), "a main event as lookahead");
        e.drain();
        let mut rest = Batch::default();
        e.fill(&mut rest, usize::MAX, 0, f64::INFINITY).unwrap();
        check_drained(&first, &rest);
        assert_eq!(e.pending_labels(), 0);
        let outcome = sessions_of(&[&rest]).into_iter().find(|r| r.2 == id);
        match sequence {
            1 => assert!(outcome.is_none(), "a session with no event emitted"),
            _ => assert_eq!(outcome.unwrap().3, sequence - 1),
        }
    }
}
