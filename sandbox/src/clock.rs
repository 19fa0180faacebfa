//! Time as the sandbox sees it: `Ts`, microseconds since the Unix epoch (UTC), stored as SQLite
//! INTEGERs, rendered like Laravel's JSON dates (`2025-01-15T10:30:00.000000Z`) and parsed from
//! the ISO 8601 dates and date-times of list filters; and [`Clock`], the virtual clock every
//! time the sandbox uses comes from (an offset over the system time, kept in the database).
//! This file holds the sandbox's only reads of the system clocks.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::OptionalExtension;
use crate::sql::Connection;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Microseconds per second.
pub const SECOND: i64 = 1_000_000;
/// Microseconds per minute.
pub const MINUTE: i64 = 60 * SECOND;

/// A point in time: microseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub i64);

impl Ts {
    /// The system's current time: what leaves the sandbox and is checked against other clocks
    /// (a webhook's `webhook-timestamp`, which receivers refuse when it is minutes off their
    /// own). Everything else reads [`Clock::now`].
    pub fn system() -> Ts {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Ts(i64::try_from(since.as_micros()).unwrap_or(i64::MAX))
    }

    /// This time plus `seconds`.
    pub fn plus_secs(self, seconds: i64) -> Ts {
        Ts(self.0.saturating_add(seconds.saturating_mul(SECOND)))
    }

    /// Whole seconds from `self` to `later`, rounded up (a retry-after or an expiry countdown).
    pub fn secs_until_ceil(self, later: Ts) -> i64 {
        let micros = later.0 - self.0;
        if micros >= 0 { (micros + SECOND - 1) / SECOND } else { micros / SECOND }
    }

    /// Midnight UTC of the first day of this time's month.
    pub fn start_of_month(self) -> Ts {
        let dt = self.to_offset();
        let first = Date::from_calendar_date(dt.year(), dt.month(), 1).unwrap_or(dt.date());
        from_offset(PrimitiveDateTime::new(first, Time::MIDNIGHT).assume_utc())
    }

    /// The ISO 8601 text of the API: `2025-01-15T10:30:00.000000Z`. The time crate gives the
    /// calendar fields; their digits are laid out here, because its general formatter costs
    /// about fifteen times as much and every listed record renders two of these.
    pub fn iso(self) -> String {
        let at = self.to_offset();
        let (year, month, day) = at.to_calendar_date();
        let Ok(year) = u32::try_from(year) else { return self.iso_by_format() };
        if year > 9999 {
            return self.iso_by_format();
        }
        let (hour, minute, second, micro) = at.to_hms_micro();
        let mut text = String::with_capacity(27);
        let fields = [(year, 4, '-'), (u32::from(u8::from(month)), 2, '-'), (u32::from(day), 2, 'T'), (u32::from(hour), 2, ':')];
        let fields = fields.into_iter().chain([(u32::from(minute), 2, ':'), (u32::from(second), 2, '.'), (micro, 6, 'Z')]);
        for (value, width, after) in fields {
            for place in (0..width).rev() {
                text.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
            }
            text.push(after);
        }
        text
    }

    /// [`Ts::iso`] by the time crate's formatter (years outside 0 to 9999, signed).
    fn iso_by_format(self) -> String {
        let format = format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        );
        self.to_offset().format(&format).unwrap_or_default()
    }

    /// Parses an RFC 3339 date-time (`2026-01-01T00:00:00Z`).
    pub fn parse_rfc3339(text: &str) -> Option<Ts> {
        OffsetDateTime::parse(text.trim(), &Rfc3339).ok().map(from_offset)
    }

    fn to_offset(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

/// The virtual clock: the system time plus an offset that `POST /_sandbox/clock` moves. The
/// offset lives in the database (table `sandbox_clock`), so it survives a restart and every
/// process serving the file shares it; [`Clock::sync`] reads it inside each store call (so an
/// advance made by another process counts from that process's next call), and the copy held
/// here serves the readers outside the database (the rate-limit windows). Every change of the
/// row moves its `version` on, and the copy takes only a reading at least as new as the one it
/// holds: a reading begun before a concurrent reset committed (on another PostgreSQL session)
/// cannot put back the offset the reset cleared.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_us: Arc<AtomicI64>,
    /// The version of the row the offset was read from; the lock orders the copy's updates.
    version: Arc<Mutex<i64>>,
}

/// The clock as the admin API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub now: Ts,
    /// How far the clock is ahead of the system time (negative: behind), in microseconds.
    pub offset_us: i64,
}

