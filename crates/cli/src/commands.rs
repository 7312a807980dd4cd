//! The commands, each writing its answer to `out` in the chosen format.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::args::{Command, FactAction, Format, RunConfig};
use crate::output::{self, cite, span};
use detente::{RelationFilter, Store};

/// How a command ended, beyond success or error.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An answer was given.
    Answered,
    /// The atlas holds nothing that answers the question; the message says why.
    NoAnswer(String),
    /// Every file was read, but this many rows went to the quarantine.
    Quarantined(u64),
    /// Every data set was read, but this many rows could not be used (listed).
    Skipped(u64),
}

/// Runs `command` against the store.
pub fn run(cfg: &RunConfig, command: &Command, out: &mut dyn Write) -> Result<Outcome> {
    // Models need no store (compliance opens it for the treaty's terms).
    match command {
        Command::Model { model } => return crate::model::run(cfg, model, out),
        Command::Ingest {
            paths,
            source_format,
            force,
            memory,
            quiet,
        } => {
            let opts = crate::ingest::Options {
                format: source_format.as_deref(),
                force: *force,
                memory_mib: *memory,
                quiet: *quiet,
            };
            return crate::ingest::ingest(cfg, paths, &opts, out);
        }
        Command::Events {
            action: crate::args::EventsAction::Stats,
        } => return crate::ingest::stats(cfg, out),
        Command::Serve(args) => return crate::serve::serve(cfg, args, out),
        Command::Pulse(args) => return crate::analysis::pulse(cfg, args, out),
        Command::Shifts(args) => return crate::analysis::shifts(cfg, args, out),
        Command::TopDyads(args) => return crate::analysis::top_dyads(cfg, args, out),
        Command::Stateyears(a) => return crate::structural::stateyears(cfg, a, out),
        Command::Dyadyears(a) => return crate::structural::dyadyears(cfg, a, out),
        Command::Similarity(a) => return crate::structural::similarity(cfg, a, out),
        Command::Cite(a) => return crate::structural::cite(cfg, a, out),
        Command::Datasets(a) => return crate::structural::datasets(cfg, a, out),
        Command::Sql {
            query,
            out: file,
            timing,
        } => {
            return crate::sql::run(cfg, query.as_deref(), file.as_deref(), *timing, out);
        }
        _ => {}
    }
    let mut store = Store::open(&cfg.store)?;
    match command {
        Command::Actor { actor } => actor_cmd(cfg, &store, actor, out),
        Command::Relations {
            actor,
            kind,
            status,
        } => relations(cfg, &store, actor, kind, status, out),
        Command::History { a, b } => history(cfg, &store, a, b, out),
        Command::Treaty { treaty } => treaty_cmd(cfg, &store, treaty, out),
        Command::Facts { source, search } => {
            facts(cfg, &store, source.as_deref(), search.as_deref(), out)
        }
        Command::Sources => sources(cfg, &store, out),
        Command::Report { actor } => report(cfg, &store, actor, out),
        Command::Fact {
            action: FactAction::Add { file },
        } => {
            let s = store.atlas_mut().add_file(file)?;
            writeln!(
                out,
                "added {} facts and {} actors from source {:?}",
                s.facts, s.actors, s.source
            )?;
            Ok(Outcome::Answered)
        }
        Command::Model { .. }
        | Command::Ingest { .. }
        | Command::Events { .. }
        | Command::Sql { .. }
        | Command::Serve(_)
        | Command::Pulse(_)
        | Command::Shifts(_)
        | Command::TopDyads(_)
        | Command::Stateyears(_)
        | Command::Dyadyears(_)
        | Command::Similarity(_)
        | Command::Cite(_)
        | Command::Datasets(_) => {
            unreachable!("handled above")
        }
    }
}

