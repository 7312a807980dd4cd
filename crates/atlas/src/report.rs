//! The actor report: one readable account of an actor's foreign relations on a
//! day, every line cited.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Result;
use crate::query::{Actor, RelationFilter, RelationRow};
use crate::store::Atlas;

/// One cited line of a report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportItem {
    /// What the line says.
    pub text: String,
    /// Start, as the source gives it.
    pub valid_from: Option<String>,
    /// End.
    pub valid_to: Option<String>,
    /// Source id.
    pub source: String,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
    /// What the line rests on, when not a day-precise interval.
    pub caveat: Option<String>,
    /// How firmly the source states it (stated, reported, hedged, claimed, disputed).
    pub confidence: String,
}

/// A titled group of lines.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportSection {
    /// Stable key for scripts.
    pub key: &'static str,
    /// Heading.
    pub title: &'static str,
    /// Lines, in order.
    pub items: Vec<ReportItem>,
}

/// An actor's foreign relations on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The actor.
    pub actor: Actor,
    /// The day.
    pub as_of: NaiveDate,
    /// Sections; empty ones are kept so that "nothing recorded" is explicit.
    pub sections: Vec<ReportSection>,
    /// Facts that could be neither counted nor denied on that day.
    pub undetermined: Vec<ReportItem>,
}

const NO_RELATIONS: &[&str] = &["none", "severed", "interrupted"];
const POSITIVE: &[&str] = &["positive", "aligned", "cooperative"];
const TENSE: &[&str] = &[
    "strained",
    "tense",
    "hostile",
    "adversarial",
    "critical",
    "opposed",
    "threatened",
    "unfavourable",
];

fn item(row: &RelationRow, text: String) -> ReportItem {
    ReportItem {
        text,
        valid_from: row.valid_from.clone(),
        valid_to: row.valid_to.clone(),
        source: row.source.clone(),
        paragraph: row.paragraph,
        quote: row.quote.clone(),
        caveat: row.caveat.clone(),
        confidence: row.confidence.clone(),
    }
}

fn counterpart(row: &RelationRow, lineage: &[String]) -> String {
    let subject_is_actor = lineage.iter().any(|l| l.eq_ignore_ascii_case(&row.subject));
    let other = if subject_is_actor {
        row.object_name.clone()
    } else {
        Some(row.subject_name.clone())
    };
    let mut text = other.unwrap_or_default();
    if let Some(about) = row.about_name.as_ref().or(row.about.as_ref()) {
        if text.is_empty() {
            text = about.clone();
        } else {
            text = format!("{text} (re: {about})");
        }
    }
    if row.directed {
        let by = if subject_is_actor {
            "by this actor"
        } else {
            "towards this actor"
        };
        text = format!("{text} [{by}]");
    }
    text
}

