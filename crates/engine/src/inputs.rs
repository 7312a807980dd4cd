//! Reading model inputs from files, with every problem named by its line.

use std::path::Path;

use detente_models::bdm::{BdmActor, BdmParams};
use serde::Deserialize;

use crate::{Error, Result};

/// How salience is written in an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalienceScale {
    /// In [0, 1].
    Unit,
    /// In [0, 100].
    Percent,
}

/// Actors and the issue scale of an expected-utility run.
#[derive(Debug, Clone, PartialEq)]
pub struct BdmInput {
    /// What is being decided.
    pub issue: String,
    /// The actors, salience in [0, 1].
    pub actors: Vec<BdmActor>,
    /// Parameters with the issue's range.
    pub params: BdmParams,
    /// Line of each actor in the file, for messages.
    pub lines: Vec<usize>,
}

/// The bundled EC car-emissions example.
pub const EC_EMISSIONS: &str = include_str!("../../models/data/ec-emissions.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    issue: TomlIssue,
    actor: Vec<toml::Spanned<TomlActor>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlIssue {
    name: Option<String>,
    min: f64,
    max: f64,
    salience: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlActor {
    name: String,
    capability: f64,
    position: f64,
    salience: f64,
}

fn bad(file: &str, line: usize, reason: impl std::fmt::Display) -> Error {
    Error::Data(format!("{file}:{line}: {reason}"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads actors from TOML text (`[issue]` with `min`, `max`, optional
/// `salience = "percent" | "unit"`, then `[[actor]]` tables).
pub fn bdm_from_toml(file: &str, text: &str) -> Result<BdmInput> {
    let raw: TomlFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        bad(file, line, e.message())
    })?;
    let scale = match raw.issue.salience.as_deref() {
        None | Some("unit") => SalienceScale::Unit,
        Some("percent") => SalienceScale::Percent,
        Some(other) => {
            return Err(Error::Data(format!(
                "{file}: [issue] salience {other:?} must be \"unit\" or \"percent\""
            )));
        }
    };
    let lines: Vec<usize> = raw
        .actor
        .iter()
        .map(|a| line_of(text, a.span().start))
        .collect();
    let actors = raw
        .actor
        .into_iter()
        .map(|a| {
            let a = a.into_inner();
            BdmActor {
                name: a.name,
                capability: a.capability,
                position: a.position,
                salience: a.salience,
            }
        })
        .collect();
    finish(
        file,
        raw.issue.name.unwrap_or_else(|| "issue".into()),
        actors,
        lines,
        (raw.issue.min, raw.issue.max),
        scale,
    )
}

/// Reads actors from CSV text with the header `name,capability,position,salience`;
/// the issue range comes from the caller (`--range`).
pub fn bdm_from_csv(
    file: &str,
    text: &str,
    range: (f64, f64),
    scale: SalienceScale,
) -> Result<BdmInput> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
        capability: f64,
        position: f64,
        salience: f64,
    }
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| bad(file, 1, e))?
        .iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    if headers != ["name", "capability", "position", "salience"] {
        return Err(bad(
            file,
            1,
            format!("header {headers:?}: expected name,capability,position,salience"),
        ));
    }
    let mut actors = Vec::new();
    let mut lines = Vec::new();
    for row in rdr.deserialize::<Row>() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            bad(file, line, e)
        })?;
        lines.push(lines.len() + 2);
        actors.push(BdmActor {
            name: row.name,
            capability: row.capability,
            position: row.position,
            salience: row.salience,
        });
    }
    finish(file, "issue".into(), actors, lines, range, scale)
}

fn finish(
    file: &str,
    issue: String,
    mut actors: Vec<BdmActor>,
    lines: Vec<usize>,
    range: (f64, f64),
    scale: SalienceScale,
) -> Result<BdmInput> {
    if scale == SalienceScale::Percent {
        for a in &mut actors {
            a.salience /= 100.0;
        }
    }
    let params = BdmParams {
        min: range.0,
        max: range.1,
        ..BdmParams::default()
    };
    if let Err(detente_models::Error::InvalidInput(problems)) =
        detente_models::bdm::validate(&actors, &params)
    {
        let shown: Vec<String> = problems
            .iter()
            .map(|(i, m)| match i {
                Some(i) => format!("{file}:{}: {m}", lines.get(*i).copied().unwrap_or(0)),
                None => format!("{file}: {m}"),
            })
            .collect();
        let unit = if scale == SalienceScale::Percent {
            " (salience read as a percentage)"
        } else {
            ""
        };
        return Err(Error::Data(format!(
            "{} rejected{unit}:\n  {}",
            file,
            shown.join("\n  ")
        )));
    }
    Ok(BdmInput {
        issue,
        actors,
        params,
        lines,
    })
}

/// Reads a BDM input file, by extension: `.toml` or `.csv` (which needs `range`).
pub fn bdm_from_file(
    path: &Path,
    range: Option<(f64, f64)>,
    scale: SalienceScale,
) -> Result<BdmInput> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Data(format!("reading {name}: {e}")))?;
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => bdm_from_toml(&name, &text),
        Some("csv") => {
            let range = range.ok_or_else(|| {
                Error::Data(format!(
                    "{name}: a CSV file needs the issue's range: --range MIN..MAX"
                ))
            })?;
            bdm_from_csv(&name, &text, range, scale)
        }
        _ => Err(Error::Data(format!(
            "{name}: expected a .toml or .csv file"
        ))),
    }
}

/// Observations for a compliance check: CSV with `date,party,value`.
pub fn observations_from_csv(path: &Path) -> Result<Vec<(String, String, f64)>> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Data(format!("reading {name}: {e}")))?;
    #[derive(Deserialize)]
    struct Row {
        date: String,
        party: String,
        value: f64,
    }
    let mut out = Vec::new();
    for row in csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .deserialize::<Row>()
    {
        let r = row.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            bad(&name, line, e)
        })?;
        if let Err(e) = r.date.parse::<crate::PartialDate>() {
            return Err(bad(&name, out.len() + 2, e));
        }
        out.push((r.date, r.party, r.value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_file_is_the_models_example() {
        let input = bdm_from_toml("ec-emissions.toml", EC_EMISSIONS).unwrap();
        let (actors, params) = detente_models::bdm::ec_emissions_example();
        assert_eq!(input.actors, actors);
        assert_eq!(
            (input.params.min, input.params.max),
            (params.min, params.max)
        );
    }

    #[test]
    fn problems_name_their_lines() {
        let text = "name,capability,position,salience\nA,1,5,0.5\nB,1,50,0.5\nC,-1,5,0.5\n";
        let err = bdm_from_csv("a.csv", text, (0.0, 10.0), SalienceScale::Unit).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.contains("a.csv:3: B: position 50 is outside the range 0..10"),
            "{shown}"
        );
        assert!(shown.contains("a.csv:4: C: capability -1"), "{shown}");
        let err = bdm_from_csv(
            "a.csv",
            "name,capability,position,salience\nA,x,5,0.5\n",
            (0.0, 10.0),
            SalienceScale::Unit,
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("a.csv:2:"), "{err}");
        let pct = bdm_from_toml(
            "p.toml",
            &EC_EMISSIONS.replace("salience = \"percent\"", "salience = \"unit\""),
        )
        .unwrap_err();
        assert!(
            pct.to_string().contains("salience 40 is outside [0, 1]"),
            "{pct}"
        );
    }
}
