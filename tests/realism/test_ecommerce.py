"""The e-commerce scenario's realism: funnel invariants, customers, catalogue, rates, calendar, memory.

Fixed seeds and tolerant bounds: each bound sits several standard errors from
the expected value, and each test fails if the behaviour it checks is absent.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from streamsim.errors import UsageError
from streamsim.events import MAIN_STREAM
from streamsim.scenarios.ecommerce import CATEGORIES, PRESETS, SESSIONS, EcommerceOptions, EcommerceScenario
from streamsim.scenarios.native import native_fields
from streamsim.timeutil import parse_time
from support import START, Json, load_example, run_in_memory

HOUR = 3600.0
DAY = 24 * HOUR
TIMEOUT = 30 * 60.0
TERMS = {term: c.name for c in CATEGORIES for term in c.terms}


def generate(
    duration: float, *, start: str = START, seed: int = 1, **options: Any
) -> tuple[list[Json], list[Json]]:
    """Main events and session_ended events of ``duration`` seconds (straight from the scenario)."""
    scenario = EcommerceScenario(EcommerceOptions(**options), seed=seed, start=parse_time(start))
    end = scenario.start + duration
    main: list[Json] = []
    ended: list[Json] = []
    for event in scenario:
        if event.time >= end:
            break
        (main if event.stream == MAIN_STREAM else ended).append(event.fields)
    return main, ended


def _time(stamp: object) -> float:
    return datetime.fromisoformat(str(stamp)).timestamp()


def by_session(events: list[Json]) -> dict[str, list[Json]]:
    out: dict[str, list[Json]] = defaultdict(list)
    for e in events:
        out[str(e["session_id"])].append(e)
    return out


def rate(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


@pytest.fixture(scope="module")
def shop() -> tuple[list[Json], list[Json]]:
    """Two hours at 400 events a minute through the whole pipeline (JSON), with session outcomes."""
    sink = run_in_memory(
        "ecommerce", seed=11, duration="2h", event_rate_per_minute=400, session_outcomes=True, schema="full"
    )
    main = [orjson_load(r.value) for r in sink.records if r.event.stream == MAIN_STREAM]
    ended = [orjson_load(r.value) for r in sink.records if r.event.stream == SESSIONS]
    assert {r.topic for r in sink.records} == {
        "e_commerce_customer_interactions",
        "e_commerce_customer_interactions_sessions",
    }
    return main, ended


def orjson_load(value: bytes) -> Json:
    import orjson

    loaded: Json = orjson.loads(value)
    return loaded


@pytest.fixture(scope="module")
def settled(shop: tuple[list[Json], list[Json]]) -> list[Json]:
    """session_ended events of sessions that started at least an hour before the end (all of them closed)."""
    main, ended = shop
    cut = _time(main[-1]["timestamp"]) - HOUR
    return [e for e in ended if _time(e["session_start"]) < cut]


# -- the funnel ----------------------------------------------------------------------------


def test_sessions_are_consecutive_and_carts_consistent(shop: tuple[list[Json], list[Json]]) -> None:
    main, _ = shop
    checked_orders = 0
    for events in by_session(main).values():
        assert [e["session_event_sequence"] for e in events] == list(range(1, len(events) + 1))
        assert events[0]["referrer_url"] is not None
        assert all(e["referrer_url"] is None for e in events[1:])
        assert len({e["customer_id"] for e in events}) == 1
        cart: dict[str, tuple[int, float]] = {}
        order: list[tuple[str, int, float]] = []
        for e in events:
            kind, product = e["event_type"], e["product_id"]
            if kind == "add_to_cart":
                held = cart.get(product, (0, e["price"]))[0]
                cart[product] = (held + e["quantity"], e["price"])
            elif kind == "remove_from_cart":
                held, price = cart.pop(product)
                assert e["quantity"] <= held and e["price"] == price
                if held > e["quantity"]:
                    cart[product] = (held - e["quantity"], price)
            elif kind == "purchase":
                order.append((product, e["quantity"], e["price"]))
            if kind != "purchase":
                units = sum(q for q, _ in cart.values())
                assert e["cart_items"] == units
                assert e["cart_value"] == pytest.approx(sum(q * p for q, p in cart.values()), abs=0.011)
        purchases = [e for e in events if e["event_type"] == "purchase"]
        if purchases:
            # No purchase without a cart: the order is exactly what the cart held, after a checkout.
            assert sorted(order) == sorted((p, q, price) for p, (q, price) in cart.items())
            assert len({e["order_id"] for e in purchases}) == 1
            assert len({e["timestamp"] for e in purchases}) == 1
            kinds = [e["event_type"] for e in events]
            assert "checkout" in kinds[: kinds.index("purchase")]
            assert purchases[-1] is events[-1]
            checked_orders += 1
    assert checked_orders > 300


def test_gaps_stay_below_the_timeout_and_match_time_on_page(shop: tuple[list[Json], list[Json]]) -> None:
    main, _ = shop
    gaps = []
    for events in by_session(main).values():
        for a, b in itertools.pairwise(events):
            gap = _time(b["timestamp"]) - _time(a["timestamp"])
            assert 0 <= gap < TIMEOUT
            if a["event_type"] == "purchase":  # an order's lines share one confirmation page
                continue
            assert abs(gap - a["time_on_page_seconds"]) <= 0.5 + 1e-6
            gaps.append(gap)
    # Right-skewed: the mean well above the median, a long tail.
    assert statistics.mean(gaps) > 1.3 * statistics.median(gaps)
    assert 15 < statistics.median(gaps) < 60
    assert max(gaps) > 20 * statistics.median(gaps)


def test_nothing_after_a_session_ends(shop: tuple[list[Json], list[Json]]) -> None:
    main, ended = shop
    sessions = by_session(main)
    assert len(ended) > 10_000
    for end in ended:
        events = sessions[end["session_id"]]
        last = _time(events[-1]["timestamp"])
        assert end["ended_reason"] == "timeout"
        assert _time(end["timestamp"]) == pytest.approx(last + TIMEOUT, abs=1e-5)
        assert end["event_count"] == len(events)
        assert end["duration_seconds"] == pytest.approx(last - _time(events[0]["timestamp"]), abs=2e-3)
        purchases = [e for e in events if e["event_type"] == "purchase"]
        assert end["converted"] == bool(purchases)
        assert end["items"] == sum(e["quantity"] for e in purchases)
        assert end["value"] == pytest.approx(sum(e["quantity"] * e["price"] for e in purchases), abs=0.011)
        assert end["outcome"] == events[0]["session_outcome"]
    # The ended stream is in time order with the main stream (same run, one Timeline).
    stamps = [_time(e["timestamp"]) for e in ended]
    assert stamps == sorted(stamps)


def test_both_streams_come_in_event_time_order() -> None:
    scenario = EcommerceScenario(EcommerceOptions(session_outcomes=True), seed=12, start=parse_time(START))
    events = list(itertools.islice(scenario, 60_000))
    times = [e.time for e in events]
    assert times == sorted(times)
    assert Counter(e.stream for e in events)[SESSIONS] > 5_000


def test_conversion_abandonment_and_bounces_are_plausible(settled: list[Json]) -> None:
    outcomes = Counter(e["outcome"] for e in settled)
    sessions = len(settled)
    carts = outcomes["purchase"] + outcomes["cart_abandoned"]
    assert 0.020 < outcomes["purchase"] / sessions < 0.030  # --conversion-rate 0.025
    assert 0.64 < outcomes["cart_abandoned"] / carts < 0.76  # Baymard's 70%
    assert 0.30 < outcomes["bounced"] / sessions < 0.40  # --bounce-rate 0.35
    assert all(e["event_count"] == 1 for e in settled if e["outcome"] == "bounced")
    events = statistics.mean(e["event_count"] for e in settled)
    assert 3.6 < events < 4.6  # the calibration's closed form says 4.07
    assert 60 < statistics.mean(e["value"] for e in settled if e["converted"]) < 200


def test_returning_customers_and_desktops_convert_more() -> None:
    # Six hours: a few hundred orders per group, enough for ratios of 1.3 and 1.5.
    _, settled = generate(6 * HOUR, seed=11, event_rate_per_minute=400, session_outcomes=True)

    def conversion(key: str, value: str) -> float:
        return rate([e["converted"] for e in settled if e[key] == value])

    assert conversion("visitor_type", "returning") > 1.3 * conversion("visitor_type", "new")
    assert conversion("device_type", "Desktop") > 1.5 * conversion("device_type", "Mobile")
    new_share = rate([e["visitor_type"] == "new" for e in settled])
    assert 0.48 < new_share < 0.58  # --new-visitor-share 0.52 (a few more when returning ones are busy)


def test_channels_and_searches(shop: tuple[list[Json], list[Json]]) -> None:
    main, _ = shop
    firsts = [e for e in main if e["session_event_sequence"] == 1]
    sources = Counter(e["traffic_source"] for e in firsts)
    assert sources["organic_search"] / len(firsts) == pytest.approx(0.33, abs=0.02)

    def carts(channel: str) -> float:  # sessions headed for a cart (the full preset's ground truth)
        plans = [e["session_outcome"] for e in firsts if e["traffic_source"] == channel]
        return rate([p in ("purchase", "cart_abandoned") for p in plans])

    assert carts("email") > 2 * carts("social")
    assert rate(
        [e["session_outcome"] == "bounced" for e in firsts if e["traffic_source"] == "social"]
    ) > rate([e["session_outcome"] == "bounced" for e in firsts if e["traffic_source"] == "email"])
    assert {e["referrer_url"] for e in firsts if e["traffic_source"] == "email"} == {"email_campaign"}
    assert {e["referrer_url"] for e in firsts if e["traffic_source"] == "marketplace"} == {"amazon.com"}
    # Queries name products of a category, and the next product page mostly follows the search.
    related = total = 0
    for events in by_session(main).values():
        for a, b in itertools.pairwise(events):
            if a["event_type"] == "search":
                term = next(t for t in TERMS if str(a["search_query"]).startswith(t))
                assert a["page_url"].endswith(str(a["search_query"]).replace(" ", "+"))
                if b["event_type"] == "product_view":
                    total += 1
                    related += TERMS[term] == b["product_category"]
    assert total > 1000 and related / total > 0.7


# -- customers -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def regulars() -> tuple[list[Json], list[Json]]:
    """A small customer base over four days, so customers come back many times."""
    return generate(4 * DAY, seed=5, customers=400, event_rate_per_minute=30, session_outcomes=True)


def test_returning_customers_recur_with_stable_habits(regulars: tuple[list[Json], list[Json]]) -> None:
    main, ended = regulars
    firsts = [e for e in main if e["session_event_sequence"] == 1]
    visits: dict[str, list[Json]] = defaultdict(list)
    for e in firsts:
        visits[str(e["customer_id"])].append(e)
    returning = {c: v for c, v in visits.items() if any(e["visitor_type"] == "returning" for e in v)}
    counts = sorted((len(v) for v in returning.values()), reverse=True)
    assert counts[0] >= 20 and statistics.median(counts) >= 3
    # Heavy-tailed rhythm: the most loyal tenth makes a large share of the visits.
    top = counts[: len(counts) // 10]
    assert sum(top) / sum(counts) > 0.25
    for v in returning.values():
        assert len({(e["location"]["lat"], e["location"]["lon"]) for e in v}) == 1
        assert len({str(e["device_info"]) for e in v}) <= 2
    # A customer never has two sessions open at once: each starts after the previous one ended.
    ends = {e["session_id"]: _time(e["timestamp"]) for e in ended}
    for v in returning.values():
        for a, b in itertools.pairwise(v):
            if a["session_id"] in ends:
                assert _time(b["timestamp"]) >= ends[a["session_id"]]


def test_signups_come_back_and_churned_customers_do_not(regulars: tuple[list[Json], list[Json]]) -> None:
    main, _ = regulars
    firsts = [e for e in main if e["session_event_sequence"] == 1]
    seen_new = {e["customer_id"] for e in firsts if e["visitor_type"] == "new"}
    returning = [e for e in firsts if e["visitor_type"] == "returning"]
    signed_up = {e["customer_id"] for e in returning if e["customer_id"] in seen_new}
    assert len(signed_up) > 50  # first-time visitors who joined the base and came back
    half = _time(firsts[len(firsts) // 2]["timestamp"])
    early = {e["customer_id"] for e in returning if _time(e["timestamp"]) < half}
    late = {e["customer_id"] for e in returning if _time(e["timestamp"]) >= half}
    assert len(early - late) > 50  # churned: never back in the second half
    assert len(late - early) > 50  # their replacements


def test_customer_ids_carry_no_behaviour(regulars: tuple[list[Json], list[Json]]) -> None:
    # Conversion by quintile of customer_id (sorted as text) is flat: an id says nothing of
    # whether its customer is new, loyal or likely to buy.
    _, ended = regulars
    ranked = sorted(ended, key=lambda e: str(e["customer_id"]))
    fifth = len(ranked) // 5
    rates = [rate([e["converted"] for e in ranked[i * fifth : (i + 1) * fifth]]) for i in range(5)]
    overall = rate([e["converted"] for e in ranked])
    assert max(rates) < 1.35 * overall and min(rates) > overall / 1.35, rates


def test_loyal_customers_convert_more(regulars: tuple[list[Json], list[Json]]) -> None:
    _, ended = regulars
    returning = [e for e in ended if e["visitor_type"] == "returning"]
    visits = Counter(e["customer_id"] for e in returning)
    # Sessions of the most frequent visitors (the loyal) against those of the least frequent.
    ranked = sorted(returning, key=lambda e: visits[e["customer_id"]])
    third = len(ranked) // 3
    occasional, frequent = ranked[:third], ranked[-third:]
    assert visits[frequent[0]["customer_id"]] > 2 * visits[occasional[-1]["customer_id"]]
    assert rate([e["converted"] for e in frequent]) > 1.25 * rate([e["converted"] for e in occasional])


# -- catalogue -----------------------------------------------------------------------------


def test_catalogue_has_category_prices(shop: tuple[list[Json], list[Json]]) -> None:
    # The catalogue as the events show it (its popularity: test_product_views_follow_popularity).
    main, _ = shop
    products = {e["product_id"]: (e["product_category"], e["price"]) for e in main if e["product_id"]}
    assert all(re.fullmatch(r"prod_\d{4}", str(p)) and 1000 <= int(str(p)[5:]) < 6000 for p in products)
    prices: dict[str, list[float]] = defaultdict(list)
    for category, price in products.values():
        prices[str(category)].append(float(price))
    assert set(prices) == {c.name for c in CATEGORIES}
    assert statistics.median(prices["Computers"]) > 5 * statistics.median(prices["Books"])
    assert all(f"{p:.2f}".endswith(".99") for ps in prices.values() for p in ps)


def test_product_views_follow_popularity(shop: tuple[list[Json], list[Json]]) -> None:
    main, _ = shop
    views = Counter(e["product_id"] for e in main if e["event_type"] == "product_view")
    ranked = [n for _, n in views.most_common()]
    assert len(ranked) > 2000
    assert sum(ranked[:50]) / sum(ranked) > 0.25
    seen: dict[object, tuple[object, object]] = {}
    for e in main:
        if e["product_id"] is not None:
            assert seen.setdefault(e["product_id"], (e["product_category"], e["price"])) == (
                e["product_category"],
                e["price"],
            )


# -- rates and the calendar ----------------------------------------------------------------


@pytest.fixture(scope="module")
def week() -> list[Json]:
    return generate(7 * DAY, seed=2, event_rate_per_minute=8)[0]


def test_event_rate_option_holds_over_a_week(week: list[Json]) -> None:
    assert len(week) / (7 * 24 * 60) == pytest.approx(8, rel=0.04)


def test_daily_and_weekly_rhythm(week: list[Json]) -> None:
    houston = ZoneInfo("America/Chicago")
    by_hour: Counter[int] = Counter()
    by_day: Counter[int] = Counter()
    for e in week:
        local = datetime.fromisoformat(str(e["timestamp"])).astimezone(houston)
        by_hour[local.hour] += 1
        by_day[local.weekday()] += 1
    assert by_hour[20] > 6 * by_hour[3]  # evening peak, quiet night
    assert by_hour[20] > by_hour[10]
    assert by_day[0] > 1.15 * by_day[5]  # Monday busier than Saturday


def day_stats(day: str, **options: Any) -> tuple[int, float]:
    """Events and conversion from 6 am to 6 pm in Houston."""
    main, ended = generate(
        12 * HOUR, start=f"{day}T12:00:00Z", event_rate_per_minute=20, session_outcomes=True, **options
    )
    return len(main), rate([e["converted"] for e in ended])


def test_black_friday_spikes_traffic_and_conversion() -> None:
    ordinary_events, ordinary_conversion = day_stats("2025-11-21")
    friday_events, friday_conversion = day_stats("2025-11-28")
    assert friday_events > 2.0 * ordinary_events
    assert friday_conversion > 1.25 * ordinary_conversion
    quiet_events, _ = day_stats("2025-11-28", holidays=False)
    assert quiet_events == pytest.approx(ordinary_events, rel=0.1)


def test_cyber_monday_traffic_is_calibrated() -> None:
    # Published traffic figures put Cyber Monday near 1.5-2x an ordinary day, its revenue higher.
    def sessions_and_orders(day: str) -> tuple[int, int]:
        _, ended = generate(
            12 * HOUR, start=f"{day}T12:00:00Z", event_rate_per_minute=40, session_outcomes=True
        )
        return len(ended), sum(e["converted"] for e in ended)

    ordinary_sessions, ordinary_orders = sessions_and_orders("2025-11-17")  # a Monday
    cyber_sessions, cyber_orders = sessions_and_orders("2025-12-01")
    assert 1.45 < cyber_sessions / ordinary_sessions < 1.8  # traffic multiplier 1.6
    assert cyber_orders > 2.3 * ordinary_orders  # conversion up 1.85x as well


def test_holiday_field_names_the_period() -> None:
    main, _ = generate(HOUR, start="2025-12-01T18:00:00Z", event_rate_per_minute=60)
    assert {e["holiday"] for e in main} == {"cyber_monday"}
    main, _ = generate(HOUR, start="2025-12-01T18:00:00Z", event_rate_per_minute=60, holidays=False)
    assert {e["holiday"] for e in main} == {None}


# -- the session store ---------------------------------------------------------------------


def test_cap_closes_the_least_recently_active_session() -> None:
    main, ended = generate(HOUR, seed=4, max_active_sessions=300, session_outcomes=True)
    reasons = Counter(e["ended_reason"] for e in ended)
    assert reasons["cap"] > 1000
    # Replay: open sessions with their last activity; +1 at a first event, -1 at session_ended.
    stream = sorted(
        [(_time(e["timestamp"]), 1, e) for e in main] + [(_time(e["timestamp"]), 0, e) for e in ended],
        key=lambda item: (item[0], item[1]),
    )
    last_activity: dict[str, float] = {}
    closed: set[str] = set()
    peak = 0
    for t, is_main, e in stream:
        sid = str(e["session_id"])
        if is_main:
            assert sid not in closed  # nothing after a session's end
            last_activity[sid] = t
            peak = max(peak, len(last_activity))
        else:
            if e["ended_reason"] == "cap":
                assert last_activity[sid] == min(last_activity.values())
            del last_activity[sid]
            closed.add(sid)
    assert peak == 300


def test_default_cap_has_room_for_cyber_monday_evening() -> None:
    # The busiest hour of the year, at a tenth of the default rate: open sessions scale with the rate.
    start = "2025-12-02T00:00:00Z"  # 6 pm in Houston on Cyber Monday
    main, ended = generate(1.5 * HOUR, start=start, event_rate_per_minute=60, session_outcomes=True)
    assert all(e["ended_reason"] == "timeout" for e in ended)
    closed = {e["session_id"]: _time(e["timestamp"]) for e in ended}
    opened = {str(e["session_id"]): _time(e["timestamp"]) for e in main if e["session_event_sequence"] == 1}
    t0 = parse_time(start)
    peak = max(
        sum(1 for sid, t in opened.items() if t <= at < closed.get(sid, float("inf")))
        for at in (t0 + 2400, t0 + 3600, t0 + 5000)
    )
    assert peak > 1000  # so the bound below is not vacuous
    assert 10 * peak < 0.7 * EcommerceOptions().max_active_sessions


def _resident_bytes() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) * 1024


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmRSS")
def test_memory_stays_flat_over_a_long_run() -> None:
    scenario = EcommerceScenario(
        EcommerceOptions(
            customers=2_000, max_active_sessions=1_500, seasonality=False, session_outcomes=True
        ),
        seed=6,
        start=parse_time(START),
    )
    stream = scenario.open()
    readings = []
    for _ in range(5):  # a million events: a day of event time at the default rate
        assert stream.skip(200_000) == 200_000
        gauges = dict(stream.gauges())
        assert gauges["sessions"] <= 1_500 and gauges["entities"] <= 2_000
        readings.append(_resident_bytes())
    warm = readings[1:]  # after 200,000 events every customer slot is filled and the cap binds
    assert max(warm) - min(warm) < 2e6


# -- drift ---------------------------------------------------------------------------------


def sessions_by_day(main: list[Json]) -> Counter[int]:
    start = parse_time(START)
    return Counter(
        int((_time(e["timestamp"]) - start) // DAY) for e in main if e["session_event_sequence"] == 1
    )


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_drive_their_regimes(preset: str) -> None:
    """Each preset's regimes as the events show them: traffic, prices, channels, phases."""
    main, _ = generate(
        14 * DAY, seed=3, event_rate_per_minute=3, seasonality=False, holidays=False, drift=preset
    )
    days = sessions_by_day(main)
    base = (days[0] + days[1]) / 2

    def traffic(first: int, last: int) -> float:
        return statistics.mean(days[d] for d in range(first, last)) / base

    def phase_on(day: float) -> set[object]:
        return {
            e["drift_phase"]
            for e in main
            if day * DAY <= _time(e["timestamp"]) - parse_time(START) < (day + 0.1) * DAY
        }

    if preset == "holiday-season":
        assert traffic(5, 11) == pytest.approx(1.8, rel=0.12)  # the season in full
        assert traffic(13, 14) == pytest.approx(0.85, rel=0.12)  # the lull
        assert phase_on(0.5) == {0} and phase_on(6) == {1} and phase_on(13.5) == {2}
    elif preset == "price-increase":
        start = parse_time(START)
        before: dict[object, float] = {}
        after: dict[object, float] = {}
        for e in main:
            if e["product_id"] is not None and e["event_type"] == "product_view":
                # A session keeps the prices it started with: sessions open at the switch are skipped.
                since = _time(e["timestamp"]) - start
                if since < 3 * DAY:
                    before[e["product_id"]] = e["price"]
                elif since > 3 * DAY + 6 * 3600:
                    after[e["product_id"]] = e["price"]
        category = {e["product_id"]: e["product_category"] for e in main if e["product_id"] is not None}

        raises = PRESETS["price-increase"].phases[0]["set"]["category_price_multipliers"]

        # Shelf prices stop at 4,999.99: a product already at the cap cannot get dearer.
        def raised(p: object) -> float:
            return float(raises.get(category[p], 1.0))

        both = [p for p in before if p in after and before[p] * raised(p) < 4999.99]
        assert len(both) > 200
        for p in both:
            expected = raised(p)
            ratio = (after[p] + 0.01) / (before[p] + 0.01)
            assert ratio == pytest.approx(expected, abs=0.51 / (before[p] + 0.01))
        assert traffic(4, 14) == pytest.approx(1.0, rel=0.1)
    else:  # recurring: two days of campaign at the start of every week from day 2
        assert traffic(2, 4) == pytest.approx(1.5, rel=0.12)
        assert traffic(9, 11) == pytest.approx(1.5, rel=0.12)
        assert traffic(4, 9) == pytest.approx(1.0, rel=0.12)
        start = parse_time(START)

        def social(first: float, last: float) -> float:
            firsts = [
                e
                for e in main
                if e["session_event_sequence"] == 1
                and first * DAY <= _time(e["timestamp"]) - start < last * DAY
            ]
            return rate([e["traffic_source"] == "social" for e in firsts])

        assert social(2, 4) > 3 * social(4, 9)  # social is 0.58 / 1.5 of the campaign's sessions


