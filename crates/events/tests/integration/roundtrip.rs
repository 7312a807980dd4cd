//! Each format round-trips: ingest, read the Parquet back, compare with values
//! checked by hand against the source file (awk on the raw lines).

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    Date32Type, Float64Type, Int8Type, Int32Type, Int64Type, TimestampSecondType,
};
use std::collections::BTreeMap;

use detente_events::{EventStore, IngestOptions, IngestOutcome};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{gdelt2_exports, gdelt2_exports_text, ingest_one, read_all, shared, testdata};

fn col<'a>(b: &'a arrow::array::RecordBatch, name: &str) -> &'a dyn Array {
    b.column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .as_ref()
}

/// The batch and row index where the Int64 column `name` equals `value`.
fn row_where<'a>(
    batches: &'a [arrow::array::RecordBatch],
    name: &str,
    value: i64,
) -> (&'a arrow::array::RecordBatch, usize) {
    batches
        .iter()
        .find_map(|b| {
            let c = col(b, name).as_primitive::<Int64Type>();
            (0..b.num_rows())
                .find(|&i| c.value(i) == value)
                .map(|i| (b, i))
        })
        .unwrap_or_else(|| panic!("no row with {name} = {value}"))
}

#[test]
fn gdelt2_first_row_as_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (store, s) = ingest_one(dir.path(), &testdata("gdelt2-20161013151500-head50.csv"));
    assert_eq!(
        (
            s.format.as_str(),
            s.rows_read,
            s.rows_written,
            s.rows_quarantined
        ),
        ("gdelt2", 50, 50, 0)
    );
    let batches = read_all(&store);
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, 50);
    // Line 1 (awk): 588604779, 20151014, Actor2Code DEU, EventCode 040, QuadClass 1,
    // Goldstein 1.0, NumMentions 3, AvgTone -1.46443514644352, ActionGeo type 3
    // "Hollywood, California, United States" lat 34.0983, DATEADDED 20161013151500.
    let (b, i) = row_where(&batches, "line", 1);
    assert_eq!(
        col(b, "global_event_id")
            .as_primitive::<Int64Type>()
            .value(i),
        588_604_779
    );
    let day = col(b, "day").as_primitive::<Date32Type>().value(i);
    assert_eq!(
        chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(day as i64),
        chrono::NaiveDate::from_ymd_opt(2015, 10, 14).unwrap()
    );
    assert!(col(b, "actor1_code").is_null(i));
    assert_eq!(col(b, "actor2_code").as_string::<i32>().value(i), "DEU");
    assert_eq!(col(b, "event_code").as_string::<i32>().value(i), "040");
    assert_eq!(col(b, "event_root_code").as_string::<i32>().value(i), "04");
    assert_eq!(col(b, "quad_class").as_primitive::<Int8Type>().value(i), 1);
    assert_eq!(
        col(b, "goldstein").as_primitive::<Float64Type>().value(i),
        1.0
    );
    assert_eq!(
        col(b, "num_mentions").as_primitive::<Int32Type>().value(i),
        3
    );
    assert_eq!(
        col(b, "avg_tone").as_primitive::<Float64Type>().value(i),
        -1.46443514644352
    );
    assert_eq!(
        col(b, "action_geo_type")
            .as_primitive::<Int8Type>()
            .value(i),
        3
    );
    assert_eq!(
        col(b, "action_geo_fullname").as_string::<i32>().value(i),
        "Hollywood, California, United States"
    );
    assert_eq!(
        col(b, "action_geo_lat")
            .as_primitive::<Float64Type>()
            .value(i),
        34.0983
    );
    // 2016-10-13 15:15:00 UTC.
    assert_eq!(
        col(b, "date_added")
            .as_primitive::<TimestampSecondType>()
            .value(i),
        1_476_371_700
    );
    assert!(
        col(b, "source_url")
            .as_string::<i32>()
            .value(i)
            .starts_with("https://www.yahoo.com/news/halle-berry")
    );
    // Partitioned by the event's month: this row lives under 2015-10.
    let outs = store.outputs().unwrap();
    assert!(
        outs.iter()
            .any(|o| o.source == "gdelt2" && o.year == 2015 && o.month == 10)
    );
    assert!(
        outs.iter()
            .all(|o| o.path.starts_with("events/source=gdelt2/year="))
    );
}

