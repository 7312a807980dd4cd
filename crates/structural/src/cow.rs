//! Readers of the Correlates of War files, the dyadic MIDs, MID locations,
//! the countrycode code list and the FAS stockpiles.
//!
//! COW codes missing values as negative numbers: -9 missing, -8 not
//! applicable, -7 ongoing at the data's end. Readers turn them into `None`
//! (or, for -7 end years, the data set's last year) as each field's docs say.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dataset::{Dataset, RawFile};
use crate::error::Result;
use crate::text::{ReadReport, Row, Table};

/// Records read from one file and the report of reading it.
pub type Read<T> = (Vec<T>, ReadReport);

fn date(r: &Row<'_>, [y, m, d]: [usize; 3], what: &str) -> std::result::Result<NaiveDate, String> {
    let (yy, mm, dd) = (r.int(y, what)?, r.int(m, what)?, r.int(d, what)?);
    i32::try_from(yy)
        .ok()
        .zip(u32::try_from(mm).ok())
        .zip(u32::try_from(dd).ok())
        .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| format!("{what}: {yy}-{mm}-{dd} is not a date"))
}

/// One spell of a state's membership in the interstate system (`states2016.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipSpell {
    /// COW state code.
    pub ccode: u16,
    /// COW abbreviation.
    pub abbrev: String,
    /// COW name.
    pub name: String,
    /// First day of membership.
    pub start: NaiveDate,
    /// Last day of membership (2016-12-31 where it runs to the data's end).
    pub end: NaiveDate,
}

/// Reads `states2016.csv`.
pub fn states(raw: &RawFile) -> Result<Read<MembershipSpell>> {
    let t = Table::parse(raw, b',')?;
    let [abb, cc, name] = t.columns(["stateabb", "ccode", "statenme"])?;
    let st = t.columns(["styear", "stmonth", "stday"])?;
    let en = t.columns(["endyear", "endmonth", "endday"])?;
    Ok(t.read(|r| {
        let spell = MembershipSpell {
            ccode: r.ccode(cc, "ccode")?,
            abbrev: r.str(abb).to_string(),
            name: r.str(name).to_string(),
            start: date(r, st, "start")?,
            end: date(r, en, "end")?,
        };
        if spell.end < spell.start {
            return Err(format!(
                "ends {} before it starts {}",
                spell.end, spell.start
            ));
        }
        Ok(spell)
    }))
}

/// One state-year of system membership (`system2016.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SystemYear {
    /// COW state code.
    pub ccode: u16,
    /// Year.
    pub year: i32,
}

/// Reads `system2016.csv`.
pub fn system(raw: &RawFile) -> Result<Read<SystemYear>> {
    let t = Table::parse(raw, b',')?;
    let [cc, year] = t.columns(["ccode", "year"])?;
    Ok(t.read(|r| {
        Ok(SystemYear {
            ccode: r.ccode(cc, "ccode")?,
            year: r.year(year, "year")?,
        })
    }))
}

/// One spell of major-power status (`majors2016.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MajorSpell {
    /// COW state code.
    pub ccode: u16,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// Reads `majors2016.csv`.
pub fn majors(raw: &RawFile) -> Result<Read<MajorSpell>> {
    let t = Table::parse(raw, b',')?;
    let cc = t.column("ccode")?;
    let st = t.columns(["styear", "stmonth", "stday"])?;
    let en = t.columns(["endyear", "endmonth", "endday"])?;
    Ok(t.read(|r| {
        Ok(MajorSpell {
            ccode: r.ccode(cc, "ccode")?,
            start: date(r, st, "start")?,
            end: date(r, en, "end")?,
        })
    }))
}

/// One row of `COW country codes.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryCode {
    /// COW abbreviation.
    pub abbrev: String,
    /// COW state code.
    pub ccode: u16,
    /// Name.
    pub name: String,
}

/// Reads `COW country codes.csv` (CR-only line ends).
pub fn country_codes(raw: &RawFile) -> Result<Read<CountryCode>> {
    let t = Table::parse(raw, b',')?;
    let [abb, cc, name] = t.columns(["StateAbb", "CCode", "StateNme"])?;
    Ok(t.read(|r| {
        Ok(CountryCode {
            abbrev: r.str(abb).to_string(),
            ccode: r.ccode(cc, "CCode")?,
            name: r.str(name).to_string(),
        })
    }))
}

