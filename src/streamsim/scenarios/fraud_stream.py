"""The fraud scenario's transactions: cardholders' own spending and scheduled fraud, in time order.

Arrivals come from one Poisson process shaped by every city's local rhythm.
Each arrival picks a city, then is either a cardholder's own purchase or a
*fraud slot*. A fraud slot starts a campaign of the drawn typology with
probability 1 / (its mean size), so that fraudulent transactions make up
``fraud_probability`` of all transactions, while coming in campaigns; the
chance of a slot follows fraud's local-hour profile over spending's, so fraud
is relatively frequent at night.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from streamsim.clock import DAY, HOUR, PoissonArrivals
from streamsim.geo import WORLD_CITIES, haversine_km
from streamsim.rng import Weighted, uuid4_str
from streamsim.scenarios.fraud_typologies import Attack, Breach, Campaigns, Regime, Stolen
from streamsim.scenarios.fraud_world import (
    ACTIVE_DAY_KM,
    CATEGORY_AMOUNT,
    PAYMENT_METHODS,
    PAYMENT_WEIGHTS,
    PRODUCT_CATEGORIES,
    TRANSACTION_TYPE_WEIGHTS,
    TRANSACTION_TYPES,
    Merchants,
    Networks,
    Population,
    Rhythm,
    devices_pool,
)
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    from streamsim.rng import RngTree
    from streamsim.scenarios.fraud import FraudScenario

#: One generated transaction: event time, fields, the attack it belongs to (None if legitimate), regime.
Transaction = tuple[float, dict[str, Any], Attack | None, Regime]

DEVICE_POOL = 512  # distinct devices (OS, browser, user agent) in circulation
REGULAR_MERCHANT = 0.7  # share of a cardholder's purchases at one of its regular merchants
PRIMARY_DEVICE = 0.75  # share of purchases from the first of two usual devices
CELLULAR = 0.35  # share of a phone's purchases made on a mobile network
OWN_PAYMENT = 0.85  # share of purchases with the cardholder's preferred payment method
AMOUNT_SIGMA = 0.7  # spread (log scale) of a cardholder's amounts around its usual amount
TRIP_DAYS = (2.0, 10.0)
MEAN_TRIP = (TRIP_DAYS[0] + TRIP_DAYS[1]) / 2 * DAY
NEW_ACCOUNT_AGE = 2 * DAY  # a new legitimate account buys within two days of opening
CATEGORY_INDEX = {name: i for i, name in enumerate(PRODUCT_CATEGORIES)}
PAYMENT_CHOICE = Weighted(PAYMENT_METHODS, PAYMENT_WEIGHTS)
TYPE_CHOICE = Weighted(TRANSACTION_TYPES, TRANSACTION_TYPE_WEIGHTS)


def transactions(scenario: FraudScenario, rng: RngTree, *, expose: bool = True) -> Iterator[Transaction]:
    """Every transaction of a run, legitimate and fraudulent, in non-decreasing event time.

    With ``expose``, the stream reports its live sizes to the scenario's gauges (metrics).
    """
    o = scenario.options
    start, rate = scenario.start, scenario.effective_rate
    merchants = Merchants(rng.shared("merchants"), o.merchant_id_limit)
    pool = devices_pool(rng.shared("devices"), DEVICE_POOL)
    phones = tuple(os_name in ("iOS", "Android") for os_name, _, _ in pool)
    networks = Networks(rng.shared("networks"))
    population = Population(
        rng,
        start=start,
        max_age=o.account_age_days_limit * 365 * DAY,
        users=scenario.default_users(),
        merchants=merchants,
        networks=networks,
        devices=len(pool),
    )
    rhythm = Rhythm(population)
    arrivals = PoissonArrivals(rate, rng.stream("arrivals"), start=start, intensity=rhythm.intensity)
    campaigns = Campaigns(rng.stream("fraud"), population, merchants, networks, pool)
    if expose:
        scenario._expose(lambda: {"entities": population.known(), "campaigns": campaigns.under_way})
    hotels = networks.home
    drift = scenario._drift(rng, Regime.build)
    rhythm.at(int(start // HOUR))
    assert rhythm.cities is not None
    campaigns.warm_up(start, rate, drift.at(start, 0), rhythm.cities)

    r = rng.stream("transactions")
    random, gauss, randint, expm, expm1 = r.random, r.gauss, r.randint, math.exp, math.expm1
    iso = IsoFormatter()
    timeline, breaches = campaigns.timeline, campaigns.breaches
    pick, open_account, home_weights = population.pick, population.open_account, population.home_weights
    ids, categories, online = merchants.ids, merchants.category, merchants.online
    category_amount = [CATEGORY_AMOUNT[CATEGORY_INDEX[c]] for c in categories]
    anywhere = merchants.anywhere.draw
    payment_choice, type_choice = PAYMENT_CHOICE.draw, TYPE_CHOICE.draw
    per_event = 1.0 / rate
    n, hour = 0, -1
    cities, ratios = rhythm.cities, rhythm.fraud_ratio
    arrival = arrivals.next()
    while True:
        if timeline.next_time() <= arrival:  # a scheduled fraudulent transaction, or campaign news
            t, item = timeline.pop()
            if isinstance(item, Breach):
                campaigns.close(item, t)
                continue
            if isinstance(item, Stolen):
                campaigns.activate(item, t)
                continue
            n += 1
            regime = drift.at(t, n)
            kind, attack = item
            fields = campaigns.transaction(
                kind, attack, t, regime, uuid4_str(r), iso(t), drift.concept, drift.phase
            )
            yield t, fields, attack, regime
            continue

        t = arrival
        arrival = arrivals.next()
        regime = drift.at(t, n + 1)
        if int(t // HOUR) != hour:
            hour = int(t // HOUR)
            rhythm.at(hour)
            cities, ratios = rhythm.cities, rhythm.fraud_ratio
        city = cities.draw(random)
        u = random()
        slot = regime.fraud_probability * ratios[city]
        if u < slot:  # a fraud slot: maybe a new campaign (its transactions come from the timeline)
            typology = regime.typology.draw(random)
            if random() < regime.start_probability[typology]:
                campaigns.start(typology, t, city, regime)
            continue
        if u < slot + regime.growth_per_second * population.size * per_event:
            holder = open_account(city, t - random() * NEW_ACCOUNT_AGE)
        else:
            holder = pick(city)

        # Trips and device changes happen in time, not per purchase: a chance for the time since the
        # cardholder's previous transaction, so busy cardholders do not travel more often.
        seen, holder.last_seen = holder.last_seen, t
        elapsed = t - seen if seen >= 0 else 0.0
        if t < holder.trip_until:
            travelling = True
        elif seen < 0:  # first seen in this run: away already with the long-run share of time away
            away = regime.trip_rate * MEAN_TRIP
            travelling = random() < away / (1.0 + away)
        else:
            travelling = random() < -expm1(-regime.trip_rate * elapsed)
        if travelling:
            if t >= holder.trip_until:  # a trip starts (or, first seen, is under way): another city
                where = home_weights.draw(random)
                if where == holder.city:
                    where = (where + 1) % len(WORLD_CITIES)
                place = WORLD_CITIES[where]
                holder.trip_lat, holder.trip_lon = place.lat + gauss(0.0, 0.05), place.lon + gauss(0.0, 0.05)
                days = TRIP_DAYS[0] + random() * (TRIP_DAYS[1] - TRIP_DAYS[0])
                holder.trip_until = t + days * DAY * (random() if seen < 0 else 1.0)
                holder.trip_ip = r.choice(hotels[place.country])
            lat, lon = holder.trip_lat + gauss(0.0, 0.05), holder.trip_lon + gauss(0.0, 0.05)
            distance = haversine_km(holder.lat, holder.lon, lat, lon)
            prefix = holder.trip_ip
        else:
            dx, dy = gauss(0.0, ACTIVE_DAY_KM), gauss(0.0, ACTIVE_DAY_KM)
            lat, lon = holder.lat + dy / 111.0, holder.lon + dx / (111.0 * holder.coslat)
            distance = math.sqrt(dx * dx + dy * dy)
            prefix = holder.ip_prefix

        devices = holder.devices
        if random() < -expm1(-regime.device_change_rate * elapsed):  # a new phone or computer, kept
            device = int(random() * DEVICE_POOL)
            new_device = device not in devices
            holder.devices = (device, *devices[:1]) if random() < 0.5 else (devices[0], device)
        elif random() < regime.new_device:  # someone else's device, once
            device = int(random() * DEVICE_POOL)
            new_device = device not in devices
        else:
            device = devices[0] if len(devices) == 1 or random() < PRIMARY_DEVICE else devices[1]
            new_device = False
        if phones[device] and random() < CELLULAR:  # a phone off wifi: any of the carriers' networks
            prefix = holder.mobile[int(random() * len(holder.mobile))]

        regulars = holder.regulars
        merchant = (
            regulars[int(random() * len(regulars))] if random() < REGULAR_MERCHANT else anywhere(random)
        )
        if breaches and merchant in breaches:
            campaigns.capture(merchant, holder, t)
        amount = max(
            0.5 * holder.fx, holder.median * category_amount[merchant] * expm(gauss(0.0, AMOUNT_SIGMA))
        )
        os_name, browser, agent = pool[device]
        n += 1
        yield (
            t,
            {
                "transaction_id": uuid4_str(r),
                "user_id": holder.user_id,
                "timestamp": iso(t),
                "amount": float(round(amount)) if holder.fx >= 100 else round(amount * 100) / 100,
                "currency": holder.currency,
                "merchant_id": ids[merchant],
                "product_category": categories[merchant],
                "transaction_type": type_choice(random),
                "payment_method": PAYMENT_METHODS[holder.payment]
                if random() < OWN_PAYMENT
                else payment_choice(random),
                "location": {"lat": round(lat * 1e6) / 1e6, "lon": round(lon * 1e6) / 1e6},
                "ip_address": f"{prefix}.{randint(1, 254)}",
                "device_info": {"os": os_name, "browser": browser},
                "user_agent": agent,
                "account_age_days": int((t - holder.created) // DAY),
                # The original's two steps: a missing value, mostly recovered for legitimate purchases.
                "cvv_provided": random() >= regime.cvv_missing or random() < 0.9,
                "billing_address_match": random() >= regime.billing_missing or random() < 0.8,
                "is_fraud": 0,
                "channel": "online" if online[merchant] or random() < holder.online else "in_store",
                "fraud_type": None,
                "campaign_id": None,
                "home_distance_km": round(distance * 10) / 10,
                "new_device": new_device,
                "concept_id": drift.concept,
                "drift_phase": drift.phase,
            },
            None,
            regime,
        )
