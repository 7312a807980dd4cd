//! The data sets detente reads, where each comes from and how to cite it.
//!
//! Every data set is bundled with this crate (see `data/SOURCE.md`) and can be
//! read instead from a folder holding the same files, e.g. a newer download.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use detente_core::digest::sha256_hex;
use serde::Serialize;

use crate::error::{Error, Result};

macro_rules! bundled {
    ($name:literal) => {
        include_bytes!(concat!("../data/", $name))
    };
}

/// One data set: a file with a known layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dataset {
    /// COW State System Membership v2016: membership spells.
    States,
    /// COW State System Membership v2016: state-years.
    System,
    /// COW State System Membership v2016: major-power spells.
    Majors,
    /// COW country codes (abbreviation, number, name).
    CountryCodes,
    /// COW National Material Capabilities v5.0.
    Nmc,
    /// COW Inter-State War Data v4.0.
    InterStateWars,
    /// COW Extra-State War Data v4.0.
    ExtraStateWars,
    /// COW Intra-State War Data v5.1.
    IntraStateWars,
    /// COW Non-State War Data v4.0.
    NonStateWars,
    /// COW Colonial/Dependency Contiguity v3.1, dyadic spells.
    ColonialContiguity,
    /// COW Colonial/Dependency Contiguity v3.1, dyad-years.
    ColonialContiguityDyadYears,
    /// COW Colonial/Dependency Contiguity v3.1, state-years.
    ColonialContiguityStateYears,
    /// COW Territorial Change v6 (tc2018).
    TerritorialChange,
    /// Dyadic Militarized Interstate Disputes v4.02.
    DyadicMids,
    /// MID Locations v2.1 (MIDLOC-A).
    MidLocations,
    /// The countrycode package's code list (COW, ISO, FIPS, GW, UN ...).
    CountryCodelist,
    /// FAS nuclear warhead stockpiles by country and year.
    NuclearStockpiles,
    /// UN General Assembly votes (one country's vote on one roll call).
    UnVotes,
    /// UN General Assembly roll calls.
    UnRollCalls,
    /// UN General Assembly roll-call issue tags.
    UnRollCallIssues,
}

/// How to cite a data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// BibTeX key.
    pub key: &'static str,
    /// Authors, each as "Last, First" (an organisation without a comma).
    pub authors: &'static [&'static str],
    /// Year of the publication to cite.
    pub year: u16,
    /// Title.
    pub title: &'static str,
    /// Journal, book or publisher.
    pub published_in: &'static str,
    /// BibTeX entry type: `article`, `book`, `misc`, ...
    pub kind: &'static str,
    /// A URL or DOI, when there is one.
    pub url: &'static str,
}

impl Citation {
    /// The citation as one line of plain text.
    pub fn plain(&self) -> String {
        let names: Vec<String> = self
            .authors
            .iter()
            .enumerate()
            .map(|(i, a)| match a.split_once(", ") {
                Some((last, first)) if i > 0 => format!("{first} {last}"),
                _ => (*a).to_string(),
            })
            .collect();
        let authors = match names.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}, and {last}", init.join(", ")),
        };
        let mut s = format!(
            "{authors} ({}). {}. {}.",
            self.year, self.title, self.published_in
        );
        if !self.url.is_empty() {
            s.push(' ');
            s.push_str(self.url);
        }
        s
    }

    /// The citation as a BibTeX entry.
    pub fn bibtex(&self) -> String {
        let venue = match self.kind {
            "article" => "journal",
            "book" => "publisher",
            _ => "howpublished",
        };
        let mut s = format!(
            "@{}{{{},\n  author = {{{}}},\n  year = {{{}}},\n  title = {{{}}},\n  {} = {{{}}}",
            self.kind,
            self.key,
            self.authors
                .iter()
                .map(|a| if a.contains(',') {
                    (*a).to_string()
                } else {
                    format!("{{{a}}}")
                })
                .collect::<Vec<_>>()
                .join(" and "),
            self.year,
            self.title,
            venue,
            self.published_in
        );
        if !self.url.is_empty() {
            s.push_str(&format!(",\n  url = {{{}}}", self.url));
        }
        s.push_str("\n}");
        s
    }
}

