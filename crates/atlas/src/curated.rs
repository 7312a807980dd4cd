//! Curated facts files: reading, checking, and turning them into records.
//!
//! A curated file is TOML. It names its source once, then lists records in
//! arrays of tables, one array per kind of fact:
//!
//! ```toml
//! [source]
//! id = "my-notes-2026"          # unique in the store
//! title = "Desk notes"
//! kind = "user"                 # seed | dataset | document | user
//! asserted = "2026"             # the date from which the source speaks
//!
//! [[relation]]
//! subject = "RUS"
//! object = "UKR"
//! kind = "diplomatic"
//! status = "severed"
//! from = "2022"
//! directed = true
//! quote = "Ukraine cut diplomatic relations with Russia"
//! para = 3
//! ```
//!
//! Arrays: `actor`, `relation`, `event`, `treaty`, `treaty_step`, `term`,
//! `indicator`, `doctrine`, `statement`, and `uncovered` (paragraphs of a seed
//! text deliberately left without a fact, with the reason). Every fact needs a
//! `quote`; `para` names the paragraph (non-blank line, counted from 1) it
//! comes from. The whole file is checked before anything is written; every
//! problem is reported with its line.

use std::collections::HashSet;

use detente_core::{PartialDate, ValidityInterval};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Problem, Problems};
use crate::vocab;

/// Longest quote accepted: citations are short evidence, not passages.
pub const MAX_QUOTE_CHARS: usize = 300;

/// The kind of a fact record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactType {
    /// A relation between two actors over an interval.
    Relation,
    /// A dated happening.
    Event,
    /// The existence of a treaty or agreement, with its parties.
    Treaty,
    /// A step in a treaty's life (signed, extended, withdrawn ...).
    TreatyStep,
    /// A numeric term of a treaty.
    Term,
    /// A dated figure.
    Indicator,
    /// A doctrine, aim, approach or role.
    Doctrine,
    /// Words attributed to a person.
    Statement,
}

impl FactType {
    /// Every fact type.
    pub const ALL: [FactType; 8] = [
        FactType::Relation,
        FactType::Event,
        FactType::Treaty,
        FactType::TreatyStep,
        FactType::Term,
        FactType::Indicator,
        FactType::Doctrine,
        FactType::Statement,
    ];

    /// The name used in files, the store and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            FactType::Relation => "relation",
            FactType::Event => "event",
            FactType::Treaty => "treaty",
            FactType::TreatyStep => "treaty_step",
            FactType::Term => "term",
            FactType::Indicator => "indicator",
            FactType::Doctrine => "doctrine",
            FactType::Statement => "statement",
        }
    }

    /// The type named `s`, if any.
    pub fn parse(s: &str) -> Option<FactType> {
        FactType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    source: Option<Spanned<RawSource>>,
    #[serde(default)]
    uncovered: Vec<Spanned<RawUncovered>>,
    #[serde(default)]
    actor: Vec<Spanned<RawActor>>,
    #[serde(default)]
    relation: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    event: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    treaty: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    treaty_step: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    term: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    indicator: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    doctrine: Vec<Spanned<RawRecord>>,
    #[serde(default)]
    statement: Vec<Spanned<RawRecord>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: String,
    title: String,
    kind: String,
    asserted: Option<String>,
    sha256: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUncovered {
    para: u32,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    id: String,
    kind: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    successor: Option<String>,
    description: Option<String>,
}

/// One record of any fact type; which fields each type takes is checked in
/// [`check_record`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    id: Option<String>,
    subject: Option<String>,
    object: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    name: Option<String>,
    text: Option<String>,
    treaty: Option<String>,
    about: Option<String>,
    by: Option<String>,
    #[serde(default)]
    parties: Vec<String>,
    #[serde(default)]
    actors: Vec<String>,
    value: Option<f64>,
    unit: Option<String>,
    #[serde(default)]
    approx: bool,
    from: Option<String>,
    to: Option<String>,
    date: Option<String>,
    end: Option<String>,
    #[serde(default)]
    directed: bool,
    reported_by: Option<String>,
    confidence: Option<String>,
    para: Option<u32>,
    quote: Option<String>,
    note: Option<String>,
}

