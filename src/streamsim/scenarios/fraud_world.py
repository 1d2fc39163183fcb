"""The fraud scenario's world: merchants, devices, cardholders and the daily rhythm of spending.

Everything here is persistent state with O(1) work per transaction: cardholders
are created the first time they are needed and picked without looking at their
history; merchants and the device pool are built once per run.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from streamsim.catalog import device, ipv4_prefix
from streamsim.clock import HOUR, LocalTime
from streamsim.geo import WORLD_CITIES
from streamsim.rng import Weighted, entity_uuid

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.rng import Rng, RngTree

PRODUCT_CATEGORIES = (
    "electronics",
    "clothing",
    "groceries",
    "travel",
    "services",
    "digital_goods",
    "luxury_items",
    "gambling",
    "other",
)
TRANSACTION_TYPES = ("purchase", "withdrawal", "transfer", "payment", "deposit")
PAYMENT_METHODS = ("credit_card", "debit_card", "paypal", "bank_transfer", "crypto")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "BRL")

#: Share of merchants (and of legitimate spending) by category.
CATEGORY_WEIGHTS = (0.08, 0.14, 0.26, 0.06, 0.16, 0.12, 0.03, 0.03, 0.12)
#: Typical amount of a category relative to the cardholder's usual amount.
CATEGORY_AMOUNT = (2.6, 1.4, 0.9, 4.0, 1.3, 0.35, 5.0, 1.2, 1.0)
#: Base risk of a merchant by category (card-not-present, resale value, chargeback-prone).
CATEGORY_RISK = (0.35, 0.1, 0.05, 0.2, 0.1, 0.45, 0.4, 0.5, 0.1)
#: Share of merchants of a category that sell only online.
CATEGORY_ONLINE = (0.3, 0.25, 0.1, 0.4, 0.3, 1.0, 0.25, 0.7, 0.25)
TRANSACTION_TYPE_WEIGHTS = (0.82, 0.05, 0.03, 0.08, 0.02)
PAYMENT_WEIGHTS = (0.45, 0.4, 0.1, 0.04, 0.01)
PAYMENT_INDEX = Weighted(range(len(PAYMENT_METHODS)), PAYMENT_WEIGHTS)
#: Units of each currency per US dollar (rounded 2024 rates): amounts are in the card's currency.
FX = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0, "CAD": 1.36, "AUD": 1.52, "BRL": 5.0}
CITY_ZONES = {
    "US": "America/New_York",
    "Los Angeles": "America/Los_Angeles",
    "Seattle": "America/Los_Angeles",
    "Chicago": "America/Chicago",
    "Houston": "America/Chicago",
    "Toronto": "America/Toronto",
    "Vancouver": "America/Vancouver",
    "GB": "Europe/London",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "JP": "Asia/Tokyo",
    "AU": "Australia/Sydney",
    "Melbourne": "Australia/Melbourne",
    "BR": "America/Sao_Paulo",
}

#: Legitimate card spending by local hour, weekdays and weekends (quiet nights, later weekend mornings).
WEEKDAY_SPEND = (
    *(0.6, 0.4, 0.3, 0.25, 0.25, 0.4, 0.9, 1.6, 2.4, 3.2, 3.9, 4.4),
    *(4.8, 4.7, 4.5, 4.4, 4.5, 4.8, 5.0, 4.8, 4.2, 3.3, 2.2, 1.2),
)
WEEKEND_SPEND = (
    *(0.9, 0.6, 0.4, 0.3, 0.25, 0.3, 0.5, 0.9, 1.6, 2.6, 3.6, 4.4),
    *(4.9, 5.0, 4.9, 4.8, 4.7, 4.7, 4.6, 4.3, 3.8, 3.1, 2.2, 1.4),
)
#: Fraud by the victim's local hour: flatter than spending, so fraud is relatively frequent at night.
FRAUD_HOURS = (
    *(2.0, 1.8, 1.6, 1.5, 1.5, 1.6, 1.9, 2.3, 2.8, 3.2, 3.5, 3.6),
    *(3.6, 3.6, 3.5, 3.5, 3.5, 3.6, 3.7, 3.6, 3.3, 3.0, 2.6, 2.3),
)

#: Activity tiers: (transactions per day relative to a tier-1 cardholder, cardholders per 100).
TIERS = ((0.15, 25), (0.5, 30), (1.0, 20), (2.0, 13), (4.0, 8), (8.0, 3), (12.0, 1))
TIER_PERIOD = 100
HOME_NETWORKS = 256  # broadband /24 networks per country (an ISP's customers share them)
MOBILE_NETWORKS = 24  # mobile carriers' /24 networks per country (shared by many, changing often)
ACTIVE_DAY_KM = 8.0  # spread of a cardholder's transactions around home
HOME_SPREAD_KM = 12.0  # spread of homes around their city


def _tier_pattern() -> tuple[int, ...]:
    """Tier of each index modulo TIER_PERIOD: a fixed interleaving (37 is prime to 100)."""
    bounds, total = [], 0
    for _, slots in TIERS:
        total += slots
        bounds.append(total)
    pattern = []
    for k in range(TIER_PERIOD):
        position = (k * 37) % TIER_PERIOD
        pattern.append(next(i for i, bound in enumerate(bounds) if position < bound))
    return tuple(pattern)


TIER_OF_SLOT = _tier_pattern()
SLOTS_OF_TIER = tuple(tuple(k for k in range(TIER_PERIOD) if TIER_OF_SLOT[k] == t) for t in range(len(TIERS)))
MEAN_TIER_RATE = sum(rate * slots for rate, slots in TIERS) / TIER_PERIOD


def city_zone(index: int) -> str:
    city = WORLD_CITIES[index]
    return CITY_ZONES.get(city.name) or CITY_ZONES[city.country]


class Merchants:
    """Persistent merchants (shared by all shards): category, home country, online or not, risk.

    Merchants are chains and web shops: where a purchase happens is where the
    cardholder (or the fraudster) is. The tables pick merchants for each purpose.
    """

    def __init__(self, rng: Rng, count: int) -> None:
        countries = sorted({c.country for c in WORLD_CITIES})
        country_weights = [sum(c.weight for c in WORLD_CITIES if c.country == k) for k in countries]
        category_of = Weighted(range(len(PRODUCT_CATEGORIES)), CATEGORY_WEIGHTS)
        country_of = Weighted(countries, country_weights)
        self.ids = tuple(f"merchant_{i}" for i in range(1, count + 1))
        category, country, online, risk, popularity = [], [], [], [], []
        for _ in range(count):
            c = category_of.draw(rng.random)
            category.append(PRODUCT_CATEGORIES[c])
            country.append(country_of.draw(rng.random))
            online.append(rng.random() < CATEGORY_ONLINE[c])
            risk.append(min(0.95, CATEGORY_RISK[c] * rng.lognormvariate(0.0, 0.5)))
            popularity.append(rng.lognormvariate(0.0, 1.0))
        self.category: tuple[str, ...] = tuple(category)
        self.online: tuple[bool, ...] = tuple(online)
        everyone = range(count)
        self.anywhere = Weighted(everyone, popularity)
        self.regular_by_country = {
            k: self._table([m for m in everyone if country[m] == k or online[m]], popularity)
            for k in countries
        }
        small = ("digital_goods", "services", "other")
        resale = ("electronics", "luxury_items", "gambling", "digital_goods")
        self.card_testing = self._table(
            [m for m in everyone if online[m] and category[m] in small], [r * r for r in risk]
        )
        self.cash_out = self._table([m for m in everyone if category[m] in resale], risk)
        self.stolen = self._table(list(everyone), [p * r for p, r in zip(popularity, risk, strict=True)])
        self.breach = self._table([m for m in everyone if not online[m]], popularity)

    def _table(self, members: Sequence[int], weights: Sequence[float]) -> Weighted[int]:
        if not members:  # tiny merchant lists: fall back to every merchant
            members = range(len(self.ids))
        return Weighted(members, [weights[m] for m in members])


class Networks:
    """IPv4 /24 networks of each country (shared by all shards): home broadband and mobile carriers.

    Cardholders, hotels and fraudsters' proxies draw from the same pools, so a
    network says little on its own: what matters is whether it is new *for this
    cardholder*.
    """

    def __init__(self, rng: Rng) -> None:
        countries = sorted({c.country for c in WORLD_CITIES})
        self.home = {k: tuple(ipv4_prefix(rng) for _ in range(HOME_NETWORKS)) for k in countries}
        self.mobile = {k: tuple(ipv4_prefix(rng) for _ in range(MOBILE_NETWORKS)) for k in countries}


class Cardholder:
    """One cardholder (or one account opened for fraud): stable identity, habits and a little state."""

    __slots__ = (
        "city",
        "coslat",
        "created",
        "currency",
        "devices",
        "fx",
        "ip_prefix",
        "last_seen",
        "lat",
        "lon",
        "median",
        "mobile",
        "online",
        "payment",
        "regulars",
        "trip_ip",
        "trip_lat",
        "trip_lon",
        "trip_until",
        "user_id",
    )

    def __init__(self, user_id: str, city: int, created: float) -> None:
        self.user_id = user_id
        self.city = city
        self.created = created
        self.currency = WORLD_CITIES[city].currency
        self.fx = FX[self.currency]
        self.lat = self.lon = self.coslat = self.median = self.online = 0.0
        self.devices: tuple[int, ...] = ()
        self.ip_prefix = ""
        self.mobile: tuple[str, ...] = ()  # the home country's mobile networks
        self.payment = 0
        self.regulars: tuple[int, ...] = ()
        self.last_seen = -1.0  # the previous transaction (trips and new devices happen in between)
        self.trip_until = -math.inf  # while travelling: where, from which network, until when
        self.trip_lat = self.trip_lon = 0.0
        self.trip_ip = ""


class Population:
    """The cardholders of one shard, by home city and activity tier, created lazily.

    A cardholder is identified by its city and its number in that city; the
    number fixes its activity tier (a fixed interleaving of tiers), so picking a
    cardholder in proportion to activity needs only the count of each tier in
    the city, never a list of cardholders.
    """

    def __init__(
        self,
        rng: RngTree,
        *,
        start: float,
        max_age: float,
        users: int,
        merchants: Merchants,
        networks: Networks,
        devices: int,
    ) -> None:
        self._rng = rng.stream("cardholders")
        self._pick = rng.stream("cardholder-choice").random
        self._shard = rng.shard
        self._start = start
        self._max_age = max_age
        self._merchants = merchants
        self._networks = networks
        self._devices = devices
        self._known: dict[int, Cardholder] = {}
        self._synthetic = 0
        self.cities = len(WORLD_CITIES)
        self.sizes = _apportion(users, [c.weight for c in WORLD_CITIES])
        self.size = users
        self._tiers: list[Weighted[int] | None] = [None] * self.cities
        self._counts: list[list[int]] = [[] for _ in range(self.cities)]
        self.activity = [0.0] * self.cities
        self._busy: Weighted[int] | None = None  # cities by activity, rebuilt when it changes
        for city in range(self.cities):
            self._refresh(city)
        self.home_weights = Weighted(range(self.cities), [c.weight for c in WORLD_CITIES])

    def known(self) -> int:
        """Cardholders who have transacted so far (they are created then)."""
        return len(self._known)

    def _refresh(self, city: int) -> None:
        blocks, rest = divmod(self.sizes[city], TIER_PERIOD)
        counts = [blocks * len(slots) + sum(s < rest for s in slots) for slots in SLOTS_OF_TIER]
        weights = [n * rate for n, (rate, _) in zip(counts, TIERS, strict=True)]
        self._counts[city] = counts
        self.activity[city] = sum(weights)
        self._busy = None
        self._tiers[city] = Weighted(range(len(TIERS)), weights) if sum(weights) > 0 else None

    def pick(self, city: int) -> Cardholder:
        """A cardholder of ``city``, in proportion to activity (the city must have cardholders)."""
        tiers = self._tiers[city]
        assert tiers is not None
        tier = tiers.draw(self._pick)
        slots = SLOTS_OF_TIER[tier]
        j = int(self._pick() * self._counts[city][tier])
        k = (j // len(slots)) * TIER_PERIOD + slots[j % len(slots)]
        number = (k * self.cities + city) * 2
        found = self._known.get(number)
        if found is None:
            created = self._start - self._rng.random() * self._max_age
            found = self._known[number] = self._create(number, city, created)
        return found

    def busy_city(self) -> int:
        """A home city in proportion to its cardholders' activity."""
        if self._busy is None:
            self._busy = Weighted(range(self.cities), self.activity)
        return self._busy.draw(self._pick)

    def pick_older(self, city: int, min_age: float, at: float, tries: int = 8) -> Cardholder:
        """A cardholder whose account is at least ``min_age`` old at ``at`` (the oldest of a few tries)."""
        best = self.pick(city)
        for _ in range(tries):
            if at - best.created >= min_age:
                break
            other = self.pick(city)
            if other.created < best.created:
                best = other
        return best

    def open_account(self, city: int, created: float) -> Cardholder:
        """A new cardholder that joins the population (and can be picked from now on)."""
        k = self.sizes[city]
        self.sizes[city] += 1
        self.size += 1
        self._refresh(city)
        number = (k * self.cities + city) * 2
        holder = self._known[number] = self._create(number, city, created)
        return holder

    def synthetic(self, city: int, created: float) -> Cardholder:
        """An account opened by a fraudster: real-looking, never part of the shopping population."""
        number = self._synthetic * 2 + 1
        self._synthetic += 1
        return self._create(number, city, created)

    def _create(self, number: int, city: int, created: float) -> Cardholder:
        r = self._rng
        holder = Cardholder(entity_uuid(r, self._shard, number), city, created)
        home = WORLD_CITIES[city]
        holder.lat = max(-89.0, min(89.0, home.lat + r.gauss(0.0, HOME_SPREAD_KM / 111.0)))
        holder.coslat = max(0.2, math.cos(math.radians(holder.lat)))
        holder.lon = home.lon + r.gauss(0.0, HOME_SPREAD_KM / (111.0 * holder.coslat))
        first = r.randrange(self._devices)
        holder.devices = (first, r.randrange(self._devices)) if r.random() < 0.6 else (first,)
        holder.ip_prefix = r.choice(self._networks.home[home.country])
        holder.mobile = self._networks.mobile[home.country]
        holder.median = r.lognormvariate(math.log(35.0), 0.6) * holder.fx
        holder.payment = PAYMENT_INDEX.draw(r.random)
        holder.online = 0.15 + 0.5 * r.random()
        table = self._merchants.regular_by_country[home.country]
        holder.regulars = tuple(table.draw(r.random) for _ in range(r.randint(3, 8)))
        return holder


