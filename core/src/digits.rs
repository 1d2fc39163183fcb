//! Decimal digits as text, written without a division per digit.

/// 10^0 to 10^19.
const POWERS_OF_TEN: [u64; 20] = {
    let mut table = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// How many decimal digits `n` has (1 for 0), from its bit length: `bits * 1233 >> 12` is
/// `floor(bits * log10(2))`, the digits of the smallest number of that many bits, and one
/// comparison adds the digit the largest ones have.
pub fn digit_count(n: u64) -> usize {
    let n = n | 1; // 0 has the digits of 1
    let bits = 64 - n.leading_zeros() as usize;
    let fewer = (bits * 1233) >> 12;
    fewer + usize::from(n >= POWERS_OF_TEN[fewer])
}

/// The 8 decimal digits of `n` (below 10^8, zero-padded) as byte values 0-9 of a u64, the
/// most significant in the lowest byte, so that the little-endian bytes are in text order:
/// two divisions by constants split the number into halves, then quarters, then digits,
/// every lane at once (SWAR). Leading zero digits are the low zero bytes, trailing ones the
/// high zero bytes.
pub fn digits8(n: u32) -> u64 {
    // [n / 10^4, n % 10^4] in 32-bit lanes.
    let (high, low) = (n / 10_000, n % 10_000);
    let halves = u64::from(high) | u64::from(low) << 32;
    // Each lane (below 10^4) as [lane / 100, lane % 100] in 16-bit lanes: x * 10486 >> 20 is
    // x / 100 for every x below 43,699, and no lane's product reaches the next lane.
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007F_0000_007F;
    let quarters = hundreds | (halves - hundreds * 100) << 16;
    // Each 16-bit lane (below 100) as [lane / 10, lane % 10] in bytes: x * 103 >> 10 is
    // x / 10 below 179.
    let tens = ((quarters * 103) >> 10) & 0x000F_000F_000F_000F;
    tens | (quarters - tens * 10) << 8
}

/// Digit values 0-9 in each byte as their ASCII text.
pub fn ascii(digits: u64) -> u64 {
    digits | 0x3030_3030_3030_3030
}

/// The text of `n` (below 10^8) of `count` digits (`digit_count(n)`, or more for leading
/// zeros, at most 8) in the low bytes of a u64, in text order.
pub fn text8(n: u32, count: usize) -> u64 {
    ascii(digits8(n)) >> (8 * (8 - count))
}

/// "00" to "99", to write two digits per division.
const DIGIT_PAIRS: [u8; 200] = {
    let mut table = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        table[2 * i] = b'0' + (i / 10) as u8;
        table[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    table
};

/// Writes `n` right-aligned into `slot`, two digits per division, over the zeros it holds;
/// `slot` has room for every digit.
pub fn fill_digits(mut n: u64, slot: &mut [u8]) {
    let mut at = slot.len();
    while n >= 10 {
        let pair = (n % 100) as usize * 2;
        slot[at - 2..at].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
        n /= 100;
        at -= 2;
    }
    if n > 0 {
        slot[at - 1] = b'0' + n as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Around every power of ten and of two, the count is the length of the number's text.
    #[test]
    fn digit_count_matches_format() {
        let mut values = vec![0, u64::MAX];
        for p in POWERS_OF_TEN {
            values.extend([p - 1, p, p + 1]);
        }
        for bits in 0..64 {
            values.extend([(1u64 << bits) - 1, 1u64 << bits]);
        }
        for v in values {
            assert_eq!(digit_count(v), v.to_string().len(), "{v}");
        }
    }

    /// The eight digits of every number below 10^8 that matters (edges, each digit position,
    /// a sample of the rest) are its zero-padded text.
    #[test]
    fn digits8_matches_format() {
        let mut n = 0u32;
        let mut values: Vec<u32> = (0..100).chain(99_999_900..100_000_000).collect();
        for power in 0..8 {
            let p = 10u32.pow(power);
            values.extend([p - 1, p, p + 1, 9 * p, 5 * p]);
        }
        while n < 100_000_000 {
            values.push(n);
            n += 7_919;
        }
        for v in values {
            assert_eq!(
                ascii(digits8(v)).to_le_bytes(),
                format!("{v:08}").as_bytes(),
                "{v}"
            );
        }
    }
}
