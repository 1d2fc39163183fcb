//! The shop's product catalogue: categories, stable products, prices and long-tailed popularity.
//!
//! Drawn from the run's shared RNG, so every shard sees the same products. A product's id,
//! category and base price never change within a run; only a drift schedule's category price
//! multipliers move what customers pay.

use crate::rng::{Rng, Weighted};
use std::sync::Arc;

pub const SHOP: &str = "https://example.com";
/// Ids run prod_1000, prod_1001, ... as in the original producer.
pub const FIRST_PRODUCT: u64 = 1000;
pub const MIN_PRICE: f64 = 1.99;
pub const MAX_PRICE: f64 = 4999.99;
/// Zipf exponent of product popularity: with 1.0 the top 20% of products draw about 80% of views.
pub const POPULARITY_EXPONENT: f64 = 1.0;

/// A category: share of the catalogue, log-normal price (median, spread), demand, search terms.
pub struct Category {
    pub name: &'static str,
    pub slug: &'static str,
    pub products: f64,
    pub median_price: f64,
    pub price_spread: f64,
    pub interest: f64,
    pub terms: &'static [&'static str],
}

const fn category(
    name: &'static str,
    slug: &'static str,
    products: f64,
    median_price: f64,
    price_spread: f64,
    interest: f64,
    terms: &'static [&'static str],
) -> Category {
    Category {
        name,
        slug,
        products,
        median_price,
        price_spread,
        interest,
        terms,
    }
}

pub const CATEGORIES: [Category; 12] = [
    category(
        "Electronics",
        "electronics",
        0.09,
        79.0,
        1.0,
        14.0,
        &[
            "headphones",
            "wireless earbuds",
            "bluetooth speaker",
            "smart tv",
            "charger",
            "4k camera",
        ],
    ),
    category(
        "Fashion & Apparel",
        "fashion-apparel",
        0.18,
        35.0,
        0.6,
        18.0,
        &[
            "sneakers",
            "summer dress",
            "jeans",
            "rain jacket",
            "leather boots",
            "t-shirt",
        ],
    ),
    category(
        "Home & Garden",
        "home-garden",
        0.14,
        45.0,
        0.9,
        12.0,
        &[
            "sofa",
            "desk lamp",
            "garden hose",
            "rug",
            "cookware",
            "storage",
        ],
    ),
    category(
        "Beauty & Personal Care",
        "beauty-personal-care",
        0.09,
        18.0,
        0.6,
        9.0,
        &[
            "moisturizer",
            "shampoo",
            "perfume",
            "sunscreen",
            "vitamin c serum",
            "lipstick",
        ],
    ),
    category(
        "Sports & Outdoors",
        "sports-outdoors",
        0.08,
        38.0,
        0.9,
        7.0,
        &[
            "running shoes",
            "yoga mat",
            "tent",
            "bike helmet",
            "dumbbells",
            "water bottle",
        ],
    ),
    category(
        "Books",
        "books",
        0.10,
        14.0,
        0.4,
        5.0,
        &[
            "novel",
            "cookbook",
            "biography",
            "kids books",
            "bestseller",
            "manga",
        ],
    ),
    category(
        "Grocery & Gourmet Food",
        "grocery-gourmet-food",
        0.07,
        9.0,
        0.5,
        7.0,
        &[
            "coffee beans",
            "organic snacks",
            "olive oil",
            "green tea",
            "protein bar",
            "pasta",
        ],
    ),
    category(
        "Automotive",
        "automotive",
        0.05,
        29.0,
        1.0,
        5.0,
        &[
            "car charger",
            "dash cam",
            "motor oil",
            "seat covers",
            "wiper blades",
        ],
    ),
    category(
        "Toys & Games",
        "toys-games",
        0.07,
        24.0,
        0.8,
        6.0,
        &[
            "lego",
            "board game",
            "puzzle",
            "action figure",
            "doll",
            "rc car",
        ],
    ),
    category(
        "Computers",
        "computers",
        0.04,
        229.0,
        1.0,
        6.0,
        &[
            "laptop",
            "monitor",
            "mechanical keyboard",
            "ssd",
            "gaming mouse",
        ],
    ),
    category(
        "Pet Supplies",
        "pet-supplies",
        0.04,
        22.0,
        0.7,
        5.0,
        &["dog food", "cat litter", "pet bed", "leash", "aquarium"],
    ),
    category(
        "Health & Household",
        "health-household",
        0.05,
        14.0,
        0.6,
        6.0,
        &[
            "vitamins",
            "paper towels",
            "detergent",
            "first aid kit",
            "face masks",
        ],
    ),
];

/// Words shoppers add to a product term ("best", "cheap"...); None = the bare term.
pub const QUERY_MODIFIERS: [Option<&str>; 11] = [
    None,
    None,
    None,
    None,
    Some("best"),
    Some("cheap"),
    Some("sale"),
    Some("for kids"),
    Some("for women"),
    Some("for men"),
    Some("2025"),
];

/// A shelf price ending in .99, within the shop's range.
pub fn shop_price(amount: f64) -> f64 {
    (amount.round_ties_even() - 0.01).clamp(MIN_PRICE, MAX_PRICE)
}

/// Products as parallel vectors indexed by product number (0 = `prod_1000`).
pub struct Catalogue {
    pub category: Vec<u8>,
    pub term: Vec<u8>,
    pub base_price: Arc<Vec<f64>>,
    pub popularity: Vec<f64>,
    /// Products of each category, drawn by popularity (`members[c][draw]` is the product).
    pub members: Vec<Vec<u32>>,
    pub in_category: Vec<Weighted>,
    /// Above this base price a product is "expensive" for its category (price-sensitive shoppers balk).
    pub expensive: [f64; 12],
}