/// One state-year of National Material Capabilities v5.0. Missing (-9) is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capabilities {
    /// COW state code.
    pub ccode: u16,
    /// Year.
    pub year: i32,
    /// Military expenditure, thousands of current US dollars (pre-1914: UK pounds).
    pub milex: Option<f64>,
    /// Military personnel, thousands.
    pub milper: Option<f64>,
    /// Iron and steel production, thousands of tons.
    pub irst: Option<f64>,
    /// Primary energy consumption, thousands of coal-ton equivalents.
    pub pec: Option<f64>,
    /// Total population, thousands.
    pub tpop: Option<f64>,
    /// Urban population, thousands.
    pub upop: Option<f64>,
    /// Composite Index of National Capability: the state's mean share of the
    /// system's six capabilities.
    pub cinc: Option<f64>,
}

/// Reads `NMC_5_0.csv`.
pub fn nmc(raw: &RawFile) -> Result<Read<Capabilities>> {
    let t = Table::parse(raw, b',')?;
    let [cc, year] = t.columns(["ccode", "year"])?;
    let [milex, milper, irst, pec, tpop, upop, cinc] =
        t.columns(["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"])?;
    Ok(t.read(|r| {
        Ok(Capabilities {
            ccode: r.ccode(cc, "ccode")?,
            year: r.year(year, "year")?,
            milex: r.cow_num(milex, "milex")?,
            milper: r.cow_num(milper, "milper")?,
            irst: r.cow_num(irst, "irst")?,
            pec: r.cow_num(pec, "pec")?,
            tpop: r.cow_num(tpop, "tpop")?,
            upop: r.cow_num(upop, "upop")?,
            cinc: r.cow_num(cinc, "cinc")?,
        })
    }))
}

/// A span of years, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Years {
    /// First year.
    pub start: i32,
    /// Last year (a war ongoing at the data's end runs to the data's last year).
    pub end: i32,
}

impl Years {
    /// Does the span include `year`?
    pub fn contains(&self, year: i32) -> bool {
        (self.start..=self.end).contains(&year)
    }
}

/// Reads up to `n` participation spells named `{StartYear}{i}` / `{EndYear}{i}`.
fn spells(
    r: &Row<'_>,
    cols: &[(usize, usize)],
    last_year: i32,
) -> std::result::Result<Vec<Years>, String> {
    let mut out = Vec::new();
    for (i, &(s, e)) in cols.iter().enumerate() {
        let Some(start) = r.cow_int(s, "start year")? else {
            continue;
        };
        let end = match r.opt_int(e, "end year")? {
            Some(-7) => i64::from(last_year),
            Some(v) if v > 0 => v,
            _ => {
                return Err(format!(
                    "spell {}: starts {start} and has no end year",
                    i + 1
                ));
            }
        };
        if end < start {
            return Err(format!(
                "spell {}: ends {end} before it starts {start}",
                i + 1
            ));
        }
        out.push(Years {
            start: start as i32,
            end: end as i32,
        });
    }
    if out.is_empty() {
        return Err("no participation spell with a start year".into());
    }
    Ok(out)
}

/// One state's participation in one inter-state war (v4.0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterStateParticipation {
    /// War number.
    pub war_num: u32,
    /// War name.
    pub war_name: String,
    /// COW state code.
    pub ccode: u16,
    /// Side (1 or 2).
    pub side: u8,
    /// Participation spells (up to two).
    pub spells: Vec<Years>,
    /// Outcome code (1 winner, 2 loser, 3 compromise, ...).
    pub outcome: Option<i64>,
    /// Battle deaths of this participant.
    pub battle_deaths: Option<i64>,
}