#[test]
fn gdelt1_mixes_57_and_58_field_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (store, s) = ingest_one(
        dir.path(),
        &shared("gdelt/v1/excerpts/spark-gdelt-events1.csv"),
    );
    assert_eq!(
        (
            s.format.as_str(),
            s.rows_read,
            s.rows_written,
            s.rows_quarantined
        ),
        ("gdelt1", 100, 100, 0)
    );
    let batches = read_all(&store);
    let with_url: usize = batches
        .iter()
        .map(|b| b.num_rows() - col(b, "source_url").null_count())
        .sum();
    // The data README: 40 rows of 57 fields (no SOURCEURL) and 60 of 58.
    assert_eq!(with_url, 60);
    // Line 41 (awk): the first 58-field row, 253461011, SQLDATE 20030404,
    // EventCode 043, DATEADDED 20130401, SOURCEURL "BBC Monitoring".
    let (b, i) = row_where(&batches, "global_event_id", 253_461_011);
    assert_eq!(col(b, "event_code").as_string::<i32>().value(i), "043");
    assert_eq!(
        col(b, "source_url").as_string::<i32>().value(i),
        "BBC Monitoring"
    );
    // 2013-04-01 00:00 UTC: GDELT 1.0 dates additions to the day.
    assert_eq!(
        col(b, "date_added")
            .as_primitive::<TimestampSecondType>()
            .value(i),
        1_364_774_400
    );
}

#[test]
fn icews_reads_its_header_nas_and_country_names() {
    let dir = tempfile::tempdir().unwrap();
    let (store, s) = ingest_one(dir.path(), &shared("icews/events.2018.sample.tab.gz"));
    // The data README: 3,705 rows, a header line.
    assert_eq!(
        (
            s.format.as_str(),
            s.rows_read,
            s.rows_written,
            s.rows_quarantined
        ),
        ("icews", 3705, 3705, 0)
    );
    let batches = read_all(&store);
    let russian: usize = batches
        .iter()
        .map(|b| {
            let c = col(b, "actor1_country_code").as_string::<i32>();
            (0..b.num_rows())
                .filter(|&i| c.is_valid(i) && c.value(i) == "RUS")
                .count()
        })
        .sum();
    // awk: 176 rows with Source Country "Russian Federation".
    assert_eq!(russian, 176);
    // Event 32889836 (line 2): 2018-06-01, Bangladesh -> Vietnam, CAMEO 040, intensity 1.
    let (b, i) = row_where(&batches, "global_event_id", 32_889_836);
    assert_eq!(
        col(b, "actor1_country_code").as_string::<i32>().value(i),
        "BGD"
    );
    assert_eq!(
        col(b, "actor2_country_code").as_string::<i32>().value(i),
        "VNM"
    );
    assert_eq!(col(b, "quad_class").as_primitive::<Int8Type>().value(i), 1);
    assert_eq!(
        col(b, "goldstein").as_primitive::<Float64Type>().value(i),
        1.0
    );
    // "NA" in District is null, not the string "NA".
    assert!(col(b, "action_geo_district").is_null(i));
}

#[test]
fn all_91_gdelt2_exports_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = EventStore::open(dir.path()).unwrap();
    let files = gdelt2_exports();
    let (mut read, mut written) = (0, 0);
    for f in &files {
        let IngestOutcome::Ingested(s) =
            store.ingest(f, &IngestOptions::default(), &|_| {}).unwrap()
        else {
            panic!("{}", f.display())
        };
        read += s.rows_read;
        written += s.rows_written;
    }
    // The data README: 91 files, 129,257 rows, 61 fields on every row.
    assert_eq!(files.len(), 91);
    assert_eq!((read, written), (129_257, 129_257));
    let rows: u64 = store.outputs().unwrap().iter().map(|o| o.rows).sum();
    assert_eq!(rows, 129_257);
    let stats = store.stats().unwrap();
    let g = stats
        .coverage
        .iter()
        .find(|c| c.source == "gdelt2")
        .unwrap();
    assert_eq!(g.batches, 91);
    // The README's contiguous run 2024-10-22 13:00-15:30 lacks 14:15 and 15:15.
    let in_run: Vec<_> = stats
        .gaps
        .iter()
        .filter(|x| x.from.starts_with("2024-10-22 1") && x.missing == 1)
        .collect();
    let froms: Vec<&str> = in_run.iter().map(|x| x.from.as_str()).collect();
    assert_eq!(froms, ["2024-10-22 14:15", "2024-10-22 15:15"]);
}

