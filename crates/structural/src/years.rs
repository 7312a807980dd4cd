//! State-years and dyad-years of the COW state system with covariates.
//!
//! Units: a state-year is a COW system member in a year (`system2016.csv`);
//! a dyad-year is two states that are both members that year. Directed
//! tables hold (A, B) and (B, A); non-directed ones hold each pair once with
//! `ccode1 < ccode2`.
//!
//! Coverage: a covariate is NULL in a year outside its data set's years
//! ([`Dataset::years`]), never 0; inside them, an absence the data record
//! (no MID, no war, no warheads, no colonial contiguity) is 0 or false.
//!
//! Symmetric dyadic variables (the same for (A, B) and (B, A)):
//! `colonial_contiguity`, `mid_onset`, `mid_ongoing`, `mid_hostility`,
//! `interstate_war`, `un_votes`, `un_agree`, `un_s`, `un_kappa`. Variables
//! ending in 1 or 2 describe one side.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, RecordBatch, StringBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::load::Structural;
use crate::votes::similarity;

/// A group of covariates, each from its own data sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Covariate {
    /// National Material Capabilities: CINC and its six components.
    Capabilities,
    /// Major-power status.
    Majors,
    /// Colonial/dependency contiguity.
    Contiguity,
    /// Militarized interstate disputes: onset, ongoing, hostility.
    Mids,
    /// Wars: inter-state (dyadic and monadic), extra- and intra-state (monadic).
    Wars,
    /// Nuclear warheads (FAS).
    Nuclear,
    /// UN General Assembly voting similarity.
    Votes,
}

impl Covariate {
    /// Every covariate.
    pub const ALL: [Covariate; 7] = [
        Covariate::Capabilities,
        Covariate::Majors,
        Covariate::Contiguity,
        Covariate::Mids,
        Covariate::Wars,
        Covariate::Nuclear,
        Covariate::Votes,
    ];

    /// The data sets it needs for state-years (`dyadic` false) or dyad-years.
    pub fn datasets(self, dyadic: bool) -> &'static [Dataset] {
        match (self, dyadic) {
            (Covariate::Capabilities, _) => &[Dataset::Nmc],
            (Covariate::Majors, _) => &[Dataset::Majors],
            (Covariate::Contiguity, true) => &[Dataset::ColonialContiguity],
            (Covariate::Contiguity, false) => &[Dataset::ColonialContiguityStateYears],
            (Covariate::Mids, _) => &[Dataset::DyadicMids],
            (Covariate::Wars, true) => &[Dataset::InterStateWars],
            (Covariate::Wars, false) => &[
                Dataset::InterStateWars,
                Dataset::ExtraStateWars,
                Dataset::IntraStateWars,
            ],
            (Covariate::Nuclear, _) => &[Dataset::NuclearStockpiles],
            (Covariate::Votes, _) => &[Dataset::UnVotes],
        }
    }
}

/// What to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearsQuery {
    /// First year.
    pub from: i32,
    /// Last year.
    pub to: i32,
    /// Covariates to join.
    pub covariates: BTreeSet<Covariate>,
    /// Dyad-years: both (A, B) and (B, A).
    pub directed: bool,
    /// Dyad-years: only politically relevant dyads (see [`dyad_years`]).
    pub politically_relevant: bool,
}

impl YearsQuery {
    /// The data sets this query reads.
    pub fn datasets(&self, dyadic: bool) -> Vec<Dataset> {
        let mut d: BTreeSet<Dataset> = [Dataset::States, Dataset::System].into();
        for c in &self.covariates {
            d.extend(c.datasets(dyadic));
        }
        if d.contains(&Dataset::UnVotes) {
            d.extend([Dataset::UnRollCalls, Dataset::CountryCodelist]);
        }
        if dyadic && self.politically_relevant {
            d.extend(Covariate::Majors.datasets(true));
            d.extend(Covariate::Contiguity.datasets(true));
        }
        d.into_iter().collect()
    }

    fn check(&self) -> Result<()> {
        let (lo, hi) = Dataset::System.years();
        if self.from > self.to {
            return Err(Error::Years(format!(
                "the first year {} is after the last {}",
                self.from, self.to
            )));
        }
        if self.from < lo || self.to > hi {
            return Err(Error::Years(format!(
                "the COW state system data cover {lo}-{hi}; {}-{} reaches outside them",
                self.from, self.to
            )));
        }
        Ok(())
    }
}