/// Reads `Inter-StateWarData_v4.0.csv` (CR-only line ends).
pub fn interstate_wars(raw: &RawFile) -> Result<Read<InterStateParticipation>> {
    let t = Table::parse(raw, b',')?;
    let [num, name, cc, side, outcome, deaths] =
        t.columns(["WarNum", "WarName", "ccode", "Side", "Outcome", "BatDeath"])?;
    let cols = [
        (t.column("StartYear1")?, t.column("EndYear1")?),
        (t.column("StartYear2")?, t.column("EndYear2")?),
    ];
    let last = Dataset::InterStateWars.years().1;
    Ok(t.read(|r| {
        let side = r.int(side, "Side")?;
        if !(1..=2).contains(&side) {
            return Err(format!("column Side: {side} is neither 1 nor 2"));
        }
        Ok(InterStateParticipation {
            war_num: r.int(num, "WarNum")? as u32,
            war_name: r.str(name).to_string(),
            ccode: r.ccode(cc, "ccode")?,
            side: side as u8,
            spells: spells(r, &cols, last)?,
            outcome: r.cow_int(outcome, "Outcome")?,
            battle_deaths: r.cow_int(deaths, "BatDeath")?,
        })
    }))
}

/// One extra-state war participant row (v4.0): a system member fighting a
/// non-member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraStateWar {
    /// War number.
    pub war_num: u32,
    /// War name.
    pub war_name: String,
    /// Side A's COW code, when side A is a system member.
    pub ccode1: Option<u16>,
    /// Side A's name.
    pub side_a: String,
    /// Side B's COW code, when side B is a system member.
    pub ccode2: Option<u16>,
    /// Side B's name.
    pub side_b: String,
    /// Spells (up to two).
    pub spells: Vec<Years>,
    /// Battle deaths.
    pub battle_deaths: Option<i64>,
}

/// Reads `Extra-StateWarData_v4.0.csv` (CR-only, Windows-1252, a header field
/// with a trailing space).
pub fn extrastate_wars(raw: &RawFile) -> Result<Read<ExtraStateWar>> {
    let t = Table::parse(raw, b',')?;
    let [num, name, c1, a, c2, b, deaths] = t.columns([
        "WarNum", "WarName", "ccode1", "SideA", "ccode2", "SideB", "BatDeath",
    ])?;
    let cols = [
        (t.column("StartYear1")?, t.column("EndYear1")?),
        (t.column("StartYear2")?, t.column("EndYear2")?),
    ];
    let last = Dataset::ExtraStateWars.years().1;
    Ok(t.read(|r| {
        Ok(ExtraStateWar {
            war_num: r.int(num, "WarNum")? as u32,
            war_name: r.str(name).to_string(),
            ccode1: r.opt_ccode(c1, "ccode1")?,
            side_a: r.str(a).to_string(),
            ccode2: r.opt_ccode(c2, "ccode2")?,
            side_b: r.str(b).to_string(),
            spells: spells(r, &cols, last)?,
            battle_deaths: r.cow_int(deaths, "BatDeath")?,
        })
    }))
}

/// One intra-state war row (v5.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntraStateWar {
    /// War number as written (v5.1 numbers some wars with decimals: 502.1).
    pub war_num: String,
    /// War name.
    pub war_name: String,
    /// War type (4 civil war for central control, 5 over local issues, 6
    /// regional internal, 7 intercommunal).
    pub war_type: i64,
    /// The state fighting on side A, when side A is a state.
    pub ccode_a: Option<u16>,
    /// Side A.
    pub side_a: String,
    /// Side B.
    pub side_b: String,
    /// Spells (up to four).
    pub spells: Vec<Years>,
    /// Total battle deaths.
    pub battle_deaths: Option<i64>,
}

/// Reads `INTRA-STATE WARS v5.1 CSV.csv` (Windows-1252).
pub fn intrastate_wars(raw: &RawFile) -> Result<Read<IntraStateWar>> {
    let t = Table::parse(raw, b',')?;
    let [num, name, ty, cc, a, b, deaths] = t.columns([
        "WarNum",
        "WarName",
        "WarType",
        "CcodeA",
        "SideA",
        "SideB",
        "TotalBDeaths",
    ])?;
    let mut cols = Vec::new();
    for i in 1..=4 {
        cols.push((
            t.column(&format!("StartYr{i}"))?,
            t.column(&format!("EndYr{i}"))?,
        ));
    }
    let last = Dataset::IntraStateWars.years().1;
    Ok(t.read(|r| {
        Ok(IntraStateWar {
            war_num: r.str(num).to_string(),
            war_name: r.str(name).to_string(),
            war_type: r.int(ty, "WarType")?,
            ccode_a: r.opt_ccode(cc, "CcodeA")?,
            side_a: r.str(a).to_string(),
            side_b: r.str(b).to_string(),
            spells: spells(r, &cols, last)?,
            battle_deaths: r.cow_int(deaths, "TotalBDeaths")?,
        })
    }))
}