const COW_STATES: Citation = Citation {
    key: "cow2017states",
    authors: &["Correlates of War Project"],
    year: 2017,
    title: "State System Membership List, v2016",
    published_in: "Correlates of War Project",
    kind: "misc",
    url: "https://correlatesofwar.org/data-sets/state-system-membership/",
};
const NMC: Citation = Citation {
    key: "singer1972capability",
    authors: &["Singer, J. David", "Bremer, Stuart", "Stuckey, John"],
    year: 1972,
    title: "Capability Distribution, Uncertainty, and Major Power War, 1820-1965",
    published_in: "Peace, War, and Numbers, ed. Bruce Russett, Sage, 19-48 (National Material Capabilities v5.0)",
    kind: "incollection",
    url: "https://correlatesofwar.org/data-sets/national-material-capabilities/",
};
const WARS: Citation = Citation {
    key: "sarkees2010resort",
    authors: &["Sarkees, Meredith Reid", "Wayman, Frank"],
    year: 2010,
    title: "Resort to War: 1816-2007",
    published_in: "CQ Press (COW War Data v4.0)",
    kind: "book",
    url: "https://correlatesofwar.org/data-sets/cow-war/",
};
const INTRA_WARS: Citation = Citation {
    key: "dixon2016guide",
    authors: &["Dixon, Jeffrey", "Sarkees, Meredith Reid"],
    year: 2016,
    title: "A Guide to Intra-state Wars: An Examination of Civil Wars, 1816-2014",
    published_in: "CQ Press (COW Intra-State War Data v5.1)",
    kind: "book",
    url: "https://correlatesofwar.org/data-sets/cow-war/",
};
const CONTCOL: Citation = Citation {
    key: "cow2017colonial",
    authors: &["Correlates of War Project"],
    year: 2017,
    title: "Colonial/Dependency Contiguity Data, 1816-2016, Version 3.1",
    published_in: "Correlates of War Project",
    kind: "misc",
    url: "https://correlatesofwar.org/data-sets/colonial-dependency-contiguity/",
};
const TC: Citation = Citation {
    key: "tir1998territorial",
    authors: &[
        "Tir, Jaroslav",
        "Schafer, Philip",
        "Diehl, Paul F.",
        "Goertz, Gary",
    ],
    year: 1998,
    title: "Territorial Changes, 1816-1996: Procedures and Data",
    published_in: "Conflict Management and Peace Science 16(1), 89-97 (Territorial Change v6, tc2018)",
    kind: "article",
    url: "https://correlatesofwar.org/data-sets/territorial-change/",
};
const DYADIC_MID: Citation = Citation {
    key: "maoz2019dyadic",
    authors: &[
        "Maoz, Zeev",
        "Johnson, Paul L.",
        "Kaplan, Jasper",
        "Ogunkoya, Fiona",
        "Shreve, Aaron P.",
    ],
    year: 2019,
    title: "The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0: Logic, Characteristics, and Comparisons to Alternative Datasets",
    published_in: "Journal of Conflict Resolution 63(3), 811-835 (Dyadic MID v4.02)",
    kind: "article",
    url: "https://doi.org/10.1177/0022002718784158",
};
const MIDLOC: Citation = Citation {
    key: "braithwaite2010midloc",
    authors: &["Braithwaite, Alex"],
    year: 2010,
    title: "MIDLOC: Introducing the Militarized Interstate Dispute Location Dataset",
    published_in: "Journal of Peace Research 47(1), 91-98 (MIDLOC v2.1)",
    kind: "article",
    url: "https://doi.org/10.1177/0022343309350008",
};
const COUNTRYCODE: Citation = Citation {
    key: "arelbundock2018countrycode",
    authors: &["Arel-Bundock, Vincent", "Enevoldsen, Nils", "Yetman, CJ"],
    year: 2018,
    title: "countrycode: An R package to convert country names and country codes",
    published_in: "Journal of Open Source Software 3(28), 848",
    kind: "article",
    url: "https://doi.org/10.21105/joss.00848",
};
const FAS: Citation = Citation {
    key: "kristensen2023status",
    authors: &["Kristensen, Hans M.", "Korda, Matt", "Norris, Robert"],
    year: 2023,
    title: "Status of World Nuclear Forces",
    published_in: "Federation of American Scientists (as cleaned by Our World in Data, CC BY 4.0)",
    kind: "misc",
    url: "https://fas.org/initiative/status-world-nuclear-forces/",
};
const UN_VOTES: Citation = Citation {
    key: "voeten2009unvotes",
    authors: &["Voeten, Erik", "Strezhnev, Anton", "Bailey, Michael"],
    year: 2009,
    title: "United Nations General Assembly Voting Data",
    published_in: "Harvard Dataverse, hdl:1902.1/12379 (as packaged in the unvotes R package 0.3.0, votes 1946-2019)",
    kind: "misc",
    url: "https://doi.org/10.7910/DVN/LEJUQZ",
};