impl Catalogue {
    pub fn new(r: &mut Rng, size: usize) -> Catalogue {
        let category_draw = Weighted::new(&CATEGORIES.map(|c| c.products));
        // A random permutation of popularity ranks (Fisher-Yates).
        let mut ranks: Vec<usize> = (0..size).collect();
        for i in (1..size).rev() {
            let j = r.below(i + 1);
            ranks.swap(i, j);
        }
        let popularity: Vec<f64> = ranks
            .iter()
            .map(|&rank| 1.0 / ((rank + 1) as f64).powf(POPULARITY_EXPONENT))
            .collect();
        let mut category = Vec::with_capacity(size);
        let mut term = Vec::with_capacity(size);
        let mut base_price = Vec::with_capacity(size);
        for _ in 0..size {
            let index = category_draw.draw(r);
            let c = &CATEGORIES[index];
            category.push(index as u8);
            base_price.push(shop_price(
                c.median_price * (c.price_spread * r.gauss(0.0, 1.0)).exp(),
            ));
            term.push(r.below(c.terms.len()) as u8);
        }
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); CATEGORIES.len()];
        for (number, &index) in category.iter().enumerate() {
            members[index as usize].push(number as u32);
        }
        // A category the catalogue happens to lack (tiny catalogues) borrows the most popular product.
        let fallback = (0..size)
            .max_by(|&a, &b| popularity[a].total_cmp(&popularity[b]))
            .unwrap_or(0) as u32;
        let mut expensive = [MAX_PRICE; 12];
        let mut in_category = Vec::with_capacity(CATEGORIES.len());
        for (c, m) in members.iter_mut().enumerate() {
            if m.is_empty() {
                m.push(fallback);
            } else {
                let mut prices: Vec<f64> = m.iter().map(|&p| base_price[p as usize]).collect();
                prices.sort_by(f64::total_cmp);
                let n = prices.len();
                let median = if n % 2 == 1 {
                    prices[n / 2]
                } else {
                    (prices[n / 2 - 1] + prices[n / 2]) / 2.0
                };
                expensive[c] = 1.5 * median;
            }
            let weights: Vec<f64> = m.iter().map(|&p| popularity[p as usize]).collect();
            in_category.push(Weighted::new(&weights));
        }
        Catalogue {
            category,
            term,
            base_price: Arc::new(base_price),
            popularity,
            members,
            in_category,
            expensive,
        }
    }

    pub fn len(&self) -> usize {
        self.category.len()
    }

    pub fn is_empty(&self) -> bool {
        self.category.is_empty()
    }

    /// A product of category `c`, drawn by popularity.
    #[inline]
    pub fn draw(&self, c: usize, r: &mut Rng) -> u32 {
        self.members[c][self.in_category[c].draw(r)]
    }

    pub fn category_name(&self, product: u32) -> &'static str {
        CATEGORIES[self.category[product as usize] as usize].name
    }

    pub fn term_of(&self, product: u32) -> &'static str {
        let c = &CATEGORIES[self.category[product as usize] as usize];
        c.terms[self.term[product as usize] as usize]
    }

    /// Appends `prod_1234`.
    pub fn write_product_id(&self, product: u32, out: &mut String) {
        let mut number = itoa::Buffer::new();
        out.push_str("prod_");
        out.push_str(number.format(FIRST_PRODUCT + product as u64));
    }

    /// `text` (a buffer to reuse) with `https://example.com/<category slug>/prod_1234` appended.
    pub fn url_into(&self, product: u32, mut text: String) -> String {
        let c = &CATEGORIES[self.category[product as usize] as usize];
        text.push_str(SHOP);
        text.push('/');
        text.push_str(c.slug);
        text.push('/');
        self.write_product_id(product, &mut text);
        text
    }

    /// Current prices: each base price times its category's multiplier, as a shelf price.
    pub fn prices(&self, multipliers: &[f64; 12]) -> Arc<Vec<f64>> {
        if multipliers.iter().all(|&f| f == 1.0) {
            return self.base_price.clone();
        }
        Arc::new(
            self.base_price
                .iter()
                .zip(&self.category)
                .map(|(price, &c)| shop_price((price + 0.01) * multipliers[c as usize]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shelf_prices() {
        assert_eq!(shop_price(41.3), 40.99);
        assert_eq!(shop_price(0.2), 1.99);
        assert_eq!(shop_price(1e6), 4999.99);
    }

    #[test]
    fn long_tailed_with_category_prices() {
        let c = Catalogue::new(&mut Rng::new(3), 5000);
        assert_eq!(c.len(), 5000);
        let mut weights = c.popularity.clone();
        weights.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = weights.iter().sum();
        assert!(weights[..50].iter().sum::<f64>() / total > 0.4);
        assert!(weights[..1000].iter().sum::<f64>() / total > 0.75);
        let median = |k: u8| {
            let mut p: Vec<f64> = (0..5000)
                .filter(|&i| c.category[i] == k)
                .map(|i| c.base_price[i])
                .collect();
            p.sort_by(f64::total_cmp);
            p[p.len() / 2]
        };
        assert!(median(9) > 5.0 * median(5)); // Computers against Books
        assert!(c
            .base_price
            .iter()
            .all(|p| format!("{p:.2}").ends_with(".99")));
        // Slugs as Python derives them from the names.
        for k in &CATEGORIES {
            assert_eq!(
                k.slug,
                k.name.to_lowercase().replace(" & ", "-").replace(' ', "-")
            );
        }
    }
}
