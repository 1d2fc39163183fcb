"""Fraud typologies: how each kind of fraud campaign unfolds, and what its transactions look like.

A campaign is planned when it starts: its transactions are scheduled on a
timeline (several per victim, clustered in time) and built when their time
comes. Fraud looks different from the *victim's own* habits: amounts are
multiples of the victim's usual amount, devices, networks and places are not
the victim's. No single field gives it away: legitimate cardholders also
travel, change phones, buy expensive things and forget their CVV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from streamsim.catalog import ipv4_prefix
from streamsim.clock import DAY, HOUR
from streamsim.geo import WORLD_CITIES, haversine_km
from streamsim.rng import Weighted, uuid4_str
from streamsim.scenarios.base import Timeline
from streamsim.scenarios.fraud_world import PAYMENT_METHODS

if TYPE_CHECKING:
    from collections.abc import Callable

    from streamsim.rng import Rng
    from streamsim.scenarios.fraud import FraudOptions
    from streamsim.scenarios.fraud_world import Cardholder, Merchants, Networks, Population

YEAR = 365.0 * DAY
CARD_TESTING = "card_testing"
STOLEN_CARD = "stolen_card"
ACCOUNT_TAKEOVER = "account_takeover"
NEW_ACCOUNT = "new_account"
COMPROMISED_MERCHANT = "compromised_merchant"
TYPOLOGIES = (CARD_TESTING, STOLEN_CARD, ACCOUNT_TAKEOVER, NEW_ACCOUNT, COMPROMISED_MERCHANT)
HIGH_VALUE_TYPOLOGIES = TYPOLOGIES[1:]

# Campaign shapes: transactions per victim (inclusive range), mean gap, longest span.
PROBES = (3, 12)
PROBE_GAP = 40.0
CASH_OUT_DELAY = (5 * 60.0, 6 * HOUR)
STOLEN_TRANSACTIONS, STOLEN_GAP, STOLEN_SPAN = (2, 6), 2 * HOUR, 2 * DAY
TAKEOVER_TRANSACTIONS, TAKEOVER_GAP, TAKEOVER_SPAN = (2, 5), 3 * HOUR, DAY
TAKEOVER_MIN_AGE = 180 * DAY
NEW_ACCOUNT_TRANSACTIONS, NEW_ACCOUNT_GAP, NEW_ACCOUNT_SPAN = (1, 4), 2 * HOUR, DAY
NEW_ACCOUNT_OPENED = 2 * DAY  # the account was opened at most this long before its first purchase
BREACH_VICTIMS = (8, 24)
BREACH_CAPTURE = 2 * DAY  # cards used at a breached merchant are captured during this window
COUNTERFEIT_DELAY = (DAY, 7 * DAY)  # from capture to first fraudulent use
COUNTERFEIT_TRANSACTIONS, COUNTERFEIT_GAP, COUNTERFEIT_SPAN = (1, 3), 3 * HOUR, DAY
#: How far back campaigns still running at the start of a run may have started.
LONGEST = {
    CARD_TESTING: PROBES[1] * PROBE_GAP * 3 + CASH_OUT_DELAY[1],
    STOLEN_CARD: STOLEN_SPAN,
    ACCOUNT_TAKEOVER: TAKEOVER_SPAN,
    NEW_ACCOUNT: NEW_ACCOUNT_SPAN,
    COMPROMISED_MERCHANT: BREACH_CAPTURE + COUNTERFEIT_DELAY[1] + COUNTERFEIT_SPAN,
}

# Kinds of scheduled fraudulent transactions.
PROBE, CASH_OUT, STOLEN, TAKEOVER, NEW, COUNTERFEIT = range(6)

TAKEOVER_PAYMENTS = Weighted(("paypal", "bank_transfer", "crypto", "credit_card"), (0.35, 0.3, 0.15, 0.2))
TAKEOVER_TYPES = Weighted(("purchase", "transfer", "withdrawal"), (0.4, 0.35, 0.25))
#: Share of attacks made in the victim's own city (a lost or stolen card, a local fraudster).
LOCAL = {CARD_TESTING: 0.0, STOLEN_CARD: 0.2, ACCOUNT_TAKEOVER: 0.1, COMPROMISED_MERCHANT: 0.3}
PROXY_IN_VICTIM_COUNTRY = 0.45  # share of attacks through a proxy in the victim's country
FRAUDSTER_BROADBAND = 0.3  # share of attacks from the fraudster's own broadband


def _mean(bounds: tuple[int, int]) -> float:
    return (bounds[0] + bounds[1]) / 2


def expected_transactions(typology: str, cash_out_probability: float) -> float:
    """Mean number of fraudulent transactions of one campaign of ``typology``.

    >>> expected_transactions("card_testing", 0.6), expected_transactions("compromised_merchant", 0.6)
    (8.1, 32.0)
    """
    return {
        CARD_TESTING: _mean(PROBES) + cash_out_probability,
        STOLEN_CARD: _mean(STOLEN_TRANSACTIONS),
        ACCOUNT_TAKEOVER: _mean(TAKEOVER_TRANSACTIONS),
        NEW_ACCOUNT: _mean(NEW_ACCOUNT_TRANSACTIONS),
        COMPROMISED_MERCHANT: _mean(BREACH_VICTIMS) * _mean(COUNTERFEIT_TRANSACTIONS),
    }[typology]


@dataclass(frozen=True, slots=True)
class Regime:
    """The fraud scenario's parameters in effect, with their derived tables (one per drift concept)."""

    fraud_probability: float
    typology: Weighted[str]  # typology of the next fraudulent transaction
    start_probability: dict[str, float]  # 1 / mean campaign size: keeps the share of fraud exact
    shares: dict[str, float]  # share of fraudulent transactions by typology
    cvv_missing: float
    billing_missing: float
    trip_rate: float  # trips per cardholder per second
    device_change_rate: float  # device replacements per cardholder per second
    new_device: float
    cash_out: float
    growth_per_second: float  # new accounts per cardholder per second
    delay_mu: float  # log of the median label delay, in seconds
    delay_sigma: float

    @classmethod
    def build(cls, o: FraudOptions) -> Regime:
        mix = o.typology_mix.weights()
        total = sum(mix.values())
        shares = {CARD_TESTING: 1.0 - o.high_value_fraud_probability}
        for name in HIGH_VALUE_TYPOLOGIES:
            shares[name] = o.high_value_fraud_probability * mix[name] / total
        return cls(
            fraud_probability=o.fraud_probability,
            typology=Weighted(TYPOLOGIES, [shares[k] for k in TYPOLOGIES]),
            start_probability={k: 1.0 / expected_transactions(k, o.cash_out_probability) for k in TYPOLOGIES},
            shares=shares,
            cvv_missing=o.cvv_provided_missing_probability,
            billing_missing=o.billing_address_match_missing_probability,
            trip_rate=o.trips_per_year / YEAR,
            device_change_rate=o.device_changes_per_year / YEAR,
            new_device=o.new_device_probability,
            cash_out=o.cash_out_probability,
            growth_per_second=o.account_growth_per_year / YEAR,
            delay_mu=math.log(o.label_delay_median_days * DAY),
            delay_sigma=o.label_delay_sigma,
        )