impl Dataset {
    /// Every data set, in a fixed order.
    pub const ALL: [Dataset; 20] = [
        Dataset::States,
        Dataset::System,
        Dataset::Majors,
        Dataset::CountryCodes,
        Dataset::Nmc,
        Dataset::InterStateWars,
        Dataset::ExtraStateWars,
        Dataset::IntraStateWars,
        Dataset::NonStateWars,
        Dataset::ColonialContiguity,
        Dataset::ColonialContiguityDyadYears,
        Dataset::ColonialContiguityStateYears,
        Dataset::TerritorialChange,
        Dataset::DyadicMids,
        Dataset::MidLocations,
        Dataset::CountryCodelist,
        Dataset::NuclearStockpiles,
        Dataset::UnVotes,
        Dataset::UnRollCalls,
        Dataset::UnRollCallIssues,
    ];

    /// The short name used on the command line and in output metadata.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::States => "cow_states",
            Dataset::System => "cow_system",
            Dataset::Majors => "cow_majors",
            Dataset::CountryCodes => "cow_country_codes",
            Dataset::Nmc => "nmc",
            Dataset::InterStateWars => "interstate_wars",
            Dataset::ExtraStateWars => "extrastate_wars",
            Dataset::IntraStateWars => "intrastate_wars",
            Dataset::NonStateWars => "nonstate_wars",
            Dataset::ColonialContiguity => "colonial_contiguity",
            Dataset::ColonialContiguityDyadYears => "colonial_contiguity_dyad_years",
            Dataset::ColonialContiguityStateYears => "colonial_contiguity_state_years",
            Dataset::TerritorialChange => "territorial_change",
            Dataset::DyadicMids => "dyadic_mids",
            Dataset::MidLocations => "mid_locations",
            Dataset::CountryCodelist => "countrycode",
            Dataset::NuclearStockpiles => "nuclear_stockpiles",
            Dataset::UnVotes => "un_votes",
            Dataset::UnRollCalls => "un_roll_calls",
            Dataset::UnRollCallIssues => "un_roll_call_issues",
        }
    }

    /// The data set with this [`name`](Dataset::name).
    pub fn from_name(name: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The file name as published (the bundled copy may be gzip-compressed).
    pub fn file_name(self) -> &'static str {
        match self {
            Dataset::States => "states2016.csv",
            Dataset::System => "system2016.csv",
            Dataset::Majors => "majors2016.csv",
            Dataset::CountryCodes => "COW country codes.csv",
            Dataset::Nmc => "NMC_5_0.csv",
            Dataset::InterStateWars => "Inter-StateWarData_v4.0.csv",
            Dataset::ExtraStateWars => "Extra-StateWarData_v4.0.csv",
            Dataset::IntraStateWars => "INTRA-STATE WARS v5.1 CSV.csv",
            Dataset::NonStateWars => "Non-StateWarData_v4.0.csv",
            Dataset::ColonialContiguity => "contcol.csv",
            Dataset::ColonialContiguityDyadYears => "contcold.csv",
            Dataset::ColonialContiguityStateYears => "contcols.csv",
            Dataset::TerritorialChange => "tc2018.csv",
            Dataset::DyadicMids => "dyadic_mid_4.02.csv",
            Dataset::MidLocations => "MIDLOCA_2.1.csv",
            Dataset::CountryCodelist => "codelist_without_cldr.csv",
            Dataset::NuclearStockpiles => "nuclear_weapons_stockpiles.csv",
            Dataset::UnVotes => "un_votes.csv",
            Dataset::UnRollCalls => "un_roll_calls.csv",
            Dataset::UnRollCallIssues => "un_roll_call_issues.csv",
        }
    }

    /// Title and version.
    pub fn title(self) -> &'static str {
        match self {
            Dataset::States => "COW State System Membership v2016, membership spells",
            Dataset::System => "COW State System Membership v2016, state-years",
            Dataset::Majors => "COW State System Membership v2016, major powers",
            Dataset::CountryCodes => "COW country codes",
            Dataset::Nmc => "COW National Material Capabilities v5.0",
            Dataset::InterStateWars => "COW Inter-State War Data v4.0",
            Dataset::ExtraStateWars => "COW Extra-State War Data v4.0",
            Dataset::IntraStateWars => "COW Intra-State War Data v5.1",
            Dataset::NonStateWars => "COW Non-State War Data v4.0",
            Dataset::ColonialContiguity => "COW Colonial/Dependency Contiguity v3.1, dyadic spells",
            Dataset::ColonialContiguityDyadYears => {
                "COW Colonial/Dependency Contiguity v3.1, dyad-years"
            }
            Dataset::ColonialContiguityStateYears => {
                "COW Colonial/Dependency Contiguity v3.1, state-years"
            }
            Dataset::TerritorialChange => "COW Territorial Change v6 (tc2018)",
            Dataset::DyadicMids => "Dyadic Militarized Interstate Disputes v4.02",
            Dataset::MidLocations => "MID Locations v2.1 (MIDLOC-A)",
            Dataset::CountryCodelist => {
                "countrycode code list (countrycode 1.8.0 development tree)"
            }
            Dataset::NuclearStockpiles => "FAS nuclear warhead stockpiles 1945-2023 (2023 release)",
            Dataset::UnVotes => "UN General Assembly votes 1946-2019 (unvotes 0.3.0)",
            Dataset::UnRollCalls => "UN General Assembly roll calls 1946-2019 (unvotes 0.3.0)",
            Dataset::UnRollCallIssues => "UN General Assembly roll-call issues (unvotes 0.3.0)",
        }
    }

    /// The first and last year the data set speaks about; outside them its
    /// covariates are unknown (NULL), never zero. The code list has no years;
    /// it gives the year of its source tree.
    pub fn years(self) -> (i32, i32) {
        match self {
            Dataset::States | Dataset::System | Dataset::Majors | Dataset::CountryCodes => {
                (1816, 2016)
            }
            Dataset::Nmc => (1816, 2012),
            Dataset::InterStateWars | Dataset::ExtraStateWars | Dataset::NonStateWars => {
                (1816, 2007)
            }
            Dataset::IntraStateWars => (1816, 2014),
            Dataset::ColonialContiguity
            | Dataset::ColonialContiguityDyadYears
            | Dataset::ColonialContiguityStateYears => (1816, 2016),
            Dataset::TerritorialChange => (1816, 2018),
            Dataset::DyadicMids => (1816, 2014),
            Dataset::MidLocations => (1816, 2010),
            Dataset::CountryCodelist => (2024, 2024),
            Dataset::NuclearStockpiles => (1945, 2023),
            Dataset::UnVotes | Dataset::UnRollCalls | Dataset::UnRollCallIssues => (1946, 2019),
        }
    }

    /// How to cite it.
    pub fn citation(self) -> Citation {
        match self {
            Dataset::States | Dataset::System | Dataset::Majors | Dataset::CountryCodes => {
                COW_STATES
            }
            Dataset::Nmc => NMC,
            Dataset::InterStateWars | Dataset::ExtraStateWars | Dataset::NonStateWars => WARS,
            Dataset::IntraStateWars => INTRA_WARS,
            Dataset::ColonialContiguity
            | Dataset::ColonialContiguityDyadYears
            | Dataset::ColonialContiguityStateYears => CONTCOL,
            Dataset::TerritorialChange => TC,
            Dataset::DyadicMids => DYADIC_MID,
            Dataset::MidLocations => MIDLOC,
            Dataset::CountryCodelist => COUNTRYCODE,
            Dataset::NuclearStockpiles => FAS,
            Dataset::UnVotes | Dataset::UnRollCalls | Dataset::UnRollCallIssues => UN_VOTES,
        }
    }

    /// The bundled copy as stored (gzip-compressed where it is large).
    pub fn bundled(self) -> &'static [u8] {
        match self {
            Dataset::States => bundled!("states2016.csv"),
            Dataset::System => bundled!("system2016.csv.gz"),
            Dataset::Majors => bundled!("majors2016.csv"),
            Dataset::CountryCodes => bundled!("COW country codes.csv"),
            Dataset::Nmc => bundled!("NMC_5_0.csv.gz"),
            Dataset::InterStateWars => bundled!("Inter-StateWarData_v4.0.csv"),
            Dataset::ExtraStateWars => bundled!("Extra-StateWarData_v4.0.csv"),
            Dataset::IntraStateWars => bundled!("INTRA-STATE WARS v5.1 CSV.csv"),
            Dataset::NonStateWars => bundled!("Non-StateWarData_v4.0.csv"),
            Dataset::ColonialContiguity => bundled!("contcol.csv"),
            Dataset::ColonialContiguityDyadYears => bundled!("contcold.csv.gz"),
            Dataset::ColonialContiguityStateYears => bundled!("contcols.csv.gz"),
            Dataset::TerritorialChange => bundled!("tc2018.csv"),
            Dataset::DyadicMids => bundled!("dyadic_mid_4.02.csv.gz"),
            Dataset::MidLocations => bundled!("MIDLOCA_2.1.csv.gz"),
            Dataset::CountryCodelist => bundled!("codelist_without_cldr.csv"),
            Dataset::NuclearStockpiles => bundled!("nuclear_weapons_stockpiles.csv"),
            Dataset::UnVotes => bundled!("un_votes.csv.gz"),
            Dataset::UnRollCalls => bundled!("un_roll_calls.csv.gz"),
            Dataset::UnRollCallIssues => bundled!("un_roll_call_issues.csv"),
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the data sets are read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// The copies bundled with detente.
    #[default]
    Bundled,
    /// A folder holding the published files (plain or `.gz`), searched two
    /// levels deep by file name.
    Folder(PathBuf),
}

