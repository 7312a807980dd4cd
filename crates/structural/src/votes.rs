//! UN General Assembly roll-call votes (Voeten's data as the unvotes package
//! ships it) and foreign-policy similarity from them.
//!
//! # Similarity of two states' votes in a year
//! Over the roll calls of a calendar year on which both states voted yes,
//! abstain or no (coded 1, 2, 3; absence is not a vote), with n such roll calls:
//!
//! - `agree`: Voeten's agreement index, the mean of 1 (same vote), 0.5 (one
//!   abstains, the other does not) and 0 (yes against no), i.e.
//!   1 − Σ|x − y| / 2n.
//! - `s`: Signorino and Ritter's S with the city-block metric, every roll call
//!   weighted equally, and the maximum distance per roll call 2 (yes to no):
//!   S = 1 − 2·Σ|x − y| / (2n) = 1 − Σ|x − y| / n. With equal weights and this
//!   metric S = 2·agree − 1; the two differ once weights or another metric are
//!   chosen (Signorino & Ritter 1999, "Tau-b or Not Tau-b", ISQ 43(1)).
//! - `kappa`: Cohen's kappa over the three categories, p_o the share of
//!   identical votes and p_e = Σ_c p_A(c)·p_B(c) from each state's own shares
//!   on those roll calls; (p_o − p_e)/(1 − p_e), undefined (NULL) when
//!   p_e = 1. Kappa corrects agreement for what the two states' vote
//!   distributions would give by chance (Häge 2011, "Choice or Circumstance?
//!   Adjusting Measures of Foreign Policy Similarity for Chance Agreement",
//!   Political Analysis 19(3)).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::cow::{Codes, Read};
use crate::dataset::RawFile;
use crate::error::Result;
use crate::text::{ReadReport, Skipped, Table};

/// One roll call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollCall {
    /// Roll-call id.
    pub rcid: u32,
    /// General Assembly session.
    pub session: u32,
    /// Marked important by the US State Department.
    pub important: bool,
    /// Date of the vote.
    pub date: NaiveDate,
    /// Resolution number.
    pub unres: Option<String>,
    /// Short description.
    pub short: Option<String>,
    /// Description.
    pub descr: Option<String>,
}

/// Reads `un_roll_calls.csv`.
pub fn roll_calls(raw: &RawFile) -> Result<Read<RollCall>> {
    let t = Table::parse(raw, b',')?;
    let [rcid, session, imp, date, unres, short, descr] = t.columns([
        "rcid",
        "session",
        "importantvote",
        "date",
        "unres",
        "short",
        "descr",
    ])?;
    Ok(t.read(|r| {
        let d = r.str(date);
        Ok(RollCall {
            rcid: r.int(rcid, "rcid")? as u32,
            session: r.int(session, "session")? as u32,
            important: r.opt_int(imp, "importantvote")? == Some(1),
            date: NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("column date: {d:?} is not YYYY-MM-DD"))?,
            unres: r.opt_str(unres),
            short: r.opt_str(short),
            descr: r.opt_str(descr),
        })
    }))
}

/// One roll-call issue tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollCallIssue {
    /// Roll-call id.
    pub rcid: u32,
    /// Issue code (`me`, `nu`, `di`, `hr`, `co`, `ec`).
    pub short_name: String,
    /// Issue.
    pub issue: String,
}

/// Reads `un_roll_call_issues.csv`.
pub fn roll_call_issues(raw: &RawFile) -> Result<Read<RollCallIssue>> {
    let t = Table::parse(raw, b',')?;
    let [rcid, short, issue] = t.columns(["rcid", "short_name", "issue"])?;
    Ok(t.read(|r| {
        Ok(RollCallIssue {
            rcid: r.int(rcid, "rcid")? as u32,
            short_name: r.str(short).to_string(),
            issue: r.str(issue).to_string(),
        })
    }))
}

/// A vote: yes 1, abstain 2, no 3.
pub type Vote = u8;

/// One country's vote on one roll call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryVote {
    /// Roll-call id.
    pub rcid: u32,
    /// Country as the data name it.
    pub country: String,
    /// ISO 3166-1 alpha-2 code, when the data give one.
    pub iso2: Option<String>,
    /// Yes 1, abstain 2, no 3.
    pub vote: Vote,
}

