"""Precomputed pools of realistic values (devices, browsers, user agents, IP addresses).

Drawing from these pools replaces per-event Faker calls: one consistent
locale (en_US), and a device's OS, browser and user agent agree with each other.
"""

from __future__ import annotations

import random

#: Values of the originals' ``device_info.os`` and ``device_info.browser``.
DEVICE_OS = ("iOS", "Android", "Windows", "macOS", "Linux", "Other")
BROWSERS = ("Chrome", "Safari", "Firefox", "Edge", "Opera", "Other")

#: Market shares (StatCounter global, rounded) used to give each user a stable device.
OS_WEIGHTS = (27.0, 43.0, 18.0, 7.0, 3.0, 2.0)
BROWSER_BY_OS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "iOS": (("Safari", "Chrome", "Firefox", "Edge", "Other"), (80, 15, 2, 1, 2)),
    "Android": (("Chrome", "Firefox", "Opera", "Edge", "Other"), (80, 4, 5, 1, 10)),
    "Windows": (("Chrome", "Edge", "Firefox", "Opera", "Other"), (65, 22, 7, 4, 2)),
    "macOS": (("Safari", "Chrome", "Firefox", "Edge", "Opera"), (48, 42, 5, 3, 2)),
    "Linux": (("Chrome", "Firefox", "Opera", "Edge", "Other"), (60, 32, 3, 2, 3)),
    "Other": (("Chrome", "Other", "Firefox", "Opera"), (40, 40, 15, 5)),
}

_PLATFORM = {
    "iOS": ["iPhone; CPU iPhone OS {v} like Mac OS X", "iPad; CPU OS {v} like Mac OS X"],
    "Android": ["Linux; Android {a}; SM-S91{d}B", "Linux; Android {a}; Pixel {p}", "Linux; Android {a}; K"],
    "Windows": ["Windows NT 10.0; Win64; x64"],
    "macOS": ["Macintosh; Intel Mac OS X 10_15_7"],
    "Linux": ["X11; Linux x86_64", "X11; Ubuntu; Linux x86_64"],
    "Other": ["X11; CrOS x86_64 15{d}59.58.0"],
}


def user_agent(rng: random.Random, os_name: str, browser: str) -> str:
    """A user-agent string consistent with the OS and browser."""
    platform = rng.choice(_PLATFORM[os_name]).format(
        v=f"{rng.randint(15, 18)}_{rng.randint(0, 6)}",
        a=rng.randint(11, 15),
        d=rng.randint(1, 8),
        p=rng.randint(6, 9),
    )
    chrome = f"{rng.randint(118, 131)}.0.{rng.randint(5000, 6800)}.{rng.randint(10, 200)}"
    webkit = "AppleWebKit/537.36 (KHTML, like Gecko)"
    apple = "AppleWebKit/605.1.15 (KHTML, like Gecko)"
    if browser == "Safari":
        version = f"{rng.randint(16, 18)}.{rng.randint(0, 6)}"
        mobile = " Mobile/15E148" if os_name == "iOS" else ""
        return f"Mozilla/5.0 ({platform}) {apple} Version/{version}{mobile} Safari/604.1"
    if browser == "Firefox":
        release = rng.randint(115, 133)
        return f"Mozilla/5.0 ({platform}; rv:{release}.0) Gecko/20100101 Firefox/{release}.0"
    if browser == "Edge":
        return f"Mozilla/5.0 ({platform}) {webkit} Chrome/{chrome} Safari/537.36 Edg/{chrome}"
    if browser == "Opera":
        opera = rng.randint(100, 115)
        return f"Mozilla/5.0 ({platform}) {webkit} Chrome/{chrome} Safari/537.36 OPR/{opera}.0.0.0"
    if os_name == "iOS":
        return f"Mozilla/5.0 ({platform}) {apple} CriOS/{chrome} Mobile/15E148 Safari/604.1"
    mobile = " Mobile" if os_name == "Android" else ""
    return f"Mozilla/5.0 ({platform}) {webkit} Chrome/{chrome}{mobile} Safari/537.36"


def device(rng: random.Random) -> tuple[str, str, str]:
    """A (os, browser, user agent) triple with realistic shares."""
    os_name = rng.choices(DEVICE_OS, OS_WEIGHTS)[0]
    names, weights = BROWSER_BY_OS[os_name]
    browser = rng.choices(names, weights)[0]
    return os_name, browser, user_agent(rng, os_name, browser)


# First octets of large public allocations (no private, loopback, multicast or reserved ranges).
_PUBLIC_FIRST_OCTETS = tuple(o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203))


def ipv4_prefix(rng: random.Random) -> str:
    """A public /24 network prefix such as ``"81.2.69"`` (a user's home ISP range)."""
    return f"{rng.choice(_PUBLIC_FIRST_OCTETS)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"


def ipv4_in(rng: random.Random, prefix: str) -> str:
    """An address inside a /24 prefix."""
    return f"{prefix}.{rng.randint(1, 254)}"
