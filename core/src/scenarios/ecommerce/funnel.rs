//! The shopping funnel: each session's plan through the state machine, and its closed form.
//!
//! A session decides at its start, from its visitor, device, channel, category and the
//! calendar, whether it will bounce, browse, abandon a cart or buy; its plan is then the list
//! of actions it walks through (landing, browsing, product views, add/remove, cart, checkout,
//! purchase). Because plans are drawn from known distributions, the mean number of events per
//! session has a closed form, which calibrates the session start rate to the event rate.

use crate::rng::Rng;

// Actions of a plan: one event each, except PURCHASE (one event per cart line).
pub const LAND: u8 = 0;
pub const BROWSE: u8 = 1;
pub const PRODUCT: u8 = 2;
pub const ADD: u8 = 3;
pub const REMOVE: u8 = 4;
pub const CART: u8 = 5;
pub const CHECKOUT: u8 = 6;
pub const PURCHASE: u8 = 7;
pub const REVIEW: u8 = 8;
// Outcomes a session is headed for.
pub const BOUNCED: u8 = 0;
pub const BROWSED: u8 = 1;
pub const ABANDONED: u8 = 2;
pub const PURCHASED: u8 = 3;
pub const OUTCOMES: [&str; 4] = ["bounced", "browsed", "cart_abandoned", "purchase"];

// Shape of a plan (fixed; the drifting parameters are in the options).
pub const EXTRA_LINES: f64 = 0.6; // mean cart lines beyond the first
pub const BROWSE_BETWEEN_ADDS: f64 = 1.0; // mean pages between one add and the next product page
pub const REMOVE_SHARE: f64 = 0.25; // carts of two lines or more that drop one
pub const VIEW_CART_FIRST: f64 = 0.8; // shoppers who view the cart before checking out
                                      // Where cart abandoners leave: just after adding, on the cart page, or in the checkout.
pub const EXIT_AFTER_ADD: f64 = 0.45;
pub const EXIT_AT_CART: f64 = 0.25;
pub const EXIT_IN_CHECKOUT: f64 = 1.0 - EXIT_AFTER_ADD - EXIT_AT_CART;
/// Of those leaving after adding, the share who browse on first (1 + Geometric(1) pages).
pub const BROWSE_ON: f64 = 0.4;
pub const MAX_CART_PROBABILITY: f64 = 0.9;
pub const MAX_BOUNCE_PROBABILITY: f64 = 0.95;
pub const MAX_COMPLETION: f64 = 0.98;
/// Browsing depth is a mixture with the option's mean: a fifth of the sessions browse deep
/// (2.5x the mean), the rest shallower, so session lengths have a long tail.
pub const DEEP_SHARE: f64 = 0.2;
pub const DEEP_FACTOR: f64 = 2.5;
pub const SHALLOW_FACTOR: f64 = (1.0 - DEEP_SHARE * DEEP_FACTOR) / (1.0 - DEEP_SHARE);
// Missions: what a session is after, which shows in its sequence of pages.
/// Wandering through the home page and category listings.
pub const WANDER: u8 = 0;
/// Comparing products of one category, coming back to ones already seen.
pub const COMPARE: u8 = 1;
/// Searching for something specific.
pub const HUNT: u8 = 2;
/// Coming back for a product already in mind: straight to it.
pub const BUY_NOW: u8 = 3;
pub const MISSIONS: usize = 4;
/// Missions of browsing sessions, and of sessions headed for a cart.
pub const BROWSING_MISSIONS: [f64; MISSIONS] = [0.45, 0.3, 0.25, 0.0];
pub const CART_MISSIONS: [f64; MISSIONS] = [0.15, 0.35, 0.3, 0.2];

const TWO_LINES: f64 = EXTRA_LINES / (1.0 + EXTRA_LINES); // P(cart lines >= 2)
/// Expected events of a cart session beyond its browsing, by branch.
pub const CART_EVENTS: f64 =
    2.0 + EXTRA_LINES * (BROWSE_BETWEEN_ADDS + 2.0) + TWO_LINES * REMOVE_SHARE;
pub const PURCHASE_EVENTS: f64 =
    VIEW_CART_FIRST + 1.0 + (1.0 + EXTRA_LINES - TWO_LINES * REMOVE_SHARE);
