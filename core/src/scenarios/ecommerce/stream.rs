//! The event loop: session starts from a Poisson process, open sessions on a timeline, a
//! store of open sessions closed by inactivity or by the cap, drift of the regime.

use super::catalogue::Catalogue;
use super::options::{events_per_session, Options, Regime, CHANNELS, DEVICE_TYPES};
use super::world::{Ended, Progress, Session, Shop};
use crate::arrivals::PoissonArrivals;
use crate::drift::Drift;
use crate::record::{Event, Value};
use crate::rng::{write_uuid, Rng};
use crate::scenario::{Config, Scenario};
use crate::timeline::Timeline;
use std::collections::VecDeque;
use std::sync::Arc;

const NIL: u32 = u32::MAX;

/// The e-commerce scenario's stream of events.
pub struct EcommerceStream {
    shop: Shop,
    drift: Drift<Regime>,
    regime: Arc<Regime>,
    drifting: bool,
    /// Seeds the arrival process, restarted whenever the regime changes.
    arrivals_rng: Rng,
    arrivals: PoissonArrivals,
    next_start: f64,
    timeline: Timeline<(u32, u64)>,
    /// Session slots; `free` lists the unused ones.
    sessions: Vec<Session>,
    free: Vec<u32>,
    /// Open sessions by last activity, least recent first (a linked list through the slots).
    head: u32,
    tail: u32,
    open: usize,
    timeout: f64,
    cap: usize,
    outcomes: bool,
    /// No open session closes before this (a lower bound, refreshed lazily).
    expiry: f64,
    main_events: u64,
    ended: VecDeque<Ended>,
    pending: Option<(f64, u32)>,
    /// With outcomes: the session of the latest main event and its progress before that event.
    before_step: Option<(u32, Progress)>,
    /// `--drain-labels`: no new sessions or events, only the outcomes of open sessions.
    draining: bool,
}

pub fn build(config: &Config) -> Result<Box<dyn Scenario>, String> {
    let o = Options::from_json(&config.options)?;
    if config.rate.is_nan() || config.rate <= 0.0 {
        return Err("rate must be positive".into());
    }
    let rng = config.rng();
    let catalogue = Arc::new(Catalogue::new(
        &mut rng.shared("catalogue"),
        o.products.max(1) as usize,
    ));
    let base_sessions = config.rate / events_per_session(&o)?;
    let timeout = o.session_timeout_minutes * 60.0;
    let shop = Shop::new(
        &rng,
        catalogue.clone(),
        o.customers.max(1) as usize,
        timeout,
    );
    let drifting = !config.phases.is_empty();
    let drift = Drift::new(
        &config.options,
        config.phases.clone(),
        move |json| Regime::build(Options::from_json(json)?, &catalogue, base_sessions),
        rng.stream("drift"),
    )?;
    let regime = drift.current();
    let mut arrivals_rng = rng.stream("arrivals");
    let arrivals = PoissonArrivals::new(
        regime.sessions_per_second,
        Rng::new(arrivals_rng.next_u64()),
        config.start,
    );
    let mut stream = EcommerceStream {
        shop,
        drift,
        regime,
        drifting,
        arrivals_rng,
        arrivals,
        next_start: 0.0,
        timeline: Timeline::new(),
        sessions: Vec::new(),
        free: Vec::new(),
        head: NIL,
        tail: NIL,
        open: 0,
        timeout,
        cap: o.max_active_sessions.max(1) as usize,
        outcomes: o.session_outcomes,
        expiry: f64::INFINITY,
        main_events: 0,
        ended: VecDeque::new(),
        pending: None,
        before_step: None,
        draining: false,
    };
    stream.next_start = stream.next_arrival();
    Ok(Box::new(stream))
}

impl EcommerceStream {
    fn next_arrival(&mut self) -> f64 {
        let calendar = &mut self.shop.calendar;
        let regime = &self.regime;
        self.arrivals
            .next(|hour| calendar.intensity(hour, &regime.week, regime.holiday_traffic.as_ref()))
    }

    fn unlink(&mut self, i: u32) {
        let (prev, next) = {
            let s = &self.sessions[i as usize];
            (s.prev, s.next)
        };
        if prev == NIL {
            self.head = next;
        } else {
            self.sessions[prev as usize].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.sessions[next as usize].prev = prev;
        }
    }

    fn push_back(&mut self, i: u32) {
        let tail = self.tail;
        {
            let s = &mut self.sessions[i as usize];
            s.prev = tail;
            s.next = NIL;
        }
        if tail == NIL {
            self.head = i;
        } else {
            self.sessions[tail as usize].next = i;
        }
        self.tail = i;
    }

    /// Closes an open session at `t`, reporting it on the sessions stream if asked.
    fn close(&mut self, i: u32, t: f64, reason: &'static str) {
        let ended = self.release(i, t, reason);
        if self.outcomes {
            self.ended.push_back(ended);
        }
    }

    /// Takes an open session out of the store; returns what its session_ended event reports.
    fn release(&mut self, i: u32, t: f64, reason: &'static str) -> Ended {
        self.unlink(i);
        self.open -= 1;
        let ended = self.shop.ended(&self.sessions[i as usize], t, reason);
        self.sessions[i as usize].key = 0;
        self.free.push(i);
        ended
    }