/// A built table: Arrow batches (one per year) and the data sets it used.
#[derive(Debug, Clone)]
pub struct YearTable {
    /// Schema of every batch.
    pub schema: SchemaRef,
    /// Batches in year order.
    pub batches: Vec<RecordBatch>,
    /// Data sets read.
    pub datasets: Vec<Dataset>,
}

impl YearTable {
    /// Rows in all batches.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

const FIRST: i32 = 1816;
const SPAN: usize = 2100 - 1816;

/// Index of a (state, year) in dense per-state-year arrays.
fn idx(ccode: u16, year: i32) -> Option<usize> {
    let y = usize::try_from(year - FIRST).ok().filter(|&y| y < SPAN)?;
    Some(y * 1000 + usize::from(ccode))
}

fn dense<T: Clone>(v: T) -> Vec<T> {
    vec![v; SPAN * 1000]
}

/// Key of an unordered dyad-year.
fn pair(a: u16, b: u16, year: i32) -> u64 {
    let (lo, hi) = (a.min(b), a.max(b));
    ((year as u64) << 20) | (u64::from(lo) << 10) | u64::from(hi)
}

fn covered(d: Dataset, year: i32) -> bool {
    let (lo, hi) = d.years();
    (lo..=hi).contains(&year)
}

/// Lookups shared by the state-year and dyad-year builders.
#[derive(Debug)]
struct Lookups {
    members: HashMap<i32, Vec<u16>>,
    abbrev: HashMap<u16, (String, String)>,
    cinc: Vec<Option<[Option<f64>; 7]>>,
    major: Vec<bool>,
    warheads: Vec<f64>,
    colonial: HashMap<u64, u8>,
    mid: HashMap<u64, (bool, i64)>,
    war: HashSet<u64>,
}

/// FAS names its countries in English; these are the names of
/// `detente_core`'s states table, so the match is by name (FAS lists the
/// Soviet Union as Russia, COW 365 throughout).
fn stockpile_ccodes() -> HashMap<String, u16> {
    detente_core::reference::states()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| Some((s.name, u16::try_from(s.cow_code?).ok()?)))
        .collect()
}

impl Lookups {
    fn build(s: &Structural, q: &YearsQuery) -> Lookups {
        let mut members: HashMap<i32, Vec<u16>> = HashMap::new();
        for sy in &s.system {
            if (q.from..=q.to).contains(&sy.year) {
                members.entry(sy.year).or_default().push(sy.ccode);
            }
        }
        for m in members.values_mut() {
            m.sort_unstable();
            m.dedup();
        }
        let abbrev = s
            .states
            .iter()
            .map(|st| (st.ccode, (st.abbrev.clone(), st.name.clone())))
            .collect();
        let mut cinc = Vec::new();
        if !s.nmc.is_empty() {
            cinc = dense(None);
            for c in &s.nmc {
                if let Some(i) = idx(c.ccode, c.year) {
                    cinc[i] = Some([c.milex, c.milper, c.irst, c.pec, c.tpop, c.upop, c.cinc]);
                }
            }
        }
        let mut major = Vec::new();
        if !s.majors.is_empty() {
            major = dense(false);
            for m in &s.majors {
                for y in m.start.year()..=m.end.year() {
                    if let Some(i) = idx(m.ccode, y) {
                        major[i] = true;
                    }
                }
            }
        }
        let mut warheads = Vec::new();
        if !s.stockpiles.is_empty() {
            warheads = dense(0.0);
            let names = stockpile_ccodes();
            for p in &s.stockpiles {
                if let Some(&cc) = names.get(&p.country)
                    && let Some(i) = idx(cc, p.year)
                {
                    warheads[i] = p.warheads;
                }
            }
        }
        let mut colonial: HashMap<u64, u8> = HashMap::new();
        for c in &s.colonial {
            for y in c.years.start..=c.years.end {
                let e = colonial
                    .entry(pair(c.ccode1, c.ccode2, y))
                    .or_insert(c.conttype);
                *e = (*e).min(c.conttype);
            }
        }
        let mut mid: HashMap<u64, (bool, i64)> = HashMap::new();
        for m in &s.mids {
            let e = mid
                .entry(pair(m.statea, m.stateb, m.year))
                .or_insert((false, 0));
            e.0 |= m.year == m.start_year;
            e.1 = e.1.max(m.hostility.unwrap_or(0));
        }
        let mut war = HashSet::new();
        let mut by_war: HashMap<u32, Vec<&crate::cow::InterStateParticipation>> = HashMap::new();
        for p in &s.interstate_wars {
            by_war.entry(p.war_num).or_default().push(p);
        }
        for parts in by_war.values() {
            for a in parts {
                for b in parts {
                    if a.side == 1 && b.side == 2 {
                        for sa in &a.spells {
                            for sb in &b.spells {
                                for y in sa.start.max(sb.start)..=sa.end.min(sb.end) {
                                    war.insert(pair(a.ccode, b.ccode, y));
                                }
                            }
                        }
                    }
                }
            }
        }
        Lookups {
            members,
            abbrev,
            cinc,
            major,
            warheads,
            colonial,
            mid,
            war,
        }
    }