def test_a_social_campaign_lowers_conversion_and_leaves_the_usual_visitors_alone() -> None:
    """The campaign's extra visitors are new, social and cold; everyone else buys as before."""
    campaign = {"at": "+2h", "set": PRESETS["social-campaign"].phases[0]["set"]}
    main, _ = generate(
        4 * HOUR, seed=8, event_rate_per_minute=1000, seasonality=False, holidays=False, drift=[campaign]
    )
    start = parse_time(START)
    firsts = [e for e in main if e["session_event_sequence"] == 1]
    before = [e for e in firsts if _time(e["timestamp"]) - start < 2 * HOUR]
    during = [e for e in firsts if _time(e["timestamp"]) - start >= 2 * HOUR]

    def carts(sessions: list[Json]) -> float:  # sessions headed for a cart (ground truth)
        return rate([e["session_outcome"] in ("purchase", "cart_abandoned") for e in sessions])

    def bought(sessions: list[Json]) -> float:
        return rate([e["session_outcome"] == "purchase" for e in sessions])

    def usual(sessions: list[Json]) -> list[Json]:
        return [e for e in sessions if e["traffic_source"] in ("direct", "organic_search", "email")]

    assert len(during) == pytest.approx(1.5 * len(before), rel=0.05)
    assert bought(before) == pytest.approx(0.025, rel=0.1)
    assert bought(during) == pytest.approx(0.0167, rel=0.12)
    assert carts(usual(during)) == pytest.approx(carts(usual(before)), rel=0.1)
    assert rate([e["visitor_type"] == "new" for e in during]) > 0.64