    /// Moves the run to its next main-stream event: closes the sessions it outlived, follows
    /// drift, starts a session if one is due, and leaves the event in `pending`.
    fn advance(&mut self) {
        let (t, starting, mut index) = loop {
            if self.timeline.next_time() < self.next_start {
                let (t, (i, key)) = self.timeline.pop().expect("not empty");
                if self.sessions[i as usize].key != key {
                    continue; // closed by the cap while it still had pages to go
                }
                break (t, false, i);
            }
            break (self.next_start, true, NIL);
        };
        if t >= self.expiry {
            // close the sessions idle for the timeout (session_ended at that time)
            self.expiry = f64::INFINITY;
            while self.head != NIL {
                let oldest = self.head;
                let end = self.sessions[oldest as usize].last_time + self.timeout;
                if end > t {
                    self.expiry = end;
                    break;
                }
                self.close(oldest, end, "timeout");
            }
        }
        self.main_events += 1;
        if self.drifting {
            let current = self.drift.at(t, self.main_events);
            if !Arc::ptr_eq(current, &self.regime) {
                // memoryless: restarting the arrival process here is exact
                self.regime = current.clone();
                let seed = self.arrivals_rng.next_u64();
                self.arrivals =
                    PoissonArrivals::new(self.regime.sessions_per_second, Rng::new(seed), t);
                self.next_start = self.next_arrival();
            } else if starting {
                self.next_start = self.next_arrival();
            }
        } else if starting {
            self.next_start = self.next_arrival();
        }
        if starting {
            if self.open >= self.cap {
                let evicted = self.head;
                self.close(evicted, t, "cap");
            }
            index = match self.free.pop() {
                Some(i) => i,
                None => {
                    self.sessions.push(Session::default());
                    (self.sessions.len() - 1) as u32
                }
            };
            self.shop
                .start(t, &self.regime, &mut self.sessions[index as usize]);
            self.push_back(index);
            self.open += 1;
            if self.expiry == f64::INFINITY {
                self.expiry = t + self.timeout;
            }
        } else {
            self.unlink(index);
            self.push_back(index);
        }
        self.pending = Some((t, index));
    }

    fn emit_main(&mut self, t: f64, index: u32, event: &mut Event) {
        event.begin(0, t, "");
        let session = &mut self.sessions[index as usize];
        if self.outcomes {
            self.before_step = Some((index, session.progress()));
        }
        let gap = self.shop.step(session, t, &self.regime, event);
        event.event_type = session.last_type;
        let key = session.key;
        match self.drift.concept() {
            "base" => event.push("base"),
            concept => {
                let concept = event.text_from(concept);
                event.push(concept);
            }
        }
        event.push(self.drift.phase as i64);
        event.phase = self.drift.phase;
        if let Some(gap) = gap {
            self.timeline.schedule(t + gap, (index, key));
        }
    }

    fn emit_ended(&mut self, e: Ended, event: &mut Event) {
        event.begin(1, e.time, "session_ended");
        write_uuid(e.id, &mut event.key);
        event.label = Some(if e.converted { "1" } else { "0" });
        event.labeled_time = Some(e.started);
        event.push(Value::uuid(e.id));
        event.push(Value::uuid(e.customer));
        event.push(Value::Time(e.time));
        event.push("session_ended");
        event.push(e.reason);
        event.push(Value::Time(e.started));
        event.push(((e.last_time - e.started) * 1e3).round_ties_even() / 1e3);
        event.push(e.events as i64);
        event.push(e.converted);
        event.push(e.outcome);
        event.push(e.items as i64);
        event.push(e.value);
        event.push(e.cart_items as i64);
        event.push(e.cart_value);
        event.push(if e.returning { "returning" } else { "new" });
        event.push(CHANNELS[e.channel as usize]);
        event.push(DEVICE_TYPES[e.device_type as usize]);
        event.push(e.last_type);
    }
}

impl Scenario for EcommerceStream {
    fn next(&mut self, event: &mut Event) -> bool {
        loop {
            if let Some(e) = self.ended.pop_front() {
                self.emit_ended(e, event);
                return true;
            }
            if let Some((t, index)) = self.pending.take() {
                self.emit_main(t, index, event);
                return true;
            }
            if self.draining {
                return false;
            }
            self.advance();
        }
    }

    /// Every open session ends at its true time, its last event plus the timeout, as idle
    /// sessions close; what never was emitted (a retracted event, a main event drawn behind
    /// the lookahead) is taken back first.
    fn drain(&mut self, retract_last_main: bool) -> bool {
        if !self.outcomes {
            return false;
        }
        if retract_last_main {
            if let Some((i, before)) = self.before_step.take() {
                self.sessions[i as usize].restore(before);
            }
        }
        // A session that event would have started has no event: it ends without an outcome.
        self.pending = None;
        // Closed to make room for a session that never starts: it times out instead.
        for e in self.ended.iter_mut().filter(|e| e.reason == "cap") {
            (e.time, e.reason) = (e.last_time + self.timeout, "timeout");
        }
        while self.head != NIL {
            let i = self.head;
            let end = self.sessions[i as usize].last_time + self.timeout;
            let ended = self.release(i, end, "timeout");
            if ended.events > 0 {
                self.ended.push_back(ended);
            }
        }
        // A retracted step moves its session's end earlier than its place in the store's order.
        self.ended
            .make_contiguous()
            .sort_by(|a, b| a.time.total_cmp(&b.time));
        self.draining = true;
        true
    }

    /// Open sessions with an event, and closed ones whose outcome is still to come.
    fn pending_labels(&self) -> u64 {
        if !self.outcomes {
            return 0;
        }
        let mut open = 0;
        let mut i = self.head;
        while i != NIL {
            let s = &self.sessions[i as usize];
            open += u64::from(s.events > 0);
            i = s.next;
        }
        open + self.ended.len() as u64
    }

    fn gauges(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("sessions", self.open as f64),
            ("entities", self.shop.population.known() as f64),
        ]
    }
}
