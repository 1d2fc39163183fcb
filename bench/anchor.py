"""Baseline: the strongest honest pure-Python producer of the originals' events.

The same field sets and the same generation logic as the naive producers
(``bench/naive.py``), written for speed in pure Python: pools precomputed once
(ids, merchants, devices, user agents, addresses, locations, URLs), choices from
``random.random()`` (``pool[int(random() * n)]``, thresholds for weighted picks),
the ISO timestamp's date and time computed once per wall-clock second, event ids
from a run prefix and a counter, one dict per event (nested values shared from the
pools) and ``orjson.dumps``. It keeps no entities and simulates nothing beyond the
originals' logic, so it bounds what per-event Python costs for these events;
streamsim is compared with it in the same run.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import math
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson

Make = Callable[[], dict[str, Any]]

#: Pool sizes: large enough that values look varied, small enough to build in milliseconds.
USERS = 20_000
POOL = 4096

OS = ["iOS", "Android", "Windows", "macOS", "Linux", "Other"]
BROWSERS = ["Chrome", "Safari", "Firefox", "Edge", "Opera", "Other"]


class _Clock:
    """Wall-clock time as ISO 8601 (as ``datetime.isoformat()`` writes it), the date and time
    formatted once per second."""

    __slots__ = ("hour", "prefix", "second", "weekday")

    def __init__(self) -> None:
        self.second = -1
        self.prefix = ""
        self.weekday = 0
        self.hour = 0

    def stamp(self) -> str:
        t = time.time()
        s = int(t)
        if s != self.second:
            moment = datetime.datetime.fromtimestamp(s, datetime.UTC)
            self.second, self.weekday, self.hour = s, moment.weekday(), moment.hour
            self.prefix = moment.strftime("%Y-%m-%dT%H:%M:%S.")
        return f"{self.prefix}{int((t - s) * 1_000_000):06d}+00:00"


def _ids(rng: random.Random) -> Callable[[], str]:
    """Unique UUID-shaped ids: a random prefix per run and a counter (no ``uuid4`` per event)."""
    head = str(uuid.UUID(int=rng.getrandbits(128), version=4))[:24]
    counter = itertools.count(rng.getrandbits(40))
    return lambda: f"{head}{next(counter) & 0xFFFFFFFFFFFF:012x}"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@functools.cache
def _user_agents() -> list[str]:
    """User agents of the shapes Faker gives (browser, platform and version combinations)."""
    rng = random.Random(7)
    platforms = [
        "Windows NT 10.0; Win64; x64",
        "Macintosh; Intel Mac OS X 10_15_7",
        "X11; Linux x86_64",
        "iPhone; CPU iPhone OS 17_4 like Mac OS X",
        "Linux; Android 14; Pixel 8",
        "iPad; CPU OS 16_6 like Mac OS X",
    ]
    agents = []
    for _ in range(POOL):
        platform = rng.choice(platforms)
        kind = rng.randrange(4)
        if kind == 0:
            v = f"{rng.randint(90, 126)}.0.{rng.randint(1000, 6500)}.{rng.randint(0, 200)}"
            agents.append(
                f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v} Safari/537.36"
            )
        elif kind == 1:
            v = f"{rng.randint(100, 128)}.0"
            agents.append(f"Mozilla/5.0 ({platform}; rv:{v}) Gecko/20100101 Firefox/{v}")
        elif kind == 2:
            v = f"{rng.randint(14, 17)}.{rng.randint(0, 6)}"
            webkit = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
            agents.append(f"Mozilla/5.0 ({platform}) {webkit} Version/{v} Safari/605.1.15")
        else:
            agents.append(f"Opera/9.{rng.randint(10, 99)}.({platform}; en-US) Presto/2.{rng.randint(8, 12)}")
    return agents


# -- fraud: the original card-transaction producer's 17 fields ---------------------------

TRANSACTION_TYPES = ["purchase", "withdrawal", "transfer", "payment", "deposit"]
PAYMENT_METHODS = ["credit_card", "debit_card", "paypal", "bank_transfer", "crypto"]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "BRL"]
PRODUCT_CATEGORIES = [
    "electronics",
    "clothing",
    "groceries",
    "travel",
    "services",
    "digital_goods",
    "luxury_items",
    "gambling",
    "other",
]


def fraud(seed: int = 0) -> Make:
    """A maker of fraud events: the naive producer's logic with pooled values."""
    rng = random.Random(seed)
    rand = rng.random
    users = [_uuid(rng) for _ in range(USERS)]
    merchants = [f"merchant_{i}" for i in range(1, 201)]
    devices = [{"os": o, "browser": b} for o in OS for b in BROWSERS]
    agents = _user_agents()
    ips = [".".join(str(rng.randrange(1, 255)) for _ in range(4)) for _ in range(POOL)]
    locations = [
        {"lat": round(rng.uniform(-90, 90), 6), "lon": round(rng.uniform(-180, 180), 6)} for _ in range(POOL)
    ]
    transaction_id, clock = _ids(rng), _Clock()
    n_users, n_types, n_methods, n_currencies = (
        len(users),
        len(TRANSACTION_TYPES),
        len(PAYMENT_METHODS),
        len(CURRENCIES),
    )
    n_categories, n_devices = len(PRODUCT_CATEGORIES), len(devices)

    def make() -> dict[str, Any]:
        is_fraud = rand() < 0.01
        cvv = rand() < 0.95
        billing = rand() < 0.9
        if is_fraud:
            amount = round(300.0 + rand() * 5700.0 if rand() < 0.8 else 1.0 + rand() * 49.0, 2)
            cvv = cvv and rand() >= 0.4
            billing = billing and rand() >= 0.3
        else:
            amount = round(5.0 + rand() * 495.0, 2)
            cvv = cvv or rand() < 0.9
            billing = billing or rand() < 0.8
        return {
            "transaction_id": transaction_id(),
            "user_id": users[int(rand() * n_users)],
            "timestamp": clock.stamp(),
            "amount": amount,
            "currency": CURRENCIES[int(rand() * n_currencies)],
            "merchant_id": merchants[int(rand() * 200)],
            "product_category": PRODUCT_CATEGORIES[int(rand() * n_categories)],
            "transaction_type": TRANSACTION_TYPES[int(rand() * n_types)],
            "payment_method": PAYMENT_METHODS[int(rand() * n_methods)],
            "location": locations[int(rand() * POOL)],
            "ip_address": ips[int(rand() * POOL)],
            "device_info": devices[int(rand() * n_devices)],
            "user_agent": agents[int(rand() * POOL)],
            "account_age_days": int(rand() * 1826),
            "cvv_provided": cvv,
            "billing_address_match": billing,
            "is_fraud": int(is_fraud),
        }

    return make