def test_rates_for_an_unchanged_mix_are_the_defaults() -> None:
    """The campaign's rates come from a formula that leaves the default mix at the default rates."""
    from streamsim.scenarios.ecommerce.options import DEFAULT_NEW_VISITOR_SHARE, _same_visitors_behave_alike

    rates = _same_visitors_behave_alike({}, DEFAULT_NEW_VISITOR_SHARE)
    assert rates == {"conversion_rate": 0.025, "bounce_rate": 0.35}


def _drift_delay_example() -> Any:
    """docs/examples/ecommerce_drift_delay.py: the measurement the docs show."""
    pytest.importorskip("river")
    return load_example("ecommerce_drift_delay")


@pytest.mark.slow
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_a_standard_detector_sees_each_preset_within_a_day(preset: str) -> None:
    """ADWIN on a landing conversion model's errors, at the default rate (the docs' table)."""
    example = _drift_delay_example()
    detection = example.measure(preset)
    assert detection.delay is not None and detection.delay < timedelta(days=1)
    # At this volume ADWIN's defaults raise an alarm now and then on a stream without drift:
    # at most one a day is allowed over the days watched before the drift.
    watched = detection.drift_at - datetime.fromisoformat(example.START) - example.WARM_UP
    assert detection.false_alarms <= watched / timedelta(days=1)