/// One non-state war (v4.0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NonStateWar {
    /// War number.
    pub war_num: u32,
    /// War name.
    pub war_name: String,
    /// Region code where fought.
    pub where_fought: Option<i64>,
    /// Years.
    pub years: Years,
    /// Total combat deaths.
    pub deaths: Option<i64>,
}

/// Reads `Non-StateWarData_v4.0.csv` (CR-only).
pub fn nonstate_wars(raw: &RawFile) -> Result<Read<NonStateWar>> {
    let t = Table::parse(raw, b',')?;
    let [num, name, wf, sy, ey, deaths] = t.columns([
        "WarNum",
        "WarName",
        "WhereFought",
        "StartYear",
        "EndYear",
        "TotalCombatDeaths",
    ])?;
    let last = Dataset::NonStateWars.years().1;
    Ok(t.read(|r| {
        Ok(NonStateWar {
            war_num: r.int(num, "WarNum")? as u32,
            war_name: r.str(name).to_string(),
            where_fought: r.cow_int(wf, "WhereFought")?,
            years: spells(r, &[(sy, ey)], last)?[0],
            deaths: r.cow_int(deaths, "TotalCombatDeaths")?,
        })
    }))
}

/// One spell of colonial or dependency contiguity between two states
/// (`contcol.csv`): one or both reach each other through a dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColonialSpell {
    /// The lower COW code.
    pub ccode1: u16,
    /// The higher COW code.
    pub ccode2: u16,
    /// Contiguity type: 1 land or river, 2-5 separated by up to 12, 24, 150
    /// and 400 miles of water.
    pub conttype: u8,
    /// Years, both included.
    pub years: Years,
}

/// Reads `contcol.csv`.
pub fn colonial_contiguity(raw: &RawFile) -> Result<Read<ColonialSpell>> {
    let t = Table::parse(raw, b',')?;
    let [lo, hi, ty, begin, end] =
        t.columns(["statelno", "statehno", "conttype", "begin", "end"])?;
    Ok(t.read(|r| {
        let (a, b) = (r.ccode(lo, "statelno")?, r.ccode(hi, "statehno")?);
        let ct = r.int(ty, "conttype")?;
        if !(1..=5).contains(&ct) {
            return Err(format!("column conttype: {ct} is not 1-5"));
        }
        let (start, end) = (r.year(begin, "begin")?, r.year(end, "end")?);
        if end < start {
            return Err(format!("ends {end} before it starts {start}"));
        }
        Ok(ColonialSpell {
            ccode1: a.min(b),
            ccode2: a.max(b),
            conttype: ct as u8,
            years: Years { start, end },
        })
    }))
}

/// One dyad-year of `contcold.csv`: counts of colonial contiguity links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColonialDyadYear {
    /// Lower COW code.
    pub ccode1: u16,
    /// Higher COW code.
    pub ccode2: u16,
    /// Year.
    pub year: i32,
    /// Links by land.
    pub land: i64,
    /// Links by sea.
    pub sea: i64,
}

/// Reads `contcold.csv`.
pub fn colonial_dyad_years(raw: &RawFile) -> Result<Read<ColonialDyadYear>> {
    let t = Table::parse(raw, b',')?;
    let [lo, hi, year, land, sea] = t.columns(["statelno", "statehno", "year", "land", "sea"])?;
    Ok(t.read(|r| {
        let (a, b) = (r.ccode(lo, "statelno")?, r.ccode(hi, "statehno")?);
        Ok(ColonialDyadYear {
            ccode1: a.min(b),
            ccode2: a.max(b),
            year: r.year(year, "year")?,
            land: r.int(land, "land")?,
            sea: r.int(sea, "sea")?,
        })
    }))
}

/// One state-year of `contcols.csv`: how many colonial contiguity links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ColonialStateYear {
    /// COW code.
    pub ccode: u16,
    /// Year.
    pub year: i32,
    /// All links.
    pub total: i64,
}

/// Reads `contcols.csv`.
pub fn colonial_state_years(raw: &RawFile) -> Result<Read<ColonialStateYear>> {
    let t = Table::parse(raw, b',')?;
    let [cc, year, total] = t.columns(["stateno", "year", "total"])?;
    Ok(t.read(|r| {
        Ok(ColonialStateYear {
            ccode: r.ccode(cc, "stateno")?,
            year: r.year(year, "year")?,
            total: r.int(total, "total")?,
        })
    }))
}