# -- eta: the original trip producer's 19 fields -----------------------------------------

VEHICLE_TYPES = ["Sedan", "SUV", "Hatchback", "Motorcycle", "Van"]
WEATHER_RANGES = {"Rain": (1.1, 1.4), "Heavy Rain": (1.3, 1.8), "Fog": (1.2, 1.6), "Thunderstorm": (1.4, 2.0)}


def eta(seed: int = 0) -> Make:
    """A maker of ETA events: the naive producer's logic (haversine, traffic, weather, incident
    and driver factors) with pooled ids and inlined arithmetic."""
    rng = random.Random(seed)
    rand = rng.random
    drivers = [f"driver_{i}" for i in range(1000, 5001)]
    vehicles = [f"vehicle_{i}" for i in range(100, 1000)]
    weather_ranges = {w: (lo, hi - lo) for w, (lo, hi) in WEATHER_RANGES.items()}
    trip_id, clock = _ids(rng), _Clock()
    radians, sin, cos, asin, sqrt = math.radians, math.sin, math.cos, math.asin, math.sqrt
    n_drivers, n_vehicles = len(drivers), len(vehicles)

    def make() -> dict[str, Any]:
        o_lat, o_lon = round(29.5 + rand() * 0.6, 6), round(-95.8 + rand() * 0.8, 6)
        d_lat, d_lon = round(29.5 + rand() * 0.6, 6), round(-95.8 + rand() * 0.8, 6)
        lat1, lat2 = radians(o_lat), radians(d_lat)
        a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin(radians(d_lon - o_lon) / 2) ** 2
        km = round(2 * asin(sqrt(a)) * 6371, 2)
        base = km / 40 * 3600
        initial = max(60, int(base * (0.9 + rand() * 0.2)))
        stamp = clock.stamp()
        weekday, hour = clock.weekday, clock.hour
        u = rand()
        weather = (
            "Clear" if u < 0.6 else "Clouds" if u < 0.75 else "Rain" if u < 0.85 else
            "Heavy Rain" if u < 0.9 else "Fog" if u < 0.95 else "Thunderstorm"
        )  # fmt: skip
        bad = rand() < 0.1 and weather in weather_ranges
        if (6 <= hour <= 9 or 16 <= hour <= 19) and weekday < 5:
            traffic = 1.3 + rand() * 0.7
        elif weekday >= 5:
            traffic = 0.8 + rand() * 0.4
        else:
            traffic = 0.9 + rand() * 0.5
        if bad:
            lo, width = weather_ranges[weather]
            weather_factor = lo + rand() * width
        else:
            weather_factor = 1.0
        incident = 300 + int(rand() * 1501) if rand() < 0.02 else 0
        rating = round(3.5 + rand() * 1.5, 1)
        driver_factor = 1.0 - (rating - 4.5) * 0.05
        actual = max(60, int(base * traffic * weather_factor * driver_factor + incident + rand() * 120 - 60))
        return {
            "trip_id": trip_id(),
            "driver_id": drivers[int(rand() * n_drivers)],
            "vehicle_id": vehicles[int(rand() * n_vehicles)],
            "timestamp": stamp,
            "origin": {"lat": o_lat, "lon": o_lon},
            "destination": {"lat": d_lat, "lon": d_lon},
            "estimated_distance_km": km,
            "weather": weather,
            "temperature_celsius": round(15.0 + rand() * 15.0, 1),
            "day_of_week": weekday,
            "hour_of_day": hour,
            "driver_rating": rating,
            "vehicle_type": VEHICLE_TYPES[int(rand() * 5)],
            "initial_estimated_travel_time_seconds": initial,
            "simulated_actual_travel_time_seconds": actual,
            "debug_traffic_factor": round(traffic, 2),
            "debug_weather_factor": round(weather_factor, 2),
            "debug_incident_delay_seconds": incident,
            "debug_driver_factor": round(driver_factor, 2),
        }

    return make


