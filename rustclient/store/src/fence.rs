//! Geofences: [`Store::create_fence_box`] and its kin define them,
//! [`Store::poll_events`] reads what crossed them, as [`Events`].

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use store_sys as sys;

use crate::bytes::Bytes;
use crate::error::{Result, check, check_ok};
use crate::geometry::{Point, Rect};
use crate::ops::{c_string, raw_parts};
use crate::results::malformed;
use crate::store::Store;

/// Whether a key came into a fence or left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The key's item came inside the fence.
    Enter,
    /// The key's item left the fence (moved out, was deleted or expired).
    Exit,
}

/// One key crossing one fence, borrowed from its [`Events`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Event<'a> {
    fence: &'a [u8],
    key: &'a [u8],
    kind: EventKind,
    time_ns: i64,
}

impl<'a> Event<'a> {
    /// The fence's name.
    pub fn fence(&self) -> &'a str {
        // Fence names come from &str in this crate and from C strings the
        // library checked; a name that is not UTF-8 shows as empty.
        std::str::from_utf8(self.fence).unwrap_or_default()
    }
    /// The key that crossed it.
    pub fn key(&self) -> &'a [u8] {
        self.key
    }
    /// Enter or exit.
    pub fn kind(&self) -> EventKind {
        self.kind
    }
    /// The time of the commit that caused it.
    pub fn time(&self) -> SystemTime {
        match u64::try_from(self.time_ns) {
            Ok(ns) => UNIX_EPOCH + Duration::from_nanos(ns),
            Err(_) => UNIX_EPOCH - Duration::from_nanos(self.time_ns.unsigned_abs()),
        }
    }
    /// The commit's time in nanoseconds since the Unix epoch.
    pub fn time_ns(&self) -> i64 {
        self.time_ns
    }
}

impl fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("fence", &self.fence())
            .field("key", &String::from_utf8_lossy(self.key))
            .field("kind", &self.kind)
            .field("time_ns", &self.time_ns)
            .finish()
    }
}

/// The events one [`Store::poll_events`] took, oldest first: commits in the
/// order they happened, within a commit by fence name, then key. It owns
/// the library's buffer; [`iter`](Events::iter) lends events out of it.
pub struct Events {
    bytes: Bytes,
    count: usize,
    lost: u64,
}