/// Reads `un_votes.csv`.
pub fn votes(raw: &RawFile) -> Result<Read<CountryVote>> {
    let t = Table::parse(raw, b',')?;
    let [rcid, country, code, vote] = t.columns(["rcid", "country", "country_code", "vote"])?;
    Ok(t.read(|r| {
        let v = match r.str(vote) {
            "yes" => 1,
            "abstain" => 2,
            "no" => 3,
            other => return Err(format!("column vote: {other:?} is not yes, no or abstain")),
        };
        Ok(CountryVote {
            rcid: r.int(rcid, "rcid")? as u32,
            country: r.str(country).to_string(),
            iso2: r.opt_str(code),
            vote: v,
        })
    }))
}

/// Countries of the vote data that no table maps to a COW code, with the code
/// and the reason. Each is checked by a test against `states2016.csv`.
const UN_NAMES_TO_COW: [(&str, u16, &str); 2] = [
    (
        "Federal Republic of Germany",
        260,
        "COW 260 is the German Federal Republic (1955-1990)",
    ),
    (
        "Yemen Arab Republic",
        678,
        "COW 678 is the Yemen Arab Republic (1926-1990)",
    ),
];

/// How a UN country was matched to a COW code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryMatch {
    /// Country as the vote data name it.
    pub country: String,
    /// ISO2 code in the vote data.
    pub iso2: Option<String>,
    /// COW code, when matched.
    pub ccode: Option<u16>,
    /// How: `iso2 via states.csv`, `name via countrycode`, or the curated reason.
    pub how: String,
}

/// Matches each country of the vote data to a COW code: by ISO2 through
/// detente's states table, then by exact name through the countrycode list
/// (English or COW name), then by the short curated list above.
pub fn match_countries(votes: &[CountryVote], codelist: &[Codes]) -> Vec<CountryMatch> {
    let states = detente_core::reference::states().unwrap_or_default();
    let mut seen: BTreeMap<(String, Option<String>), ()> = BTreeMap::new();
    for v in votes {
        seen.entry((v.country.clone(), v.iso2.clone())).or_default();
    }
    seen.into_keys()
        .map(|(country, iso2)| {
            let by_iso2 = iso2.as_deref().and_then(|c| {
                states
                    .iter()
                    .find(|s| s.iso2 == c)
                    .and_then(|s| s.cow_code)
                    .and_then(|c| u16::try_from(c).ok())
            });
            let by_name = || {
                codelist
                    .iter()
                    .find(|c| c.name == country || c.cow_name.as_deref() == Some(&country))
                    .and_then(|c| c.cown)
            };
            let curated = || {
                UN_NAMES_TO_COW
                    .iter()
                    .find(|(n, _, _)| *n == country)
                    .map(|&(_, c, why)| (c, why))
            };
            let (ccode, how) = if let Some(c) = by_iso2 {
                (Some(c), "iso2 via states.csv".to_string())
            } else if let Some(c) = by_name() {
                (Some(c), "name via countrycode".to_string())
            } else if let Some((c, why)) = curated() {
                (Some(c), why.to_string())
            } else {
                (None, "no match".to_string())
            };
            CountryMatch {
                country,
                iso2,
                ccode,
                how,
            }
        })
        .collect()
}

/// Votes of one calendar year, one row per state.
#[derive(Debug, Clone, Default)]
pub struct YearVotes {
    /// Roll calls of the year, in rcid order.
    pub rcids: Vec<u32>,
    /// Each state's votes aligned with `rcids` (0: did not vote).
    pub by_state: HashMap<u16, Vec<Vote>>,
}

/// UN votes by COW state and year.
#[derive(Debug, Clone, Default)]
pub struct VoteMatrix {
    /// Years with roll calls.
    pub years: BTreeMap<i32, YearVotes>,
    /// How the data's countries matched COW codes.
    pub matches: Vec<CountryMatch>,
}