# -- ecommerce: the original clickstream producer's 16 fields ------------------------------

CATEGORIES = [
    "Electronics",
    "Fashion & Apparel",
    "Home & Garden",
    "Beauty & Personal Care",
    "Sports & Outdoors",
    "Books",
    "Grocery & Gourmet Food",
    "Automotive",
    "Toys & Games",
    "Computers",
    "Pet Supplies",
    "Health & Household",
]
REFERRERS = ["direct", "google.com", "facebook.com", "amazon.com", "instagram.com", "twitter.com"]
DEVICE_TYPES = ["Mobile", "Desktop", "Tablet"]
# fmt: off
WORDS = [
    "wireless", "portable", "smart", "classic", "premium", "organic", "compact", "deluxe", "vintage",
    "modern", "ultra", "light", "heavy", "duty", "waterproof", "rechargeable", "stainless", "leather",
    "cotton", "bamboo", "ceramic", "glass", "steel", "kitchen", "garden", "outdoor", "travel", "office",
    "gaming", "fitness", "yoga", "running", "hiking", "camping", "baby", "pet", "dog", "cat", "coffee",
    "tea", "chocolate", "snack", "vitamin", "shampoo", "soap", "candle", "lamp", "chair", "desk",
    "table", "bed", "pillow", "blanket", "towel", "mug", "bottle", "bag", "backpack", "wallet", "watch",
    "phone", "case", "charger", "cable", "speaker", "headphones", "keyboard", "mouse", "monitor",
    "laptop", "tablet", "camera", "lens", "tripod", "drone", "book", "novel", "puzzle", "toy", "game",
    "lego", "doll", "car", "tire", "oil", "filter", "brush", "paint", "tool", "drill", "saw", "hammer"
]
# fmt: on
MAX_SESSIONS = 500


