//! The one clock the engine reads. A served generation takes its date from the clock when
//! it is opened (and again when the day turns), so its lineage graph and its pages agree
//! on which versions are deprecated; tests pass a clock stopped at one instant.

pub trait Clock: Send + Sync {
    /// Now (UTC) as YYYY-MM-DDTHH:MM:SSZ.
    fn now_rfc3339(&self) -> String;

    /// Today (UTC) as YYYY-MM-DD.
    fn today(&self) -> String {
        self.now_rfc3339().chars().take(10).collect()
    }
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_rfc3339(&self) -> String {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
    }
}

/// A clock stopped at one instant (YYYY-MM-DDTHH:MM:SSZ).
pub struct FixedClock(pub String);

impl Clock for FixedClock {
    fn now_rfc3339(&self) -> String {
        self.0.clone()
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_819), (2027, 1, 1));
    }

    #[test]
    fn a_fixed_clock_says_its_day() {
        assert_eq!(FixedClock("2025-06-30T12:00:00Z".into()).today(), "2025-06-30");
        assert_eq!(SystemClock.now_rfc3339().len(), 20);
    }
}
