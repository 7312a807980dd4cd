//! The answers the foundation issue asks for, checked against the seed texts.

use std::collections::BTreeSet;

use detente_atlas::{Error, RelationFilter};

use super::{atlas, day};

fn filter(kind: &str, status: &str) -> RelationFilter {
    RelationFilter {
        kind: Some(kind.into()),
        status: Some(status.into()),
    }
}

fn others(rows: &[detente_atlas::RelationRow]) -> BTreeSet<String> {
    rows.iter()
        .map(|r| r.object.clone().expect("relation with an object"))
        .collect()
}

#[test]
fn no_diplomatic_relations_in_2025_are_the_five_states_of_the_text() {
    let a = atlas();
    let ans = a
        .relations("RUS", day("2025-06-01"), &filter("diplomatic", "none"))
        .unwrap();
    // 000 ¶1: "Ukraine, Georgia, Bhutan, the Federated States of Micronesia, and the Solomon Islands"
    let want: BTreeSet<String> = ["BTN", "FSM", "GEO", "SLB", "UKR"].map(String::from).into();
    assert_eq!(others(&ans.relations), want);
    for r in &ans.relations {
        assert_eq!(r.source, "000_ae1c223bb303d995.txt");
        assert_eq!(r.paragraph, Some(1));
        assert!(r.caveat.as_deref().unwrap().contains("stated as of 2022"));
    }
}

#[test]
fn positive_relations_are_the_nineteen_states_of_the_table() {
    let a = atlas();
    let ans = a
        .relations("Russia", day("2025-06-01"), &filter("stance", "positive"))
        .unwrap();
    // 000 ¶5, the "Positive relations" row of the table.
    let want: BTreeSet<String> = [
        "BRA", "HND", "IND", "TKM", "UZB", "VNM", "HUN", "SRB", "AZE", "TUR", "BHR", "KWT", "QAT",
        "EGY", "SAU", "OMN", "JOR", "MAR", "ARE",
    ]
    .map(String::from)
    .into();
    assert_eq!(want.len(), 19);
    assert_eq!(others(&ans.relations), want);
    assert_eq!(ans.relations.len(), 19, "each state once");
}

#[test]
fn before_the_text_speaks_the_undated_claims_are_undetermined_not_denied() {
    let a = atlas();
    let ans = a
        .relations("RUS", day("2010-01-01"), &filter("diplomatic", "none"))
        .unwrap();
    assert!(ans.relations.is_empty());
    assert_eq!(others(&ans.undetermined).len(), 5);
}

#[test]
fn ukraine_severed_relations_in_2022_as_a_directed_act() {
    let a = atlas();
    let ans = a
        .relations("UKR", day("2023-01-01"), &filter("diplomatic", "severed"))
        .unwrap();
    assert_eq!(ans.relations.len(), 1);
    let r = &ans.relations[0];
    assert_eq!(
        (r.subject.as_str(), r.object.as_deref()),
        ("UKR", Some("RUS"))
    );
    assert!(r.directed);
    assert_eq!(r.valid_from.as_deref(), Some("2022"));
    assert!(r.caveat.is_none(), "2023 is past the year-precision start");
    let in_2022 = a
        .relations("UKR", day("2022-06-01"), &filter("diplomatic", "severed"))
        .unwrap();
    assert!(
        in_2022.relations[0]
            .caveat
            .as_deref()
            .unwrap()
            .starts_with("year-precision date 2022")
    );
    let before = a
        .relations("UKR", day("2021-12-31"), &filter("diplomatic", "severed"))
        .unwrap();
    assert!(before.relations.is_empty() && before.undetermined.is_empty());
}

#[test]
fn us_russia_history_runs_from_1809_in_order() {
    let a = atlas();
    let h = a.history("USA", "RUS").unwrap();
    let dated: Vec<&str> = h.iter().filter_map(|f| f.valid_from.as_deref()).collect();
    assert_eq!(dated.first(), Some(&"1809"));
    let mut sorted = dated.clone();
    sorted.sort_by_key(|d| d.parse::<detente_core::PartialDate>().unwrap());
    assert_eq!(dated, sorted, "oldest first");
    let summaries: Vec<&str> = h.iter().map(|f| f.summary.as_str()).collect();
    for needle in [
        "diplomatic established",
        "diplomatic interrupted",
        "diplomatic resumed",
        "Cold War",
        "New START: signed",
        "New START: extended",
        "Geneva Summit",
        "JCPOA",
    ] {
        let hit = summaries.iter().any(|s| s.contains(needle))
            || h.iter().any(|f| f.quote.contains(needle));
        assert!(hit, "history lacks {needle:?}: {summaries:#?}");
    }
    // The Cold War facts are about the Soviet Union, which Russia continues.
    assert!(h.iter().any(|f| f.object.as_deref() == Some("SUN")));
    // Undated facts come last.
    let first_undated = h.iter().position(|f| f.valid_from.is_none()).unwrap();
    assert!(h[first_undated..].iter().all(|f| f.valid_from.is_none()));
}

