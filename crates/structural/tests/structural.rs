//! Structural data checked against the source files, read here with plain
//! string splitting, independently of the crate's readers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::PathBuf;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Float64Type, Int32Type};
use detente_structural::{
    Covariate, Dataset, Error, Origin, RawFile, Structural, YearTable, YearsQuery, cow, dyad_years,
    similarity_series, state_years,
};

/// The package's folder as cargo names it at run time (a reused build cache may have moved).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn shared() -> PathBuf {
    manifest_dir().join("../../../shared/data")
}

fn text(rel: &str) -> String {
    let bytes = std::fs::read(shared().join(rel)).unwrap();
    if rel.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .unwrap();
        s
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

/// (year, ccode) of every line of system2016.csv: stateabb,ccode,year,version.
fn members() -> BTreeSet<(i32, i32)> {
    text("cow/system2016.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2].parse().unwrap(), f[1].parse().unwrap())
        })
        .collect()
}

fn query(from: i32, to: i32, cov: &[Covariate], directed: bool) -> YearsQuery {
    YearsQuery {
        from,
        to,
        covariates: cov.iter().copied().collect(),
        directed,
        politically_relevant: false,
    }
}

fn dyads(q: &YearsQuery) -> YearTable {
    let data = Structural::load(&Origin::Bundled, &q.datasets(true)).unwrap();
    dyad_years(&data, q).unwrap()
}

/// Rows of a year table as (year, ccode1, ccode2) → batch, row.
fn index(t: &YearTable) -> HashMap<(i32, i32, i32), (usize, usize)> {
    let mut m = HashMap::new();
    for (bi, b) in t.batches.iter().enumerate() {
        let y = b.column(0).as_primitive::<Int32Type>();
        let a = b.column(1).as_primitive::<Int32Type>();
        let c = b.column(2).as_primitive::<Int32Type>();
        for r in 0..b.num_rows() {
            m.insert((y.value(r), a.value(r), c.value(r)), (bi, r));
        }
    }
    m
}

fn col<'a>(b: &'a RecordBatch, name: &str) -> &'a dyn Array {
    b.column_by_name(name).unwrap().as_ref()
}

#[test]
fn bundled_copies_are_the_shared_files() {
    let folder = Origin::Folder(shared());
    for d in Dataset::ALL {
        let a = Origin::Bundled.read(d).unwrap();
        let b = folder.read(d).unwrap();
        assert_eq!(a.sha256, b.sha256, "{d}");
    }
}

#[test]
fn directed_dyad_years_are_n_times_n_minus_1_every_year() {
    // system2016.csv: stateabb,ccode,year,version.
    let mut n: BTreeMap<i32, i64> = BTreeMap::new();
    for line in text("cow/system2016.csv").lines().skip(1) {
        let year: i32 = line.split(',').nth(2).unwrap().parse().unwrap();
        *n.entry(year).or_default() += 1;
    }
    let t = dyads(&query(1816, 2016, &[], true));
    let mut got: BTreeMap<i32, i64> = BTreeMap::new();
    for b in &t.batches {
        if b.num_rows() > 0 {
            let y = b.column(0).as_primitive::<Int32Type>().value(0);
            got.insert(y, b.num_rows() as i64);
        }
    }
    let expected: BTreeMap<i32, i64> = n.iter().map(|(&y, &k)| (y, k * (k - 1))).collect();
    assert_eq!(got, expected);
    assert_eq!(t.num_rows(), 1_912_350);
    let t = dyads(&query(1816, 2016, &[], false));
    assert_eq!(t.num_rows(), 1_912_350 / 2);
}