def devices_pool(rng: Rng, size: int) -> tuple[tuple[str, str, str], ...]:
    """Devices (OS, browser, user agent) that cardholders and fraudsters alike use."""
    return tuple(device(rng) for _ in range(size))


class Rhythm:
    """The hour-by-hour shape of spending and fraud, in each city's local time.

    ``intensity`` drives the arrival process (all cities together, averaging 1
    over a week); ``at(hour)`` gives which city the next transaction comes from
    and, per city, how much more likely a fraud is than usual (fraud over
    spending, both by local hour: high at night).
    """

    def __init__(self, population: Population) -> None:
        self._population = population
        zones = [city_zone(c) for c in range(population.cities)]
        clocks = {zone: LocalTime(zone) for zone in set(zones)}
        self._clocks = [clocks[zone] for zone in zones]
        spend_mean = (5 * sum(WEEKDAY_SPEND) + 2 * sum(WEEKEND_SPEND)) / (7 * 24)
        fraud_mean = sum(FRAUD_HOURS) / 24
        weekday, weekend = [w / spend_mean for w in WEEKDAY_SPEND], [w / spend_mean for w in WEEKEND_SPEND]
        self._spend = weekday * 5 + weekend * 2
        self._fraud = [w / fraud_mean for w in FRAUD_HOURS] * 7
        total = sum(population.activity)
        self._shares = [a / total for a in population.activity] if total > 0 else [0.0] * population.cities
        self.hour = -1
        self.cities: Weighted[int] | None = None
        self.fraud_ratio: tuple[float, ...] = ()

    def _week_hour(self, city: int, hour: int) -> int:
        weekday, local_hour = self._clocks[city].weekday_hour(hour * HOUR)
        return weekday * 24 + local_hour

    def intensity(self, hour: int) -> float:
        """Arrival intensity in UTC hour ``hour`` (cities at the start, weighted by activity)."""
        spend = self._spend
        return sum(share * spend[self._week_hour(c, hour)] for c, share in enumerate(self._shares) if share)

    def at(self, hour: int) -> None:
        """Set ``cities`` and ``fraud_ratio`` for UTC hour ``hour``."""
        if hour == self.hour:
            return
        self.hour = hour
        weights, ratios = [], []
        for city, activity in enumerate(self._population.activity):
            week_hour = self._week_hour(city, hour)
            spend = self._spend[week_hour]
            weights.append(activity * spend)
            ratios.append(self._fraud[week_hour] / spend if spend > 0 else 0.0)
        self.cities = Weighted(range(len(weights)), weights)
        self.fraud_ratio = tuple(ratios)


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders, deterministic).

    >>> _apportion(10, [1.0, 1.0, 2.0])
    [2, 3, 5]
    """
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], -i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
