//! Reuse of the text buffers of emitted events: an event's owned strings go back to a pool
//! when the next event begins, so steady-state events allocate no strings.

use super::customers::write_uuid;
use crate::record::{Event, Value};

#[derive(Default)]
pub struct Texts {
    spare: Vec<String>,
    /// Where the current event's row holds strings of this pool (only those are looked at).
    lent: Vec<usize>,
}

impl Texts {
    /// Starts a new event of `stream` (as `Event::begin`), taking back the previous row's strings.
    pub fn begin(&mut self, event: &mut Event, stream: usize, time: f64, event_type: &'static str) {
        for &i in &self.lent {
            if let Some(Value::Str(s)) = event.row.get_mut(i) {
                self.spare.push(std::mem::take(s));
            }
        }
        self.lent.clear();
        event.begin(stream, time, event_type);
    }

    /// Appends the event's next field; a string's buffer comes back at the next `begin`.
    #[inline]
    pub fn push(&mut self, event: &mut Event, value: impl Into<Value>) {
        let value = value.into();
        if matches!(value, Value::Str(_)) {
            self.lent.push(event.row.len());
        }
        event.row.push(value);
    }

    /// An empty string, reusing a spare buffer if there is one.
    pub fn take(&mut self) -> String {
        match self.spare.pop() {
            Some(mut s) => {
                s.clear();
                s
            }
            None => String::with_capacity(64),
        }
    }

    /// A string holding `text`.
    #[inline]
    pub fn copy(&mut self, text: &str) -> String {
        let mut s = self.take();
        s.push_str(text);
        s
    }

    /// The UUID text of `bits`.
    pub fn uuid(&mut self, bits: u128) -> String {
        let mut s = self.take();
        write_uuid(bits, &mut s);
        s
    }
}
