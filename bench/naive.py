"""Baseline: producers written the way the original scripts were.

Each event is one dict built with Faker and stdlib ``random`` calls, wall-clock
timestamps and ``uuid.uuid4()``, serialized with ``json.dumps``. The logic and
the per-event calls follow the original producers (without their sleeps), so
the cost profile is theirs; streamsim is compared with it in the same run.
"""

from __future__ import annotations

import datetime
import json
import math
import random
import uuid
from collections.abc import Callable
from typing import Any

from faker import Faker

fake = Faker("en_US")
Faker.seed(0)
random.seed(0)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def fraud_event() -> dict[str, Any]:
    """Five Faker calls per event, as the original fraud producer made."""
    is_fraud = random.random() < 0.01
    account_age_days = random.randint(0, 365 * 5)
    transaction_type = random.choice(["purchase", "withdrawal", "transfer", "payment", "deposit"])
    payment_method = random.choice(["credit_card", "debit_card", "paypal", "bank_transfer", "crypto"])
    merchant_id = f"merchant_{random.randint(1, 200)}"
    currency = random.choice(["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "BRL"])
    category = random.choice(
        [
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
    )
    device = {
        "os": random.choice(["iOS", "Android", "Windows", "macOS", "Linux", "Other"]),
        "browser": random.choice(["Chrome", "Safari", "Firefox", "Edge", "Opera", "Other"]),
    }
    user_agent, ip = fake.user_agent(), fake.ipv4()
    location = {"lat": float(fake.latitude()), "lon": float(fake.longitude())}
    cvv = random.choices([True, False], weights=[0.95, 0.05], k=1)[0]
    billing = random.choices([True, False], weights=[0.9, 0.1], k=1)[0]
    if is_fraud:
        amount = round(
            random.uniform(300.0, 6000.0) if random.random() < 0.8 else random.uniform(1.0, 50.0), 2
        )
        cvv = cvv and random.random() >= 0.4
        billing = billing and random.random() >= 0.3
    else:
        amount = round(random.uniform(5.0, 500.0), 2)
        cvv = cvv or random.random() < 0.9
        billing = billing or random.random() < 0.8
    return {
        "transaction_id": str(uuid.uuid4()),
        "user_id": fake.uuid4(),
        "timestamp": _now().isoformat(),
        "amount": amount,
        "currency": currency,
        "merchant_id": merchant_id,
        "product_category": category,
        "transaction_type": transaction_type,
        "payment_method": payment_method,
        "location": location,
        "ip_address": ip,
        "device_info": device,
        "user_agent": user_agent,
        "account_age_days": account_age_days,
        "cvv_provided": cvv,
        "billing_address_match": billing,
        "is_fraud": int(is_fraud),
    }


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, [lon1, lat1, lon2, lat2])
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * math.asin(math.sqrt(a)) * 6371


WEATHER_RANGES = {"Rain": (1.1, 1.4), "Heavy Rain": (1.3, 1.8), "Fog": (1.2, 1.6), "Thunderstorm": (1.4, 2.0)}


def eta_event() -> dict[str, Any]:
    """The original ETA producer used stdlib random and uuid (no Faker call per event)."""
    driver_id, vehicle_id = f"driver_{random.randint(1000, 5000)}", f"vehicle_{random.randint(100, 999)}"
    vehicle_type = random.choice(["Sedan", "SUV", "Hatchback", "Motorcycle", "Van"])
    o = (round(random.uniform(29.5, 30.1), 6), round(random.uniform(-95.8, -95.0), 6))
    d = (round(random.uniform(29.5, 30.1), 6), round(random.uniform(-95.8, -95.0), 6))
    km = round(_haversine(*o, *d), 2)
    initial = max(60, int(km / 40 * 3600 * random.uniform(0.9, 1.1)))
    now = _now()
    weather = random.choices(
        ["Clear", "Clouds", "Rain", "Heavy Rain", "Fog", "Thunderstorm"],
        weights=[0.6, 0.15, 0.1, 0.05, 0.05, 0.05],
        k=1,
    )[0]
    bad = random.random() < 0.1 and weather in WEATHER_RANGES
    rush = 6 <= now.hour <= 9 or 16 <= now.hour <= 19
    if rush and now.weekday() < 5:
        traffic = random.uniform(1.3, 2.0)
    elif now.weekday() >= 5:
        traffic = random.uniform(0.8, 1.2)
    else:
        traffic = random.uniform(0.9, 1.4)
    weather_factor = random.uniform(*WEATHER_RANGES[weather]) if bad else 1.0
    incident = random.randint(300, 1800) if random.random() < 0.02 else 0
    rating = round(random.uniform(3.5, 5.0), 1)
    driver_factor = 1.0 - (rating - 4.5) * 0.05
    actual = max(
        60,
        int(km / 40 * 3600 * traffic * weather_factor * driver_factor + incident + random.uniform(-60, 60)),
    )
    return {
        "trip_id": str(uuid.uuid4()),
        "driver_id": driver_id,
        "vehicle_id": vehicle_id,
        "timestamp": now.isoformat(),
        "origin": {"lat": o[0], "lon": o[1]},
        "destination": {"lat": d[0], "lon": d[1]},
        "estimated_distance_km": km,
        "weather": weather,
        "temperature_celsius": round(random.uniform(15.0, 30.0), 1),
        "day_of_week": now.weekday(),
        "hour_of_day": now.hour,
        "driver_rating": rating,
        "vehicle_type": vehicle_type,
        "initial_estimated_travel_time_seconds": initial,
        "simulated_actual_travel_time_seconds": actual,
        "debug_traffic_factor": round(traffic, 2),
        "debug_weather_factor": round(weather_factor, 2),
        "debug_incident_delay_seconds": incident,
        "debug_driver_factor": round(driver_factor, 2),
    }


_sessions: dict[str, dict[str, Any]] = {}
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


def ecommerce_event() -> dict[str, Any]:
    """Session bookkeeping as the original: random pick over the open sessions, Faker ids and words."""
    now = _now()
    if _sessions and random.random() < 0.7:
        session_id = random.choice(list(_sessions.keys()))
    elif len(_sessions) < 500:
        session_id = str(uuid.uuid4())
        _sessions[session_id] = {"customer_id": fake.uuid4(), "n": 0, "focus": None}
    else:
        _sessions.pop(next(iter(_sessions)))
        return ecommerce_event()
    session = _sessions[session_id]
    if session["n"] == 0:
        event_type = random.choices(["page_view", "search"], weights=[0.8, 0.2], k=1)[0]
    elif session["focus"] and random.random() < 0.4:
        event_type = random.choices(
            ["add_to_cart", "page_view", "leave_review"], weights=[0.6, 0.35, 0.05], k=1
        )[0]
    else:
        event_type = random.choices(["page_view", "search", "add_to_cart"], weights=[0.6, 0.2, 0.2], k=1)[0]
    product_id = category = price = quantity = query = None
    if event_type == "search":
        query = " ".join(fake.words(nb=random.randint(1, 4)))
        page_url, seconds = f"https://example.com/search?q={query.replace(' ', '+')}", random.randint(5, 60)
        session["focus"] = None
    else:
        product_id, category = f"prod_{random.randint(1000, 1100)}", random.choice(CATEGORIES)
        price, seconds = round(random.uniform(5.0, 2500.0), 2), random.randint(5, 300)
        page_url = (
            f"https://example.com/{category.lower().replace(' & ', '-').replace(' ', '-')}/{product_id}"
        )
        session["focus"] = product_id
        quantity = random.randint(1, 4) if event_type in ("add_to_cart", "purchase") else None
    session["n"] += 1
    return {
        "event_id": str(uuid.uuid4()),
        "customer_id": session["customer_id"],
        "session_id": session_id,
        "timestamp": now.isoformat(),
        "event_type": event_type,
        "product_id": product_id,
        "product_category": category,
        "price": price,
        "quantity": quantity,
        "page_url": page_url,
        "referrer_url": random.choice(REFERRERS) if session["n"] == 1 else None,
        "device_info": {
            "device_type": random.choice(["Mobile", "Desktop", "Tablet"]),
            "browser": random.choice(["Chrome", "Safari", "Firefox", "Edge", "Opera", "Other"]),
            "os": random.choice(["Android", "iOS", "Windows", "macOS", "Linux", "Other"]),
        },
        "location": {
            "lat": round(random.uniform(29.5, 30.1), 3),
            "lon": round(random.uniform(-95.8, -95.0), 3),
        },
        "time_on_page_seconds": seconds,
        "search_query": query,
        "session_event_sequence": session["n"],
    }


NAIVE: dict[str, Callable[[], dict[str, Any]]] = {
    "fraud": fraud_event,
    "eta": eta_event,
    "ecommerce": ecommerce_event,
}


def produce(scenario: str, n: int) -> int:
    """Generate and serialize ``n`` events as the originals did; returns bytes produced."""
    make = NAIVE[scenario]
    size = 0
    for _ in range(n):
        size += len(json.dumps(make()).encode("utf-8"))
    return size