fn actor_cmd(cfg: &RunConfig, store: &Store, query: &str, out: &mut dyn Write) -> Result<Outcome> {
    let answer = store.actor(query, cfg.as_of)?;
    let (a, memberships, system) = (
        &answer.actor,
        &answer.memberships,
        &answer.system_membership,
    );
    match cfg.format {
        Format::Json => output::json(out, &answer)?,
        Format::Csv => output::csv(out, std::slice::from_ref(&FlatActor::from(a)))?,
        _ => {
            let mut t = output::table(&["field", "value"]);
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
            let rows: Vec<(&str, String)> = vec![
                ("id", a.id.clone()),
                ("name", a.name.clone()),
                ("kind", a.kind.clone()),
                ("other names", a.names.join("; ")),
                (
                    "ISO3 / ISO2",
                    format!("{} / {}", opt(&a.iso3), opt(&a.iso2)),
                ),
                (
                    "COW",
                    format!("{} {}", num(a.cow_code), opt(&a.cow_abbrev))
                        .trim()
                        .to_string(),
                ),
                ("Gleditsch-Ward", num(a.gw_code)),
                ("UN M49", num(a.un_m49)),
                ("UN status", opt(&a.un_status)),
                ("continued by", opt(&a.successor)),
                ("description", opt(&a.description)),
                ("record source", a.source.clone()),
            ];
            for (k, v) in rows {
                if !v.is_empty() && v != " / " {
                    t.add_row(vec![k.to_string(), v]);
                }
            }
            writeln!(out, "{t}")?;
            writeln!(
                out,
                "\nMemberships, alliances and roles as of {}:",
                cfg.as_of
            )?;
            if memberships.is_empty() {
                writeln!(out, "  none recorded")?;
            }
            for m in memberships {
                let other = if m.subject.eq_ignore_ascii_case(&a.id) {
                    m.object_name.clone().unwrap_or_default()
                } else {
                    m.subject_name.clone()
                };
                writeln!(
                    out,
                    "  {} {}: {}  [{}] “{}”",
                    m.kind,
                    m.status,
                    other,
                    cite(&m.source, m.paragraph),
                    m.quote
                )?;
            }
            if !system.is_empty() {
                writeln!(out, "\nCOW interstate system membership on {}:", cfg.as_of)?;
                for m in system {
                    let spells: Vec<String> = m
                        .spells
                        .iter()
                        .map(|(s, e)| format!("{s} to {e}"))
                        .collect();
                    writeln!(
                        out,
                        "  {} {} {} ({}): {}; member {}",
                        m.abbrev,
                        m.ccode,
                        m.name,
                        m.link,
                        match m.member {
                            Some(true) => "yes",
                            Some(false) => "no",
                            None => "unknown (the data end 2016-12-31)",
                        },
                        spells.join(", ")
                    )?;
                }
                if let Some(m) = system.first() {
                    writeln!(out, "  [{}]", m.source)?;
                }
            }
        }
    }
    Ok(Outcome::Answered)
}

#[derive(Serialize)]
struct FlatActor {
    id: String,
    kind: String,
    name: String,
    names: String,
    iso3: Option<String>,
    iso2: Option<String>,
    cow_code: Option<i64>,
    cow_abbrev: Option<String>,
    gw_code: Option<i64>,
    un_m49: Option<i64>,
    un_status: Option<String>,
    successor: Option<String>,
    source: String,
}

impl From<&detente::Actor> for FlatActor {
    fn from(a: &detente::Actor) -> Self {
        FlatActor {
            id: a.id.clone(),
            kind: a.kind.clone(),
            name: a.name.clone(),
            names: a.names.join("; "),
            iso3: a.iso3.clone(),
            iso2: a.iso2.clone(),
            cow_code: a.cow_code,
            cow_abbrev: a.cow_abbrev.clone(),
            gw_code: a.gw_code,
            un_m49: a.un_m49,
            un_status: a.un_status.clone(),
            successor: a.successor.clone(),
            source: a.source.clone(),
        }
    }
}