/// The bytes of one data set as read, decompressed, with their provenance.
#[derive(Debug, Clone)]
pub struct RawFile {
    /// Which data set.
    pub dataset: Dataset,
    /// `bundled` or the path read.
    pub origin: String,
    /// The uncompressed bytes.
    pub bytes: Vec<u8>,
    /// sha256 of the uncompressed bytes, hex.
    pub sha256: String,
}

impl Origin {
    /// Reads one data set.
    ///
    /// Fails when the file is missing from the folder, cannot be read or its
    /// gzip stream is damaged.
    pub fn read(&self, dataset: Dataset) -> Result<RawFile> {
        match self {
            Origin::Bundled => raw(dataset, "bundled".into(), dataset.bundled()),
            Origin::Folder(dir) => {
                let path = find(dir, dataset.file_name()).ok_or_else(|| Error::Missing {
                    dataset,
                    folder: dir.clone(),
                })?;
                let bytes = std::fs::read(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                raw(dataset, path.display().to_string(), &bytes)
            }
        }
    }
}

/// Finds `name` or `name.gz` in `dir` or up to two folder levels below it.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    let gz = format!("{name}.gz");
    let mut folders = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = folders.pop() {
        for candidate in [name, gz.as_str()] {
            let path = folder.join(candidate);
            if path.is_file() {
                return Some(path);
            }
        }
        if depth < 2
            && let Ok(entries) = std::fs::read_dir(&folder)
        {
            let mut subs: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            subs.sort();
            folders.extend(subs.into_iter().rev().map(|p| (p, depth + 1)));
        }
    }
    None
}