/// A checked source.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSource {
    /// Unique id (a seed's file name).
    pub id: String,
    /// Human title.
    pub title: String,
    /// seed, dataset, document or user.
    pub kind: String,
    /// Date from which the source speaks; facts with an unknown start hold from it.
    pub asserted: Option<PartialDate>,
    /// sha256 of the source text, when it is a file.
    pub sha256: Option<String>,
    /// Free note.
    pub note: Option<String>,
}

/// A checked actor.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActor {
    /// Id (ISO3 for states, short upper-case names for organisations, slugs for people).
    pub id: String,
    /// One of [`vocab::ACTOR_KINDS`].
    pub kind: String,
    /// Display name.
    pub name: String,
    /// Other names it is found by.
    pub aliases: Vec<String>,
    /// The actor that continues this one (the Soviet Union's is Russia).
    pub successor: Option<String>,
    /// Short description.
    pub description: Option<String>,
}

/// A checked fact, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFact {
    /// Which kind of fact.
    pub fact_type: FactType,
    /// Curated id, for events and treaties that others refer to.
    pub key: Option<String>,
    /// Acting or described actor.
    pub subject: Option<String>,
    /// Actor acted upon or related to.
    pub object: Option<String>,
    /// Relation kind, event kind, treaty step, doctrine kind ...
    pub kind: Option<String>,
    /// Relation status.
    pub status: Option<String>,
    /// Treaty the fact is about.
    pub treaty: Option<String>,
    /// Event the fact is about (e.g. the conflict a mediation concerns).
    pub about: Option<String>,
    /// Name or title.
    pub name: Option<String>,
    /// Description or the words of a statement.
    pub text: Option<String>,
    /// Number, for terms and indicators.
    pub value: Option<f64>,
    /// Unit of the number.
    pub unit: Option<String>,
    /// Whether the number is approximate ("about", "over").
    pub approx: bool,
    /// When the fact holds or happened.
    pub interval: ValidityInterval,
    /// Whether subject acted on object (not a symmetric relation).
    pub directed: bool,
    /// How firmly the source states it.
    pub confidence: String,
    /// Paragraph of the source.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
    /// Curator's note.
    pub note: Option<String>,
    /// Line in the curated file.
    pub line: usize,
    /// Further actors with their roles (participant, party, reporter).
    pub actors: Vec<(String, String)>,
}

/// A paragraph deliberately left without facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncovered {
    /// The paragraph.
    pub paragraph: u32,
    /// Why no fact is drawn from it.
    pub reason: String,
}

/// A whole checked file.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The file's source.
    pub source: NewSource,
    /// Actors it defines.
    pub actors: Vec<NewActor>,
    /// Facts it states.
    pub facts: Vec<NewFact>,
    /// Paragraphs it leaves uncovered, with reasons.
    pub uncovered: Vec<Uncovered>,
}

/// Ids already in the store that a file may refer to.
#[derive(Debug, Default, Clone)]
pub struct Known {
    /// Actor ids, upper-cased.
    pub actors: HashSet<String>,
    /// Treaty ids, lower-cased.
    pub treaties: HashSet<String>,
    /// Event keys, lower-cased.
    pub events: HashSet<String>,
    /// Source ids.
    pub sources: HashSet<String>,
    /// Actor ids (upper-cased) that a file may define again: those of bundled
    /// files being reloaded.
    pub replaceable_actors: HashSet<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Reads and checks a curated file. `file` names it in messages; `known` holds
/// the ids already in the store. Every problem is collected, then the file is
/// rejected as a whole.
pub fn parse(file: &str, text: &str, known: &Known) -> Result<Batch, Problems> {
    let reject = |items| Problems {
        file: file.to_string(),
        items,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        reject(vec![Problem {
            line,
            reason: e.message().to_string(),
        }])
    })?;
    let mut problems = Vec::new();
    let mut checker = Checker {
        known: known.clone(),
        problems: &mut problems,
        line: 0,
    };

    let source = match &raw.source {
        None => {
            checker.problems.push(Problem {
                line: 0,
                reason: "missing [source] table: every fact needs a source".into(),
            });
            None
        }
        Some(s) => {
            checker.line = line_of(text, s.span().start);
            checker.source(s.get_ref())
        }
    };

    // Ids defined in this file may be used anywhere in it.
    for a in &raw.actor {
        checker.known.actors.insert(a.get_ref().id.to_uppercase());
    }
    for t in &raw.treaty {
        if let Some(id) = &t.get_ref().id {
            checker.known.treaties.insert(id.to_lowercase());
        }
    }
    for e in &raw.event {
        if let Some(id) = &e.get_ref().id {
            checker.known.events.insert(id.to_lowercase());
        }
    }

