"""The shop's product catalogue: categories, stable products, prices and long-tailed popularity.

The catalogue is drawn from the run's shared RNG, so every shard sees the same
products. A product's id, category and base price never change within a run;
only a drift schedule's category price multipliers move what customers pay.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from streamsim.rng import Weighted

if TYPE_CHECKING:
    import random

SHOP = "https://example.com"
FIRST_PRODUCT = 1000  # ids run prod_1000, prod_1001, ... as in the original producer
MIN_PRICE, MAX_PRICE = 1.99, 4999.99
#: Zipf exponent of product popularity: with 1.0 the top 20% of products draw about 80% of views.
POPULARITY_EXPONENT = 1.0


@dataclass(frozen=True, slots=True)
class Category:
    """A category: share of the catalogue, log-normal price (median, spread), demand, search terms."""

    name: str
    products: float  # share of the catalogue's products
    median_price: float  # USD
    price_spread: float  # sigma of log(price)
    interest: float  # default share of demand (category_interest)
    terms: tuple[str, ...]

    @property
    def slug(self) -> str:
        return self.name.lower().replace(" & ", "-").replace(" ", "-")


CATEGORIES = (
    Category(
        "Electronics",
        0.09,
        79,
        1.0,
        14,
        ("headphones", "wireless earbuds", "bluetooth speaker", "smart tv", "charger", "4k camera"),
    ),
    Category(
        "Fashion & Apparel",
        0.18,
        35,
        0.6,
        18,
        ("sneakers", "summer dress", "jeans", "rain jacket", "leather boots", "t-shirt"),
    ),
    Category(
        "Home & Garden", 0.14, 45, 0.9, 12, ("sofa", "desk lamp", "garden hose", "rug", "cookware", "storage")
    ),
    Category(
        "Beauty & Personal Care",
        0.09,
        18,
        0.6,
        9,
        ("moisturizer", "shampoo", "perfume", "sunscreen", "vitamin c serum", "lipstick"),
    ),
    Category(
        "Sports & Outdoors",
        0.08,
        38,
        0.9,
        7,
        ("running shoes", "yoga mat", "tent", "bike helmet", "dumbbells", "water bottle"),
    ),
    Category(
        "Books", 0.10, 14, 0.4, 5, ("novel", "cookbook", "biography", "kids books", "bestseller", "manga")
    ),
    Category(
        "Grocery & Gourmet Food",
        0.07,
        9,
        0.5,
        7,
        ("coffee beans", "organic snacks", "olive oil", "green tea", "protein bar", "pasta"),
    ),
    Category(
        "Automotive",
        0.05,
        29,
        1.0,
        5,
        ("car charger", "dash cam", "motor oil", "seat covers", "wiper blades"),
    ),
    Category(
        "Toys & Games", 0.07, 24, 0.8, 6, ("lego", "board game", "puzzle", "action figure", "doll", "rc car")
    ),
    Category(
        "Computers", 0.04, 229, 1.0, 6, ("laptop", "monitor", "mechanical keyboard", "ssd", "gaming mouse")
    ),
    Category("Pet Supplies", 0.04, 22, 0.7, 5, ("dog food", "cat litter", "pet bed", "leash", "aquarium")),
    Category(
        "Health & Household",
        0.05,
        14,
        0.6,
        6,
        ("vitamins", "paper towels", "detergent", "first aid kit", "face masks"),
    ),
)
CATEGORY_NAMES = tuple(c.name for c in CATEGORIES)
#: Words shoppers add to a product term ("best", "cheap"...); None = the bare term.
QUERY_MODIFIERS = (
    None,
    None,
    None,
    None,
    "best",
    "cheap",
    "sale",
    "for kids",
    "for women",
    "for men",
    "2025",
)


def shop_price(amount: float) -> float:
    """A shelf price ending in .99, within the shop's range.

    >>> shop_price(41.3), shop_price(0.2), shop_price(1e6)
    (40.99, 1.99, 4999.99)
    """
    return min(MAX_PRICE, max(MIN_PRICE, round(amount) - 0.01))


class Catalogue:
    """Products as parallel lists indexed by product number (0 = ``prod_1000``).

    >>> from streamsim.rng import Rng
    >>> c = Catalogue(Rng(1), 50)
    >>> c.product_id[0], len(c.product_id), CATEGORY_NAMES[c.category[0]] in CATEGORY_NAMES
    ('prod_1000', 50, True)
    """

    def __init__(self, r: random.Random, size: int) -> None:
        category_draw = Weighted(range(len(CATEGORIES)), [c.products for c in CATEGORIES])
        ranks = list(range(size))
        r.shuffle(ranks)
        self.category: list[int] = []
        self.base_price: list[float] = []
        self.product_id: list[str] = []
        self.url: list[str] = []
        self.term: list[str] = []
        self.popularity: list[float] = [1.0 / (rank + 1) ** POPULARITY_EXPONENT for rank in ranks]
        for number in range(size):
            index = category_draw.draw(r.random)
            category = CATEGORIES[index]
            product_id = f"prod_{FIRST_PRODUCT + number}"
            self.category.append(index)
            self.base_price.append(
                shop_price(category.median_price * math.exp(category.price_spread * r.gauss(0.0, 1.0)))
            )
            self.product_id.append(product_id)
            self.url.append(f"{SHOP}/{category.slug}/{product_id}")
            self.term.append(r.choice(category.terms))
        members: list[list[int]] = [[] for _ in CATEGORIES]
        for number, index in enumerate(self.category):
            members[index].append(number)
        # A category the catalogue happens to lack (tiny catalogues) borrows the most popular product.
        fallback = max(range(size), key=self.popularity.__getitem__)
        self.in_category: list[Weighted[int]] = [
            Weighted(m, [self.popularity[p] for p in m]) if m else Weighted([fallback], [1.0])
            for m in members
        ]
        #: Above this base price a product is "expensive" for its category (price-sensitive shoppers balk).
        self.expensive: list[float] = [
            1.5 * statistics.median(self.base_price[p] for p in m) if m else MAX_PRICE for m in members
        ]

    def __len__(self) -> int:
        return len(self.product_id)

    def prices(self, multipliers: dict[str, float]) -> list[float]:
        """Current prices: each base price times its category's multiplier, as a shelf price."""
        factors = [multipliers[c.name] for c in CATEGORIES]
        if all(f == 1.0 for f in factors):
            return list(self.base_price)
        return [
            shop_price((price + 0.01) * factors[category])
            for price, category in zip(self.base_price, self.category, strict=True)
        ]