#[test]
fn mid_onsets_per_year_equal_a_direct_count_of_the_mid_file() {
    // dyadic_mid_4.02.csv: statea is field 3, stateb 5, strtyr 9, year 49.
    // Only dyads of two system members are dyad-years; one MID dyad-year is
    // not: the Dominican Republic (42) left the system during the US
    // occupation (1916-1924) while dispute 322 with the US ran into 1917.
    let members = members();
    let mut outside = BTreeSet::new();
    let mut direct: BTreeMap<i32, BTreeSet<(i32, i32)>> = BTreeMap::new();
    let mut ongoing: BTreeMap<i32, BTreeSet<(i32, i32)>> = BTreeMap::new();
    for line in text("cow/dyadic_mid_4.02.csv.gz").lines().skip(1) {
        let f: Vec<&str> = line.trim_end().split(',').collect();
        let (a, b): (i32, i32) = (f[2].parse().unwrap(), f[4].parse().unwrap());
        let (start, year): (i32, i32) = (f[8].parse().unwrap(), f[48].parse().unwrap());
        let pair = (a.min(b), a.max(b));
        if !members.contains(&(year, a)) || !members.contains(&(year, b)) {
            outside.insert((year, pair.0, pair.1));
            continue;
        }
        ongoing.entry(year).or_default().insert(pair);
        if start == year {
            direct.entry(year).or_default().insert(pair);
        }
    }
    let t = dyads(&query(1816, 2014, &[Covariate::Mids], false));
    let mut onsets: BTreeMap<i32, usize> = BTreeMap::new();
    let mut going: BTreeMap<i32, usize> = BTreeMap::new();
    for b in &t.batches {
        let y = b.column(0).as_primitive::<Int32Type>();
        let on = col(b, "mid_onset").as_boolean();
        let og = col(b, "mid_ongoing").as_boolean();
        for r in 0..b.num_rows() {
            if on.value(r) {
                *onsets.entry(y.value(r)).or_default() += 1;
            }
            if og.value(r) {
                *going.entry(y.value(r)).or_default() += 1;
            }
        }
    }
    let want: BTreeMap<i32, usize> = direct.iter().map(|(y, s)| (*y, s.len())).collect();
    let want_going: BTreeMap<i32, usize> = ongoing.iter().map(|(y, s)| (*y, s.len())).collect();
    assert_eq!(onsets, want);
    assert_eq!(going, want_going);
    assert_eq!(outside, BTreeSet::from([(1917, 2, 42)]));
}

#[test]
fn colonial_contiguity_from_spells_matches_the_dyad_year_file() {
    // contcold.csv: dyad,statelno,statelab,statehno,statehab,year,...
    let mut file: BTreeSet<(i32, i32, i32)> = BTreeSet::new();
    for line in text("cow/contcold.csv.gz").lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        file.insert((
            f[5].parse().unwrap(),
            f[1].parse().unwrap(),
            f[3].parse().unwrap(),
        ));
    }
    let t = dyads(&query(1816, 2016, &[Covariate::Contiguity], false));
    let mut ours: BTreeSet<(i32, i32, i32)> = BTreeSet::new();
    for b in &t.batches {
        let v = col(b, "colonial_contiguity").as_primitive::<Int32Type>();
        for r in 0..b.num_rows() {
            if v.value(r) > 0 {
                ours.insert((
                    b.column(0).as_primitive::<Int32Type>().value(r),
                    b.column(1).as_primitive::<Int32Type>().value(r),
                    b.column(2).as_primitive::<Int32Type>().value(r),
                ));
            }
        }
    }
    let only_ours: Vec<_> = ours.difference(&file).take(5).collect();
    assert!(
        only_ours.is_empty(),
        "in contcol spells, not contcold: {only_ours:?}"
    );
    // contcold may list dyad-years in which one side is not a system member.
    let members = members();
    let missing: Vec<_> = file
        .iter()
        .filter(|(y, a, b)| members.contains(&(*y, *a)) && members.contains(&(*y, *b)))
        .filter(|k| !ours.contains(k))
        .take(5)
        .collect();
    assert!(missing.is_empty(), "in contcold, not built: {missing:?}");
}