#[test]
fn new_start_as_of_dates() {
    let a = atlas();
    let t = a.treaty("new-start", day("2022-01-01")).unwrap();
    assert_eq!(t.parties, ["RUS", "USA"]);
    assert_eq!(t.status, "in force, extended (2021)");
    assert_eq!(t.terms.len(), 1);
    assert_eq!(t.terms[0].value, 1550.0);
    assert_eq!(t.terms[0].unit, "warheads");
    assert_eq!(
        t.terms[0].quote,
        "This limits both nations to 1,550 deployed nuclear warheads."
    );
    assert_eq!(
        a.treaty("New START", day("2009-06-01")).unwrap().status,
        "not yet concluded"
    );
    assert_eq!(
        a.treaty("new-start", day("2015-06-01")).unwrap().status,
        "signed (2010)"
    );
}

#[test]
fn jcpoa_after_the_us_exit_binds_the_remaining_parties() {
    let a = atlas();
    let t = a.treaty("jcpoa", day("2019-01-01")).unwrap();
    assert_eq!(
        t.status,
        "in force for the remaining parties; withdrawn by USA (2018)"
    );
    let before = a.treaty("jcpoa", day("2016-01-01")).unwrap();
    assert_eq!(before.status, "adopted (2015)");
}

#[test]
fn unknown_names_are_errors_not_empty_answers() {
    let a = atlas();
    assert!(matches!(a.actor("Atlantis"), Err(Error::UnknownActor(_))));
    let err = a.treaty("salt-3", day("2020-01-01")).unwrap_err();
    assert!(
        err.to_string().contains(
            "known treaties: jcpoa, minsk-agreements, nato-russia-founding-act, new-start"
        )
    );
    assert!(matches!(
        a.facts(Some("nope.txt"), None),
        Err(Error::UnknownSource { .. })
    ));
}

#[test]
fn actors_are_found_by_code_name_or_alias() {
    let a = atlas();
    for q in ["RUS", "rus", "RU", "365", "Russia", "Russian Federation"] {
        assert_eq!(a.actor(q).unwrap().id, "RUS", "{q}");
    }
    assert_eq!(a.actor("collective West").unwrap().id, "WEST");
    assert_eq!(a.actor("USSR").unwrap().successor.as_deref(), Some("RUS"));
    assert_eq!(a.lineage("RUS").unwrap(), ["RUS", "SUN"]);
}

#[test]
fn full_text_search_ranks_the_geneva_summit_first() {
    let a = atlas();
    let hits = a.facts(None, Some("Geneva summit")).unwrap();
    assert!(!hits.is_empty());
    assert_eq!(
        hits[0].name.as_deref(),
        Some("Geneva Summit: Biden and Putin meet")
    );
    // Punctuation cannot break the query syntax.
    assert!(a.facts(None, Some("U.S.-Russia \"relations")).is_ok());
    assert!(matches!(
        a.facts(None, Some("--")),
        Err(Error::BadSearch { .. })
    ));
}

#[test]
fn report_sections_are_cited_and_dated() {
    let a = atlas();
    let r = a.report("RUS", day("2025-06-01")).unwrap();
    let section = |k: &str| r.sections.iter().find(|s| s.key == k).unwrap();
    assert_eq!(
        section("no_diplomatic_relations").items.len(),
        6,
        "five states plus Ukraine's severance"
    );
    assert_eq!(
        section("positive_relations").items.len(),
        19 + 4,
        "nineteen plus four 'aligned'"
    );
    assert!(
        section("treaties")
            .items
            .iter()
            .any(|i| i.text.contains("1,550"))
    );
    assert!(
        section("doctrine")
            .items
            .iter()
            .any(|i| i.text.starts_with("Eurasianism"))
    );
    assert!(
        section("open_disputes")
            .items
            .iter()
            .any(|i| i.text.contains("Ukraine"))
    );
    for s in &r.sections {
        for i in &s.items {
            assert!(
                !i.quote.is_empty() && !i.source.is_empty(),
                "{}: uncited line {}",
                s.key,
                i.text
            );
        }
    }
    // In 1990 the Soviet Union's Cold War ties are Russia's; the 2022 war is not yet.
    let old = a.report("RUS", day("1990-01-01")).unwrap();
    let tens = old.sections.iter().find(|s| s.key == "tensions").unwrap();
    assert!(tens.items.iter().any(|i| i.text.contains("adversarial")));
    let conflicts = old.sections.iter().find(|s| s.key == "conflicts").unwrap();
    assert!(conflicts.items.iter().all(|i| !i.text.contains("invasion")));
}
