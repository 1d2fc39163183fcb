//! Reuse of the text buffers of emitted events: an event's owned strings go back to a pool
//! when the next event begins, so steady-state events allocate no strings.

use super::customers::write_uuid;
use crate::record::{Event, Value};

#[derive(Default)]
pub struct Texts {
    spare: Vec<String>,
}

impl Texts {
    /// Starts a new event of `stream` (as `Event::begin`), keeping the previous row's strings.
    pub fn begin(&mut self, event: &mut Event, stream: usize, time: f64, event_type: &'static str) {
        for value in &mut event.row {
            if let Value::Str(s) = value {
                self.spare.push(std::mem::take(s));
            }
        }
        event.begin(stream, time, event_type);
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