    let mut actors = Vec::new();
    let mut seen_actors = HashSet::new();
    for a in &raw.actor {
        checker.line = line_of(text, a.span().start);
        let a = a.get_ref();
        let id = a.id.to_uppercase();
        let in_store = known.actors.contains(&id) && !known.replaceable_actors.contains(&id);
        if !seen_actors.insert(id) || in_store {
            checker.fail(format!("actor {:?} is defined twice", a.id));
        }
        if let Some(actor) = checker.actor(a) {
            actors.push(actor);
        }
    }

    let mut facts = Vec::new();
    let arrays = [
        (FactType::Relation, &raw.relation),
        (FactType::Event, &raw.event),
        (FactType::Treaty, &raw.treaty),
        (FactType::TreatyStep, &raw.treaty_step),
        (FactType::Term, &raw.term),
        (FactType::Indicator, &raw.indicator),
        (FactType::Doctrine, &raw.doctrine),
        (FactType::Statement, &raw.statement),
    ];
    let mut keys = HashSet::new();
    for (ty, records) in arrays {
        for r in records {
            checker.line = line_of(text, r.span().start);
            if let Some(key) = &r.get_ref().id {
                let fresh = keys.insert(key.to_lowercase());
                let in_store = match ty {
                    FactType::Treaty => known.treaties.contains(&key.to_lowercase()),
                    FactType::Event => known.events.contains(&key.to_lowercase()),
                    _ => false,
                };
                if !fresh || in_store {
                    checker.fail(format!("id {key:?} is used twice"));
                }
            }
            if let Some(f) = checker.record(ty, r.get_ref()) {
                facts.push(f);
            }
        }
    }
    let mut uncovered = Vec::new();
    let mut seen_paras = HashSet::new();
    for u in &raw.uncovered {
        checker.line = line_of(text, u.span().start);
        let u = u.get_ref();
        if u.reason.trim().is_empty() {
            checker.fail("an uncovered paragraph needs a reason".into());
        }
        if !seen_paras.insert(u.para) {
            checker.fail(format!("paragraph {} is excused twice", u.para));
        }
        uncovered.push(Uncovered {
            paragraph: u.para,
            reason: u.reason.clone(),
        });
    }
    match source {
        Some(source) if problems.is_empty() => Ok(Batch {
            source,
            actors,
            facts,
            uncovered,
        }),
        _ => Err(reject(problems)),
    }
}

struct Checker<'a> {
    known: Known,
    problems: &'a mut Vec<Problem>,
    line: usize,
}