fn relations(
    cfg: &RunConfig,
    store: &Store,
    actor: &str,
    kind: &Option<String>,
    status: &Option<String>,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let filter = RelationFilter {
        kind: kind.clone(),
        status: status.clone(),
    };
    let ans = store.atlas().relations(actor, cfg.as_of, &filter)?;
    match cfg.format {
        Format::Json => output::json(out, &ans)?,
        Format::Csv => output::csv(out, &ans.relations)?,
        _ => {
            let mut t = output::table(&["with", "kind", "status", "valid", "source", "quote"]);
            for r in &ans.relations {
                let subject_is_actor = r.subject.eq_ignore_ascii_case(&ans.actor);
                let mut with = if subject_is_actor {
                    r.object_name
                        .clone()
                        .or_else(|| r.about.clone())
                        .unwrap_or_default()
                } else {
                    r.subject_name.clone()
                };
                if !subject_is_actor && r.object.as_deref() != Some(ans.actor.as_str()) {
                    with = format!(
                        "{} → {}",
                        r.subject_name,
                        r.object_name.clone().unwrap_or_default()
                    );
                } else if r.directed {
                    with = if subject_is_actor {
                        format!("→ {with}")
                    } else {
                        format!("{with} →")
                    };
                }
                let mut valid = span(&r.valid_from, &r.valid_to);
                // The full caveat is in JSON and CSV; the table keeps a tag.
                if let Some(c) = &r.caveat {
                    let tag = if c.starts_with("start unknown") {
                        "start unknown*"
                    } else if c.starts_with("year-precision") {
                        "year precision*"
                    } else {
                        "month precision*"
                    };
                    valid = format!("{valid}\n{tag}");
                }
                t.add_row(vec![
                    with,
                    r.kind.clone(),
                    r.status.clone(),
                    valid,
                    cite(&r.source, r.paragraph),
                    r.quote.clone(),
                ]);
            }
            if !ans.relations.is_empty() {
                writeln!(out, "{t}")?;
                let mut notes: Vec<&str> = ans
                    .relations
                    .iter()
                    .filter_map(|r| r.caveat.as_deref())
                    .collect();
                notes.sort_unstable();
                notes.dedup();
                for n in notes {
                    writeln!(out, "* {n}")?;
                }
            }
        }
    }
    let what = describe_filter(&filter);
    if !ans.undetermined.is_empty() {
        eprintln!(
            "note: {} {what}relation(s) have no known start and a source that speaks only from a later date; \
             on {} they are neither counted nor denied (see \"undetermined\" in --format json)",
            ans.undetermined.len(),
            cfg.as_of
        );
    }
    if ans.relations.is_empty() {
        return Ok(Outcome::NoAnswer(format!(
            "the atlas records no {what}relations of {} holding on {}; that is not evidence that none exist",
            ans.actor, cfg.as_of
        )));
    }
    note_precision(cfg);
    Ok(Outcome::Answered)
}

fn describe_filter(f: &RelationFilter) -> String {
    match (&f.kind, &f.status) {
        (Some(k), Some(s)) => format!("{k} {s} "),
        (Some(k), None) => format!("{k} "),
        (None, Some(s)) => format!("{s} "),
        (None, None) => String::new(),
    }
}

fn note_precision(cfg: &RunConfig) {
    if let Some(given) = &cfg.as_of_given
        && given.len() < 10
    {
        eprintln!("note: --as-of {given} is read as {}", cfg.as_of);
    }
}

fn history(
    cfg: &RunConfig,
    store: &Store,
    a: &str,
    b: &str,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let rows = store.atlas().history(a, b)?;
    if rows.is_empty() {
        return Ok(Outcome::NoAnswer(format!(
            "the atlas records nothing involving both {a} and {b}"
        )));
    }
    write_facts(cfg, &rows, out)?;
    Ok(Outcome::Answered)
}

fn write_facts(cfg: &RunConfig, rows: &[detente::FactRow], out: &mut dyn Write) -> Result<()> {
    match cfg.format {
        Format::Json => output::json(out, &rows)?,
        Format::Csv => output::csv(out, rows)?,
        _ => {
            let mut t = output::table(&["when", "type", "fact", "source", "quote"]);
            for r in rows {
                t.add_row(vec![
                    span(&r.valid_from, &r.valid_to)
                        .trim_end_matches(" –")
                        .to_string(),
                    r.fact_type.clone(),
                    r.summary.clone(),
                    cite(&r.source, r.paragraph),
                    r.quote.clone(),
                ]);
            }
            writeln!(out, "{t}")?;
        }
    }
    Ok(())
}

