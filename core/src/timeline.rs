//! Items scheduled at future event times, popped in time order (ties in insertion order).

use std::cmp::Ordering;

#[derive(Clone, Copy)]
struct Entry<T> {
    t: f64,
    n: u64,
    item: T,
}

impl<T> Entry<T> {
    /// Whether `self` comes out before `other`: earlier, or as early and scheduled first.
    /// Keys are unique (`n` is), so the order of pops does not depend on the heap's shape.
    fn before(&self, other: &Self) -> bool {
        match self.t.total_cmp(&other.t) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => self.n < other.n,
        }
    }
}

/// A priority queue of items keyed by event time: a binary min-heap.
///
/// Written here rather than taken from `std::collections::BinaryHeap` so that entries move
/// whole, copied up into the hole left by the top (items are `Copy`): the standard heap swaps
/// them in word-sized stores and reads them back at once in wider loads, which stalls the CPU
/// on every pop of a timeline that is popped for nearly every event.
pub struct Timeline<T> {
    heap: Vec<Entry<T>>,
    counter: u64,
}

impl<T: Copy> Default for Timeline<T> {
    fn default() -> Self {
        Timeline {
            heap: Vec::new(),
            counter: 0,
        }
    }
}

impl<T: Copy> Timeline<T> {
    pub fn new() -> Timeline<T> {
        Timeline::default()
    }

    pub fn schedule(&mut self, t: f64, item: T) {
        self.counter += 1;
        self.push(Entry {
            t,
            n: self.counter,
            item,
        });
    }

    fn push(&mut self, entry: Entry<T>) {
        self.heap.push(entry);
        self.sift_up(self.heap.len() - 1, entry);
    }

    /// Time of the earliest item (infinity when empty).
    pub fn next_time(&self) -> f64 {
        self.heap.first().map_or(f64::INFINITY, |e| e.t)
    }

    pub fn pop(&mut self) -> Option<(f64, T)> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            return Some((last.t, last.item));
        };
        // The last entry belongs near the bottom: move the earlier child up into the hole
        // all the way down, then let the last entry rise from there.
        let len = self.heap.len();
        let mut hole = 0;
        loop {
            let mut child = 2 * hole + 1;
            if child >= len {
                break;
            }
            if child + 1 < len && self.heap[child + 1].before(&self.heap[child]) {
                child += 1;
            }
            self.heap[hole] = self.heap[child];
            hole = child;
        }
        self.sift_up(hole, last);
        Some((top.t, top.item))
    }

    /// Puts `entry` at `hole` or above it, moving later parents down.
    fn sift_up(&mut self, mut hole: usize, entry: Entry<T>) {
        while hole > 0 {
            let parent = (hole - 1) / 2;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = entry;
    }

    /// Removes the item scheduled last, if it is still there (a caller taking back its latest
    /// step); linear in the size of the timeline.
    pub fn cancel_latest(&mut self) {
        let latest = self.counter;
        if let Some(at) = self.heap.iter().position(|e| e.n == latest) {
            // Rebuilt from what is left: any heap of the same keys pops in the same order.
            let mut rest = std::mem::take(&mut self.heap);
            rest.swap_remove(at);
            for entry in rest {
                self.push(entry);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut tl = Timeline::new();
        tl.schedule(5.0, "b");
        tl.schedule(1.0, "a");
        tl.schedule(5.0, "c");
        assert_eq!(tl.next_time(), 1.0);
        let order: Vec<_> = std::iter::from_fn(|| tl.pop()).collect();
        assert_eq!(order, vec![(1.0, "a"), (5.0, "b"), (5.0, "c")]);
        assert_eq!(tl.next_time(), f64::INFINITY);
    }

    #[test]
    fn cancels_the_latest_item_only() {
        let mut tl = Timeline::new();
        tl.schedule(3.0, "a");
        tl.schedule(1.0, "b");
        tl.schedule(2.0, "c");
        tl.cancel_latest();
        let order: Vec<_> = std::iter::from_fn(|| tl.pop()).collect();
        assert_eq!(order, vec![(1.0, "b"), (3.0, "a")]);
        tl.cancel_latest(); // already popped: nothing to do
        assert!(tl.is_empty());
    }

    #[test]
    fn pops_every_item_in_key_order_whatever_the_interleaving() {
        // Pushes and pops interleaved by a fixed pseudo-random sequence, with many ties;
        // the reference is a sorted list of the same keys.
        let mut tl = Timeline::new();
        let mut reference: Vec<(f64, u64)> = Vec::new();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut serial = 0;
        for _ in 0..20_000 {
            if next() % 3 != 0 || reference.is_empty() {
                serial += 1;
                let t = (next() % 50) as f64;
                tl.schedule(t, serial);
                reference.push((t, serial));
            } else {
                reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let expected = reference.remove(0);
                assert_eq!(tl.pop(), Some(expected));
            }
            assert_eq!(tl.len(), reference.len());
        }
        reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let rest: Vec<_> = std::iter::from_fn(|| tl.pop()).collect();
        assert_eq!(rest, reference);
    }
}