/// One territorial change (tc2018).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritorialChange {
    /// Year.
    pub year: i32,
    /// Month, when known.
    pub month: Option<i64>,
    /// Gaining entity's code (a COW state code for states).
    pub gainer: Option<i64>,
    /// Losing entity's code (a COW state code for states).
    pub loser: Option<i64>,
    /// The territory's entity code.
    pub entity: Option<i64>,
    /// Procedure (1 conquest, 2 annexation, 3 cession, 4 secession, 5 unification, 6 mandate).
    pub procedure: Option<i64>,
    /// Area in square kilometres.
    pub area: Option<f64>,
    /// Population.
    pub population: Option<f64>,
    /// Was the change part of a military conflict?
    pub conflict: Option<i64>,
}

/// Reads `tc2018.csv`.
pub fn territorial_changes(raw: &RawFile) -> Result<Read<TerritorialChange>> {
    let t = Table::parse(raw, b',')?;
    let [
        year,
        month,
        gainer,
        loser,
        entity,
        proc_,
        area,
        pop,
        conflict,
    ] = t.columns([
        "year", "month", "gainer", "loser", "entity", "procedur", "area", "pop", "conflict",
    ])?;
    Ok(t.read(|r| {
        Ok(TerritorialChange {
            year: r.year(year, "year")?,
            month: r.cow_int(month, "month")?,
            gainer: r.cow_int(gainer, "gainer")?,
            loser: r.cow_int(loser, "loser")?,
            entity: r.cow_int(entity, "entity")?,
            procedure: r.cow_int(proc_, "procedur")?,
            area: r.cow_num(area, "area")?,
            population: r.cow_num(pop, "pop")?,
            conflict: r.cow_int(conflict, "conflict")?,
        })
    }))
}

/// One dispute-dyad-year of the Dyadic MID data v4.02 (directed: each dyad
/// appears as A-B and B-A).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DyadicMid {
    /// Dispute number.
    pub disno: u32,
    /// State A.
    pub statea: u16,
    /// State B.
    pub stateb: u16,
    /// The year this row describes.
    pub year: i32,
    /// The year the dispute began for this dyad.
    pub start_year: i32,
    /// The year it ended.
    pub end_year: i32,
    /// Highest hostility level in the dyad (1 no militarized action ... 5 war).
    pub hostility: Option<i64>,
    /// Fatality level.
    pub fatality: Option<i64>,
    /// Did the dispute become a war in the dyad?
    pub war: bool,
}

/// Reads `dyadic_mid_4.02.csv`.
pub fn dyadic_mids(raw: &RawFile) -> Result<Read<DyadicMid>> {
    let t = Table::parse(raw, b',')?;
    let [disno, a, b, year, sy, ey, host, fat, war] = t.columns([
        "disno", "statea", "stateb", "year", "strtyr", "endyear", "hihost", "fatlev", "war",
    ])?;
    let read = t.read(|r| {
        let m = DyadicMid {
            disno: r.int(disno, "disno")? as u32,
            statea: r.ccode(a, "statea")?,
            stateb: r.ccode(b, "stateb")?,
            year: r.year(year, "year")?,
            start_year: r.year(sy, "strtyr")?,
            end_year: r.year(ey, "endyear")?,
            hostility: r.cow_int(host, "hihost")?,
            fatality: r.cow_int(fat, "fatlev")?,
            war: r.int(war, "war")? == 1,
        };
        Ok(m)
    });
    let (rows, mut report) = read;
    let odd: Vec<String> = rows
        .iter()
        .filter(|m| !(m.start_year..=m.end_year).contains(&m.year))
        .map(|m| format!("{} {}-{} {}", m.disno, m.statea, m.stateb, m.year))
        .collect();
    if !odd.is_empty() {
        report.notes.push(format!(
            "{} row(s) dated outside their dispute's start and end years, kept as the file has them (dispute, dyad, year): {}",
            odd.len(),
            odd.join("; ")
        ));
    }
    Ok((rows, report))
}