impl Clock {
    /// The virtual time, by the offset last read from the database.
    pub fn now(&self) -> Ts {
        Ts(Ts::system().0.saturating_add(self.offset()))
    }

    /// The offset last read, in microseconds.
    pub fn offset(&self) -> i64 {
        self.offset_us.load(Ordering::Relaxed)
    }

    /// The clock now, with its offset.
    pub fn reading(&self) -> Reading {
        Reading { now: self.now(), offset_us: self.offset() }
    }

    /// Reads the stored offset (another process may have moved it) and returns the time.
    pub fn sync(&self, conn: &Connection) -> rusqlite::Result<Ts> {
        let stored: Option<(i64, i64)> = conn
            .prepare_cached("SELECT offset_us, version FROM sandbox_clock WHERE id = 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (offset, version) = stored.unwrap_or((0, 0));
        let mut held = self.version.lock().unwrap_or_else(PoisonError::into_inner);
        if version >= *held {
            *held = version;
            self.offset_us.store(offset, Ordering::Relaxed);
        }
        drop(held);
        Ok(self.now())
    }

    /// Sets the clock back to the system time (a reset), as a new version of the row.
    pub fn clear(&self, conn: &Connection) -> rusqlite::Result<Ts> {
        self.store(conn, 0)
    }

    /// Moves the clock on by `by` (in one statement, so concurrent advances add up).
    pub fn advance(&self, conn: &Connection, by: Duration) -> rusqlite::Result<Reading> {
        let micros = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        conn.execute(
            "INSERT INTO sandbox_clock (id, offset_us, version) VALUES (1, ?1, 1) \
             ON CONFLICT (id) DO UPDATE SET offset_us = sandbox_clock.offset_us + excluded.offset_us, version = sandbox_clock.version + 1",
            [micros],
        )?;
        self.sync(conn)?;
        Ok(self.reading())
    }

    /// Sets the clock to `at` (earlier than the system time too).
    pub fn set(&self, conn: &Connection, at: Ts) -> rusqlite::Result<Reading> {
        self.store(conn, at.0.saturating_sub(Ts::system().0))?;
        Ok(self.reading())
    }

    /// Stores `offset` as a new version of the row and reads it back.
    fn store(&self, conn: &Connection, offset: i64) -> rusqlite::Result<Ts> {
        conn.execute(
            "INSERT INTO sandbox_clock (id, offset_us, version) VALUES (1, ?1, 1) \
             ON CONFLICT (id) DO UPDATE SET offset_us = excluded.offset_us, version = sandbox_clock.version + 1",
            [offset],
        )?;
        self.sync(conn)
    }
}

/// Measures how long something takes (a webhook attempt) by the monotonic clock, which the
/// virtual clock does not move.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    pub fn start() -> Stopwatch {
        Stopwatch(Instant::now())
    }

    pub fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A filter bound parsed from an ISO 8601 date (`2025-01-01`) or date-time
/// (`2025-01-01T10:00:00Z`, `2025-01-01 10:00:00`, with or without an offset; UTC when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateBound {
    /// The first instant the text names.
    pub start: Ts,
    /// Whether the text was a bare date, which names a whole day.
    pub whole_day: bool,
}

impl DateBound {
    /// Parses filter text; `None` when it is neither a date nor a date-time.
    pub fn parse(text: &str) -> Option<DateBound> {
        let rolled = roll_over(text.trim());
        let text = rolled.as_deref().unwrap_or(text.trim());
        if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
            let start = from_offset(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc());
            return Some(DateBound { start, whole_day: true });
        }
        if let Ok(dt) = OffsetDateTime::parse(text, &Rfc3339) {
            return Some(DateBound { start: from_offset(dt), whole_day: false });
        }
        let normalized = text.replacen(' ', "T", 1);
        let local = [
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
            format_description!("[year]-[month]-[day]T[hour]:[minute]"),
        ];
        local.iter().find_map(|format| {
            let dt = PrimitiveDateTime::parse(&normalized, format).ok()?;
            Some(DateBound { start: from_offset(dt.assume_offset(UtcOffset::UTC)), whole_day: false })
        })
    }

    /// The first instant after what the text names (the next midnight for a bare date).
    pub fn end_exclusive(self) -> Ts {
        if self.whole_day { self.start.plus_secs(86_400) } else { Ts(self.start.0 + 1) }
    }
}

