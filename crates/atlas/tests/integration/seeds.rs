//! Every bundled fact quotes its seed text verbatim, and every paragraph of the
//! seed texts is covered by a fact or by a stated reason.

use std::collections::BTreeSet;
use std::path::PathBuf;

use detente_atlas::bundled;
use sha2::{Digest, Sha256};

use super::atlas;

/// The package's folder as cargo names it at run time (a reused build cache may have moved).
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

const SEEDS: &[&str] = &["000_ae1c223bb303d995.txt", "002_d5b9630160081b01.txt"];

/// The seed texts live in `shared/seeds/` beside the repository (they are the
/// project's sources, not shipped with it); `DETENTE_SEEDS` may point elsewhere.
fn seeds_dir() -> PathBuf {
    std::env::var_os("DETENTE_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../../shared/seeds"))
}

fn read_seed(name: &str) -> String {
    let path = seeds_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read seed text {}: {e}; set DETENTE_SEEDS to the folder holding the seed texts",
            path.display()
        )
    })
}

/// Paragraphs as the curated files count them: non-blank lines, trimmed.
fn paragraphs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn every_quote_occurs_in_the_paragraph_it_cites() {
    let atlas = atlas();
    let mut checked = 0;
    for seed in SEEDS {
        let text = read_seed(seed);
        let paras = paragraphs(&text);
        let facts = atlas.facts(Some(seed), None).unwrap();
        assert!(facts.len() > 50, "{seed}: only {} facts", facts.len());
        for f in facts {
            let p = f
                .paragraph
                .unwrap_or_else(|| panic!("{seed}: fact {} has no paragraph", f.id));
            let para = paras
                .get(p as usize - 1)
                .unwrap_or_else(|| panic!("{seed}: paragraph {p} does not exist"));
            assert!(
                para.contains(&f.quote),
                "{seed} ¶{p}: quote not found verbatim: {:?}\nparagraph: {para}",
                f.quote
            );
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} quotes checked");
}

#[test]
fn every_paragraph_has_a_fact_or_a_reason() {
    let atlas = atlas();
    for seed in SEEDS {
        let text = read_seed(seed);
        let n = paragraphs(&text).len() as u32;
        let cited: BTreeSet<u32> = atlas
            .facts(Some(seed), None)
            .unwrap()
            .iter()
            .filter_map(|f| f.paragraph)
            .collect();
        let excused: BTreeSet<u32> = atlas
            .uncovered(seed)
            .unwrap()
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let missing: Vec<u32> = (1..=n)
            .filter(|p| !cited.contains(p) && !excused.contains(p))
            .collect();
        assert!(
            missing.is_empty(),
            "{seed}: paragraphs with no fact and no reason: {missing:?}"
        );
        let both: Vec<&u32> = cited.intersection(&excused).collect();
        assert!(
            both.is_empty(),
            "{seed}: paragraphs both cited and excused: {both:?}"
        );
        let beyond: Vec<&u32> = excused.iter().filter(|p| **p > n).collect();
        assert!(
            beyond.is_empty(),
            "{seed}: excuses for paragraphs that do not exist: {beyond:?}"
        );
    }
}

#[test]
fn sources_pin_the_seed_texts_they_quote() {
    let atlas = atlas();
    let sources = atlas.sources().unwrap();
    for seed in SEEDS {
        let text = read_seed(seed);
        let digest = format!("{:x}", Sha256::digest(text.as_bytes()));
        let s = sources
            .iter()
            .find(|s| s.id == *seed)
            .expect("seed source present");
        assert_eq!(
            s.sha256.as_deref(),
            Some(digest.as_str()),
            "{seed} changed since it was curated"
        );
        assert_eq!(s.kind, "seed");
    }
}

#[test]
fn each_seed_has_its_own_curated_file() {
    for seed in SEEDS {
        let stem = seed.trim_end_matches(".txt");
        assert!(
            bundled::FILES
                .iter()
                .any(|f| f.name == format!("{stem}.toml")),
            "no curated file for {seed}"
        );
    }
}