/// One MID location (MIDLOC-A v2.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MidLocation {
    /// Year.
    pub year: i32,
    /// Dispute number.
    pub dispnum: u32,
    /// Location.
    pub location: String,
    /// Longitude.
    pub longitude: Option<f64>,
    /// Latitude.
    pub latitude: Option<f64>,
    /// Precision code.
    pub precision: Option<i64>,
}

/// Reads `MIDLOCA_2.1.csv` (CRLF, Windows-1252).
pub fn mid_locations(raw: &RawFile) -> Result<Read<MidLocation>> {
    let t = Table::parse(raw, b',')?;
    let [year, disp, loc, lon, lat, prec] = t.columns([
        "year",
        "dispnum",
        "midloc2_location",
        "midloc2_xlongitude",
        "midloc2_ylatitude",
        "midloc2_precision",
    ])?;
    Ok(t.read(|r| {
        let lon = r.cow_num(lon, "midloc2_xlongitude")?;
        let lat = r.cow_num(lat, "midloc2_ylatitude")?;
        if lon.is_some_and(|v| v.abs() > 180.0) || lat.is_some_and(|v| v.abs() > 90.0) {
            return Err(format!("coordinates out of range: {lon:?}, {lat:?}"));
        }
        Ok(MidLocation {
            year: r.year(year, "year")?,
            dispnum: r.int(disp, "dispnum")? as u32,
            location: r.str(loc).to_string(),
            longitude: lon,
            latitude: lat,
            precision: r.cow_int(prec, "midloc2_precision")?,
        })
    }))
}

/// One row of the countrycode code list, the columns detente uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Codes {
    /// English name.
    pub name: String,
    /// COW name.
    pub cow_name: Option<String>,
    /// COW number.
    pub cown: Option<u16>,
    /// COW letters.
    pub cowc: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub iso3c: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub iso2c: Option<String>,
    /// FIPS 10-4 (GDELT's geography codes).
    pub fips: Option<String>,
    /// Gleditsch-Ward number.
    pub gwn: Option<u16>,
    /// UN M49.
    pub un: Option<u16>,
}

/// Reads `codelist_without_cldr.csv`.
pub fn codelist(raw: &RawFile) -> Result<Read<Codes>> {
    let t = Table::parse(raw, b',')?;
    let [name, cow_name, cown, cowc, iso3, iso2, fips, gwn, un] = t.columns([
        "country.name.en",
        "cow.name",
        "cown",
        "cowc",
        "iso3c",
        "iso2c",
        "fips",
        "gwn",
        "un",
    ])?;
    let small = |r: &Row<'_>, i, n| -> std::result::Result<Option<u16>, String> {
        r.opt_int(i, n)?
            .map(|v| u16::try_from(v).map_err(|_| format!("column {n}: {v} out of range")))
            .transpose()
    };
    Ok(t.read(|r| {
        Ok(Codes {
            name: r.str(name).to_string(),
            cow_name: r.opt_str(cow_name),
            cown: small(r, cown, "cown")?,
            cowc: r.opt_str(cowc),
            iso3c: r.opt_str(iso3),
            iso2c: r.opt_str(iso2),
            fips: r.opt_str(fips),
            gwn: small(r, gwn, "gwn")?,
            un: small(r, un, "un")?,
        })
    }))
}

/// One country-year of the FAS stockpile estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stockpile {
    /// Country as FAS writes it, runs of spaces made one (`North  Korea`).
    pub country: String,
    /// Year.
    pub year: i32,
    /// Warheads.
    pub warheads: f64,
}