fn raw(dataset: Dataset, origin: String, stored: &[u8]) -> Result<RawFile> {
    let bytes = if stored.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(stored.len() * 4);
        let mut dec = flate2::read::MultiGzDecoder::new(stored);
        if let Err(e) = dec.read_to_end(&mut out) {
            return Err(Error::Unreadable {
                dataset,
                origin,
                reason: format!(
                    "gzip stream damaged after {} bytes of text ({e}); the file is probably truncated",
                    out.len()
                ),
            });
        }
        out
    } else {
        stored.to_vec()
    };
    let sha256 = sha256_hex(&bytes);
    Ok(RawFile {
        dataset,
        origin,
        bytes,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_copy_reads_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for d in Dataset::ALL {
            let raw = Origin::Bundled.read(d).unwrap();
            assert!(!raw.bytes.is_empty(), "{d}");
            assert!(names.insert(d.name()));
            assert_eq!(Dataset::from_name(d.name()), Some(d));
        }
    }

    #[test]
    fn bibtex_has_key_and_fields() {
        let b = Dataset::Nmc.citation().bibtex();
        assert!(b.starts_with("@incollection{singer1972capability,"), "{b}");
        assert!(b.contains("author = {Singer, J. David and Bremer, Stuart and Stuckey, John}"));
        assert!(
            Dataset::States
                .citation()
                .bibtex()
                .contains("author = {{Correlates of War Project}}")
        );
        assert!(
            Dataset::Nmc
                .citation()
                .plain()
                .starts_with("Singer, J. David, Stuart Bremer, and John Stuckey (1972).")
        );
        assert!(b.ends_with('}'));
    }
}