#[test]
fn same_content_again_is_a_no_op_and_force_replaces_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let src = testdata("gdelt2-20161013151500-head50.csv");
    let (mut store, first) = ingest_one(dir.path(), &src);
    let files_before: Vec<String> = store.listed().unwrap().into_iter().collect();
    assert!(
        files_before
            .iter()
            .any(|f| f.starts_with("rollup/source=gdelt2/")),
        "the ingest wrote its rollup: {files_before:?}"
    );
    assert!(store.rollup_complete().unwrap());
    // The same bytes under another name are recognised by their sha256.
    let copy = dir.path().join("copy.csv");
    std::fs::copy(&src, &copy).unwrap();
    match store
        .ingest(&copy, &IngestOptions::default(), &|_| {})
        .unwrap()
    {
        IngestOutcome::AlreadyIngested { previous } => assert_eq!(previous.id, first.id),
        other => panic!("{other:?}"),
    }
    let forced = store
        .ingest(
            &copy,
            &IngestOptions {
                force: true,
                ..Default::default()
            },
            &|_| {},
        )
        .unwrap();
    let IngestOutcome::Ingested(s) = forced else {
        panic!()
    };
    assert_eq!(s.rows_written, 50);
    assert_eq!(store.ingests().unwrap().len(), 1, "replaced, not added");
    let rows: u64 = store.outputs().unwrap().iter().map(|o| o.rows).sum();
    assert_eq!(rows, 50, "no duplicated rows");
    for old in files_before {
        assert!(!dir.path().join(old).exists(), "old files are deleted");
    }
    // The files on disk are exactly the listed ones: events and one rollup.
    let mut on_disk = Vec::new();
    let mut stack = vec![dir.path().join("events"), dir.path().join("rollup")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(dir.path())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                on_disk.push(rel);
            }
        }
    }
    let mut listed: Vec<String> = store.listed().unwrap().into_iter().collect();
    on_disk.sort();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert_eq!(
        listed.iter().filter(|f| f.starts_with("rollup/")).count(),
        1
    );
    let total: usize = read_all(&store).iter().map(|b| b.num_rows()).sum();
    assert_eq!(total, 50);
}

/// Three copies of the 91 exports in one file: 387,771 rows, of which 144,732
/// fall in January 2025, more than one row group (131,072 rows) holds.
fn three_copies(dir: &std::path::Path) -> std::path::PathBuf {
    let one = gdelt2_exports_text();
    let input = dir.join("three.csv");
    std::fs::write(&input, [one.as_slice(), &one, &one].concat()).unwrap();
    input
}

/// Ingests `input` with a memory budget and returns the row group sizes of
/// each month's files, after checking that every line of the file is a row
/// of exactly one month, in line order across the month's files. The pool parses and encodes out of
/// order; the files must not show it.
fn ingest_with_budget(
    store_dir: &std::path::Path,
    input: &std::path::Path,
    budget: usize,
    row_groups_per_file: Option<usize>,
) -> BTreeMap<(i32, u32), Vec<Vec<i64>>> {
    let mut store = EventStore::open(store_dir).unwrap();
    let opts = IngestOptions {
        memory_budget: Some(budget),
        row_groups_per_file,
        ..Default::default()
    };
    let IngestOutcome::Ingested(s) = store.ingest(input, &opts, &|_| {}).unwrap() else {
        panic!("not ingested")
    };
    let n = 3 * 129_257;
    assert_eq!((s.rows_read, s.rows_written), (n, n));
    let mut seen = vec![false; n as usize + 1];
    let mut months: BTreeMap<(i32, u32), Vec<Vec<i64>>> = BTreeMap::new();
    let mut last_line: BTreeMap<(i32, u32), i64> = BTreeMap::new();
    for o in store.outputs().unwrap() {
        let file = std::fs::File::open(store.root().join(&o.path)).unwrap();
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let groups: Vec<i64> = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert!(!groups.is_empty(), "{}: a listed file without rows", o.path);
        assert!(
            groups.iter().all(|g| (1..=131_072).contains(g)),
            "{groups:?}"
        );
        months.entry((o.year, o.month)).or_default().push(groups);
        let previous = last_line.entry((o.year, o.month)).or_default();
        for b in builder.build().unwrap() {
            let b = b.unwrap();
            let lines = b
                .column_by_name("line")
                .unwrap()
                .as_primitive::<Int64Type>();
            for l in lines.values() {
                assert!(*l > *previous, "{}: line {l} after {previous}", o.path);
                *previous = *l;
                assert!(!seen[*l as usize], "line {l} twice");
                seen[*l as usize] = true;
            }
        }
    }
    assert!(seen[1..].iter().all(|s| *s));
    months
}

#[test]
fn rows_keep_line_order_and_row_groups_fill_up() {
    let dir = tempfile::tempdir().unwrap();
    let input = three_copies(dir.path());
    let months = ingest_with_budget(&dir.path().join("store"), &input, 1 << 40, None);
    for (month, files) in &months {
        // With memory to spare, one file a month, and every row group but
        // the last is full.
        let [groups] = files.as_slice() else {
            panic!("{month:?}: {files:?}")
        };
        let (_, full) = groups.split_last().unwrap();
        assert!(full.iter().all(|g| *g == 131_072), "{month:?}: {groups:?}");
    }
    assert_eq!(months[&(2025, 1)], [[131_072, 144_732 - 131_072]]);
}

