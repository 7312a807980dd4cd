//! Validity intervals and detente's "as of" rule.
//!
//! # The "as of" rule
//!
//! A fact holds over a half-open interval `[from, to)`:
//!
//! * A partial date stands for the first day of the period it names: a fact valid
//!   from `2014` counts from 2014-01-01, one valid to `1917` stops counting on
//!   1917-01-01. Using the first day at both ends means that when a relation
//!   changes in a year, the old state and the new one meet without a gap or an
//!   overlap.
//! * An open end (`to` missing) means the fact still holds as far as its source
//!   knows.
//! * An unknown start (`from` missing) means the source asserts the fact without
//!   saying since when. On its own the interval then holds on any day before its
//!   end; given the date from which its source speaks (the assertion date), a day
//!   before that is [`Holding::Undetermined`]: detente does not know, and says so
//!   rather than answering "no".
//! * When the day asked about falls inside the period of a year- or
//!   month-precision boundary, the answer rests on that precision;
//!   [`ValidityInterval::rests_on`] names the boundary so outputs can say so.

use chrono::NaiveDate;
use serde::Serialize;

use crate::date::{PartialDate, Precision};
use crate::error::{Error, Result};

/// Whether a fact holds on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holding {
    /// The day is inside the interval.
    Holds,
    /// The interval starts after the day.
    NotYet,
    /// The interval ended on or before the day.
    Ended,
    /// The start is unknown and the day is before the source's assertion date.
    Undetermined,
}

/// The interval over which a fact holds; see the module docs for the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ValidityInterval {
    /// First period in which the fact holds; `None` when the source does not say.
    pub from: Option<PartialDate>,
    /// First period in which it no longer holds; `None` while it still holds.
    pub to: Option<PartialDate>,
}

impl ValidityInterval {
    /// An interval, checked: the end may not start before the start.
    ///
    /// Fails with [`Error::EndBeforeStart`] when `to` starts before `from`. Equal
    /// first days are allowed only when both are the same partial date of year or
    /// month precision (a fact that held for part of that period, e.g. `2021` to
    /// `2021`), which the rule then treats as empty.
    pub fn new(from: Option<PartialDate>, to: Option<PartialDate>) -> Result<Self> {
        if let (Some(f), Some(t)) = (from, to)
            && t.first_day() < f.first_day()
        {
            return Err(Error::EndBeforeStart {
                from: f.to_string(),
                to: t.to_string(),
            });
        }
        Ok(ValidityInterval { from, to })
    }

    /// Whether the fact holds on `day`, with an unknown start read as "always".
    pub fn holding_on(&self, day: NaiveDate) -> Holding {
        self.holding_on_asserted(day, None)
    }

    /// Whether the fact holds on `day`, where `asserted` is the date from which its
    /// source speaks; used only when the start is unknown.
    pub fn holding_on_asserted(&self, day: NaiveDate, asserted: Option<PartialDate>) -> Holding {
        if let Some(t) = self.to
            && day >= t.first_day()
        {
            return Holding::Ended;
        }
        match (self.from, asserted) {
            (Some(f), _) if day < f.first_day() => Holding::NotYet,
            (Some(_), _) => Holding::Holds,
            (None, Some(a)) if day < a.first_day() => Holding::Undetermined,
            (None, _) => Holding::Holds,
        }
    }

