//! Property tests of "as of" answers over the bundled facts.

use chrono::{Duration, NaiveDate};
use detente_atlas::RelationFilter;
use detente_core::PartialDate;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::{atlas, day};

fn any_day() -> impl Strategy<Value = NaiveDate> {
    // 1800-01-01 to about 2040.
    (0i64..87_000).prop_map(|n| day("1800-01-01") + Duration::days(n))
}

fn first_day(s: &str) -> NaiveDate {
    s.parse::<PartialDate>().unwrap().first_day()
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: 200,
        ..Config::default()
    })
}

#[test]
fn us_russia_diplomatic_states_succeed_each_other_without_gap_or_overlap() {
    let a = atlas();
    let filter = RelationFilter {
        kind: Some("diplomatic".into()),
        status: None,
    };
    runner()
        .run(&any_day(), |d| {
            let ans = a.relations("USA", d, &filter).unwrap();
            let with_russia: Vec<_> = ans
                .relations
                .iter()
                .filter(|r| r.object.as_deref() == Some("RUS"))
                .collect();
            if d < day("1809-01-01") {
                prop_assert!(with_russia.is_empty());
            } else {
                prop_assert_eq!(with_russia.len(), 1, "on {}: {:?}", d, with_russia);
                let want = if d < day("1917-01-01") {
                    "established"
                } else if d < day("1933-01-01") {
                    "interrupted"
                } else {
                    "resumed"
                };
                prop_assert_eq!(&with_russia[0].status, want);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_answer_lies_inside_its_interval() {
    let a = atlas();
    let actors = ["RUS", "USA", "UKR", "NATO", "WEST", "SUN", "SYR"];
    let strategy = (any_day(), 0..actors.len());
    runner()
        .run(&strategy, |(d, i)| {
            let ans = a
                .relations(actors[i], d, &RelationFilter::default())
                .unwrap();
            for r in &ans.relations {
                if let Some(f) = &r.valid_from {
                    prop_assert!(first_day(f) <= d, "{r:?} on {d}");
                }
                if let Some(t) = &r.valid_to {
                    prop_assert!(d < first_day(t), "{r:?} on {d}");
                }
                // The caveat appears exactly when a coarse boundary covers the day.
                let coarse = [&r.valid_from, &r.valid_to].into_iter().flatten().any(|b| {
                    let p: PartialDate = b.parse().unwrap();
                    p.precision() != detente_core::Precision::Day && p.covers(d)
                });
                if coarse {
                    prop_assert!(
                        r.caveat
                            .as_deref()
                            .unwrap_or("")
                            .contains("-precision date")
                    );
                }
            }
            for r in &ans.undetermined {
                prop_assert!(r.valid_from.is_none());
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn what_happened_by_a_day_only_grows() {
    let a = atlas();
    let strategy = (any_day(), any_day());
    runner()
        .run(&strategy, |(x, y)| {
            let (early, late) = if x <= y { (x, y) } else { (y, x) };
            let ids = |d| -> Vec<i64> {
                a.facts_of("RUS", "event", d)
                    .unwrap()
                    .into_iter()
                    .map(|f| f.id)
                    .collect()
            };
            let (e, l) = (ids(early), ids(late));
            prop_assert!(
                e.iter().all(|id| l.contains(id)),
                "{early} {e:?} vs {late} {l:?}"
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn treaty_steps_happen_once_and_stay_happened() {
    let a = atlas();
    let strategy = (any_day(), any_day());
    runner()
        .run(&strategy, |(x, y)| {
            let (early, late) = if x <= y { (x, y) } else { (y, x) };
            for id in a.treaty_ids().unwrap() {
                let e = a.treaty(&id, early).unwrap();
                let l = a.treaty(&id, late).unwrap();
                for (se, sl) in e.steps.iter().zip(&l.steps) {
                    prop_assert!(!se.happened || sl.happened);
                }
            }
            Ok(())
        })
        .unwrap();
}
