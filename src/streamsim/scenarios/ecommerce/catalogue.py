"""The shop's categories: share of the catalogue, price distribution, demand and search terms.

The native core (``core/src/scenarios/ecommerce/catalogue.rs``) holds the same table and
draws the products from it; here it sets the options' defaults and the docs.
"""

from __future__ import annotations

from dataclasses import dataclass

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