    /// The boundary of coarser than day precision whose period contains `day`, if
    /// any: the answer for that day rests on that boundary's precision.
    pub fn rests_on(&self, day: NaiveDate) -> Option<PartialDate> {
        [self.from, self.to]
            .into_iter()
            .flatten()
            .find(|b| b.precision() != Precision::Day && b.covers(day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pd(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn year_start_counts_from_january_first() {
        let i = ValidityInterval::new(Some(pd("2022")), None).unwrap();
        assert_eq!(i.holding_on(day("2021-12-31")), Holding::NotYet);
        assert_eq!(i.holding_on(day("2022-01-01")), Holding::Holds);
        assert_eq!(i.rests_on(day("2022-06-01")), Some(pd("2022")));
        assert_eq!(i.rests_on(day("2023-06-01")), None);
    }

    #[test]
    fn us_russia_relations_1809_to_1917() {
        // "established in 1809 but were interrupted after the 1917 Bolshevik Revolution"
        let i = ValidityInterval::new(Some(pd("1809")), Some(pd("1917"))).unwrap();
        assert_eq!(i.holding_on(day("1850-01-01")), Holding::Holds);
        assert_eq!(i.holding_on(day("1917-03-01")), Holding::Ended);
        assert_eq!(i.rests_on(day("1917-03-01")), Some(pd("1917")));
    }

    #[test]
    fn unknown_start_is_undetermined_before_the_assertion() {
        let i = ValidityInterval::new(None, None).unwrap();
        let asserted = Some(pd("2022"));
        assert_eq!(
            i.holding_on_asserted(day("2021-01-01"), asserted),
            Holding::Undetermined
        );
        assert_eq!(
            i.holding_on_asserted(day("2025-06-01"), asserted),
            Holding::Holds
        );
        assert_eq!(i.holding_on(day("1800-01-01")), Holding::Holds);
    }

    #[test]
    fn end_before_start_is_rejected() {
        let err = ValidityInterval::new(Some(pd("2021")), Some(pd("2020-12"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "interval ends (2020-12) before it starts (2021)"
        );
        assert!(ValidityInterval::new(Some(pd("2021-06")), Some(pd("2021"))).is_err());
        assert!(ValidityInterval::new(Some(pd("2021")), Some(pd("2021"))).is_ok());
    }

    fn arb_date() -> impl Strategy<Value = PartialDate> {
        (1800i32..2100, 0u32..13, 0u32..29).prop_map(|(y, m, d)| {
            let text = match (m, d) {
                (0, _) => format!("{y:04}"),
                (m, 0) => format!("{y:04}-{m:02}"),
                (m, d) => format!("{y:04}-{m:02}-{d:02}"),
            };
            text.parse().unwrap()
        })
    }

    fn arb_day() -> impl Strategy<Value = NaiveDate> {
        (0i64..110_000).prop_map(|n| day("1800-01-01") + chrono::Duration::days(n))
    }

    fn arb_interval() -> impl Strategy<Value = ValidityInterval> {
        (
            proptest::option::of(arb_date()),
            proptest::option::of(arb_date()),
        )
            .prop_filter_map("end before start", |(f, t)| {
                ValidityInterval::new(f, t).ok()
            })
    }

    proptest! {
        #[test]
        fn holds_exactly_on_the_half_open_interval(i in arb_interval(), d in arb_day()) {
            let after_start = i.from.is_none_or(|f| f.first_day() <= d);
            let before_end = i.to.is_none_or(|t| d < t.first_day());
            prop_assert_eq!(i.holding_on(d) == Holding::Holds, after_start && before_end);
        }

        #[test]
        fn holding_days_form_one_unbroken_run(i in arb_interval(), a in arb_day(), b in arb_day(), c in arb_day()) {
            let mut v = [a, b, c];
            v.sort();
            if i.holding_on(v[0]) == Holding::Holds && i.holding_on(v[2]) == Holding::Holds {
                prop_assert_eq!(i.holding_on(v[1]), Holding::Holds);
            }
        }

        #[test]
        fn consecutive_states_meet_without_gap_or_overlap(a in arb_date(), b in arb_date(), d in arb_day()) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            let old = ValidityInterval::new(Some(a), Some(b)).unwrap();
            let new = ValidityInterval::new(Some(b), None).unwrap();
            let n = [old.holding_on(d), new.holding_on(d)]
                .iter()
                .filter(|h| **h == Holding::Holds)
                .count();
            if d >= a.first_day() {
                prop_assert_eq!(n, 1);
            } else {
                prop_assert_eq!(n, 0);
            }
        }

        #[test]
        fn assertion_date_only_matters_for_unknown_starts(i in arb_interval(), d in arb_day(), a in arb_date()) {
            let with = i.holding_on_asserted(d, Some(a));
            let without = i.holding_on(d);
            if i.from.is_some() {
                prop_assert_eq!(with, without);
            } else if with != Holding::Undetermined {
                prop_assert_eq!(with, without);
            } else {
                prop_assert!(d < a.first_day());
            }
        }

        #[test]
        fn rests_on_names_a_coarse_boundary_covering_the_day(i in arb_interval(), d in arb_day()) {
            match i.rests_on(d) {
                Some(b) => {
                    prop_assert!(b.precision() != Precision::Day);
                    prop_assert!(b.covers(d));
                }
                None => {
                    for b in [i.from, i.to].into_iter().flatten() {
                        prop_assert!(b.precision() == Precision::Day || !b.covers(d));
                    }
                }
            }
        }
    }
}