impl Atlas {
    /// The report on `actor` as of `as_of`.
    pub fn report(&self, actor: &str, as_of: NaiveDate) -> Result<Report> {
        let a = self.actor(actor)?;
        let lineage = self.lineage(&a.id)?;
        let rel = self.relations(&a.id, as_of, &RelationFilter::default())?;
        let mut sections = vec![
            ReportSection {
                key: "no_diplomatic_relations",
                title: "No diplomatic relations with",
                items: vec![],
            },
            ReportSection {
                key: "positive_relations",
                title: "Positive relations with",
                items: vec![],
            },
            ReportSection {
                key: "tensions",
                title: "Strained or hostile relations with",
                items: vec![],
            },
            ReportSection {
                key: "alliances",
                title: "Alliances and memberships",
                items: vec![],
            },
            ReportSection {
                key: "treaties",
                title: "Treaties and agreements",
                items: vec![],
            },
            ReportSection {
                key: "conflicts",
                title: "Conflicts, interventions and sanctions",
                items: vec![],
            },
            ReportSection {
                key: "open_disputes",
                title: "Open disputes",
                items: vec![],
            },
            ReportSection {
                key: "diplomacy",
                title: "Mediation, negotiation and other ties",
                items: vec![],
            },
            ReportSection {
                key: "doctrine",
                title: "Doctrine, approach and aims",
                items: vec![],
            },
            ReportSection {
                key: "events",
                title: "Events up to this date",
                items: vec![],
            },
            ReportSection {
                key: "indicators",
                title: "Figures",
                items: vec![],
            },
        ];
        let idx = |key: &str, s: &[ReportSection]| s.iter().position(|x| x.key == key).unwrap_or(0);
        for row in &rel.relations {
            let who = counterpart(row, &lineage);
            let (key, text) = match (row.kind.as_str(), row.status.as_str()) {
                ("diplomatic", s) if NO_RELATIONS.contains(&s) => {
                    ("no_diplomatic_relations", format!("{who}: {s}"))
                }
                ("diplomatic", s) => ("diplomacy", format!("{who}: diplomatic relations {s}")),
                ("stance", s) if POSITIVE.contains(&s) => {
                    ("positive_relations", format!("{who}: {s}"))
                }
                ("stance", s) if TENSE.contains(&s) => ("tensions", format!("{who}: {s}")),
                ("alliance" | "membership", s) => ("alliances", format!("{who}: {s}")),
                ("conflict", "dispute") => ("open_disputes", format!("{who}: dispute")),
                ("conflict" | "sanction", s) => ("conflicts", format!("{who}: {} {s}", row.kind)),
                (k, s) => ("diplomacy", format!("{who}: {k} {}", s.replace('_', " "))),
            };
            let i = idx(key, &sections);
            sections[i].items.push(item(row, text));
        }
        // Treaties the actor (or a predecessor) is party to, with their status then.
        let ti = idx("treaties", &sections);
        for t in self.treaty_ids()? {
            let ans = self.treaty(&t, as_of)?;
            let party = ans
                .parties
                .iter()
                .any(|p| lineage.iter().any(|l| l.eq_ignore_ascii_case(p)));
            if !party || ans.status == "not yet concluded" {
                continue;
            }
            let terms: Vec<String> = ans
                .terms
                .iter()
                .map(|t| {
                    format!(
                        "{} {} {}",
                        t.name,
                        crate::query::format_number(t.value),
                        t.unit
                    )
                })
                .collect();
            let text = if terms.is_empty() {
                format!("{}: {}", ans.name, ans.status)
            } else {
                format!("{}: {}; limits: {}", ans.name, ans.status, terms.join("; "))
            };
            let first = ans
                .steps
                .iter()
                .find(|s| s.happened)
                .and_then(|s| s.date.clone());
            sections[ti].items.push(ReportItem {
                text,
                valid_from: first,
                valid_to: None,
                source: ans.source,
                paragraph: ans.paragraph,
                quote: ans.quote,
                caveat: None,
                confidence: "stated".into(),
            });
        }
        for (ty, key) in [
            ("doctrine", "doctrine"),
            ("event", "events"),
            ("indicator", "indicators"),
        ] {
            let i = idx(key, &sections);
            for f in self.facts_of(&a.id, ty, as_of)? {
                let text = match ty {
                    "doctrine" => format!(
                        "{} ({})",
                        f.name.clone().unwrap_or_default(),
                        f.kind.clone().unwrap_or_default()
                    ),
                    _ => f.summary.clone(),
                };
                sections[i].items.push(ReportItem {
                    text,
                    valid_from: f.valid_from,
                    valid_to: f.valid_to,
                    source: f.source,
                    paragraph: f.paragraph,
                    quote: f.quote,
                    caveat: None,
                    confidence: f.confidence,
                });
            }
        }
        let undetermined = rel
            .undetermined
            .iter()
            .map(|r| {
                let who = counterpart(r, &lineage);
                item(r, format!("{who}: {} {}", r.kind, r.status))
            })
            .collect();
        Ok(Report {
            actor: a,
            as_of,
            sections,
            undetermined,
        })
    }
}