fn treaty_cmd(
    cfg: &RunConfig,
    store: &Store,
    treaty: &str,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let t = store.atlas().treaty(treaty, cfg.as_of)?;
    match cfg.format {
        Format::Json => output::json(out, &t)?,
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                treaty: &'a str,
                as_of: chrono::NaiveDate,
                status: &'a str,
                item: &'a str,
                detail: String,
                date: Option<&'a str>,
                happened: Option<bool>,
                source: &'a str,
                paragraph: Option<u32>,
                quote: &'a str,
            }
            let mut rows = vec![Row {
                treaty: &t.id,
                as_of: t.as_of,
                status: &t.status,
                item: "parties",
                detail: t.parties.join(" "),
                date: None,
                happened: None,
                source: &t.source,
                paragraph: t.paragraph,
                quote: &t.quote,
            }];
            for s in &t.steps {
                rows.push(Row {
                    treaty: &t.id,
                    as_of: t.as_of,
                    status: &t.status,
                    item: "step",
                    detail: format!(
                        "{}{}",
                        s.step,
                        s.by.as_ref()
                            .map(|b| format!(" by {b}"))
                            .unwrap_or_default()
                    ),
                    date: s.date.as_deref(),
                    happened: Some(s.happened),
                    source: &s.source,
                    paragraph: s.paragraph,
                    quote: &s.quote,
                });
            }
            for m in &t.terms {
                rows.push(Row {
                    treaty: &t.id,
                    as_of: t.as_of,
                    status: &t.status,
                    item: "term",
                    detail: format!("{} {} {}", m.name, m.value, m.unit),
                    date: None,
                    happened: None,
                    source: &m.source,
                    paragraph: m.paragraph,
                    quote: &m.quote,
                });
            }
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(out, "{} ({})", t.name, t.kind)?;
            writeln!(out, "  parties:   {}", t.parties.join(", "))?;
            writeln!(out, "  status on {}: {}", t.as_of, t.status)?;
            writeln!(
                out,
                "  source:    {} “{}”",
                cite(&t.source, t.paragraph),
                t.quote
            )?;
            let mut steps = output::table(&["date", "step", "by", "by then", "source", "quote"]);
            for s in &t.steps {
                steps.add_row(vec![
                    s.date.clone().unwrap_or_default(),
                    s.step.replace('_', " "),
                    s.by.clone().unwrap_or_default(),
                    if s.happened { "yes" } else { "not yet" }.to_string(),
                    cite(&s.source, s.paragraph),
                    s.quote.clone(),
                ]);
            }
            writeln!(out, "\nSteps:\n{steps}")?;
            if t.terms.is_empty() {
                writeln!(out, "\nTerms: none with figures recorded")?;
            } else {
                let mut terms = output::table(&["term", "limit", "applies to", "source", "quote"]);
                for m in &t.terms {
                    terms.add_row(vec![
                        m.name.clone(),
                        format!("{} {}", detente::format_number(m.value), m.unit),
                        m.applies_to.clone().unwrap_or_default(),
                        cite(&m.source, m.paragraph),
                        m.quote.clone(),
                    ]);
                }
                writeln!(out, "\nTerms:\n{terms}")?;
            }
        }
    }
    Ok(Outcome::Answered)
}

fn facts(
    cfg: &RunConfig,
    store: &Store,
    source: Option<&str>,
    search: Option<&str>,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let rows = store.atlas().facts(source, search)?;
    if rows.is_empty() {
        return Ok(Outcome::NoAnswer(match search {
            Some(q) => format!("no fact matches {q:?}"),
            None => "no facts recorded for this source".to_string(),
        }));
    }
    write_facts(cfg, &rows, out)?;
    Ok(Outcome::Answered)
}

