//! Timestamps in events: ISO 8601 text (`2026-11-20T09:14:03.512Z`, a space instead of `T`,
//! an optional fraction and offset; no offset means UTC) read into UTC calendar parts, for the
//! `|minute` … `|year` modifiers (Kusto `datetime_part`, `week_of_year`).

use crate::ir::TimePart;

/// A moment in UTC, to the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads `n` ASCII digits.
fn digits(s: &[u8], n: usize) -> Option<i64> {
    let d = s.get(..n)?;
    d.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

impl DateTime {
    /// Parses ISO 8601 date-time text; `None` when it is not one.
    pub fn parse(text: &str) -> Option<DateTime> {
        let s = text.trim().as_bytes();
        let year = digits(s, 4)?;
        let month = digits(s.get(5..)?, 2)?;
        let day = digits(s.get(8..)?, 2)?;
        if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
            return None;
        }
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let (mut hour, mut minute, mut rest) = (0, 0, s.get(10..)?);
        if let Some(sep) = rest.first() {
            if *sep != b'T' && *sep != b't' && *sep != b' ' {
                return None;
            }
            hour = digits(rest.get(1..)?, 2)?;
            minute = digits(rest.get(4..)?, 2)?;
            if rest.get(3) != Some(&b':') || hour > 23 || minute > 59 {
                return None;
            }
            // Seconds are optional (`10:00Z`).
            rest = if rest.get(6) == Some(&b':') {
                let second = digits(rest.get(7..)?, 2)?;
                if second > 60 {
                    return None;
                }
                rest.get(9..)?
            } else {
                rest.get(6..)?
            };
            if rest.first() == Some(&b'.') {
                let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if n == 0 {
                    return None;
                }
                rest = &rest[1 + n..];
            }
        }
        let offset = match rest {
            [] | [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), tail @ ..] => {
                let h = digits(tail, 2)?;
                let m = match tail.get(2..) {
                    Some([]) => 0,
                    Some([b':', m @ ..]) | Some(m) => digits(m, 2).filter(|_| m.len() == 2)?,
                    None => return None,
                };
                let minutes = h * 60 + m;
                if *sign == b'+' { minutes } else { -minutes }
            }
            _ => return None,
        };
        // To UTC.
        let total = days_from_civil(year, month, day) * 1440 + hour * 60 + minute - offset;
        let (days, mins) = (total.div_euclid(1440), total.rem_euclid(1440));
        let (year, month, day) = civil_from_days(days);
        Some(DateTime {
            year,
            month,
            day,
            hour: mins / 60,
            minute: mins % 60,
        })
    }

    /// A part of the moment (the week is the ISO 8601 week of the year, 1-53).
    pub fn part(&self, part: TimePart) -> i64 {
        match part {
            TimePart::Minute => self.minute,
            TimePart::Hour => self.hour,
            TimePart::Day => self.day,
            TimePart::Month => self.month,
            TimePart::Year => self.year,
            TimePart::Week => self.iso_week(),
        }
    }

    fn iso_week(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        // 1970-01-01 was a Thursday: Monday = 1 … Sunday = 7.
        let weekday = (days + 3).rem_euclid(7) + 1;
        let ordinal = days - days_from_civil(self.year, 1, 1) + 1;
        let week = (ordinal - weekday + 10) / 7;
        let weeks_in = |y: i64| {
            let jan1 = (days_from_civil(y, 1, 1) + 3).rem_euclid(7) + 1;
            if jan1 == 4 || (jan1 == 3 && is_leap(y)) {
                53
            } else {
                52
            }
        };
        if week < 1 {
            weeks_in(self.year - 1)
        } else if week > weeks_in(self.year) {
            1
        } else {
            week
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> Option<[i64; 6]> {
        let t = DateTime::parse(s)?;
        Some([
            t.part(TimePart::Year),
            t.part(TimePart::Month),
            t.part(TimePart::Day),
            t.part(TimePart::Hour),
            t.part(TimePart::Minute),
            t.part(TimePart::Week),
        ])
    }

    #[test]
    fn iso_forms_read_into_utc() {
        assert_eq!(
            parts("2026-11-20T09:14:03.512Z"),
            Some([2026, 11, 20, 9, 14, 47])
        );
        assert_eq!(
            parts("2026-11-20 09:14:03"),
            Some([2026, 11, 20, 9, 14, 47])
        );
        assert_eq!(parts("2026-11-20"), Some([2026, 11, 20, 0, 0, 47]));
        // An offset moves the moment to UTC, across a year boundary here.
        assert_eq!(
            parts("2027-01-01T01:30:00+02:00"),
            Some([2026, 12, 31, 23, 30, 53])
        );
        assert_eq!(
            parts("2026-11-20T09:14:03-0130"),
            Some([2026, 11, 20, 10, 44, 47])
        );
    }

    #[test]
    fn iso_weeks_at_year_edges() {
        // 2021-01-03 is a Sunday in week 53 of 2020; 2024-12-30 is in week 1 of 2025.
        assert_eq!(parts("2021-01-03").map(|p| p[5]), Some(53));
        assert_eq!(parts("2024-12-30").map(|p| p[5]), Some(1));
        assert_eq!(parts("2026-01-01").map(|p| p[5]), Some(1));
    }

    #[test]
    fn not_dates() {
        for s in [
            "",
            "2026",
            "2026-13-01",
            "2026-02-30",
            "20261120",
            "2026-11-20T9:14:03",
            "yesterday",
            "2026-11-20T09:14:03.Z",
            "2026-11-20T09:14:03+2",
            "2026-11-20X",
            "２０２６-11-20",
        ] {
            assert_eq!(DateTime::parse(s), None, "{s}");
        }
        assert!(DateTime::parse("2024-02-29").is_some());
    }
}