class Attack:
    """One victim's part of a campaign: who is hit, from where and with what, and when it ends."""

    __slots__ = (
        "campaign_id",
        "city",
        "confirmed",
        "device",
        "ip_prefix",
        "last",
        "lat",
        "left",
        "local",
        "lon",
        "merchant",
        "typology",
        "victim",
    )

    def __init__(self, typology: str, campaign_id: str, city: int, victim: Cardholder | None) -> None:
        self.typology = typology
        self.campaign_id = campaign_id
        self.city = city  # the victim's home city (the victim is picked when first needed)
        self.victim = victim
        self.device = 0
        self.ip_prefix = ""
        self.lat = self.lon = 0.0
        self.local = False  # made in the victim's city
        self.merchant = 0
        self.last = -math.inf  # time of the victim's last planned fraudulent transaction
        self.left = 0  # its transactions still to come
        self.confirmed: float | None = None  # when the fraud is confirmed (delayed labels)


class Breach:
    """A compromised merchant: the cards used there during the capture window are stolen."""

    __slots__ = ("campaign_id", "left", "merchant", "until")

    def __init__(self, campaign_id: str, merchant: int, victims: int, until: float) -> None:
        self.campaign_id = campaign_id
        self.merchant = merchant
        self.left = victims
        self.until = until


class Stolen:
    """A card captured at a breached merchant, waiting for its first fraudulent use."""

    __slots__ = ("campaign_id", "city", "victim")

    def __init__(self, campaign_id: str, city: int, victim: Cardholder | None) -> None:
        self.campaign_id = campaign_id
        self.city = city
        self.victim = victim


#: On the timeline: a fraudulent transaction (kind, attack), a breach's end, or a stolen card's first use.
Scheduled = tuple[int, Attack] | Breach | Stolen


