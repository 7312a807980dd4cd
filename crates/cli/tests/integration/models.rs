//! `detente model ...`: bundled inputs, every format, charts, bad input.

use insta_cmd::assert_cmd_snapshot;

use super::{detente, with_filters};

fn snap(name: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    with_filters(|| {
        assert_cmd_snapshot!(name, detente(dir.path()).args(args));
    });
}

#[test]
fn bdm() {
    snap("bdm_ec_table", &["model", "bdm"]);
    snap(
        "bdm_ec_json_three_rounds",
        &["model", "bdm", "--rounds", "3", "--format", "json"],
    );
    snap(
        "bdm_ec_csv_two_rounds",
        &["model", "bdm", "--rounds", "2", "--format", "csv"],
    );
}

#[test]
fn bdm_reads_files_and_names_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ok.csv"),
        "name,capability,position,salience\nA,1,0,0.5\nB,2,5,0.9\nC,1,10,0.4\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        "name,capability,position,salience\nA,1,0,0.5\nB,2,50,0.9\nC,-1,10,0.4\nD,1,3,seven\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad2.csv"),
        "name,capability,position,salience\nA,1,0,0.5\nB,2,50,0.9\nC,-1,10,40\n",
    )
    .unwrap();
    let d = dir.path();
    with_filters(|| {
        assert_cmd_snapshot!(
            "bdm_csv_ok",
            detente(d).args([
                "model", "bdm", "--actors", "ok.csv", "--range", "0..10", "--rounds", "2"
            ])
        );
        assert_cmd_snapshot!(
            "bdm_csv_without_range",
            detente(d).args(["model", "bdm", "--actors", "ok.csv"])
        );
        assert_cmd_snapshot!(
            "bdm_csv_unparsable_value",
            detente(d).args(["model", "bdm", "--actors", "bad.csv", "--range", "0..10"])
        );
        assert_cmd_snapshot!(
            "bdm_csv_out_of_range",
            detente(d).args([
                "model",
                "bdm",
                "--actors",
                "bad2.csv",
                "--range",
                "0..10",
                "--salience",
                "percent"
            ])
        );
        assert_cmd_snapshot!(
            "bdm_bad_range",
            detente(d).args(["model", "bdm", "--actors", "ok.csv", "--range", "ten"])
        );
    });
}

#[test]
fn arms_race() {
    snap(
        "arms_race_simulate_stable",
        &[
            "model",
            "arms-race",
            "simulate",
            "--k",
            "0.3",
            "--l",
            "0.2",
            "--a",
            "0.5",
            "--b",
            "0.4",
            "--g",
            "10",
            "--h",
            "5",
            "--years",
            "10",
            "--dt",
            "0.1",
        ],
    );
    snap(
        "arms_race_simulate_csv",
        &[
            "model",
            "arms-race",
            "simulate",
            "--k",
            "0.9",
            "--l",
            "0.8",
            "--a",
            "0.2",
            "--b",
            "0.3",
            "--x0",
            "1",
            "--y0",
            "1",
            "--years",
            "5",
            "--format",
            "csv",
        ],
    );
    snap("arms_race_fit_cold_war", &["model", "arms-race", "fit"]);
    snap(
        "arms_race_fit_json",
        &[
            "model",
            "arms-race",
            "fit",
            "--from",
            "1960",
            "--to",
            "1990",
            "--format",
            "json",
        ],
    );
    snap(
        "arms_race_fit_empty_span",
        &[
            "model",
            "arms-race",
            "fit",
            "--from",
            "1800",
            "--to",
            "1810",
        ],
    );
}

#[test]
fn compliance() {
    snap(
        "compliance_new_start",
        &["model", "compliance", "--as-of", "2025-01-01"],
    );
    snap(
        "compliance_new_start_csv",
        &["model", "compliance", "--format", "csv"],
    );
    snap(
        "compliance_unknown_treaty",
        &["model", "compliance", "--treaty", "salt-9"],
    );
}

#[test]
fn compliance_with_own_figures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("figures.csv"),
        "date,party,value\n2009,USA,2100\n2018-02-05,USA,1350\n2018-02-05,RUS,1444\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        "date,party,value\n2018-02-30,USA,1350\n",
    )
    .unwrap();
    let d = dir.path();
    with_filters(|| {
        assert_cmd_snapshot!(
            "compliance_own_figures",
            detente(d).args(["model", "compliance", "--data", "figures.csv"])
        );
        assert_cmd_snapshot!(
            "compliance_bad_date",
            detente(d).args(["model", "compliance", "--data", "bad.csv"])
        );
    });
}

#[test]
fn ipd() {
    snap(
        "ipd_tft_vs_alld",
        &["model", "ipd", "--strategies", "tit-for-tat,always-defect"],
    );
    snap(
        "ipd_match_csv",
        &[
            "model",
            "ipd",
            "--strategies",
            "grit,always-defect",
            "--turns",
            "12",
            "--format",
            "csv",
        ],
    );
    snap(
        "ipd_tournament_noise",
        &[
            "model",
            "ipd",
            "--noise",
            "0.05",
            "--repetitions",
            "20",
            "--seed",
            "7",
        ],
    );
    snap(
        "ipd_unknown_strategy",
        &["model", "ipd", "--strategies", "tit-for-tat,nice"],
    );
    snap(
        "ipd_not_a_dilemma",
        &["model", "ipd", "--payoffs", "3,5,1,0"],
    );
    snap(
        "evolve_small",
        &[
            "model",
            "evolve",
            "--strategies",
            "tit-for-tat,always-defect,always-cooperate",
            "--generations",
            "30",
            "--repetitions",
            "2",
        ],
    );
}

#[test]
fn charts_are_drawn_and_bad_names_refused_before_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (args, file) in [
        (vec!["model", "bdm", "--chart", "bdm.svg"], "bdm.svg"),
        (
            vec!["model", "arms-race", "fit", "--chart", "fit.png"],
            "fit.png",
        ),
        (vec!["model", "compliance", "--chart", "c.svg"], "c.svg"),
        (
            vec!["model", "ipd", "--repetitions", "2", "--chart", "t.svg"],
            "t.svg",
        ),
        (
            vec![
                "model",
                "ipd",
                "--strategies",
                "grit,random",
                "--chart",
                "m.svg",
            ],
            "m.svg",
        ),
        (
            vec!["model", "evolve", "--repetitions", "2", "--chart", "e.png"],
            "e.png",
        ),
    ] {
        let out = detente(d).args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(d.join(file)).unwrap();
        if file.ends_with(".svg") {
            assert!(bytes.starts_with(b"<svg"), "{file}");
        } else {
            assert_eq!(&bytes[1..4], b"PNG", "{file}");
        }
    }
    with_filters(|| {
        assert_cmd_snapshot!(
            "chart_bad_extension",
            detente(d).args(["model", "bdm", "--chart", "bdm.pdf"])
        );
    });
    assert!(!d.join("bdm.pdf").exists());
}