impl Events {
    fn new(bytes: Bytes) -> Result<Events> {
        let b = bytes.as_bytes();
        let head = b.get(..sys::STORE_EVENTS_HEADER).ok_or_else(|| malformed("event buffer shorter than its header"))?;
        let count = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let lost = u64::from_le_bytes([head[4], head[5], head[6], head[7], head[8], head[9], head[10], head[11]]);
        let count = usize::try_from(count).map_err(|_| malformed("event count does not fit"))?;
        let mut cur = EventsIter { rest: &b[sys::STORE_EVENTS_HEADER..], left: count };
        for i in 0..count {
            cur.read().ok_or_else(|| malformed(&format!("event {i} of {count} runs past the end")))?;
        }
        if !cur.rest.is_empty() {
            return Err(malformed(&format!("{} bytes after the last event", cur.rest.len())));
        }
        Ok(Events { bytes, count, lost })
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many events the queue dropped (the oldest first) because it was
    /// full, since the poll before this one.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// The events, oldest first.
    pub fn iter(&self) -> EventsIter<'_> {
        EventsIter { rest: &self.bytes.as_bytes()[sys::STORE_EVENTS_HEADER..], left: self.count }
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events").field("lost", &self.lost).field("events", &self.iter().collect::<Vec<_>>()).finish()
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = Event<'a>;
    type IntoIter = EventsIter<'a>;
    fn into_iter(self) -> EventsIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Events`].
#[derive(Debug, Clone)]
pub struct EventsIter<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> EventsIter<'a> {
    /// Reads the next event, or None if the buffer is short (checked once
    /// in Events::new, so never after it).
    fn read(&mut self) -> Option<Event<'a>> {
        let h = self.rest.get(..sys::STORE_EVENT_HEADER)?;
        let kind = match h[0] {
            sys::STORE_EVENT_ENTER => EventKind::Enter,
            sys::STORE_EVENT_EXIT => EventKind::Exit,
            _ => return None,
        };
        let time_ns = i64::from_le_bytes([h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]]);
        let fence_len = usize::try_from(u32::from_le_bytes([h[9], h[10], h[11], h[12]])).ok()?;
        let key_len = usize::try_from(u32::from_le_bytes([h[13], h[14], h[15], h[16]])).ok()?;
        let body = &self.rest[sys::STORE_EVENT_HEADER..];
        let fence = body.get(..fence_len)?;
        let key = body.get(fence_len..fence_len.checked_add(key_len)?)?;
        self.rest = &body[fence_len + key_len..];
        Some(Event { fence, key, kind, time_ns })
    }
}

impl<'a> Iterator for EventsIter<'a> {
    type Item = Event<'a>;
    fn next(&mut self) -> Option<Event<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        self.read()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for EventsIter<'_> {}

/// A fence's optional key pattern for the C API: NULL for every key.
fn pattern_c(pattern: Option<&str>) -> Result<Option<std::ffi::CString>> {
    pattern.map(c_string).transpose()
}

impl Store {
    /// Defines a fence called `name` over the items of the spatial index
    /// `index` whose boxes touch `rect`, with keys matching `pattern`
    /// (`None`: every key). Every commit that moves, adds, deletes or
    /// expires such items queues an enter or exit event for each key that
    /// crossed it; [`poll_events`](Store::poll_events) reads them. A new
    /// fence starts with the items inside it then, without events. Creating
    /// a fence that exists with the same definition does nothing; another
    /// definition is [`Error::IndexExists`](crate::Error::IndexExists). On
    /// a file store the definition is saved and restored at every open.
    ///
    /// ```
    /// # use store::{EventKind, Ops, Rect, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "player:*", None).unwrap();
    /// db.create_fence_box("spawn", "pos", None, &Rect::new(&[0.0, 0.0], &[10.0, 10.0]).unwrap()).unwrap();
    /// db.set("player:ann", "[5 5]").unwrap();
    /// db.set("player:ann", "[50 5]").unwrap();
    /// let events = db.poll_events(0).unwrap();
    /// let kinds: Vec<_> = events.iter().map(|e| (e.fence(), e.kind())).collect();
    /// assert_eq!(kinds, [("spawn", EventKind::Enter), ("spawn", EventKind::Exit)]);
    /// ```
    pub fn create_fence_box(&self, name: &str, index: &str, pattern: Option<&str>, rect: &Rect) -> Result<()> {
        let (name, index, pattern) = (c_string(name)?, c_string(index)?, pattern_c(pattern)?);
        let pattern_ptr = pattern.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
        // SAFETY: name and index are NUL-terminated, pattern_ptr NULL or
        // NUL-terminated, all alive for the call; min and max hold dims
        // doubles each.
        check_ok(unsafe {
            sys::store_create_fence_box(
                self.as_raw(),
                name.as_ptr(),
                index.as_ptr(),
                pattern_ptr,
                rect.min().as_ptr(),
                rect.max().as_ptr(),
                rect.dims(),
            )
        })
    }

    /// Defines a fence over the items within `radius` (finite, >= 0) of
    /// `center`; see [`create_fence_box`](Store::create_fence_box).
    ///
    /// ```
    /// # use store::{Error, Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// let well = Point::new(&[3.0, 4.0]).unwrap();
    /// db.create_fence_radius("well", "pos", Some("player:*"), &well, 2.0).unwrap();
    /// assert!(matches!(db.create_fence_radius("bad", "pos", None, &well, -1.0), Err(Error::InvalidArg(_))));
    /// ```
    pub fn create_fence_radius(
        &self,
        name: &str,
        index: &str,
        pattern: Option<&str>,
        center: &Point,
        radius: f64,
    ) -> Result<()> {
        let (name, index, pattern) = (c_string(name)?, c_string(index)?, pattern_c(pattern)?);
        let pattern_ptr = pattern.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
        // SAFETY: as in create_fence_box; center holds dims doubles.
        check_ok(unsafe {
            sys::store_create_fence_radius(
                self.as_raw(),
                name.as_ptr(),
                index.as_ptr(),
                pattern_ptr,
                center.coords().as_ptr(),
                center.dims(),
                radius,
            )
        })
    }

    /// Defines a roaming fence over the items within `radius` of the item
    /// under `key` in the same index, following it as it moves (a
    /// monster's aggro radius). The item under `key` is never inside its
    /// own fence; while there is none the fence is empty.
    ///
    /// ```
    /// # use store::{EventKind, Ops, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.create_fence_roam("aggro", "pos", Some("player:*"), "mob:1", 5.0).unwrap();
    /// db.set("player:ann", "[0 0]").unwrap();
    /// db.set("mob:1", "[3 4]").unwrap(); // ann is 5 away: inside
    /// let events = db.poll_events(0).unwrap();
    /// let first = events.iter().next().unwrap();
    /// assert_eq!((first.key(), first.kind()), (&b"player:ann"[..], EventKind::Enter));
    /// ```
    pub fn create_fence_roam(
        &self,
        name: &str,
        index: &str,
        pattern: Option<&str>,
        key: impl AsRef<[u8]>,
        radius: f64,
    ) -> Result<()> {
        let (name, index, pattern) = (c_string(name)?, c_string(index)?, pattern_c(pattern)?);
        let pattern_ptr = pattern.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
        let (key, key_len) = raw_parts(key.as_ref());
        // SAFETY: as in create_fence_box; key is valid for key_len bytes.
        check_ok(unsafe {
            sys::store_create_fence_roam(
                self.as_raw(),
                name.as_ptr(),
                index.as_ptr(),
                pattern_ptr,
                key,
                key_len,
                radius,
            )
        })
    }

    /// Removes a fence; its events already queued stay. Returns false if
    /// there was no fence of that name.
    ///
    /// ```
    /// # use store::{Point, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.create_spatial_index("pos", "*", None).unwrap();
    /// db.create_fence_radius("f", "pos", None, &Point::new(&[0.0]).unwrap(), 1.0).unwrap();
    /// assert!(db.drop_fence("f").unwrap());
    /// assert!(!db.drop_fence("f").unwrap());
    /// ```
    pub fn drop_fence(&self, name: &str) -> Result<bool> {
        let name = c_string(name)?;
        // SAFETY: name is NUL-terminated.
        check(unsafe { sys::store_drop_fence(self.as_raw(), name.as_ptr()) })
    }

    /// Takes up to `max` of the oldest queued fence events (`0`: all of
    /// them) in one call and one buffer. The queue holds
    /// [`sys::STORE_EVENT_CAPACITY_DEFAULT`] events unless
    /// [`set_event_capacity`](Store::set_event_capacity) says otherwise;
    /// when it is full the oldest are dropped and the next poll's
    /// [`Events::lost`] says how many. Events live in memory: those not
    /// polled before the store closes are gone. Never waits for
    /// transactions, so a thread inside one may poll.
    pub fn poll_events(&self, max: usize) -> Result<Events> {
        let mut out = sys::store_bytes { ptr: std::ptr::null_mut(), len: 0 };
        // SAFETY: out is a valid, writable store_bytes.
        check_ok(unsafe { sys::store_poll_events(self.as_raw(), max, &mut out) })?;
        Events::new(Bytes::from_raw(out))
    }

    /// Sets how many events the store queues until polled, from 1 to
    /// [`sys::STORE_EVENT_CAPACITY_MAX`]; when fewer fit than wait, the
    /// oldest are dropped and counted as lost. Not saved with the file.
    ///
    /// ```
    /// # use store::{Error, Store};
    /// let db = Store::open_in_memory().unwrap();
    /// db.set_event_capacity(1024).unwrap();
    /// assert!(matches!(db.set_event_capacity(0), Err(Error::InvalidArg(_))));
    /// ```
    pub fn set_event_capacity(&self, capacity: usize) -> Result<()> {
        // SAFETY: store_set_event_capacity checks the handle.
        check_ok(unsafe { sys::store_set_event_capacity(self.as_raw(), capacity) })
    }
}