impl VoteMatrix {
    /// Arranges the votes by year and state. Votes of unmatched countries,
    /// on unknown roll calls, or a second vote of the same state on the same
    /// roll call are added to `report` as skipped.
    pub fn build(
        votes: &[CountryVote],
        roll_calls: &[RollCall],
        codelist: &[Codes],
        report: &mut ReadReport,
    ) -> VoteMatrix {
        let matches = match_countries(votes, codelist);
        let ccode: HashMap<(&str, Option<&str>), Option<u16>> = matches
            .iter()
            .map(|m| ((m.country.as_str(), m.iso2.as_deref()), m.ccode))
            .collect();
        let mut years: BTreeMap<i32, YearVotes> = BTreeMap::new();
        let mut slot: HashMap<u32, (i32, usize)> = HashMap::new();
        let mut calls: Vec<&RollCall> = roll_calls.iter().collect();
        calls.sort_by_key(|c| c.rcid);
        for c in calls {
            let y = years.entry(c.date.year()).or_default();
            slot.insert(c.rcid, (c.date.year(), y.rcids.len()));
            y.rcids.push(c.rcid);
        }
        let mut skipped = 0;
        for v in votes {
            let Some(&(year, i)) = slot.get(&v.rcid) else {
                report.skipped.push(Skipped {
                    line: 0,
                    reason: format!("roll call {} is not in un_roll_calls", v.rcid),
                    text: format!("{},{}", v.rcid, v.country),
                });
                skipped += 1;
                continue;
            };
            let Some(Some(cc)) = ccode.get(&(v.country.as_str(), v.iso2.as_deref())) else {
                report.skipped.push(Skipped {
                    line: 0,
                    reason: format!("country {:?} has no COW code", v.country),
                    text: format!("{},{}", v.rcid, v.country),
                });
                skipped += 1;
                continue;
            };
            let y = years
                .get_mut(&year)
                .expect("every slot's year was inserted above");
            let n = y.rcids.len();
            let row = y.by_state.entry(*cc).or_insert_with(|| vec![0; n]);
            if row[i] != 0 {
                report.skipped.push(Skipped {
                    line: 0,
                    reason: format!("second vote of COW {cc} on one roll call"),
                    text: format!("{},{}", v.rcid, v.country),
                });
                skipped += 1;
                continue;
            }
            row[i] = v.vote;
        }
        report.used = report.used.saturating_sub(skipped);
        VoteMatrix { years, matches }
    }
}

/// Similarity of two states' votes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Similarity {
    /// Roll calls on which both voted.
    pub votes: u32,
    /// Voeten's agreement index (0 to 1).
    pub agree: f64,
    /// Signorino and Ritter's S, city-block, equal weights (-1 to 1).
    pub s: f64,
    /// Cohen's kappa; `None` when chance agreement is 1.
    pub kappa: Option<f64>,
}

/// Similarity over aligned vote rows (0: did not vote); `None` when the two
/// never voted on the same roll call.
pub fn similarity(a: &[Vote], b: &[Vote]) -> Option<Similarity> {
    let mut n = 0u32;
    let mut dist = 0u32;
    let mut same = 0u32;
    let mut ca = [0u32; 4];
    let mut cb = [0u32; 4];
    for (&x, &y) in a.iter().zip(b) {
        if x == 0 || y == 0 {
            continue;
        }
        n += 1;
        dist += u32::from(x.abs_diff(y));
        same += u32::from(x == y);
        ca[usize::from(x)] += 1;
        cb[usize::from(y)] += 1;
    }
    if n == 0 {
        return None;
    }
    let nf = f64::from(n);
    let d = f64::from(dist) / nf;
    let po = f64::from(same) / nf;
    let pe: f64 = (1..4)
        .map(|c| f64::from(ca[c]) / nf * (f64::from(cb[c]) / nf))
        .sum();
    Some(Similarity {
        votes: n,
        agree: 1.0 - d / 2.0,
        s: 1.0 - d,
        kappa: (pe < 1.0 - 1e-12).then(|| (po - pe) / (1.0 - pe)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_by_hand() {
        // yes/yes, yes/no, abstain/yes, no/no, (absent), yes/yes.
        let a = [1, 1, 2, 3, 0, 1];
        let b = [1, 3, 1, 3, 1, 1];
        let s = similarity(&a, &b).unwrap();
        // n = 5; distances 0, 2, 1, 0, 0 → Σ = 3; agree = 1 - 3/10 = 0.7; S = 1 - 3/5 = 0.4.
        assert_eq!(s.votes, 5);
        assert!((s.agree - 0.7).abs() < 1e-12);
        assert!((s.s - 0.4).abs() < 1e-12);
        // p_o = 3/5; A: yes 3, abst 1, no 1; B: yes 3, no 2 →
        // p_e = (3·3 + 1·0 + 1·2)/25 = 11/25; kappa = (15/25 - 11/25)/(14/25) = 4/14.
        assert!((s.kappa.unwrap() - 4.0 / 14.0).abs() < 1e-12);
    }

    #[test]
    fn identical_unanimous_votes_have_no_kappa() {
        let s = similarity(&[1, 1, 1], &[1, 1, 1]).unwrap();
        assert_eq!((s.agree, s.s, s.kappa), (1.0, 1.0, None));
        assert_eq!(similarity(&[1, 0], &[0, 3]), None);
    }
}