/// Reads `nuclear_weapons_stockpiles.csv`.
pub fn stockpiles(raw: &RawFile) -> Result<Read<Stockpile>> {
    let t = Table::parse(raw, b',')?;
    let [name, year, n] = t.columns(["country_name", "year", "nuclear_weapons_stockpile"])?;
    Ok(t.read(|r| {
        let warheads = r
            .cow_num(n, "nuclear_weapons_stockpile")?
            .ok_or("column nuclear_weapons_stockpile: missing value")?;
        if warheads < 0.0 {
            return Err(format!("negative stockpile {warheads}"));
        }
        Ok(Stockpile {
            country: r.str(name).split_whitespace().collect::<Vec<_>>().join(" "),
            year: r.year(year, "year")?,
            warheads,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::Origin;

    fn bundled<T>(d: Dataset, f: fn(&RawFile) -> Result<Read<T>>) -> Read<T> {
        f(&Origin::Bundled.read(d).unwrap()).unwrap()
    }

    #[test]
    fn membership_spells_include_leaving_and_reentering() {
        let (s, rep) = bundled(Dataset::States, states);
        assert_eq!((rep.rows, rep.used), (243, 243));
        let gmy: Vec<_> = s.iter().filter(|x| x.ccode == 255).collect();
        assert_eq!(gmy.len(), 2);
        assert_eq!(gmy[0].end, NaiveDate::from_ymd_opt(1945, 5, 8).unwrap());
        assert_eq!(gmy[1].start, NaiveDate::from_ymd_opt(1990, 10, 3).unwrap());
    }

    #[test]
    fn every_bundled_file_reads_with_no_row_lost() {
        // Rows as the shared data's README measures them.
        let o = Origin::Bundled;
        let n = |d| o.read(d).unwrap();
        assert_eq!(system(&n(Dataset::System)).unwrap().1.used, 15951);
        assert_eq!(majors(&n(Dataset::Majors)).unwrap().1.used, 14);
        let cc = country_codes(&n(Dataset::CountryCodes)).unwrap().1;
        assert_eq!((cc.used, cc.line_ends), (243, "CR"));
        assert_eq!(nmc(&n(Dataset::Nmc)).unwrap().1.used, 15171);
        assert_eq!(
            interstate_wars(&n(Dataset::InterStateWars)).unwrap().1.used,
            337
        );
        let ex = extrastate_wars(&n(Dataset::ExtraStateWars)).unwrap().1;
        assert_eq!((ex.used, ex.encoding), (198, "Windows-1252"));
        assert!(
            ex.notes.iter().any(|n| n.contains("\"EndDay2 \"")),
            "{:?}",
            ex.notes
        );
        assert_eq!(
            intrastate_wars(&n(Dataset::IntraStateWars)).unwrap().1.used,
            420
        );
        assert_eq!(nonstate_wars(&n(Dataset::NonStateWars)).unwrap().1.used, 62);
        assert_eq!(
            colonial_contiguity(&n(Dataset::ColonialContiguity))
                .unwrap()
                .1
                .used,
            1349
        );
        assert_eq!(
            colonial_dyad_years(&n(Dataset::ColonialContiguityDyadYears))
                .unwrap()
                .1
                .used,
            14538
        );
        assert_eq!(
            colonial_state_years(&n(Dataset::ColonialContiguityStateYears))
                .unwrap()
                .1
                .used,
            15951
        );
        assert_eq!(
            territorial_changes(&n(Dataset::TerritorialChange))
                .unwrap()
                .1
                .used,
            842
        );
        assert_eq!(dyadic_mids(&n(Dataset::DyadicMids)).unwrap().1.used, 10358);
        let loc = mid_locations(&n(Dataset::MidLocations)).unwrap().1;
        assert_eq!((loc.used, loc.line_ends), (2315, "CRLF"));
        assert_eq!(codelist(&n(Dataset::CountryCodelist)).unwrap().1.used, 292);
        assert_eq!(
            stockpiles(&n(Dataset::NuclearStockpiles)).unwrap().1.used,
            869
        );
    }

    #[test]
    fn nmc_missing_is_none_and_values_match_the_file() {
        let (rows, _) = bundled(Dataset::Nmc, nmc);
        // First data line of NMC_5_0.csv: "USA",2,1816,3823,17,80,254,8659,101,.0396975,2011
        let usa = rows
            .iter()
            .find(|r| r.ccode == 2 && r.year == 1816)
            .unwrap();
        assert_eq!(usa.milex, Some(3823.0));
        assert_eq!(usa.cinc, Some(0.0396975));
        assert!(rows.iter().any(|r| r.milex.is_none()), "-9 becomes None");
    }

    #[test]
    fn ongoing_war_ends_at_the_data_end() {
        let (rows, _) = bundled(Dataset::ExtraStateWars, extrastate_wars);
        // WarNum 481 (Afghan Resistance) has EndYear1 -7: ongoing in 2007.
        let w = rows.iter().find(|w| w.war_num == 481).unwrap();
        assert_eq!(
            w.spells[0],
            Years {
                start: 2001,
                end: 2007
            }
        );
    }
}
