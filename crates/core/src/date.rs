//! Dates known to a year, a month or a day.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// How much of a [`PartialDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Only the year: `2014`.
    Year,
    /// Year and month: `2021-06`.
    Month,
    /// The day: `2022-02-24`.
    Day,
}

impl Precision {
    /// The lowercase name used in outputs and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A calendar date known to a year, a month or a day, as sources give them.
///
/// Written `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 0001 to 9999). A partial date
/// stands for the period it names: `2014` is the whole of 2014. Where a single
/// day is needed, [`PartialDate::first_day`] is used: that is detente's "as of"
/// rule (see [`crate::ValidityInterval`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    first: NaiveDate,
    precision: Precision,
}

impl PartialDate {
    /// A date known to the year.
    pub fn year(year: i32) -> Result<Self> {
        Self::build(year, None, None, &year.to_string())
    }

    /// A date known to the day.
    pub fn day(date: NaiveDate) -> Self {
        PartialDate {
            first: date,
            precision: Precision::Day,
        }
    }

    fn build(year: i32, month: Option<u32>, day: Option<u32>, text: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidDate {
            value: text.to_string(),
            reason,
        };
        if !(1..=9999).contains(&year) {
            return Err(invalid("year must be between 0001 and 9999"));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(invalid("month must be between 01 and 12"));
        }
        let first = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1))
            .ok_or_else(|| invalid("no such day in the calendar"))?;
        let precision = match (month, day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        };
        Ok(PartialDate { first, precision })
    }

    /// How much of the date is known.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The first day of the period the date names (`2014` gives 2014-01-01).
    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    /// The first day after the period the date names (`2014` gives 2015-01-01).
    pub fn end_exclusive(&self) -> NaiveDate {
        let f = self.first;
        let next = match self.precision {
            Precision::Year => NaiveDate::from_ymd_opt(f.year() + 1, 1, 1),
            Precision::Month if f.month() == 12 => NaiveDate::from_ymd_opt(f.year() + 1, 1, 1),
            Precision::Month => NaiveDate::from_ymd_opt(f.year(), f.month() + 1, 1),
            Precision::Day => f.succ_opt(),
        };
        // Years stop at 9999, so the next period always exists in chrono's range
        // (which reaches year 262142).
        next.unwrap_or(NaiveDate::MAX)
    }

    /// The last day of the period the date names (`2014` gives 2014-12-31).
    pub fn last_day(&self) -> NaiveDate {
        // The period has at least one day, so the day before its end exists.
        self.end_exclusive().pred_opt().unwrap_or(self.first)
    }

    /// Whether `day` falls inside the period this date names.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.first <= day && day < self.end_exclusive()
    }

    /// The year.
    pub fn year_number(&self) -> i32 {
        self.first.year()
    }
}

impl FromStr for PartialDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidDate {
            value: s.to_string(),
            reason,
        };
        let parts: Vec<&str> = s.split('-').collect();
        let widths_ok = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        };
        if !widths_ok || parts.iter().any(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(invalid("expected YYYY, YYYY-MM or YYYY-MM-DD"));
        }
        let num = |p: &str| p.parse::<u32>().map_err(|_| invalid("not a number"));
        let year = i32::try_from(num(parts[0])?).map_err(|_| invalid("year out of range"))?;
        let month = parts.get(1).map(|p| num(p)).transpose()?;
        let day = parts.get(2).map(|p| num(p)).transpose()?;
        Self::build(year, month, day, s)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Year => write!(f, "{:04}", self.first.year()),
            Precision::Month => write!(f, "{}", self.first.format("%Y-%m")),
            Precision::Day => write!(f, "{}", self.first.format("%Y-%m-%d")),
        }
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PartialDate {
    /// Ordered by first day, then the coarser date first (`2021` before `2021-01`).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.first
            .cmp(&other.first)
            .then(self.precision.cmp(&other.precision))
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_each_precision() {
        let y: PartialDate = "2014".parse().unwrap();
        assert_eq!(y.precision(), Precision::Year);
        assert_eq!(y.first_day(), d(2014, 1, 1));
        assert_eq!(y.end_exclusive(), d(2015, 1, 1));
        let m: PartialDate = "2021-06".parse().unwrap();
        assert_eq!(m.precision(), Precision::Month);
        assert_eq!(m.end_exclusive(), d(2021, 7, 1));
        let dec: PartialDate = "2021-12".parse().unwrap();
        assert_eq!(dec.end_exclusive(), d(2022, 1, 1));
        let day: PartialDate = "2022-02-24".parse().unwrap();
        assert_eq!(day.precision(), Precision::Day);
        assert_eq!(day.end_exclusive(), d(2022, 2, 25));
        assert_eq!(y.last_day(), d(2014, 12, 31));
        assert_eq!(m.last_day(), d(2021, 6, 30));
        assert_eq!(day.last_day(), d(2022, 2, 24));
    }

    #[test]
    fn displays_as_written() {
        for s in ["1809", "2021-06", "2022-02-24", "0988"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for s in [
            "2021-02-30",
            "2021-13",
            "2021-00",
            "0000",
            "21",
            "2021-6",
            "2021/06/01",
            "",
            "2021-06-01T00",
            "２０２１",
            "-2021",
        ] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should be rejected");
        }
        let err = "2023-02-29".parse::<PartialDate>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date \"2023-02-29\": no such day in the calendar"
        );
        assert!("2024-02-29".parse::<PartialDate>().is_ok());
    }

    #[test]
    fn coarser_dates_sort_first_on_the_same_day() {
        let mut v: Vec<PartialDate> = ["2021-06-16", "2021", "2021-06", "1933"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        v.sort();
        let shown: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(shown, ["1933", "2021", "2021-06", "2021-06-16"]);
    }

    #[test]
    fn covers_its_whole_period() {
        let y: PartialDate = "1917".parse().unwrap();
        assert!(y.covers(d(1917, 11, 7)));
        assert!(!y.covers(d(1918, 1, 1)));
        assert!(!y.covers(d(1916, 12, 31)));
    }
}