def ecommerce(seed: int = 0) -> Make:
    """A maker of clickstream events: the naive producer's session bookkeeping (a pick among
    at most 500 open sessions, the oldest evicted) over a list instead of dict keys, pooled
    ids, words, URLs and devices."""
    rng = random.Random(seed)
    rand = rng.random
    customers = [_uuid(rng) for _ in range(USERS)]
    products = [f"prod_{i}" for i in range(1000, 1101)]
    slugs = [c.lower().replace(" & ", "-").replace(" ", "-") for c in CATEGORIES]
    urls = [[f"https://example.com/{slug}/{p}" for p in products] for slug in slugs]
    devices = [{"device_type": d, "browser": b, "os": o} for d in DEVICE_TYPES for b in BROWSERS for o in OS]
    locations = [
        {"lat": round(rng.uniform(29.5, 30.1), 3), "lon": round(rng.uniform(-95.8, -95.0), 3)}
        for _ in range(POOL)
    ]
    event_id, session_id, clock = _ids(rng), _ids(rng), _Clock()
    sessions: list[list[Any]] = []  # [session id, customer id, events so far, product in focus]
    n_customers, n_words, n_devices, n_products = len(customers), len(WORDS), len(devices), len(products)

    def make() -> dict[str, Any]:
        stamp = clock.stamp()
        if sessions and rand() < 0.7:
            session = sessions[int(rand() * len(sessions))]
        else:
            if len(sessions) >= MAX_SESSIONS:
                del sessions[0]
            session = [session_id(), customers[int(rand() * n_customers)], 0, None]
            sessions.append(session)
        u = rand()
        if session[2] == 0:
            event_type = "page_view" if u < 0.8 else "search"
        elif session[3] is not None and rand() < 0.4:
            event_type = "add_to_cart" if u < 0.6 else "page_view" if u < 0.95 else "leave_review"
        else:
            event_type = "page_view" if u < 0.6 else "search" if u < 0.8 else "add_to_cart"
        if event_type == "search":
            query = " ".join([WORDS[int(rand() * n_words)] for _ in range(1 + int(rand() * 4))])
            page_url = f"https://example.com/search?q={query.replace(' ', '+')}"
            seconds = 5 + int(rand() * 56)
            product_id = category = price = quantity = session[3] = None
        else:
            query = None
            p, c = int(rand() * n_products), int(rand() * 12)
            product_id, category, page_url = products[p], CATEGORIES[c], urls[c][p]
            price, seconds = round(5.0 + rand() * 2495.0, 2), 5 + int(rand() * 296)
            session[3] = product_id
            quantity = 1 + int(rand() * 4) if event_type == "add_to_cart" else None
        session[2] += 1
        n = session[2]
        return {
            "event_id": event_id(),
            "customer_id": session[1],
            "session_id": session[0],
            "timestamp": stamp,
            "event_type": event_type,
            "product_id": product_id,
            "product_category": category,
            "price": price,
            "quantity": quantity,
            "page_url": page_url,
            "referrer_url": REFERRERS[int(rand() * 6)] if n == 1 else None,
            "device_info": devices[int(rand() * n_devices)],
            "location": locations[int(rand() * POOL)],
            "time_on_page_seconds": seconds,
            "search_query": query,
            "session_event_sequence": n,
        }

    return make


ANCHOR: dict[str, Callable[[int], Make]] = {"fraud": fraud, "eta": eta, "ecommerce": ecommerce}


@functools.cache
def maker(scenario: str) -> Make:
    """The scenario's maker, built once per process (pools are setup, not per-event cost)."""
    return ANCHOR[scenario](0)


def produce(scenario: str, n: int) -> int:
    """Generate and serialize ``n`` events; returns bytes produced."""
    make, dumps = maker(scenario), orjson.dumps
    size = 0
    for _ in range(n):
        size += len(dumps(make()))
    return size