pub const ABANDON_EVENTS: f64 =
    EXIT_AFTER_ADD * BROWSE_ON * 2.0 + EXIT_AT_CART + EXIT_IN_CHECKOUT * (VIEW_CART_FIRST + 1.0);

/// log(mean / (1 + mean)): the parameter of [`geometric`] (0 for a mean of 0).
pub fn geometric_log(mean: f64) -> f64 {
    if mean > 0.0 {
        (mean / (1.0 + mean)).ln()
    } else {
        0.0
    }
}

/// A count 0, 1, 2... with P(>= k) = ratio ^ k (`log_ratio` from [`geometric_log`]).
#[inline]
pub fn geometric(r: &mut Rng, log_ratio: f64) -> usize {
    if log_ratio == 0.0 {
        return 0;
    }
    ((1.0 - r.random()).ln() / log_ratio) as usize
}

/// The actions of a session headed for `outcome`, appended to `plan` (cleared first).
pub fn build_plan(r: &mut Rng, outcome: u8, log_pages: f64, review: bool, plan: &mut Vec<u8>) {
    plan.clear();
    plan.push(LAND);
    if outcome == BOUNCED {
        return;
    }
    let mut pages = 1 + geometric(r, log_pages); // after the landing page; mean browse_depth - 1
    if review {
        plan.push(REVIEW); // replaces a page: the session's length does not change
        pages -= 1;
    }
    plan.extend(std::iter::repeat_n(BROWSE, pages));
    if outcome == BROWSED {
        return;
    }
    plan.extend([PRODUCT, ADD]);
    let mut lines = 1;
    let extra_lines = geometric_log(EXTRA_LINES);
    let between = geometric_log(BROWSE_BETWEEN_ADDS);
    for _ in 0..geometric(r, extra_lines) {
        let n = geometric(r, between);
        plan.extend(std::iter::repeat_n(BROWSE, n));
        plan.extend([PRODUCT, ADD]);
        lines += 1;
    }
    if lines > 1 && r.random() < REMOVE_SHARE {
        plan.push(REMOVE);
    }
    if outcome == PURCHASED {
        if r.random() < VIEW_CART_FIRST {
            plan.push(CART);
        }
        plan.extend([CHECKOUT, PURCHASE]);
        return;
    }
    let exit_point = r.random();
    if exit_point < EXIT_AFTER_ADD {
        if r.random() < BROWSE_ON {
            let n = 1 + geometric(r, geometric_log(1.0));
            plan.extend(std::iter::repeat_n(BROWSE, n));
        }
    } else if exit_point < EXIT_AFTER_ADD + EXIT_AT_CART {
        plan.push(CART);
    } else {
        if r.random() < VIEW_CART_FIRST {
            plan.push(CART);
        }
        plan.push(CHECKOUT);
    }
}

/// Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
pub fn inv_norm_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.02425;
    if p < low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometric_has_its_mean() {
        let mut r = Rng::new(2);
        let l = geometric_log(1.5);
        let mean = (0..40_000)
            .map(|_| geometric(&mut r, l) as f64)
            .sum::<f64>()
            / 40_000.0;
        assert!((mean - 1.5).abs() < 0.05, "{mean}");
    }

    #[test]
    fn plans_have_their_shape() {
        let mut r = Rng::new(4);
        let mut plan = Vec::new();
        build_plan(&mut r, BOUNCED, geometric_log(3.0), false, &mut plan);
        assert_eq!(plan, vec![LAND]);
        for _ in 0..200 {
            build_plan(&mut r, PURCHASED, geometric_log(3.0), false, &mut plan);
            assert_eq!(plan[0], LAND);
            assert_eq!(&plan[plan.len() - 2..], &[CHECKOUT, PURCHASE]);
            let adds = plan.iter().filter(|&&a| a == ADD).count();
            assert_eq!(adds, plan.iter().filter(|&&a| a == PRODUCT).count());
            build_plan(&mut r, ABANDONED, geometric_log(3.0), true, &mut plan);
            assert!(!plan.contains(&PURCHASE) && plan.contains(&ADD) && plan[1] == REVIEW);
        }
    }

    #[test]
    fn normal_quantiles() {
        assert!(inv_norm_cdf(0.5).abs() < 1e-9);
        assert!((inv_norm_cdf(0.975) - 1.959_963_984_540_054).abs() < 1e-6);
        assert!((inv_norm_cdf(0.001) + 3.090_232_306_167_813_5).abs() < 1e-6);
    }
}
