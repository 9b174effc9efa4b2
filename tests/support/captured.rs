//! What `tracing` writes on this thread, kept for a test to read.
//!
//! One subscriber for the whole test binary, installed on first use, writes
//! each event into the buffer of the capture running on the thread that
//! emits it. A scoped subscriber per test (`set_default`) would miss events:
//! a callsite that another test thread registers while no scoped subscriber
//! exists can cache "never" for everyone, so a test's events vanish when
//! the threads interleave badly. The global one never disagrees with itself.

// Each test file uses what it needs of this.
#![allow(dead_code)]

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use tracing::Level;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

thread_local! {
    /// The capture running on this thread: its level and its buffer.
    static CAPTURE: RefCell<Option<(Level, Buffer)>> = const { RefCell::new(None) };
}

/// Captures the events this thread emits at a level and above, each as one
/// line without time or colour, until dropped.
pub struct Captured {
    buffer: Buffer,
}

impl Captured {
    /// Starts capturing this thread's events at `level` and above.
    pub fn start(level: Level) -> Captured {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            // Asked at every event, never cached per callsite: what it
            // answers depends on the thread and the moment.
            fn capturing<S>(
                meta: &tracing::Metadata<'_>,
                _: &tracing_subscriber::layer::Context<'_, S>,
            ) -> bool {
                CAPTURE.with(|c| {
                    c.borrow()
                        .as_ref()
                        .is_some_and(|(level, _)| meta.level() <= level)
                })
            }
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(ThisThread)
                .with_ansi(false)
                .without_time()
                .with_filter(dynamic_filter_fn(capturing));
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
                .expect("no other global subscriber in the test binary");
        });
        let buffer = Buffer::default();
        CAPTURE.with(|c| *c.borrow_mut() = Some((level, buffer.clone())));
        Captured { buffer }
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.buffer.0.lock().unwrap().clone()).unwrap()
    }
}

impl Drop for Captured {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

/// The writer of the global subscriber: the buffer of this thread's capture.
struct ThisThread;

impl Write for ThisThread {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some((_, buffer)) = c.borrow().as_ref() {
                buffer.0.lock().unwrap().extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ThisThread {
    type Writer = ThisThread;

    fn make_writer(&'a self) -> Self::Writer {
        ThisThread
    }
}
