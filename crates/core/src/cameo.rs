//! CAMEO reference tables (GDELT's lookups; see `reference/SOURCE.md`).

use std::collections::HashMap;
use std::sync::OnceLock;

const EVENT_CODES: &str = include_str!("../reference/cameo/CAMEO.eventcodes.txt");
const GOLDSTEIN: &str = include_str!("../reference/cameo/CAMEO.goldsteinscale.txt");
const COUNTRIES: &str = include_str!("../reference/cameo/CAMEO.country.txt");
const TYPES: &str = include_str!("../reference/cameo/CAMEO.type.txt");

/// One CAMEO event code with its label and Goldstein score.
#[derive(Debug, Clone, PartialEq)]
pub struct EventCode {
    /// The code: two digits for a root, three or four for sub-codes.
    pub code: String,
    /// GDELT's label.
    pub label: String,
    /// Goldstein (1992) conflict-cooperation score, -10 to +10.
    pub goldstein: Option<f64>,
}

fn rows(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .skip(1)
        .filter_map(|l| l.trim_end_matches('\r').split_once('\t'))
}

/// Every event code GDELT lists, by code.
pub fn event_codes() -> &'static HashMap<String, EventCode> {
    static CODES: OnceLock<HashMap<String, EventCode>> = OnceLock::new();
    CODES.get_or_init(|| {
        let gold: HashMap<&str, f64> = rows(GOLDSTEIN)
            .filter_map(|(c, v)| v.trim().parse().ok().map(|v| (c, v)))
            .collect();
        rows(EVENT_CODES)
            .map(|(c, l)| {
                (
                    c.to_string(),
                    EventCode {
                        code: c.to_string(),
                        label: l.trim().to_string(),
                        goldstein: gold.get(c).copied(),
                    },
                )
            })
            .collect()
    })
}

/// CAMEO country codes and their names.
pub fn country_codes() -> &'static HashMap<String, String> {
    static CODES: OnceLock<HashMap<String, String>> = OnceLock::new();
    CODES.get_or_init(|| {
        rows(COUNTRIES)
            .map(|(c, l)| (c.to_string(), l.trim().to_string()))
            .collect()
    })
}

/// CAMEO actor type codes (GOV, MIL, ...) and their names.
pub fn type_codes() -> &'static HashMap<String, String> {
    static CODES: OnceLock<HashMap<String, String>> = OnceLock::new();
    CODES.get_or_init(|| {
        rows(TYPES)
            .map(|(c, l)| (c.to_string(), l.trim().to_string()))
            .collect()
    })
}

/// Whether GDELT's table lists `code`, without hashing: a bit per (length,
/// number) pair, for the hot path of ingestion.
pub fn is_listed(code: &str) -> bool {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    let bits = BITS.get_or_init(|| {
        let mut b = vec![0u64; 5 * 10_000 / 64 + 1];
        for c in event_codes().keys() {
            if let Some(i) = slot(c) {
                b[i / 64] |= 1 << (i % 64);
            }
        }
        b
    });
    slot(code).is_some_and(|i| bits[i / 64] & (1 << (i % 64)) != 0)
}

fn slot(code: &str) -> Option<usize> {
    let b = code.as_bytes();
    if !(2..=4).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = b
        .iter()
        .fold(0usize, |acc, d| acc * 10 + usize::from(d - b'0'));
    Some(b.len() * 10_000 + n)
}

/// Whether `code` is shaped like a CAMEO event code: two to four ASCII digits
/// whose first two name a root from 01 to 20.
pub fn is_well_formed(code: &str) -> bool {
    let b = code.as_bytes();
    (2..=4).contains(&b.len())
        && b.iter().all(u8::is_ascii_digit)
        && matches!(code[..2].parse::<u8>(), Ok(1..=20))
}

/// The QuadClass of a root code, as GDELT assigns it: 01-05 verbal cooperation
/// (1), 06-08 material cooperation (2), 09-13 verbal conflict (3), 14-20
/// material conflict (4).
pub fn quad_class_of_root(root: u8) -> Option<u8> {
    match root {
        1..=5 => Some(1),
        6..=8 => Some(2),
        9..=13 => Some(3),
        14..=20 => Some(4),
        _ => None,
    }
}

/// CAMEO country codes that differ from the ISO 3166-1 alpha-3 code of the
/// same state, found by comparing `CAMEO.country.txt` with `states.csv` (see
/// `reference/SOURCE.md`). Every other state's CAMEO code is its ISO3 code.
const CAMEO_ISO3: &[(&str, &str)] = &[("ROM", "ROU"), ("TMP", "TLS"), ("MTN", "MNE")];

/// The ISO3 code of a CAMEO country code (`ROM` -> `ROU`); codes of states
/// that agree, and codes of regions (`EUR`, `WST`), come back unchanged.
pub fn iso3_of_cameo(code: &str) -> &str {
    CAMEO_ISO3
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, i)| *i)
        .unwrap_or(code)
}

/// The CAMEO country code GDELT uses for a state's ISO3 code (`ROU` -> `ROM`).
pub fn cameo_of_iso3(iso3: &str) -> &str {
    CAMEO_ISO3
        .iter()
        .find(|(_, i)| *i == iso3)
        .map(|(c, _)| *c)
        .unwrap_or(iso3)
}

/// The name of a QuadClass.
pub fn quad_class_name(q: u8) -> Option<&'static str> {
    match q {
        1 => Some("verbal cooperation"),
        2 => Some("material cooperation"),
        3 => Some("verbal conflict"),
        4 => Some("material conflict"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_read_whole() {
        // 20 roots + 290 sub-codes, as the data README counts them.
        assert_eq!(event_codes().len(), 310);
        assert_eq!(event_codes()["14"].label, "PROTEST");
        assert_eq!(event_codes()["190"].goldstein, Some(-10.0));
        assert!(
            !event_codes().contains_key("106"),
            "GDELT uses 106 but does not list it"
        );
        assert_eq!(country_codes()["RUS"], "Russia");
        assert_eq!(type_codes()["GOV"], "Government");
    }

    #[test]
    fn well_formed_codes() {
        for ok in ["01", "043", "1823", "106", "20"] {
            assert!(is_well_formed(ok), "{ok}");
        }
        for bad in ["", "1", "21", "00", "0X1", "12345", "---", "٠١"] {
            assert!(!is_well_formed(bad), "{bad}");
        }
        assert_eq!(quad_class_of_root(14), Some(4));
        assert_eq!(quad_class_name(2), Some("material cooperation"));
    }

    #[test]
    fn crosswalk_both_ways() {
        assert_eq!(iso3_of_cameo("ROM"), "ROU");
        assert_eq!(cameo_of_iso3("ROU"), "ROM");
        assert_eq!(iso3_of_cameo("RUS"), "RUS");
        assert_eq!(cameo_of_iso3("EUR"), "EUR");
        // Each pair really is one state: CAMEO lists the code, the states table
        // lists the ISO3 code and not the CAMEO one.
        let states = crate::reference::states().expect("bundled table");
        for (c, i) in CAMEO_ISO3 {
            assert!(country_codes().contains_key(*c), "{c}");
            assert!(states.iter().any(|s| s.iso3 == *i), "{i}");
            assert!(!states.iter().any(|s| s.iso3 == *c), "{c}");
        }
    }
}