/// `text` with a day past its month's end counted on into the next month (`2025-02-30` is
/// `2025-03-02`), as PHP's dates read it; `None` when `text` does not start with a date whose
/// day is 1 to 31.
fn roll_over(text: &str) -> Option<String> {
    let (date, rest) = (text.get(..10)?, text.get(10..)?);
    let mut parts = date.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month = time::Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
    let day: u8 = parts.next()?.parse().ok().filter(|d| (1..=31).contains(d))?;
    let date = Date::from_calendar_date(year, month, 1).ok()?.checked_add(time::Duration::days(i64::from(day) - 1))?;
    Some(format!("{:04}-{:02}-{:02}{rest}", date.year(), u8::from(date.month()), date.day()))
}

fn from_offset(dt: OffsetDateTime) -> Ts {
    Ts(i64::try_from(dt.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_laid_out_digits_are_the_formatter_s() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            // 0001-01-01 to 9999-12-31, microseconds
            let ts = Ts(rng.i64(-62_135_596_800_000_000..253_402_300_800_000_000));
            assert_eq!(ts.iso(), ts.iso_by_format(), "{}", ts.0);
        }
        assert_eq!(Ts(i64::MIN).iso(), Ts(i64::MIN).iso_by_format());
    }

    #[test]
    fn renders_laravel_dates() {
        assert_eq!(Ts(0).iso(), "1970-01-01T00:00:00.000000Z");
        assert_eq!(Ts(1_736_937_000_123_456).iso(), "2025-01-15T10:30:00.123456Z");
    }

    #[test]
    fn parses_dates_and_date_times() {
        let day = DateBound::parse("2025-01-15").unwrap();
        assert!(day.whole_day);
        assert_eq!(day.start.iso(), "2025-01-15T00:00:00.000000Z");
        assert_eq!(day.end_exclusive().iso(), "2025-01-16T00:00:00.000000Z");
        let at = DateBound::parse("2025-01-15T10:30:00+01:00").unwrap();
        assert_eq!(at.start.iso(), "2025-01-15T09:30:00.000000Z");
        assert_eq!(DateBound::parse("2025-01-15 10:30:00").unwrap().start.iso(), "2025-01-15T10:30:00.000000Z");
        assert_eq!(DateBound::parse("yesterday"), None);
        let rolled = DateBound::parse("2025-02-30T10:00:00Z").unwrap();
        assert_eq!(rolled.start.iso(), "2025-03-02T10:00:00.000000Z", "a day past the month's end counts on, as in PHP");
        assert_eq!(DateBound::parse("2024-02-30").unwrap().start.iso(), "2024-03-01T00:00:00.000000Z");
        assert_eq!(DateBound::parse("2025-01-32"), None);
    }

    #[test]
    fn the_clock_moves_by_its_stored_offset() {
        let conn = crate::db::open(&crate::db::DbPath::Memory).unwrap();
        let clock = Clock::default();
        assert_eq!(clock.sync(&conn).unwrap().0 / SECOND, Ts::system().0 / SECOND, "no row: the system time");
        let day = Duration::from_secs(86_400);
        let reading = clock.advance(&conn, day).unwrap();
        assert_eq!(reading.offset_us, 86_400 * SECOND);
        clock.advance(&conn, day).unwrap();
        let other = Clock::default();
        other.sync(&conn).unwrap();
        assert_eq!(other.offset(), 2 * 86_400 * SECOND, "another process reads the stored offset");
        assert!(other.now() >= Ts::system().plus_secs(2 * 86_400 - 1), "the other process's time moved too");
        let at = Ts::parse_rfc3339("2020-01-01T00:00:00Z").unwrap();
        let set = clock.set(&conn, at).unwrap();
        assert!(set.offset_us < 0 && (set.now.0 - at.0).abs() < SECOND, "{set:?}");
        assert!(clock.now() <= Ts::system());
        other.sync(&conn).unwrap();
        clock.clear(&conn).unwrap();
        assert_eq!(clock.offset(), 0, "a reset");
        conn.execute("UPDATE sandbox_clock SET offset_us = 5, version = version - 1", []).unwrap();
        clock.sync(&conn).unwrap();
        assert_eq!(clock.offset(), 0, "a reading older than the one held is not taken");
    }

    #[test]
    fn month_start_and_countdowns() {
        assert_eq!(Ts(1_736_937_000_123_456).start_of_month().iso(), "2025-01-01T00:00:00.000000Z");
        assert_eq!(Ts(0).secs_until_ceil(Ts(1)), 1);
        assert_eq!(Ts(0).secs_until_ceil(Ts(-1_500_000)), -1);
    }
}