impl Checker<'_> {
    fn fail(&mut self, reason: String) {
        self.problems.push(Problem {
            line: self.line,
            reason,
        });
    }

    fn date(&mut self, field: &str, value: &Option<String>) -> Option<PartialDate> {
        let v = value.as_ref()?;
        match v.parse() {
            Ok(d) => Some(d),
            Err(e) => {
                self.fail(format!("{field}: {e}"));
                None
            }
        }
    }

    fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> bool {
        if allowed.contains(&value) {
            true
        } else {
            self.fail(format!(
                "{field} {value:?} is not one of: {}",
                vocab::list(allowed)
            ));
            false
        }
    }

    fn actor_ref(&mut self, field: &str, id: &str) -> String {
        if !self.known.actors.contains(&id.to_uppercase()) {
            self.fail(format!("{field}: unknown actor {id:?}"));
        }
        id.to_string()
    }

    fn source(&mut self, s: &RawSource) -> Option<NewSource> {
        let n = self.problems.len();
        if s.id.trim().is_empty() {
            self.fail("source id is empty".into());
        }
        if self.known.sources.contains(&s.id) {
            self.fail(format!(
                "source {:?} is already in the store; give this file its own source id",
                s.id
            ));
        }
        self.one_of(
            "source kind",
            &s.kind,
            &["seed", "dataset", "document", "user"],
        );
        let asserted = self.date("asserted", &s.asserted);
        (self.problems.len() == n).then(|| NewSource {
            id: s.id.clone(),
            title: s.title.clone(),
            kind: s.kind.clone(),
            asserted,
            sha256: s.sha256.clone(),
            note: s.note.clone(),
        })
    }

    fn actor(&mut self, a: &RawActor) -> Option<NewActor> {
        let n = self.problems.len();
        if a.id.is_empty() || !a.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            self.fail(format!(
                "actor id {:?} must be letters, digits and hyphens",
                a.id
            ));
        }
        self.one_of("actor kind", &a.kind, vocab::ACTOR_KINDS);
        let successor = a.successor.as_ref().map(|s| self.actor_ref("successor", s));
        (self.problems.len() == n).then(|| NewActor {
            id: a.id.clone(),
            kind: a.kind.clone(),
            name: a.name.clone(),
            aliases: a.aliases.clone(),
            successor,
            description: a.description.clone(),
        })
    }

    /// Checks one record against the rules of its type.
    fn record(&mut self, ty: FactType, r: &RawRecord) -> Option<NewFact> {
        let n = self.problems.len();
        // Fields each type takes; anything else given is an error, so that a
        // field put in the wrong kind of record is not silently ignored.
        let allowed: &[&str] = match ty {
            FactType::Relation => &[
                "subject", "object", "kind", "status", "from", "to", "directed", "about", "text",
            ],
            FactType::Event => &[
                "id", "kind", "name", "date", "end", "actors", "subject", "text",
            ],
            FactType::Treaty => &["id", "kind", "name", "parties", "text"],
            FactType::TreatyStep => &["treaty", "kind", "date", "by", "text"],
            FactType::Term => &["treaty", "name", "value", "unit", "text", "subject"],
            FactType::Indicator => &[
                "subject",
                "object",
                "name",
                "value",
                "unit",
                "approx",
                "date",
                "end",
                "reported_by",
                "text",
            ],
            FactType::Doctrine => &["subject", "kind", "name", "text", "from", "to"],
            FactType::Statement => &["subject", "text", "date", "about"],
        };
        let given = given_fields(r);
        for g in &given {
            if !allowed.contains(g) {
                self.fail(format!(
                    "field {g:?} does not belong in a {} record",
                    ty.as_str()
                ));
            }
        }
        let need = |c: &mut Self, field: &str, v: &Option<String>| -> Option<String> {
            match v {
                Some(s) if !s.trim().is_empty() => Some(s.clone()),
                _ => {
                    c.fail(format!("a {} record needs {field}", ty.as_str()));
                    None
                }
            }
        };

        // Citation.
        let quote = match &r.quote {
            Some(q) if !q.trim().is_empty() => {
                if q.chars().count() > MAX_QUOTE_CHARS {
                    self.fail(format!(
                        "quote is {} characters; keep evidence under {MAX_QUOTE_CHARS}",
                        q.chars().count()
                    ));
                }
                q.clone()
            }
            _ => {
                self.fail("missing quote: every fact needs its verbatim evidence".into());
                String::new()
            }
        };
        if r.para == Some(0) {
            self.fail("para counts from 1".into());
        }
        let confidence = r.confidence.clone().unwrap_or_else(|| "stated".into());
        self.one_of("confidence", &confidence, vocab::CONFIDENCES);

        let mut f = NewFact {
            fact_type: ty,
            key: r.id.as_ref().map(|s| s.to_lowercase()),
            subject: r.subject.as_ref().map(|s| self.actor_ref("subject", s)),
            object: r.object.as_ref().map(|s| self.actor_ref("object", s)),
            kind: r.kind.clone(),
            status: r.status.clone(),
            treaty: None,
            about: None,
            name: r.name.clone(),
            text: r.text.clone(),
            value: r.value,
            unit: r.unit.clone(),
            approx: r.approx,
            interval: ValidityInterval::default(),
            directed: r.directed,
            confidence,
            paragraph: r.para,
            quote,
            note: r.note.clone(),
            line: self.line,
            actors: Vec::new(),
        };
        if let Some(t) = &r.treaty {
            if !self.known.treaties.contains(&t.to_lowercase()) {
                self.fail(format!("unknown treaty {t:?}"));
            }
            f.treaty = Some(t.to_lowercase());
        }
        if let Some(e) = &r.about {
            if !self.known.events.contains(&e.to_lowercase()) {
                self.fail(format!("about: unknown event {e:?}"));
            }
            f.about = Some(e.to_lowercase());
        }
        let (start, end) = if given.contains(&"date") || given.contains(&"end") {
            (self.date("date", &r.date), self.date("end", &r.end))
        } else {
            (self.date("from", &r.from), self.date("to", &r.to))
        };
        match ValidityInterval::new(start, end) {
            Ok(i) => f.interval = i,
            Err(e) => self.fail(e.to_string()),
        }

        match ty {
            FactType::Relation => {
                need(self, "subject", &r.subject);
                let kind = need(self, "kind", &r.kind);
                let status = need(self, "status", &r.status);
                if r.object.is_none() && r.about.is_none() {
                    self.fail(
                        "a relation needs an object (an actor) or an about (an event)".into(),
                    );
                }
                if let (Some(k), Some(s)) = (kind, status) {
                    match vocab::statuses_of(&k) {
                        None => {
                            let kinds: Vec<&str> =
                                vocab::RELATION_KINDS.iter().map(|(k, _)| *k).collect();
                            self.fail(format!(
                                "relation kind {k:?} is not one of: {}",
                                vocab::list(&kinds)
                            ));
                        }
                        Some(allowed) => {
                            self.one_of(&format!("status of a {k} relation"), &s, allowed);
                        }
                    }
                }
                if r.subject.is_some() && r.subject == r.object {
                    self.fail("a relation needs two different actors".into());
                }
            }
            FactType::Event => {
                need(self, "id", &r.id);
                need(self, "kind", &r.kind);
                need(self, "name", &r.name);
                for a in &r.actors {
                    let id = self.actor_ref("actors", a);
                    f.actors.push((id, "participant".into()));
                }
            }
            FactType::Treaty => {
                need(self, "id", &r.id);
                need(self, "name", &r.name);
                if let Some(k) = need(self, "kind", &r.kind) {
                    self.one_of("treaty kind", &k, vocab::TREATY_KINDS);
                }
                if r.parties.is_empty() {
                    self.fail("a treaty needs its parties".into());
                }
                for p in &r.parties {
                    let id = self.actor_ref("parties", p);
                    f.actors.push((id, "party".into()));
                }
            }
            FactType::TreatyStep => {
                need(self, "treaty", &r.treaty);
                need(self, "date", &r.date);
                if let Some(k) = need(self, "kind", &r.kind) {
                    self.one_of("treaty step", &k, vocab::TREATY_STEPS);
                }
                if let Some(by) = &r.by {
                    f.subject = Some(self.actor_ref("by", by));
                }
            }
            FactType::Term => {
                need(self, "treaty", &r.treaty);
                need(self, "name", &r.name);
                need(self, "unit", &r.unit);
                if r.value.is_none() {
                    self.fail("a term needs a value".into());
                }
            }
            FactType::Indicator => {
                need(self, "subject", &r.subject);
                need(self, "name", &r.name);
                need(self, "unit", &r.unit);
                if r.value.is_none() {
                    self.fail("an indicator needs a value".into());
                }
                if let Some(by) = &r.reported_by {
                    let id = self.actor_ref("reported_by", by);
                    f.actors.push((id, "reporter".into()));
                }
            }
            FactType::Doctrine => {
                need(self, "subject", &r.subject);
                need(self, "name", &r.name);
                if let Some(k) = need(self, "kind", &r.kind) {
                    self.one_of("doctrine kind", &k, vocab::DOCTRINE_KINDS);
                }
            }
            FactType::Statement => {
                need(self, "subject", &r.subject);
                need(self, "text", &r.text);
            }
        }
        if let Some(v) = r.value
            && !v.is_finite()
        {
            self.fail(format!("value {v} is not a finite number"));
        }
        (self.problems.len() == n).then_some(f)
    }
}