    fn abbrev(&self, c: u16) -> &str {
        self.abbrev.get(&c).map_or("", |a| a.0.as_str())
    }
}

fn f(name: &str, t: DataType) -> Field {
    Field::new(name, t, true)
}

/// The columns of a dyad-year table for these covariates.
pub fn dyad_schema(covariates: &BTreeSet<Covariate>) -> SchemaRef {
    use DataType::*;
    let mut fields = vec![
        Field::new("year", Int32, false),
        Field::new("ccode1", Int32, false),
        Field::new("ccode2", Int32, false),
        Field::new("stateabb1", Utf8, false),
        Field::new("stateabb2", Utf8, false),
    ];
    for c in covariates {
        match c {
            Covariate::Capabilities => {
                fields.extend([f("cinc1", Float64), f("cinc2", Float64)]);
            }
            Covariate::Majors => fields.extend([f("major1", Boolean), f("major2", Boolean)]),
            Covariate::Contiguity => fields.push(f("colonial_contiguity", Int32)),
            Covariate::Mids => fields.extend([
                f("mid_onset", Boolean),
                f("mid_ongoing", Boolean),
                f("mid_hostility", Int32),
            ]),
            Covariate::Wars => fields.push(f("interstate_war", Boolean)),
            Covariate::Nuclear => fields.extend([f("warheads1", Float64), f("warheads2", Float64)]),
            Covariate::Votes => fields.extend([
                f("un_votes", Int32),
                f("un_agree", Float64),
                f("un_s", Float64),
                f("un_kappa", Float64),
            ]),
        }
    }
    Arc::new(Schema::new(fields))
}

/// Builds dyad-years from `s` (loaded with [`YearsQuery::datasets`]).
///
/// Politically relevant dyads: at least one side is a major power that year,
/// or the two are colonially contiguous (COW Colonial/Dependency Contiguity,
/// any type). Lemke and Reed's definition uses direct contiguity, which the
/// bundled data do not include, so directly contiguous minor-power dyads are
/// not counted as relevant.
///
/// Fails when the years fall outside 1816-2016.
pub fn dyad_years(s: &Structural, q: &YearsQuery) -> Result<YearTable> {
    q.check()?;
    let lk = Lookups::build(s, q);
    let schema = dyad_schema(&q.covariates);
    let years: Vec<i32> = (q.from..=q.to).collect();
    let batches: Vec<RecordBatch> = years
        .par_iter()
        .map(|&y| dyad_year_batch(s, q, &lk, &schema, y))
        .collect::<Result<Vec<_>>>()?;
    Ok(YearTable {
        schema,
        batches,
        datasets: q.datasets(true),
    })
}