fn sources(cfg: &RunConfig, store: &Store, out: &mut dyn Write) -> Result<Outcome> {
    let rows = store.atlas().sources()?;
    match cfg.format {
        Format::Json => output::json(out, &rows)?,
        Format::Csv => output::csv(out, &rows)?,
        _ => {
            let mut t = output::table(&["id", "kind", "speaks from", "facts", "title"]);
            for s in &rows {
                t.add_row(vec![
                    s.id.clone(),
                    s.kind.clone(),
                    s.asserted.clone().unwrap_or_default(),
                    s.facts.to_string(),
                    s.title.clone(),
                ]);
            }
            writeln!(out, "{t}")?;
        }
    }
    Ok(Outcome::Answered)
}

fn report(cfg: &RunConfig, store: &Store, actor: &str, out: &mut dyn Write) -> Result<Outcome> {
    let r = store.atlas().report(actor, cfg.as_of)?;
    match cfg.format {
        Format::Json => output::json(out, &r)?,
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                actor: &'a str,
                as_of: chrono::NaiveDate,
                section: &'a str,
                text: &'a str,
                valid_from: Option<&'a str>,
                valid_to: Option<&'a str>,
                source: &'a str,
                paragraph: Option<u32>,
                quote: &'a str,
                caveat: Option<&'a str>,
            }
            let mut rows = Vec::new();
            let sections = r
                .sections
                .iter()
                .map(|s| (s.key, &s.items))
                .chain(std::iter::once(("undetermined", &r.undetermined)));
            for (key, items) in sections {
                for i in items {
                    rows.push(Row {
                        actor: &r.actor.id,
                        as_of: r.as_of,
                        section: key,
                        text: &i.text,
                        valid_from: i.valid_from.as_deref(),
                        valid_to: i.valid_to.as_deref(),
                        source: &i.source,
                        paragraph: i.paragraph,
                        quote: &i.quote,
                        caveat: i.caveat.as_deref(),
                    });
                }
            }
            output::csv(out, &rows)?;
        }
        Format::Md => write_report(&r, true, out)?,
        // Refused by the argument check: Parquet is for tables of rows.
        Format::Table | Format::Parquet => write_report(&r, false, out)?,
    }
    Ok(Outcome::Answered)
}

fn write_report(r: &detente::Report, md: bool, out: &mut dyn Write) -> Result<()> {
    let title = format!(
        "{} ({}): foreign relations as of {}",
        r.actor.name, r.actor.id, r.as_of
    );
    if md {
        writeln!(out, "# {title}\n")?;
    } else {
        writeln!(out, "{title}\n{}\n", "=".repeat(title.chars().count()))?;
    }
    let line = |i: &detente::ReportItem| {
        let when = match (&i.valid_from, &i.valid_to) {
            (None, None) => String::new(),
            (f, t) => format!(" ({})", span(f, t).trim_end_matches(" –")),
        };
        let caveat = i
            .caveat
            .as_ref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        let hedge = if i.confidence == "stated" {
            String::new()
        } else {
            format!(" ({})", i.confidence)
        };
        let src = cite(&i.source, i.paragraph);
        if md {
            format!(
                "- {}{hedge}{when}{caveat}  \n  *{src}*: “{}”",
                i.text, i.quote
            )
        } else {
            format!(
                "  - {}{hedge}{when}{caveat}\n      {src}: “{}”",
                i.text, i.quote
            )
        }
    };
    let mut sections: Vec<(&str, &Vec<detente::ReportItem>)> =
        r.sections.iter().map(|s| (s.title, &s.items)).collect();
    let undetermined_title = "Stated without a start date by a source speaking from a later date (neither counted nor denied)";
    if !r.undetermined.is_empty() {
        sections.push((undetermined_title, &r.undetermined));
    }
    for (title, items) in sections {
        if md {
            writeln!(out, "## {title}\n")?;
        } else {
            writeln!(out, "{title}")?;
        }
        if items.is_empty() {
            writeln!(
                out,
                "{}nothing recorded as of this date",
                if md { "_" } else { "  " }
            )?;
            if md {
                // Close the emphasis opened above.
                writeln!(out, "_")?;
            }
        }
        for i in items {
            writeln!(out, "{}", line(i))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
