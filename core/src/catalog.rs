//! Pools of realistic values (devices, browsers, user agents, IP networks) drawn once per run.
//!
//! A device's OS, browser and user agent agree with each other.

use crate::rng::{Rng, Weighted};

/// Values of the originals' `device_info.os` and `device_info.browser`.
pub const DEVICE_OS: [&str; 6] = ["iOS", "Android", "Windows", "macOS", "Linux", "Other"];
/// Market shares (StatCounter global, rounded).
pub const OS_WEIGHTS: [f64; 6] = [27.0, 43.0, 18.0, 7.0, 3.0, 2.0];

/// Browsers per OS with their shares (StatCounter, rounded).
pub fn browsers_of(os: &str) -> (&'static [&'static str], &'static [f64]) {
    match os {
        "iOS" => (
            &["Safari", "Chrome", "Firefox", "Edge", "Other"],
            &[80.0, 15.0, 2.0, 1.0, 2.0],
        ),
        "Android" => (
            &["Chrome", "Firefox", "Opera", "Edge", "Other"],
            &[80.0, 4.0, 5.0, 1.0, 10.0],
        ),
        "Windows" => (
            &["Chrome", "Edge", "Firefox", "Opera", "Other"],
            &[65.0, 22.0, 7.0, 4.0, 2.0],
        ),
        "macOS" => (
            &["Safari", "Chrome", "Firefox", "Edge", "Opera"],
            &[48.0, 42.0, 5.0, 3.0, 2.0],
        ),
        "Linux" => (
            &["Chrome", "Firefox", "Opera", "Edge", "Other"],
            &[60.0, 32.0, 3.0, 2.0, 3.0],
        ),
        _ => (
            &["Chrome", "Other", "Firefox", "Opera"],
            &[40.0, 40.0, 15.0, 5.0],
        ),
    }
}

fn platform(rng: &mut Rng, os: &str) -> String {
    match os {
        "iOS" => {
            let v = format!("{}_{}", rng.randint(15, 18), rng.randint(0, 6));
            if rng.chance(0.5) {
                format!("iPhone; CPU iPhone OS {v} like Mac OS X")
            } else {
                format!("iPad; CPU OS {v} like Mac OS X")
            }
        }
        "Android" => {
            let a = rng.randint(11, 15);
            match rng.below(3) {
                0 => format!("Linux; Android {a}; SM-S91{}B", rng.randint(1, 8)),
                1 => format!("Linux; Android {a}; Pixel {}", rng.randint(6, 9)),
                _ => format!("Linux; Android {a}; K"),
            }
        }
        "Windows" => "Windows NT 10.0; Win64; x64".into(),
        "macOS" => "Macintosh; Intel Mac OS X 10_15_7".into(),
        "Linux" => if rng.chance(0.5) {
            "X11; Linux x86_64"
        } else {
            "X11; Ubuntu; Linux x86_64"
        }
        .into(),
        _ => format!("X11; CrOS x86_64 15{}59.58.0", rng.randint(1, 8)),
    }
}

/// A user-agent string consistent with the OS and browser.
pub fn user_agent(rng: &mut Rng, os: &str, browser: &str) -> String {
    let platform = platform(rng, os);
    let chrome = format!(
        "{}.0.{}.{}",
        rng.randint(118, 131),
        rng.randint(5000, 6800),
        rng.randint(10, 200)
    );
    let webkit = "AppleWebKit/537.36 (KHTML, like Gecko)";
    let apple = "AppleWebKit/605.1.15 (KHTML, like Gecko)";
    match browser {
        "Safari" => {
            let version = format!("{}.{}", rng.randint(16, 18), rng.randint(0, 6));
            let mobile = if os == "iOS" { " Mobile/15E148" } else { "" };
            format!("Mozilla/5.0 ({platform}) {apple} Version/{version}{mobile} Safari/604.1")
        }
        "Firefox" => {
            let release = rng.randint(115, 133);
            format!("Mozilla/5.0 ({platform}; rv:{release}.0) Gecko/20100101 Firefox/{release}.0")
        }
        "Edge" => {
            format!("Mozilla/5.0 ({platform}) {webkit} Chrome/{chrome} Safari/537.36 Edg/{chrome}")
        }
        "Opera" => {
            let opera = rng.randint(100, 115);
            format!(
                "Mozilla/5.0 ({platform}) {webkit} Chrome/{chrome} Safari/537.36 OPR/{opera}.0.0.0"
            )
        }
        _ if os == "iOS" => {
            format!("Mozilla/5.0 ({platform}) {apple} CriOS/{chrome} Mobile/15E148 Safari/604.1")
        }
        _ => {
            let mobile = if os == "Android" { " Mobile" } else { "" };
            format!("Mozilla/5.0 ({platform}) {webkit} Chrome/{chrome}{mobile} Safari/537.36")
        }
    }
}

/// One device: OS, browser and a matching user agent.
#[derive(Debug, Clone)]
pub struct Device {
    pub os: &'static str,
    pub browser: &'static str,
    pub user_agent: String,
}

/// A device with realistic shares of OS and browser.
pub fn device(rng: &mut Rng) -> Device {
    let os = DEVICE_OS[Weighted::new(&OS_WEIGHTS).draw(rng)];
    let (names, weights) = browsers_of(os);
    let browser = names[Weighted::new(weights).draw(rng)];
    Device {
        os,
        browser,
        user_agent: user_agent(rng, os, browser),
    }
}

/// First octets of large public allocations (no private, loopback, multicast or reserved ranges).
fn public_first_octet(rng: &mut Rng) -> u32 {
    const EXCLUDED: [u32; 8] = [10, 100, 127, 169, 172, 192, 198, 203];
    loop {
        let o = rng.randint(1, 223) as u32;
        if !EXCLUDED.contains(&o) {
            return o;
        }
    }
}

/// A public /24 network prefix such as "81.2.69".
pub fn ipv4_prefix(rng: &mut Rng) -> String {
    format!(
        "{}.{}.{}",
        public_first_octet(rng),
        rng.randint(0, 255),
        rng.randint(0, 255)
    )
}

/// An address inside a /24 prefix.
pub fn ipv4_in(rng: &mut Rng, prefix: &str) -> String {
    format!("{prefix}.{}", rng.randint(1, 254))
}