class Campaigns:
    """Starts campaigns, keeps their scheduled transactions in time order and builds them."""

    def __init__(
        self,
        rng: Rng,
        population: Population,
        merchants: Merchants,
        networks: Networks,
        devices: tuple[tuple[str, str, str], ...],
    ) -> None:
        self._r = rng
        self._population = population
        self._merchants = merchants
        self._networks = networks
        self._devices = devices
        self.timeline: Timeline[Scheduled] = Timeline()
        self.breaches: dict[int, Breach] = {}
        self.under_way = 0  # attacks with transactions to come, and stolen cards not used yet
        self._not_before = -math.inf
        self._planners: dict[str, Callable[[float, int, Regime], None]] = {
            CARD_TESTING: self._card_testing,
            STOLEN_CARD: self._stolen_card,
            ACCOUNT_TAKEOVER: self._account_takeover,
            NEW_ACCOUNT: self._new_account,
            COMPROMISED_MERCHANT: self._compromised_merchant,
        }

    # -- starting campaigns -------------------------------------------------------------

    def start(self, typology: str, t: float, city: int, regime: Regime) -> None:
        """Start a campaign of ``typology`` at ``t`` against a cardholder of ``city``."""
        self._planners[typology](t, city, regime)

    def warm_up(self, start: float, rate: float, regime: Regime, cities: Weighted[int]) -> None:
        """Start the campaigns that would still be running at ``start`` had the run begun earlier.

        Without this, a run would open with less fraud than ``fraud_probability``
        until its first campaigns had grown. Only their transactions from
        ``start`` on are kept.
        """
        self._not_before = start
        r = self._r
        for typology in TYPOLOGIES:
            per_second = (
                rate * regime.fraud_probability * regime.shares[typology] * regime.start_probability[typology]
            )
            if per_second <= 0:
                continue
            t = start
            while True:
                t -= r.expovariate(per_second)
                if t < start - LONGEST[typology]:
                    break
                self.start(typology, t, cities.draw(r.random), regime)
        self._not_before = -math.inf

    def _attack(self, typology: str, campaign_id: str, city: int, victim: Cardholder | None = None) -> Attack:
        """An attack run from a fraudster's own device, network and city."""
        r = self._r
        attack = Attack(typology, campaign_id, city, victim)
        attack.device = r.randrange(len(self._devices))
        attack.local = r.random() < LOCAL[typology]
        where = city
        if not attack.local:
            where = self._population.home_weights.draw(r.random)
            if where == city:
                where = (city + 1 + r.randrange(len(WORLD_CITIES) - 1)) % len(WORLD_CITIES)
        place = WORLD_CITIES[where]
        network = r.random()
        if network < PROXY_IN_VICTIM_COUNTRY:  # a mobile or residential proxy where the victim lives
            attack.ip_prefix = r.choice(self._networks.mobile[WORLD_CITIES[city].country])
        elif network < PROXY_IN_VICTIM_COUNTRY + FRAUDSTER_BROADBAND:
            attack.ip_prefix = r.choice(self._networks.home[place.country])
        else:  # a VPN or a hosting provider
            attack.ip_prefix = ipv4_prefix(r)
        attack.lat = place.lat + r.gauss(0.0, 0.1)
        attack.lon = place.lon + r.gauss(0.0, 0.1)
        return attack

    def _series(self, t: float, count: tuple[int, int], gap: float, span: float) -> list[float]:
        """Times of ``count`` transactions from ``t``: exponential gaps, within ``span``."""
        random = self._r.random
        end = t + span
        times = [t]
        for _ in range(count[0] - 1 + int(random() * (count[1] - count[0] + 1))):
            t = min(end, t - gap * math.log(1.0 - random()))  # an exponential gap
            times.append(t)
        return times

    def _launch(self, attack: Attack, kinds: list[tuple[float, int]]) -> None:
        """Schedule an attack's transactions (those from the run's start on)."""
        attack.last = kinds[-1][0]
        for t, kind in kinds:
            if t >= self._not_before:
                self.timeline.schedule(t, (kind, attack))
                attack.left += 1
        self.under_way += 1

    # Each planner draws its times first and builds the attack only if some are still to come,
    # so that warming up costs little for campaigns that ended before the run.

    def _card_testing(self, t: float, city: int, regime: Regime) -> None:
        r = self._r
        kinds = []
        for _ in range(r.randint(*PROBES)):
            kinds.append((t, PROBE))
            t += r.expovariate(1.0 / PROBE_GAP)
        if r.random() < regime.cash_out:
            kinds.append((t + r.uniform(*CASH_OUT_DELAY), CASH_OUT))
        if kinds[-1][0] >= self._not_before:
            attack = self._attack(CARD_TESTING, uuid4_str(r), city)
            attack.merchant = self._merchants.card_testing.draw(r.random)
            self._launch(attack, kinds)

    def _stolen_card(self, t: float, city: int, regime: Regime) -> None:
        times = self._series(t, STOLEN_TRANSACTIONS, STOLEN_GAP, STOLEN_SPAN)
        if times[-1] >= self._not_before:
            attack = self._attack(STOLEN_CARD, uuid4_str(self._r), city)
            self._launch(attack, [(x, STOLEN) for x in times])

    def _account_takeover(self, t: float, city: int, regime: Regime) -> None:
        times = self._series(t, TAKEOVER_TRANSACTIONS, TAKEOVER_GAP, TAKEOVER_SPAN)
        if times[-1] >= self._not_before:
            victim = self._population.pick_older(city, TAKEOVER_MIN_AGE, t)
            attack = self._attack(ACCOUNT_TAKEOVER, uuid4_str(self._r), city, victim)
            self._launch(attack, [(x, TAKEOVER) for x in times])

    def _new_account(self, t: float, city: int, regime: Regime) -> None:
        r = self._r
        times = self._series(t, NEW_ACCOUNT_TRANSACTIONS, NEW_ACCOUNT_GAP, NEW_ACCOUNT_SPAN)
        if times[-1] >= self._not_before:
            account = self._population.synthetic(city, t - r.random() * NEW_ACCOUNT_OPENED)
            attack = Attack(NEW_ACCOUNT, uuid4_str(r), city, account)
            attack.device, attack.ip_prefix = account.devices[0], account.ip_prefix  # its own, from day one
            attack.lat, attack.lon = account.lat, account.lon
            self._launch(attack, [(x, NEW) for x in times])

    def _compromised_merchant(self, t: float, city: int, regime: Regime) -> None:
        r = self._r
        breach = Breach(
            uuid4_str(r),
            self._merchants.breach.draw(r.random),
            r.randint(*BREACH_VICTIMS),
            t + BREACH_CAPTURE,
        )
        if breach.until < self._not_before:  # capture over before the run: its victims are known
            self._close(breach, r.uniform(t, breach.until))
            return
        if breach.merchant in self.breaches:  # already breached: the new breach only adds victims
            self.breaches[breach.merchant].left += breach.left
            return
        self.breaches[breach.merchant] = breach
        self.timeline.schedule(max(breach.until, self._not_before), breach)

    def capture(self, merchant: int, victim: Cardholder, t: float) -> None:
        """A card was used at ``merchant`` at ``t``: if the merchant is breached, the card is stolen."""
        breach = self.breaches.get(merchant)
        if breach is None:
            return
        self._counterfeit(breach.campaign_id, victim.city, victim, t)
        breach.left -= 1
        if breach.left <= 0:
            del self.breaches[merchant]

    def close(self, breach: Breach, t: float) -> None:
        """The capture window closed: if few cards were used there, earlier customers make up the count."""
        if self.breaches.get(breach.merchant) is breach:
            del self.breaches[breach.merchant]
            self._close(breach, t)

    def _close(self, breach: Breach, t: float) -> None:
        for _ in range(breach.left):
            self._counterfeit(breach.campaign_id, self._population.busy_city(), None, t)
        breach.left = 0

    def _counterfeit(self, campaign_id: str, city: int, victim: Cardholder | None, captured: float) -> None:
        """A stolen card, used days later: it waits as a small record until then."""
        first = captured + self._r.uniform(*COUNTERFEIT_DELAY)
        if first + COUNTERFEIT_SPAN < self._not_before:
            return
        stolen = Stolen(campaign_id, city, victim)
        if first >= self._not_before:
            self.under_way += 1
            self.timeline.schedule(first, stolen)
        else:
            self._use(stolen, first)

    def activate(self, stolen: Stolen, t: float) -> None:
        """A stolen card waiting on the timeline is used for the first time."""
        self.under_way -= 1
        self._use(stolen, t)

    def _use(self, stolen: Stolen, t: float) -> None:
        """Plan a stolen card's transactions from ``t``."""
        attack = self._attack(COMPROMISED_MERCHANT, stolen.campaign_id, stolen.city, stolen.victim)
        times = self._series(t, COUNTERFEIT_TRANSACTIONS, COUNTERFEIT_GAP, COUNTERFEIT_SPAN)
        self._launch(attack, [(x, COUNTERFEIT) for x in times])

    # -- building fraudulent transactions --------------------------------------------------

    def transaction(
        self,
        kind: int,
        attack: Attack,
        t: float,
        regime: Regime,
        transaction_id: str,
        stamp: str,
        concept: str,
        phase: int,
    ) -> dict[str, Any]:
        """The fields of one fraudulent transaction, in the order of the scenario's field list."""
        r = self._r
        m = self._merchants
        attack.left -= 1
        if not attack.left:
            self.under_way -= 1
        victim = attack.victim
        if victim is None:
            victim = attack.victim = self._population.pick(attack.city)
        usd = victim.median / victim.fx  # the victim's usual amount, in dollars
        device, prefix = attack.device, attack.ip_prefix
        lat, lon = attack.lat + r.gauss(0.0, 0.02), attack.lon + r.gauss(0.0, 0.02)
        online, payment, kind_of = True, "credit_card", "purchase"
        cvv_extra = billing_extra = 0.0
        if kind == PROBE:
            merchant = attack.merchant
            amount = 1.0 if r.random() < 0.3 else r.uniform(0.5, 5.0)
            cvv_extra, billing_extra = 0.5, 0.4
            payment = "credit_card" if r.random() < 0.8 else "debit_card"
        elif kind == CASH_OUT:
            merchant = m.cash_out.draw(r.random)
            amount = min(6000.0, max(200.0, usd * r.uniform(8.0, 30.0)))
            cvv_extra, billing_extra = 0.3, 0.3
        elif kind == STOLEN:
            merchant = m.stolen.draw(r.random)
            amount = min(6000.0, max(80.0, usd * r.uniform(3.0, 15.0)))
            online = r.random() < (0.3 if attack.local else 0.9)  # a stolen card in a shop nearby
            cvv_extra, billing_extra = 0.35, 0.35
            own = PAYMENT_METHODS[victim.payment]
            payment = own if own in ("credit_card", "debit_card") else "credit_card"
            kind_of = "purchase" if r.random() < 0.85 else "payment"
        elif kind == TAKEOVER:
            merchant = m.stolen.draw(r.random) if r.random() < 0.5 else m.cash_out.draw(r.random)
            amount = min(6000.0, max(150.0, usd * r.uniform(5.0, 25.0)))
            payment, kind_of = TAKEOVER_PAYMENTS.draw(r.random), TAKEOVER_TYPES.draw(r.random)
        elif kind == NEW:
            merchant = m.cash_out.draw(r.random)
            amount = r.uniform(150.0, 2000.0)
        else:  # COUNTERFEIT: a cloned card, in a shop far away or online
            merchant = m.stolen.draw(r.random)
            amount = min(6000.0, max(60.0, usd * r.uniform(3.0, 12.0)))
            online = r.random() < 0.4
            if online:
                cvv_extra, billing_extra = 0.5, 0.3
        amount *= victim.fx
        amount = float(round(amount)) if victim.fx >= 100 else round(amount * 100) / 100
        cvv_provided = r.random() >= regime.cvv_missing
        billing_match = r.random() >= regime.billing_missing
        if cvv_extra or billing_extra:  # the original producer's fraud signature, per typology
            cvv_provided = cvv_provided and r.random() >= cvv_extra
            billing_match = billing_match and r.random() >= billing_extra
        else:  # stored or own credentials: as clean as the cardholder's own purchases
            cvv_provided = cvv_provided or r.random() < 0.9
            billing_match = billing_match or r.random() < 0.8
        os_name, browser, agent = self._devices[device]
        return {
            "transaction_id": transaction_id,
            "user_id": victim.user_id,
            "timestamp": stamp,
            "amount": amount,
            "currency": victim.currency,
            "merchant_id": m.ids[merchant],
            "product_category": m.category[merchant],
            "transaction_type": kind_of,
            "payment_method": payment,
            "location": {"lat": round(lat * 1e6) / 1e6, "lon": round(lon * 1e6) / 1e6},
            "ip_address": f"{prefix}.{r.randint(1, 254)}",
            "device_info": {"os": os_name, "browser": browser},
            "user_agent": agent,
            "account_age_days": int((t - victim.created) // DAY),
            "cvv_provided": cvv_provided,
            "billing_address_match": billing_match,
            "is_fraud": 1,
            "channel": "online" if online else "in_store",
            "fraud_type": attack.typology,
            "campaign_id": attack.campaign_id,
            "home_distance_km": round(haversine_km(victim.lat, victim.lon, lat, lon) * 10) / 10,
            "new_device": device not in victim.devices,
            "concept_id": concept,
            "drift_phase": phase,
        }
