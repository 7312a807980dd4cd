//! `stateyears`, `dyadyears`, `similarity`, `cite`, `datasets` and the COW
//! membership shown by `actor`.

use serde_json::Value;

use crate::{detente, manifest_dir};

fn run(d: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let o = detente(d).args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[test]
fn dyad_and_state_years_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 1990: 165 members in system2016.csv → 165·164/2 non-directed dyads.
    let (code, out, err) = run(
        d,
        &["dyadyears", "--from", "1990", "--to", "1990", "--mids"],
    );
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "year,ccode1,ccode2,stateabb1,stateabb2,mid_onset,mid_ongoing,mid_hostility"
    );
    assert_eq!(lines.count(), 165 * 164 / 2);

    let (code, _, err) = run(
        d,
        &[
            "stateyears",
            "--from",
            "1946",
            "--to",
            "2016",
            "--all",
            "--format",
            "parquet",
            "--out",
            "sy.parquet",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("rows written to sy.parquet"), "{err}");
    let (code, out, _) = run(d, &["cite", "sy.parquet", "--plain"]);
    assert_eq!(code, 0);
    assert!(out.contains("Data used by sy.parquet:"), "{out}");
    assert!(
        out.contains("Singer, J. David, Stuart Bremer, and John Stuckey (1972)"),
        "{out}"
    );
    assert!(out.contains("Voeten, Erik"), "{out}");

    let (code, _, err) = run(
        d,
        &[
            "dyadyears",
            "--from",
            "2000",
            "--to",
            "2000",
            "--votes",
            "--out",
            "dy.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let side: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("dy.csv.sources.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = side
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["dataset"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "cow_states",
            "cow_system",
            "countrycode",
            "un_votes",
            "un_roll_calls"
        ]
    );
    let (_, out, _) = run(d, &["cite", "dy.csv", "--bibtex"]);
    assert!(out.contains("@misc{voeten2009unvotes,"), "{out}");
}

#[test]
fn similarity_of_usa_and_russia() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, err) = run(
        d,
        &[
            "similarity",
            "USA",
            "RUS",
            "--from",
            "1985",
            "--to",
            "1995",
            "--format",
            "json",
            "--chart",
            "votes.svg",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["a"]["ccode"], 2);
    assert_eq!(v["b"]["abbrev"], "RUS");
    let years = v["years"].as_array().unwrap();
    assert_eq!(years.len(), 11);
    let agree = |y: i64| {
        years.iter().find(|r| r["year"] == y).unwrap()["agree"]
            .as_f64()
            .unwrap()
    };
    // The two states voted further apart in the Cold War's last years than after it.
    assert!(agree(1985) < agree(1995), "{out}");
    let svg = std::fs::read_to_string(d.join("votes.svg")).unwrap();
    assert!(svg.contains("UN General Assembly voting"));
    // USA-RUS atlas facts in 1985-1995 are marked (the atlas knows the pair).
    assert!(err.contains("chart written to votes.svg"), "{err}");

    let (code, _, err) = run(d, &["similarity", "USA", "XYZ"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown state \"XYZ\""), "{err}");
    let (code, _, err) = run(
        d,
        &["similarity", "USA", "RUS", "--from", "1900", "--to", "1940"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("cover 1946-2019"), "{err}");
}

#[test]
fn bad_years_and_bad_data_folders() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, err) = run(d, &["dyadyears", "--from", "1800", "--to", "1820"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.contains("the COW state system data cover 1816-2016"),
        "{err}"
    );

    // A data folder with a truncated NMC file: the file is named, nothing written.
    let data = d.join("data");
    std::fs::create_dir(&data).unwrap();
    let shared = manifest_dir().join("../../../shared/data/cow");
    let gz = std::fs::read(shared.join("NMC_5_0.csv.gz")).unwrap();
    std::fs::write(data.join("NMC_5_0.csv.gz"), &gz[..1000]).unwrap();
    for f in ["states2016.csv", "system2016.csv"] {
        std::fs::copy(shared.join(f), data.join(f)).unwrap();
    }
    let (code, _, err) = run(
        d,
        &[
            "stateyears",
            "--capabilities",
            "--data-dir",
            "data",
            "--out",
            "x.csv",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("nmc (data/NMC_5_0.csv.gz): gzip stream damaged"),
        "{err}"
    );
    assert!(!d.join("x.csv").exists());
    let (code, _, err) = run(d, &["stateyears", "--majors", "--data-dir", "data"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cow_majors: no file majors2016.csv (or .gz) in data"),
        "{err}"
    );
}

#[test]
fn datasets_check_and_actor_membership() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out, err) = run(d, &["datasets", "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("header field \"EndDay2 \" has surrounding spaces"),
        "{out}"
    );
    assert!(
        out.contains("un_votes: 200 countries matched to COW codes, 0 unmatched"),
        "{out}"
    );

    let (code, out, _) = run(d, &["actor", "DEU", "--as-of", "1950-01-01"]);
    assert_eq!(code, 0);
    assert!(out.contains("GMY 255 Germany (COW code): no;"), "{out}");
    assert!(out.contains("GFR 260 German Federal Republic"), "{out}");
    let (_, out, _) = run(
        d,
        &["actor", "DEU", "--as-of", "1960-01-01", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let m = v["system_membership"].as_array().unwrap();
    assert_eq!(m[0]["member"], false);
    assert_eq!(
        (m[1]["abbrev"].as_str(), m[1]["member"].as_bool()),
        (Some("GFR"), Some(true))
    );
}