fn given_fields(r: &RawRecord) -> Vec<&'static str> {
    let mut v = Vec::new();
    let mut add = |name: &'static str, present: bool| {
        if present {
            v.push(name);
        }
    };
    add("id", r.id.is_some());
    add("subject", r.subject.is_some());
    add("object", r.object.is_some());
    add("kind", r.kind.is_some());
    add("status", r.status.is_some());
    add("name", r.name.is_some());
    add("text", r.text.is_some());
    add("treaty", r.treaty.is_some());
    add("about", r.about.is_some());
    add("by", r.by.is_some());
    add("parties", !r.parties.is_empty());
    add("actors", !r.actors.is_empty());
    add("value", r.value.is_some());
    add("unit", r.unit.is_some());
    add("approx", r.approx);
    add("from", r.from.is_some());
    add("to", r.to.is_some());
    add("date", r.date.is_some());
    add("end", r.end.is_some());
    add("directed", r.directed);
    add("reported_by", r.reported_by.is_some());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        let mut k = Known::default();
        for a in ["RUS", "UKR", "USA"] {
            k.actors.insert(a.into());
        }
        k
    }

    const HEAD: &str = "[source]\nid = \"t\"\ntitle = \"T\"\nkind = \"user\"\n";

    #[test]
    fn a_good_file_parses() {
        let text = format!(
            "{HEAD}\n[[relation]]\nsubject = \"UKR\"\nobject = \"RUS\"\nkind = \"diplomatic\"\nstatus = \"severed\"\nfrom = \"2022\"\ndirected = true\npara = 3\nquote = \"Ukraine cut diplomatic relations with Russia\"\n"
        );
        let b = parse("t.toml", &text, &known()).unwrap();
        assert_eq!(b.facts.len(), 1);
        let f = &b.facts[0];
        assert_eq!(f.interval.from.unwrap().to_string(), "2022");
        assert!(f.directed);
        assert_eq!(f.line, 6, "a record is located by its [[header]] line");
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = format!(
            "{HEAD}\n[[relation]]\nsubject = \"RUZ\"\nobject = \"UKR\"\nkind = \"diplomatic\"\nstatus = \"friendly\"\nfrom = \"2022-02-30\"\nquote = \"x\"\n\n[[relation]]\nsubject = \"RUS\"\nobject = \"UKR\"\nkind = \"stance\"\nstatus = \"hostile\"\nfrom = \"2022\"\nto = \"2020\"\nquote = \"y\"\n\n[[event]]\nid = \"e\"\nkind = \"summit\"\nname = \"E\"\ndate = \"2021\"\n"
        );
        let err = parse("bad.toml", &text, &known()).unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with("bad.toml rejected, nothing was written (5 problems):"),
            "{shown}"
        );
        assert!(
            shown.contains("bad.toml:6: subject: unknown actor \"RUZ\""),
            "{shown}"
        );
        assert!(
            shown.contains(
                "bad.toml:6: from: invalid date \"2022-02-30\": no such day in the calendar"
            ),
            "{shown}"
        );
        assert!(
            shown
                .contains("bad.toml:6: status of a diplomatic relation \"friendly\" is not one of"),
            "{shown}"
        );
        assert!(
            shown.contains("bad.toml:14: interval ends (2020) before it starts (2022)"),
            "{shown}"
        );
        assert!(shown.contains("bad.toml:23: missing quote"), "{shown}");
    }

    #[test]
    fn a_file_without_source_is_rejected() {
        let text = "[[statement]]\nsubject = \"RUS\"\ntext = \"x\"\nquote = \"x\"\n";
        let err = parse("s.toml", text, &known()).unwrap_err();
        assert_eq!(
            err.items[0].reason,
            "missing [source] table: every fact needs a source"
        );
    }

    #[test]
    fn syntax_errors_and_unknown_fields_name_the_line() {
        let err = parse("x.toml", "[source]\nid = \"a\"\ntitle = 3\n", &known()).unwrap_err();
        assert_eq!(err.items[0].line, 3);
        let err = parse(
            "x.toml",
            &format!("{HEAD}[[relation]]\nsubjekt = \"RUS\"\n"),
            &known(),
        )
        .unwrap_err();
        assert_eq!(err.items[0].line, 6);
        assert!(
            err.items[0].reason.contains("unknown field `subjekt`"),
            "{:?}",
            err.items
        );
    }

    #[test]
    fn fields_of_another_record_type_are_refused() {
        let text = format!(
            "{HEAD}[[statement]]\nsubject = \"RUS\"\ntext = \"x\"\nstatus = \"hostile\"\nquote = \"x\"\n"
        );
        let err = parse("x.toml", &text, &known()).unwrap_err();
        assert_eq!(
            err.items[0].reason,
            "field \"status\" does not belong in a statement record"
        );
    }

    #[test]
    fn an_existing_source_id_is_refused() {
        let mut k = known();
        k.sources.insert("t".into());
        let err = parse("x.toml", HEAD, &k).unwrap_err();
        assert!(err.items[0].reason.contains("already in the store"));
    }
}