fn dyad_year_batch(
    s: &Structural,
    q: &YearsQuery,
    lk: &Lookups,
    schema: &SchemaRef,
    y: i32,
) -> Result<RecordBatch> {
    let empty = Vec::new();
    let members = lk.members.get(&y).unwrap_or(&empty);
    let mut pairs: Vec<(u16, u16)> = Vec::with_capacity(members.len() * members.len());
    for &a in members {
        for &b in members {
            if a == b || (!q.directed && a > b) {
                continue;
            }
            if q.politically_relevant {
                let major =
                    |c| idx(c, y).is_some_and(|i| lk.major.get(i).copied().unwrap_or(false));
                if !(major(a) || major(b) || lk.colonial.contains_key(&pair(a, b, y))) {
                    continue;
                }
            }
            pairs.push((a, b));
        }
    }
    let n = pairs.len();
    let mut cols: Vec<ArrayRef> = Vec::new();
    let int = |it: &mut dyn Iterator<Item = Option<i32>>| -> ArrayRef {
        let mut b = Int32Builder::with_capacity(n);
        for v in it {
            b.append_option(v);
        }
        Arc::new(b.finish())
    };
    let float = |it: &mut dyn Iterator<Item = Option<f64>>| -> ArrayRef {
        let mut b = Float64Builder::with_capacity(n);
        for v in it {
            b.append_option(v);
        }
        Arc::new(b.finish())
    };
    let boolean = |it: &mut dyn Iterator<Item = Option<bool>>| -> ArrayRef {
        let mut b = BooleanBuilder::with_capacity(n);
        for v in it {
            b.append_option(v);
        }
        Arc::new(b.finish())
    };
    let text = |it: &mut dyn Iterator<Item = &str>| -> ArrayRef {
        let mut b = StringBuilder::with_capacity(n, n * 3);
        for v in it {
            b.append_value(v);
        }
        Arc::new(b.finish())
    };
    cols.push(int(&mut pairs.iter().map(|_| Some(y))));
    cols.push(int(&mut pairs.iter().map(|p| Some(i32::from(p.0)))));
    cols.push(int(&mut pairs.iter().map(|p| Some(i32::from(p.1)))));
    cols.push(text(&mut pairs.iter().map(|p| lk.abbrev(p.0))));
    cols.push(text(&mut pairs.iter().map(|p| lk.abbrev(p.1))));
    for c in &q.covariates {
        match c {
            Covariate::Capabilities => {
                let on = covered(Dataset::Nmc, y);
                let cinc = |c: u16| {
                    idx(c, y)
                        .and_then(|i| lk.cinc.get(i).copied().flatten())
                        .and_then(|v| v[6])
                        .filter(|_| on)
                };
                cols.push(float(&mut pairs.iter().map(|p| cinc(p.0))));
                cols.push(float(&mut pairs.iter().map(|p| cinc(p.1))));
            }
            Covariate::Majors => {
                let on = covered(Dataset::Majors, y);
                let major =
                    |c: u16| on.then(|| idx(c, y).is_some_and(|i| lk.major.get(i) == Some(&true)));
                cols.push(boolean(&mut pairs.iter().map(|p| major(p.0))));
                cols.push(boolean(&mut pairs.iter().map(|p| major(p.1))));
            }
            Covariate::Contiguity => {
                let on = covered(Dataset::ColonialContiguity, y);
                cols.push(int(&mut pairs.iter().map(|p| {
                    on.then(|| i32::from(lk.colonial.get(&pair(p.0, p.1, y)).copied().unwrap_or(0)))
                })));
            }
            Covariate::Mids => {
                let on = covered(Dataset::DyadicMids, y);
                let m = |p: &(u16, u16)| lk.mid.get(&pair(p.0, p.1, y));
                cols.push(boolean(
                    &mut pairs.iter().map(|p| on.then(|| m(p).is_some_and(|m| m.0))),
                ));
                cols.push(boolean(
                    &mut pairs.iter().map(|p| on.then(|| m(p).is_some())),
                ));
                cols.push(int(&mut pairs
                    .iter()
                    .map(|p| on.then(|| m(p).map_or(0, |m| m.1 as i32)))));
            }
            Covariate::Wars => {
                let on = covered(Dataset::InterStateWars, y);
                cols.push(boolean(
                    &mut pairs
                        .iter()
                        .map(|p| on.then(|| lk.war.contains(&pair(p.0, p.1, y)))),
                ));
            }
            Covariate::Nuclear => {
                let on = covered(Dataset::NuclearStockpiles, y);
                let w = |c: u16| {
                    on.then(|| {
                        idx(c, y)
                            .and_then(|i| lk.warheads.get(i).copied())
                            .unwrap_or(0.0)
                    })
                };
                cols.push(float(&mut pairs.iter().map(|p| w(p.0))));
                cols.push(float(&mut pairs.iter().map(|p| w(p.1))));
            }
            Covariate::Votes => {
                let on = covered(Dataset::UnVotes, y);
                let yv = s.vote_matrix.years.get(&y);
                let sims: Vec<Option<crate::votes::Similarity>> = pairs
                    .iter()
                    .map(|p| {
                        let yv = yv?;
                        similarity(yv.by_state.get(&p.0)?, yv.by_state.get(&p.1)?)
                    })
                    .collect();
                cols.push(int(&mut sims
                    .iter()
                    .map(|x| on.then(|| x.map_or(0, |x| x.votes as i32)))));
                cols.push(float(&mut sims.iter().map(|x| x.map(|x| x.agree))));
                cols.push(float(&mut sims.iter().map(|x| x.map(|x| x.s))));
                cols.push(float(&mut sims.iter().map(|x| x.and_then(|x| x.kappa))));
            }
        }
    }
    Ok(RecordBatch::try_new(schema.clone(), cols)?)
}

