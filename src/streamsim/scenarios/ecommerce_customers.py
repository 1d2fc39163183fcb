"""The customer base: a fixed number of slots whose customers return at their own rhythm.

Slot ``k`` of ``N`` has loyalty ``q = (k + 0.5) / N`` and is visited at a rate
proportional to ``(1 - q) ** -LOYALTY_SKEW``: a superposition of one Poisson
process per customer, sampled in O(1) by inverting the loyalty distribution,
so a few loyal customers come back often and most only now and then. A
first-time visitor who signs up takes over a slot: its previous customer churns
(never comes back), the less loyal the likelier. Memory is bounded by ``N``
customers, created lazily on their first visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from streamsim.catalog import BROWSER_BY_OS
from streamsim.geo import HOUSTON
from streamsim.rng import Weighted, entity_uuid

if TYPE_CHECKING:
    from streamsim.rng import RngTree
    from streamsim.scenarios.ecommerce_catalogue import Catalogue

#: Skew of visit frequency over the customer base: the top 10% most loyal make ~40% of returning visits.
LOYALTY_SKEW = 0.6
#: Mean loyalty over returning sessions (loyal customers visit more): 1 / (2 - LOYALTY_SKEW).
MEAN_SESSION_LOYALTY = 1.0 / (2.0 - LOYALTY_SKEW)
OS_BY_DEVICE = {
    "Mobile": (("Android", "iOS"), (55, 45)),
    "Tablet": (("iOS", "Android"), (70, 30)),
    "Desktop": (("Windows", "macOS", "Linux", "Other"), (70, 24, 4, 2)),
}
SECOND_DEVICE = {"Mobile": "Desktop", "Desktop": "Mobile", "Tablet": "Mobile"}


def _profiles(device_type: str) -> list[tuple[dict[str, str], float]]:
    """(device_info, share) of each OS and browser of a device type (OS share times browser share)."""
    out = []
    os_names, os_weights = OS_BY_DEVICE[device_type]
    for os_name, os_weight in zip(os_names, os_weights, strict=True):
        browsers, browser_weights = BROWSER_BY_OS[os_name]
        total = sum(browser_weights)
        for browser, weight in zip(browsers, browser_weights, strict=True):
            profile = {"device_type": device_type, "browser": browser, "os": os_name}
            out.append((profile, os_weight / sum(os_weights) * weight / total))
    return out


#: The device_info dicts, shared by every customer with that device (never mutated).
PROFILES = {device_type: _profiles(device_type) for device_type in OS_BY_DEVICE}
SECOND_PROFILE = {
    device_type: Weighted([p for p, _ in PROFILES[second]], [w for _, w in PROFILES[second]])
    for device_type, second in SECOND_DEVICE.items()
}


def device_profiles(shares: dict[str, float]) -> Weighted[dict[str, str]]:
    """A customer's main device: its type by ``shares``, then OS and browser by market share."""
    items, weights = [], []
    for device_type, share in shares.items():
        for profile, weight in PROFILES[device_type]:
            items.append(profile)
            weights.append(share * weight)
    return Weighted(items, weights)


@dataclass(slots=True)
class Customer:
    """A shopper with stable habits: devices, home, favourite categories, price sensitivity, loyalty."""

    customer_id: str
    loyalty: float  # 0 (occasional) .. 1 (most frequent visitor)
    device: dict[str, str]
    second_device: dict[str, str]
    location: dict[str, float]
    preferred: tuple[int, int]  # category indices, favourite first
    sensitivity: float  # 0 .. 1: how much prices put them off (mean 0.5)
    last_purchase: int = -1  # product index of their latest purchase, -1 if none
    busy: bool = False  # True while one of their sessions is open


class Population:
    """The customer slots of one shard (ids disjoint across shards)."""

    def __init__(self, rng: RngTree, size: int, catalogue: Catalogue) -> None:
        self._r = rng.stream("customers")
        self._pick = rng.stream("customer-choice").random
        self._shard = rng.shard
        self._catalogue = catalogue
        self._slots: list[Customer | None] = [None] * size
        self._next_number = size  # entity numbers of newcomers follow the initial customers'
        self.size = size

    def known(self) -> int:
        """Customers who have visited so far (a slot is filled on its first visit)."""
        return len(self._slots) - self._slots.count(None)

    def returning(self, devices: Weighted[dict[str, str]], interest: Weighted[int]) -> Customer | None:
        """A returning customer drawn by visit frequency, or None if the few drawn are all mid-session."""
        size = self.size
        for _ in range(3):
            quantile = 1.0 - (1.0 - self._pick()) ** (1.0 / (1.0 - LOYALTY_SKEW))
            slot = min(size - 1, int(quantile * size))
            customer = self._slots[slot]
            if customer is None:
                customer = self._slots[slot] = self._create(
                    slot, (slot + 0.5) / size, devices, interest, returns=True
                )
                if self._r.random() < 0.3 + 0.5 * customer.loyalty:  # bought before the run
                    customer.last_purchase = self._catalogue.in_category[customer.preferred[0]].draw(
                        self._r.random
                    )
            if not customer.busy:
                return customer
        return None

    def newcomer(self, devices: Weighted[dict[str, str]], interest: Weighted[int], signup: bool) -> Customer:
        """A first-time visitor; one who signs up takes the slot of a churning customer."""
        number = self._next_number
        self._next_number += 1
        if not signup:
            return self._create(number, 0.0, devices, interest, returns=False)
        # Churn falls on the less loyal: slot density proportional to (1 - q) ** LOYALTY_SKEW.
        quantile = 1.0 - (1.0 - self._pick()) ** (1.0 / (1.0 + LOYALTY_SKEW))
        slot = min(self.size - 1, int(quantile * self.size))
        customer = self._slots[slot] = self._create(
            number, (slot + 0.5) / self.size, devices, interest, returns=True
        )
        return customer

    def _create(
        self,
        number: int,
        loyalty: float,
        devices: Weighted[dict[str, str]],
        interest: Weighted[int],
        *,
        returns: bool,
    ) -> Customer:
        random = self._r.random
        device = devices.draw(random)
        first = interest.draw(random)
        second = interest.draw(random)
        if second == first:
            second = interest.draw(random)
        box = HOUSTON
        lat = box.lat_min + (box.lat_max - box.lat_min) * random()
        lon = box.lon_min + (box.lon_max - box.lon_min) * random()
        return Customer(
            entity_uuid(self._r, self._shard, number),
            loyalty,
            device,
            SECOND_PROFILE[device["device_type"]].draw(random) if returns else device,
            {"lat": round(lat * 1e3) / 1e3, "lon": round(lon * 1e3) / 1e3},
            (first, second),
            (random() + random()) / 2.0,  # triangular on 0..1, mean 0.5
        )