#[test]
fn values_spot_checked_by_hand() {
    let all = Covariate::ALL;
    let t = dyads(&query(1816, 2016, &all, false));
    let ix = index(&t);
    let get = |y, a, b| {
        let (bi, r) = ix[&(y, a, b)];
        (&t.batches[bi], r)
    };
    // Korean War (inter-state war 151): China (710) on side 2 from 1950,
    // the United States (2) on side 1; grep "Korean" in the war file.
    let (b, r) = get(1951, 2, 710);
    assert!(col(b, "interstate_war").as_boolean().value(r));
    let (b, r) = get(1949, 2, 710);
    assert!(!col(b, "interstate_war").as_boolean().value(r));
    // Dyadic MIDs: three USA-RUS disputes (61, 1353, 2219) started in 1962;
    // awk '$3==2 && $5==365 && $49==1962' on the MID file.
    let (b, r) = get(1962, 2, 365);
    assert!(col(b, "mid_onset").as_boolean().value(r));
    // contcol.csv line 2: 2020,2,"USA",3,1,20,"CAN",0,1920,1959 (type 1, land).
    let (b, r) = get(1950, 2, 20);
    assert_eq!(
        col(b, "colonial_contiguity")
            .as_primitive::<Int32Type>()
            .value(r),
        1
    );
    // FAS: the Soviet stockpile peaked at 40,159 in 1986; the US had 23,317.
    let (b, r) = get(1986, 2, 365);
    assert_eq!(
        col(b, "warheads1").as_primitive::<Float64Type>().value(r),
        23317.0
    );
    assert_eq!(
        col(b, "warheads2").as_primitive::<Float64Type>().value(r),
        40159.0
    );
    // Coverage: NMC ends 2012, MIDs 2014, wars 2007, FAS starts 1945, votes 1946-2019.
    let (b, r) = get(2013, 2, 365);
    assert!(col(b, "cinc1").is_null(r));
    assert!(!col(b, "mid_onset").is_null(r));
    assert!(col(b, "interstate_war").is_null(r));
    let (b, r) = get(2015, 2, 365);
    assert!(col(b, "mid_onset").is_null(r));
    assert!(!col(b, "colonial_contiguity").is_null(r));
    let (b, r) = get(1944, 2, 200);
    assert!(col(b, "warheads1").is_null(r));
    assert!(col(b, "un_votes").is_null(r));
    let (b, r) = get(1946, 2, 200);
    assert!(col(b, "un_votes").as_primitive::<Int32Type>().value(r) > 0);
}

#[test]
fn state_years_cinc_and_counts() {
    let q = query(1816, 2016, &Covariate::ALL, false);
    let data = Structural::load(&Origin::Bundled, &q.datasets(false)).unwrap();
    let t = state_years(&data, &q).unwrap();
    assert_eq!(t.num_rows(), 15951, "one row per line of system2016.csv");
    let b = &t.batches[0];
    // NMC_5_0.csv first data line: "USA",2,1816,3823,17,80,254,8659,101,.0396975,2011
    let cc = b.column(1).as_primitive::<Int32Type>();
    let r = (0..b.num_rows()).find(|&r| cc.value(r) == 2).unwrap();
    assert_eq!(
        col(b, "cinc").as_primitive::<Float64Type>().value(r),
        0.0396975
    );
    assert_eq!(
        col(b, "milex").as_primitive::<Float64Type>().value(r),
        3823.0
    );
    assert_eq!(col(b, "iso3").as_string::<i32>().value(r), "USA");
}

#[test]
fn un_similarity_is_consistent_and_every_country_matches() {
    let data = Structural::load(&Origin::Bundled, &[Dataset::UnVotes]).unwrap();
    assert!(data.vote_matrix.matches.iter().all(|m| m.ccode.is_some()));
    let r = data.report(Dataset::UnVotes).unwrap();
    assert_eq!((r.rows, r.used), (869_937, 869_937));
    let series = similarity_series(&data, 2, 365, 1946, 2019);
    assert_eq!(series.len(), 74);
    for y in &series {
        // 1964: the General Assembly's 19th session held no recorded vote.
        let Some(s) = y.similarity else {
            assert_eq!((y.year, y.roll_calls), (1964, 0));
            continue;
        };
        assert!((s.s - (2.0 * s.agree - 1.0)).abs() < 1e-12);
        assert!(s.votes <= y.roll_calls);
    }
    // The curated names (votes.rs) are the COW states they claim to be.
    let states = Structural::load(&Origin::Bundled, &[Dataset::States])
        .unwrap()
        .states;
    for (name, code) in [
        ("German Federal Republic", 260),
        ("Yemen Arab Republic", 678),
    ] {
        assert!(states.iter().any(|s| s.ccode == code && s.name == name));
    }
}