/// The columns of a state-year table for these covariates.
pub fn state_schema(covariates: &BTreeSet<Covariate>) -> SchemaRef {
    use DataType::*;
    let mut fields = vec![
        Field::new("year", Int32, false),
        Field::new("ccode", Int32, false),
        Field::new("stateabb", Utf8, false),
        Field::new("statenme", Utf8, false),
        f("iso3", Utf8),
    ];
    for c in covariates {
        match c {
            Covariate::Capabilities => {
                for n in ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"] {
                    fields.push(f(n, Float64));
                }
            }
            Covariate::Majors => fields.push(f("major", Boolean)),
            Covariate::Contiguity => fields.push(f("colonial_contiguities", Int32)),
            Covariate::Mids => fields.extend([f("mid_onsets", Int32), f("mids_ongoing", Int32)]),
            Covariate::Wars => fields.extend([
                f("interstate_war", Boolean),
                f("extrastate_war", Boolean),
                f("intrastate_war", Boolean),
            ]),
            Covariate::Nuclear => fields.push(f("warheads", Float64)),
            Covariate::Votes => fields.push(f("un_votes", Int32)),
        }
    }
    Arc::new(Schema::new(fields))
}

/// Builds state-years from `s` (loaded with [`YearsQuery::datasets`] for
/// state-years).
///
/// Monadic counts: `mid_onsets` and `mids_ongoing` count distinct disputes
/// (not dyads) the state is in; `interstate_war` means the state took part
/// in an inter-state war that year, `extrastate_war` in an extra-state war
/// as side A or B, `intrastate_war` in an intra-state war as side A;
/// `un_votes` is the number of roll calls it voted on.
///
/// Fails when the years fall outside 1816-2016.
pub fn state_years(s: &Structural, q: &YearsQuery) -> Result<YearTable> {
    q.check()?;
    let lk = Lookups::build(s, q);
    let iso3: HashMap<u16, String> = detente_core::reference::states()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|st| Some((u16::try_from(st.cow_code?).ok()?, st.iso3)))
        .collect();
    let mut mids: HashMap<(u16, i32), (HashSet<u32>, HashSet<u32>)> = HashMap::new();
    for m in &s.mids {
        let e = mids.entry((m.statea, m.year)).or_default();
        e.1.insert(m.disno);
        if m.year == m.start_year {
            e.0.insert(m.disno);
        }
    }
    let mut wars: HashMap<(u16, i32), [bool; 3]> = HashMap::new();
    for p in &s.interstate_wars {
        for sp in &p.spells {
            for y in sp.start..=sp.end {
                wars.entry((p.ccode, y)).or_default()[0] = true;
            }
        }
    }
    for w in &s.extrastate_wars {
        for sp in &w.spells {
            for y in sp.start..=sp.end {
                for c in [w.ccode1, w.ccode2].into_iter().flatten() {
                    wars.entry((c, y)).or_default()[1] = true;
                }
            }
        }
    }
    for w in &s.intrastate_wars {
        for sp in &w.spells {
            for y in sp.start..=sp.end {
                if let Some(c) = w.ccode_a {
                    wars.entry((c, y)).or_default()[2] = true;
                }
            }
        }
    }
    let contcols: HashMap<(u16, i32), i64> = s
        .colonial_state_years
        .iter()
        .map(|c| ((c.ccode, c.year), c.total))
        .collect();
    let schema = state_schema(&q.covariates);
    let mut batches = Vec::new();
    for y in q.from..=q.to {
        let empty = Vec::new();
        let states = lk.members.get(&y).unwrap_or(&empty);
        let n = states.len();
        let mut cols: Vec<ArrayRef> = Vec::new();
        let mut b = Int32Builder::with_capacity(n);
        states.iter().for_each(|_| b.append_value(y));
        cols.push(Arc::new(b.finish()));
        let mut b = Int32Builder::with_capacity(n);
        states.iter().for_each(|&c| b.append_value(i32::from(c)));
        cols.push(Arc::new(b.finish()));
        for which in 0..2 {
            let mut b = StringBuilder::new();
            for c in states {
                let (a, nme) = lk.abbrev.get(c).map_or(("", ""), |x| (&x.0, &x.1));
                b.append_value(if which == 0 { a } else { nme });
            }
            cols.push(Arc::new(b.finish()));
        }
        let mut b = StringBuilder::new();
        states.iter().for_each(|c| b.append_option(iso3.get(c)));
        cols.push(Arc::new(b.finish()));
        let floats = |vals: Vec<Option<f64>>| -> ArrayRef {
            Arc::new(arrow::array::Float64Array::from(vals))
        };
        let ints =
            |vals: Vec<Option<i32>>| -> ArrayRef { Arc::new(arrow::array::Int32Array::from(vals)) };
        let bools = |vals: Vec<Option<bool>>| -> ArrayRef {
            Arc::new(arrow::array::BooleanArray::from(vals))
        };
        for c in &q.covariates {
            match c {
                Covariate::Capabilities => {
                    let on = covered(Dataset::Nmc, y);
                    for k in 0..7 {
                        cols.push(floats(
                            states
                                .iter()
                                .map(|&c| {
                                    idx(c, y)
                                        .and_then(|i| lk.cinc.get(i).copied().flatten())
                                        .and_then(|v| v[k])
                                        .filter(|_| on)
                                })
                                .collect(),
                        ));
                    }
                }
                Covariate::Majors => {
                    let on = covered(Dataset::Majors, y);
                    cols.push(bools(
                        states
                            .iter()
                            .map(|&c| {
                                on.then(|| {
                                    idx(c, y).is_some_and(|i| lk.major.get(i) == Some(&true))
                                })
                            })
                            .collect(),
                    ));
                }
                Covariate::Contiguity => {
                    let on = covered(Dataset::ColonialContiguityStateYears, y);
                    cols.push(ints(
                        states
                            .iter()
                            .map(|&c| on.then(|| contcols.get(&(c, y)).map_or(0, |&v| v as i32)))
                            .collect(),
                    ));
                }
                Covariate::Mids => {
                    let on = covered(Dataset::DyadicMids, y);
                    for k in 0..2 {
                        cols.push(ints(
                            states
                                .iter()
                                .map(|&c| {
                                    on.then(|| {
                                        mids.get(&(c, y)).map_or(0, |m| {
                                            (if k == 0 { m.0.len() } else { m.1.len() }) as i32
                                        })
                                    })
                                })
                                .collect(),
                        ));
                    }
                }
                Covariate::Wars => {
                    let ds = [
                        Dataset::InterStateWars,
                        Dataset::ExtraStateWars,
                        Dataset::IntraStateWars,
                    ];
                    for (k, d) in ds.into_iter().enumerate() {
                        let on = covered(d, y);
                        cols.push(bools(
                            states
                                .iter()
                                .map(|&c| on.then(|| wars.get(&(c, y)).is_some_and(|w| w[k])))
                                .collect(),
                        ));
                    }
                }
                Covariate::Nuclear => {
                    let on = covered(Dataset::NuclearStockpiles, y);
                    cols.push(floats(
                        states
                            .iter()
                            .map(|&c| {
                                on.then(|| {
                                    idx(c, y)
                                        .and_then(|i| lk.warheads.get(i).copied())
                                        .unwrap_or(0.0)
                                })
                            })
                            .collect(),
                    ));
                }
                Covariate::Votes => {
                    let on = covered(Dataset::UnVotes, y);
                    let yv = s.vote_matrix.years.get(&y);
                    cols.push(ints(
                        states
                            .iter()
                            .map(|c| {
                                on.then(|| {
                                    yv.and_then(|yv| yv.by_state.get(c))
                                        .map_or(0, |v| v.iter().filter(|&&x| x != 0).count() as i32)
                                })
                            })
                            .collect(),
                    ));
                }
            }
        }
        batches.push(RecordBatch::try_new(schema.clone(), cols)?);
    }
    Ok(YearTable {
        schema,
        batches,
        datasets: q.datasets(false),
    })
}