def test_a_price_increase_cuts_carts_in_that_category() -> None:
    schedule = [{"at": "+2h", "set": {"category_price_multipliers": {"Electronics": 2.0, "Computers": 2.0}}}]
    main, _ = generate(4 * HOUR, seed=8, event_rate_per_minute=300, drift=schedule)
    start = parse_time(START)

    def share(first: float, last: float) -> tuple[float, float]:
        window = [e for e in main if first <= _time(e["timestamp"]) - start < last]
        adds = [e for e in window if e["event_type"] == "add_to_cart"]
        views = [e for e in window if e["event_type"] == "product_view"]
        tech = ("Electronics", "Computers")
        return rate([e["product_category"] in tech for e in adds]), rate(
            [e["product_category"] in tech for e in views]
        )

    adds_before, views_before = share(0, 2 * HOUR)
    adds_after, views_after = share(2.5 * HOUR, 4 * HOUR)
    assert views_after == pytest.approx(views_before, abs=0.02)  # people still look...
    assert adds_after < 0.7 * adds_before  # ...but buy less


# -- options -------------------------------------------------------------------------------


def test_mappings_fill_missing_keys_from_defaults() -> None:
    options = EcommerceOptions(channels={"social": {"share": 0.5}}, category_price_multipliers={"Books": 0.5})
    assert options.channels["social"].share == 0.5
    assert options.channels["social"].bounce == 1.45
    assert options.channels["email"].share == 0.06
    assert options.category_price_multipliers["Books"] == 0.5
    assert options.category_price_multipliers["Electronics"] == 1.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"channels": {"tv": {"share": 1}}}, "unknown channel 'tv'"),
        ({"category_interest": {"Garden": 1}}, "unknown category 'Garden'"),
        ({"holiday_effects": {"black_friday": {"traffic": 0}}}, "holiday_effects"),
        ({"conversion_rate": 0.2}, "add-to-cart rate"),
        ({"drift": "tariffs"}, "holiday-season, price-increase, social-campaign"),
    ],
)
def test_bad_options_name_the_option(options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        run_in_memory("ecommerce", count=1, **options)


def test_session_outcomes_leave_the_main_stream_untouched() -> None:
    plain = run_in_memory("ecommerce", seed=9, duration="1h", event_rate_per_minute=120).records
    both = run_in_memory(
        "ecommerce", seed=9, duration="1h", event_rate_per_minute=120, session_outcomes=True
    ).records
    assert [r.value for r in plain] == [r.value for r in both if r.event.stream == MAIN_STREAM]
    assert any(r.event.stream == SESSIONS for r in both)


@pytest.mark.parametrize("session_outcomes", [False, True])
def test_field_specs_follow_the_native_field_order(session_outcomes: bool) -> None:
    native = native_fields("ecommerce")
    specs = EcommerceScenario(
        EcommerceOptions(session_outcomes=session_outcomes), seed=1, start=0.0
    ).field_specs()
    assert set(specs) <= set(native)
    for stream, fields in specs.items():
        paths = iter(native[stream])
        assert all(spec.path in paths for spec in fields), stream  # a subsequence, in order
