//! Items scheduled at future event times, popped in time order (ties in insertion order).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<T> {
    t: f64,
    n: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    // Reversed: BinaryHeap is a max-heap, the timeline pops the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .t
            .total_cmp(&self.t)
            .then_with(|| other.n.cmp(&self.n))
    }
}

/// A priority queue of items keyed by event time.
pub struct Timeline<T> {
    heap: BinaryHeap<Entry<T>>,
    counter: u64,
}

impl<T> Default for Timeline<T> {
    fn default() -> Self {
        Timeline {
            heap: BinaryHeap::new(),
            counter: 0,
        }
    }
}

impl<T> Timeline<T> {
    pub fn new() -> Timeline<T> {
        Timeline::default()
    }

    pub fn schedule(&mut self, t: f64, item: T) {
        self.counter += 1;
        self.heap.push(Entry {
            t,
            n: self.counter,
            item,
        });
    }

    /// Time of the earliest item (infinity when empty).
    pub fn next_time(&self) -> f64 {
        self.heap.peek().map_or(f64::INFINITY, |e| e.t)
    }

    pub fn pop(&mut self) -> Option<(f64, T)> {
        self.heap.pop().map(|e| (e.t, e.item))
    }

    /// Removes the item scheduled last, if it is still there (a caller taking back its latest
    /// step); linear in the size of the timeline.
    pub fn cancel_latest(&mut self) {
        let latest = self.counter;
        self.heap.retain(|e| e.n != latest);
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
}
