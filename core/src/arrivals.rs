//! Arrival times of Poisson processes in event time.

use crate::rng::Rng;
use crate::time::HOUR;

/// A Poisson process with a piecewise-constant hourly intensity.
///
/// `rate` is the mean number of events per second; an intensity function multiplies it hour
/// by hour (weekly profiles average 1, so `rate` stays the long-run mean). Sampling is exact:
/// an exponential waiting "mass" is spent hour by hour.
#[derive(Debug)]
pub struct PoissonArrivals {
    pub rate: f64,
    pub t: f64,
    rng: Rng,
    cache_hour: i64,
    cache_rate: f64,
}

impl PoissonArrivals {
    pub fn new(rate: f64, rng: Rng, start: f64) -> PoissonArrivals {
        assert!(rate > 0.0, "rate must be positive");
        PoissonArrivals {
            rate,
            t: start,
            rng,
            cache_hour: i64::MIN,
            cache_rate: 0.0,
        }
    }

    /// The next arrival of a homogeneous process.
    pub fn next_flat(&mut self) -> f64 {
        self.t += self.rng.expovariate(self.rate);
        self.t
    }

    /// The next arrival, `intensity(hour)` being the multiplier of the UTC hour `floor(t / 3600)`.
    ///
    /// The multiplier of the current hour is cached: it must not change while an hour lasts.
    pub fn next(&mut self, mut intensity: impl FnMut(i64) -> f64) -> f64 {
        let mut mass = self.rng.expovariate(1.0);
        let mut t = self.t;
        loop {
            let hour = (t / HOUR).floor() as i64;
            if hour != self.cache_hour {
                self.cache_hour = hour;
                self.cache_rate = self.rate * intensity(hour);
            }
            let rate = self.cache_rate;
            let hour_end = (hour + 1) as f64 * HOUR;
            if rate > 0.0 {
                let step = mass / rate;
                if t + step < hour_end {
                    self.t = t + step;
                    return self.t;
                }
                mass -= rate * (hour_end - t);
            }
            t = hour_end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_rate_and_order() {
        let mut a = PoissonArrivals::new(2.0, Rng::new(1), 0.0);
        let times: Vec<f64> = (0..10_000).map(|_| a.next_flat()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(4_500.0 < times[9_999] && times[9_999] < 5_500.0);
        // Night hours (0-5 of each day) see no arrivals under a quiet-night intensity.
        let mut b = PoissonArrivals::new(1.0, Rng::new(2), 0.0);
        for _ in 0..5_000 {
            let t = b.next(|h| if h.rem_euclid(24) < 6 { 0.0 } else { 1.0 });
            assert!((t / 3600.0).floor() as i64 % 24 >= 6);
        }
    }
}