/// A budget below what one month's open column writers cost ends every row
/// group early, at the same rows on every run, and loses nothing.
#[test]
fn a_memory_budget_ends_row_groups_early_at_the_same_rows_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let input = three_copies(dir.path());
    let budget = 16 << 20;
    let first = ingest_with_budget(&dir.path().join("a"), &input, budget, None);
    let second = ingest_with_budget(&dir.path().join("b"), &input, budget, None);
    assert_eq!(first, second);
    let unbounded = ingest_with_budget(&dir.path().join("c"), &input, 1 << 40, None);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        unbounded.keys().collect::<Vec<_>>()
    );
    for (month, files) in &first {
        let groups: Vec<i64> = files.concat();
        let rows: i64 = groups.iter().sum();
        assert_eq!(
            rows,
            unbounded[month].concat().iter().sum::<i64>(),
            "{month:?}"
        );
        // A month is cut at the first chunk after it has writers (8,192
        // rows), and a 4 MiB chunk of this file holds at most 10,499 rows.
        assert!(groups.iter().all(|g| *g < 18_692), "{month:?}: {groups:?}");
    }
    assert!(first[&(2025, 1)][0].len() > 7, "{:?}", first[&(2025, 1)]);
}

/// With a budget this small, a month is cut into a row group per chunk; a
/// file takes four row groups here and the month goes on in the next one.
#[test]
fn a_month_of_many_row_groups_goes_on_in_further_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = three_copies(dir.path());
    let months = ingest_with_budget(&dir.path().join("store"), &input, 1 << 20, Some(4));
    let files = &months[&(2025, 1)];
    assert!(files.len() >= 4, "{files:?}");
    let (last, full) = files.split_last().unwrap();
    assert!(full.iter().all(|f| f.len() == 4), "{files:?}");
    assert!((1..=4).contains(&last.len()), "{files:?}");
    let rows: i64 = files.iter().flatten().sum();
    assert_eq!(rows, 144_732);
}

#[test]
fn a_closed_store_holds_its_ingests_in_its_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let (store, first) = ingest_one(dir.path(), &testdata("gdelt2-20161013151500-head50.csv"));
    drop(store);
    let wal = dir.path().join("events.sqlite-wal");
    // The writer checkpointed at close: the database file alone is complete.
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0));
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        dir.path().join("events.sqlite"),
        copy.path().join("events.sqlite"),
    )
    .unwrap();
    let ingests = EventStore::open(copy.path()).unwrap().ingests().unwrap();
    assert_eq!(ingests.len(), 1);
    assert_eq!(ingests[0].id, first.id);
    assert_eq!(ingests[0].rows_written, 50);
    // A reader leaves the (empty) WAL in place for the next open.
    drop(EventStore::open(dir.path()).unwrap());
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0);
}

/// Rows of two months, each reaching the 8,192 rows that give it column
/// writers, the first getting no more, then a few rows of a third month.
/// The budget cuts both months, the first after rows already given to its
/// writers; every month is written whole when the file ends.
#[test]
fn months_cut_by_the_budget_and_a_late_small_month_are_written_whole() {
    let text = String::from_utf8(gdelt2_exports_text()).unwrap();
    let mut rows: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in text.lines() {
        let day = line.split('\t').nth(1).unwrap();
        rows.entry(&day[..6]).or_default().push(line);
    }
    // The coordinator visits months in date order at the end, so the third
    // month is the latest.
    let wanted = [("202412", 8_500), ("202501", 8_500), ("202502", 10)];
    let mut input = String::new();
    for (month, n) in wanted {
        for line in &rows[month][..n] {
            input.push_str(line);
            input.push('\n');
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("three-months.csv");
    std::fs::write(&path, input).unwrap();
    let mut store = EventStore::open(&dir.path().join("store")).unwrap();
    let opts = IngestOptions {
        memory_budget: Some(16 << 20),
        ..Default::default()
    };
    let out = store.ingest(&path, &opts, &|_| {}).unwrap();
    let IngestOutcome::Ingested(s) = out else {
        panic!("not ingested: {out:?}")
    };
    assert_eq!(s.rows_written, 17_010);
    let mut months: Vec<_> = store
        .outputs()
        .unwrap()
        .iter()
        .map(|o| (o.year, o.month, o.rows))
        .collect();
    months.sort();
    assert_eq!(months, [(2024, 12, 8_500), (2025, 1, 8_500), (2025, 2, 10)]);
}