fn raw(d: Dataset, bytes: Vec<u8>) -> RawFile {
    RawFile {
        dataset: d,
        origin: "test copy".into(),
        bytes,
        sha256: String::new(),
    }
}

#[test]
fn damaged_copies_are_reported_precisely() {
    // A gzip copy cut in half.
    let dir = tempfile::tempdir().unwrap();
    let gz = std::fs::read(shared().join("cow/NMC_5_0.csv.gz")).unwrap();
    std::fs::write(dir.path().join("NMC_5_0.csv.gz"), &gz[..gz.len() / 2]).unwrap();
    let e = Origin::Folder(dir.path().into())
        .read(Dataset::Nmc)
        .unwrap_err();
    assert!(matches!(e, Error::Unreadable { .. }));
    assert!(e.to_string().contains("gzip stream damaged"), "{e}");
    assert!(e.to_string().contains("truncated"), "{e}");

    // A plain copy cut inside its last row.
    let mut b = text("cow/tc2018.csv").into_bytes();
    b.truncate(b.len() - 30);
    let (rows, rep) = cow::territorial_changes(&raw(Dataset::TerritorialChange, b)).unwrap();
    assert_eq!(rows.len(), 841);
    assert_eq!(rep.skipped.len(), 1);
    assert_eq!(rep.skipped[0].line, 843);
    assert!(
        rep.skipped[0].reason.contains("truncated row?"),
        "{:?}",
        rep.skipped
    );

    // UTF-16 without its byte-order mark.
    let utf16: Vec<u8> = text("cow/majors2016.csv")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let e = cow::majors(&raw(Dataset::Majors, utf16))
        .unwrap_err()
        .to_string();
    assert!(e.contains("NUL byte at offset 1"), "{e}");

    // The FAS raw export: UTF-16 with a BOM and tab-separated, so the
    // stockpile reader finds no column it needs and says which.
    let fas = std::fs::read(shared().join("nuclear/nuclear_weapons_stockpiles_raw.csv")).unwrap();
    let e = cow::stockpiles(&raw(Dataset::NuclearStockpiles, fas))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no column \"country_name\""), "{e}");

    // A UTF-8 file re-encoded as Latin-1 (é as 0xe9) is read and noted.
    let mut b = text("cow/states2016.csv").into_bytes();
    let at = b.windows(7).position(|w| w == b"Germany").unwrap();
    b.splice(at..at + 7, b"Germ\xe9ny".iter().copied());
    let (rows, rep) = cow::states(&raw(Dataset::States, b)).unwrap();
    assert_eq!(rows.len(), 243);
    assert_eq!(rep.encoding, "Windows-1252");
    assert!(
        rep.notes[0].contains("first invalid byte 0xe9"),
        "{:?}",
        rep.notes
    );

    // A missing folder file.
    let e = Origin::Folder(dir.path().into())
        .read(Dataset::UnVotes)
        .unwrap_err();
    assert!(
        e.to_string().contains("no file un_votes.csv (or .gz)"),
        "{e}"
    );
}

#[test]
fn years_outside_the_system_data_are_refused() {
    let data = Structural::load(&Origin::Bundled, &[Dataset::States, Dataset::System]).unwrap();
    let e = dyad_years(&data, &query(1800, 1820, &[], false)).unwrap_err();
    assert!(e.to_string().contains("cover 1816-2016"), "{e}");
    let e = state_years(&data, &query(1900, 1899, &[], false)).unwrap_err();
    assert!(e.to_string().contains("after the last"), "{e}");
}
