//! Questions the atlas answers, each "as of" a day and each answer cited.

use chrono::NaiveDate;
use detente_core::{Holding, PartialDate, ValidityInterval};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::Atlas;

/// An actor as the atlas knows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    /// Id: ISO3 for states.
    pub id: String,
    /// Kind (state, organisation, bloc, person ...).
    pub kind: String,
    /// Display name.
    pub name: String,
    /// Other names.
    pub names: Vec<String>,
    /// ISO 3166-1 alpha-3.
    pub iso3: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub iso2: Option<String>,
    /// Correlates of War numeric code.
    pub cow_code: Option<i64>,
    /// Correlates of War letter code.
    pub cow_abbrev: Option<String>,
    /// Gleditsch-Ward code.
    pub gw_code: Option<i64>,
    /// UN M49 code.
    pub un_m49: Option<i64>,
    /// Standing at the UN.
    pub un_status: Option<String>,
    /// The actor that continues this one.
    pub successor: Option<String>,
    /// Short description.
    pub description: Option<String>,
    /// Source of the actor record.
    pub source: String,
}

/// One relation, with its interval and citation. Field names are stable: the
/// CLI's JSON and CSV and the HTTP API use them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationRow {
    /// Actor the relation is stated of (the actor who acts, when directed).
    pub subject: String,
    /// Its name.
    pub subject_name: String,
    /// The other actor, if the relation has one.
    pub object: Option<String>,
    /// Its name.
    pub object_name: Option<String>,
    /// Relation kind.
    pub kind: String,
    /// Relation status.
    pub status: String,
    /// Event the relation concerns (a conflict being mediated), by id.
    pub about: Option<String>,
    /// That event's name.
    pub about_name: Option<String>,
    /// Start, as precise as the source gives it; empty when unknown.
    pub valid_from: Option<String>,
    /// End; empty while it holds.
    pub valid_to: Option<String>,
    /// Whether subject acted on object.
    pub directed: bool,
    /// stated, reported, hedged, claimed or disputed.
    pub confidence: String,
    /// Source id.
    pub source: String,
    /// Paragraph of the source.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
    /// Curator's note.
    pub note: Option<String>,
    /// What the answer rests on, when it is not a day-precise interval.
    pub caveat: Option<String>,
}

/// The relations of an actor on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelationAnswer {
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The actor.
    pub actor: String,
    /// Relations holding that day.
    pub relations: Vec<RelationRow>,
    /// Relations whose start is unknown and whose source speaks only from a
    /// later date: neither counted nor denied.
    pub undetermined: Vec<RelationRow>,
}

/// A filter on relations.
#[derive(Debug, Clone, Default)]
pub struct RelationFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this status.
    pub status: Option<String>,
}

/// Any fact, as listed by `facts` and `history`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactRow {
    /// Row id in the store.
    pub id: i64,
    /// relation, event, treaty, treaty_step, term, indicator, doctrine, statement.
    #[serde(rename = "type")]
    pub fact_type: String,
    /// A one-line rendering of the fact.
    pub summary: String,
    /// Subject actor.
    pub subject: Option<String>,
    /// Object actor.
    pub object: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Status, for relations.
    pub status: Option<String>,
    /// Name or title.
    pub name: Option<String>,
    /// Number.
    pub value: Option<f64>,
    /// Unit.
    pub unit: Option<String>,
    /// Start or date.
    pub valid_from: Option<String>,
    /// End.
    pub valid_to: Option<String>,
    /// Source id.
    pub source: String,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
    /// How firmly stated.
    pub confidence: String,
}

/// A step in a treaty's life.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatyStep {
    /// signed, in_force, extended, withdrawn ...
    pub step: String,
    /// When.
    pub date: Option<String>,
    /// Who took it, when one party did.
    pub by: Option<String>,
    /// Whether it had happened by the day asked about.
    pub happened: bool,
    /// Source id.
    pub source: String,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
}

/// A numeric term of a treaty.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatyTerm {
    /// What is limited.
    pub name: String,
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// To whom or what it applies.
    pub applies_to: Option<String>,
    /// Source id.
    pub source: String,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
}

/// A treaty as of a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatyAnswer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// treaty, agreement, act ...
    pub kind: String,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// Parties (actor ids).
    pub parties: Vec<String>,
    /// Its status that day, derived from the steps that had happened.
    pub status: String,
    /// Every recorded step, oldest first.
    pub steps: Vec<TreatyStep>,
    /// Numeric terms.
    pub terms: Vec<TreatyTerm>,
    /// Source of the treaty record.
    pub source: String,
    /// Paragraph.
    pub paragraph: Option<u32>,
    /// Verbatim evidence.
    pub quote: String,
}

/// A source as the atlas holds it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRow {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// seed, dataset, document, user.
    pub kind: String,
    /// Date from which it speaks.
    pub asserted: Option<String>,
    /// sha256 of the text.
    pub sha256: Option<String>,
    /// Facts drawn from it.
    pub facts: i64,
}

const FACT_COLUMNS: &str = "f.id, f.type, f.subject, f.object, f.kind, f.status, f.name, f.value,
    f.unit, f.valid_from, f.valid_to, f.source, f.paragraph, f.quote, f.confidence, f.text,
    f.treaty, f.approx, f.about, f.directed";

impl Atlas {
    /// Finds an actor by id, ISO2 code, COW code or any of its names, ignoring case.
    ///
    /// Fails with [`Error::UnknownActor`] when nothing matches.
    pub fn actor(&self, query: &str) -> Result<Actor> {
        let q = query.trim();
        let id: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM actors WHERE id = ?1 OR iso2 = ?1 COLLATE NOCASE
                     OR CAST(cow_code AS TEXT) = ?1
                 UNION ALL SELECT actor_id FROM actor_names WHERE name = ?1
                 LIMIT 1",
            )?
            .query_row([q], |r| r.get(0))
            .optional()?;
        let id = id.ok_or_else(|| Error::UnknownActor(query.to_string()))?;
        let mut a = self.conn.prepare_cached("SELECT id, kind, name, iso3, iso2, cow_code, cow_abbrev, gw_code, un_m49, un_status,
                    successor, description, source
             FROM actors WHERE id = ?1")?
            .query_row([&id],
            |r| {
                Ok(Actor {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    names: Vec::new(),
                    iso3: r.get(3)?,
                    iso2: r.get(4)?,
                    cow_code: r.get(5)?,
                    cow_abbrev: r.get(6)?,
                    gw_code: r.get(7)?,
                    un_m49: r.get(8)?,
                    un_status: r.get(9)?,
                    successor: r.get(10)?,
                    description: r.get(11)?,
                    source: r.get(12)?,
                })
            },
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT name FROM actor_names WHERE actor_id = ?1 AND name <> ?2 ORDER BY name",
        )?;
        a.names = stmt
            .query_map(params![a.id, a.name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(a)
    }

    /// A value that changes whenever facts, actors or sources are added or
    /// replaced: counts and the highest fact id.
    pub fn fingerprint(&self) -> Result<(i64, i64, i64, i64)> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM facts), (SELECT coalesce(max(id), 0) FROM facts),
                    (SELECT count(*) FROM actors), (SELECT count(*) FROM sources)",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?)
    }

    /// Every actor, by id.
    pub fn actors(&self) -> Result<Vec<Actor>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM actors ORDER BY id")?;
        let ids: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| self.actor(id)).collect()
    }

    /// The actor and the actors it continues (Russia and the Soviet Union).
    pub fn lineage(&self, id: &str) -> Result<Vec<String>> {
        let mut out = vec![id.to_string()];
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM actors WHERE lower(successor) = lower(?1)")?;
        let mut i = 0;
        while i < out.len() {
            let preds: Vec<String> = stmt
                .query_map([&out[i]], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for p in preds {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            i += 1;
        }
        Ok(out)
    }

    fn name_of(&self, id: &str) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM actors WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| id.to_string()))
    }

    fn asserted_of(&self, source: &str) -> Result<Option<PartialDate>> {
        let s: Option<String> = self
            .conn
            .prepare_cached("SELECT asserted FROM sources WHERE id = ?1")?
            .query_row([source], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(match s {
            Some(s) => Some(s.parse()?),
            None => None,
        })
    }

    /// The relations of `actor` (and of the actors it continues) on `as_of`.
    pub fn relations(
        &self,
        actor: &str,
        as_of: NaiveDate,
        filter: &RelationFilter,
    ) -> Result<RelationAnswer> {
        let a = self.actor(actor)?;
        let lineage = self.lineage(&a.id)?;
        let mut out = RelationAnswer {
            as_of,
            actor: a.id.clone(),
            relations: Vec::new(),
            undetermined: Vec::new(),
        };
        for who in &lineage {
            self.relation_rows(Some(who), as_of, filter, &mut out)?;
        }
        Ok(out)
    }

    /// Every relation between any actors on `as_of` (the relation network);
    /// the answer's `actor` is empty.
    pub fn all_relations(
        &self,
        as_of: NaiveDate,
        filter: &RelationFilter,
    ) -> Result<RelationAnswer> {
        let mut out = RelationAnswer {
            as_of,
            actor: String::new(),
            relations: Vec::new(),
            undetermined: Vec::new(),
        };
        self.relation_rows(None, as_of, filter, &mut out)?;
        Ok(out)
    }

    /// Relations of `who` (of anyone when `None`) holding, or undetermined,
    /// on `as_of`, added to `out`.
    fn relation_rows(
        &self,
        who: Option<&str>,
        as_of: NaiveDate,
        filter: &RelationFilter,
        out: &mut RelationAnswer,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.subject, f.object, f.kind, f.status, f.about, f.valid_from, f.valid_to,
                    f.directed, f.confidence, f.source, f.paragraph, f.quote, f.note
             FROM facts f
             WHERE f.type = 'relation'
               AND (?1 IS NULL OR f.subject = ?1 COLLATE NOCASE OR f.object = ?1 COLLATE NOCASE)
               AND (?2 IS NULL OR f.kind = ?2) AND (?3 IS NULL OR f.status = ?3)
             ORDER BY f.kind, f.status, f.id",
        )?;
        {
            let rows = stmt.query_map(params![who, filter.kind, filter.status], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    RelationRow {
                        subject: r.get(0)?,
                        subject_name: String::new(),
                        object: r.get(1)?,
                        object_name: None,
                        kind: r.get(2)?,
                        status: r.get(3)?,
                        about: r.get(4)?,
                        about_name: None,
                        valid_from: r.get(5)?,
                        valid_to: r.get(6)?,
                        directed: r.get(7)?,
                        confidence: r.get(8)?,
                        source: r.get(9)?,
                        paragraph: r.get(10)?,
                        quote: r.get(11)?,
                        note: r.get(12)?,
                        caveat: None,
                    },
                ))
            })?;
            for row in rows {
                let (subject, object, mut row) = row?;
                let interval = interval_of(&row.valid_from, &row.valid_to)?;
                let asserted = self.asserted_of(&row.source)?;
                row.subject_name = self.name_of(&subject)?;
                row.object_name = object.as_deref().map(|o| self.name_of(o)).transpose()?;
                row.about_name = row
                    .about
                    .as_deref()
                    .map(|e| self.event_name(e))
                    .transpose()?;
                match interval.holding_on_asserted(as_of, asserted) {
                    Holding::Holds => {
                        row.caveat = caveat(&interval, as_of, asserted);
                        out.relations.push(row);
                    }
                    Holding::Undetermined => {
                        row.caveat =
                            asserted.map(|a| format!("start unknown; the source speaks from {a}"));
                        out.undetermined.push(row);
                    }
                    Holding::NotYet | Holding::Ended => {}
                }
            }
        }
        Ok(())
    }

    /// Every fact involving both actors (or the actors they continue), oldest
    /// first; undated facts last.
    pub fn history(&self, a: &str, b: &str) -> Result<Vec<FactRow>> {
        let a = self.actor(a)?;
        let b = self.actor(b)?;
        let la = self.lineage(&a.id)?;
        let lb = self.lineage(&b.id)?;
        // Facts touching an actor through subject, object, fact_actors, or, for
        // treaty steps and terms, through the treaty's parties.
        let touching = "SELECT f.id FROM facts f WHERE f.subject = ?1 COLLATE NOCASE OR f.object = ?1 COLLATE NOCASE
            UNION SELECT fa.fact_id FROM fact_actors fa WHERE fa.actor_id = ?1 COLLATE NOCASE
            UNION SELECT s.id FROM facts s JOIN facts t ON t.type = 'treaty' AND t.key = s.treaty
                  JOIN fact_actors p ON p.fact_id = t.id AND p.role = 'party'
                  WHERE p.actor_id = ?1 COLLATE NOCASE";
        let ids_of = |lineage: &[String]| -> Result<std::collections::HashSet<i64>> {
            let mut stmt = self.conn.prepare_cached(touching)?;
            let mut out = std::collections::HashSet::new();
            for who in lineage {
                for id in stmt.query_map([who], |r| r.get::<_, i64>(0))? {
                    out.insert(id?);
                }
            }
            Ok(out)
        };
        let ia = ids_of(&la)?;
        let ib = ids_of(&lb)?;
        let mut ids: Vec<i64> = ia.intersection(&ib).copied().collect();
        ids.sort_unstable();
        let mut rows = Vec::new();
        for id in ids {
            rows.push(self.fact(id)?);
        }
        sort_chronologically(&mut rows);
        Ok(rows)
    }

    /// One fact by its row id.
    pub fn fact(&self, id: i64) -> Result<FactRow> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM facts f WHERE f.id = ?1");
        let raw = self.conn.query_row(&sql, [id], raw_fact)?;
        self.render(raw)
    }

    /// Facts drawn from `source` (all when `None`), optionally matching a
    /// full-text `search` (ranked best first; otherwise in file order).
    ///
    /// Fails with [`Error::UnknownSource`] for a source the atlas does not hold.
    pub fn facts(&self, source: Option<&str>, search: Option<&str>) -> Result<Vec<FactRow>> {
        if let Some(s) = source {
            let exists: Option<String> = self
                .conn
                .prepare_cached("SELECT id FROM sources WHERE id = ?1")?
                .query_row([s], |r| r.get(0))
                .optional()?;
            if exists.is_none() {
                let known: Vec<String> = self.sources()?.into_iter().map(|s| s.id).collect();
                return Err(Error::UnknownSource {
                    query: s.to_string(),
                    known: known.join(", "),
                });
            }
        }
        let raws = match search {
            None => {
                let sql = format!(
                    "SELECT {FACT_COLUMNS} FROM facts f WHERE (?1 IS NULL OR f.source = ?1)
                     ORDER BY f.source, f.paragraph, f.line"
                );
                let mut stmt = self.conn.prepare_cached(&sql)?;
                stmt.query_map([source], raw_fact)?
                    .collect::<rusqlite::Result<Vec<_>>>()?
            }
            Some(q) => {
                let fts = fts_query(q).ok_or_else(|| Error::BadSearch {
                    query: q.to_string(),
                    reason: "no words to search for".into(),
                })?;
                let sql = format!(
                    "SELECT {FACT_COLUMNS} FROM facts_fts JOIN facts f ON f.id = facts_fts.rowid
                     WHERE facts_fts MATCH ?1 AND (?2 IS NULL OR f.source = ?2)
                     ORDER BY bm25(facts_fts, 4.0, 2.0, 2.0, 1.0, 1.0), f.id"
                );
                let mut stmt = self.conn.prepare_cached(&sql)?;
                stmt.query_map(params![fts, source], raw_fact)?
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map_err(|e| Error::BadSearch {
                        query: q.to_string(),
                        reason: e.to_string(),
                    })?
            }
        };
        raws.into_iter().map(|r| self.render(r)).collect()
    }

    /// Every source with the number of facts drawn from it.
    pub fn sources(&self) -> Result<Vec<SourceRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.id, s.title, s.kind, s.asserted, s.sha256,
                    (SELECT count(*) FROM facts f WHERE f.source = s.id)
             FROM sources s ORDER BY s.origin, s.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SourceRow {
                id: r.get(0)?,
                title: r.get(1)?,
                kind: r.get(2)?,
                asserted: r.get(3)?,
                sha256: r.get(4)?,
                facts: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Paragraphs of a source deliberately left without facts, with reasons.
    pub fn uncovered(&self, source: &str) -> Result<Vec<(u32, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paragraph, reason FROM uncovered WHERE source = ?1 ORDER BY paragraph",
        )?;
        let rows = stmt.query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Ids of the treaties the atlas holds.
    pub fn treaty_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key FROM facts WHERE type = 'treaty' ORDER BY key")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A treaty, its parties, steps and terms, and its status on `as_of`.
    ///
    /// Fails with [`Error::UnknownTreaty`] when no treaty has this id or name.
    pub fn treaty(&self, query: &str, as_of: NaiveDate) -> Result<TreatyAnswer> {
        let q = query.trim();
        let found = self
            .conn
            .prepare_cached(
                "SELECT id, key, name, kind, source, paragraph, quote FROM facts
                 WHERE type = 'treaty' AND (key = lower(?1) OR name = ?1 COLLATE NOCASE
                     OR replace(lower(name), ' ', '-') = lower(?1))",
            )?
            .query_row([q], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<u32>>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .optional()?;
        let Some((fid, key, name, kind, source, paragraph, quote)) = found else {
            return Err(Error::UnknownTreaty {
                query: query.to_string(),
                known: self.treaty_ids()?.join(", "),
            });
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT actor_id FROM fact_actors WHERE fact_id = ?1 AND role = 'party' ORDER BY actor_id",
        )?;
        let parties: Vec<String> = stmt
            .query_map([fid], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, valid_from, from_day, subject, source, paragraph, quote FROM facts
             WHERE type = 'treaty_step' AND treaty = ?1 ORDER BY from_day, id",
        )?;
        let steps: Vec<TreatyStep> = stmt
            .query_map([&key], |r| {
                let day: Option<String> = r.get(2)?;
                Ok(TreatyStep {
                    step: r.get(0)?,
                    date: r.get(1)?,
                    happened: day.is_some_and(|d| d.as_str() <= as_of.to_string().as_str()),
                    by: r.get(3)?,
                    source: r.get(4)?,
                    paragraph: r.get(5)?,
                    quote: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, value, unit, text, source, paragraph, quote FROM facts
             WHERE type = 'term' AND treaty = ?1 ORDER BY id",
        )?;
        let terms: Vec<TreatyTerm> = stmt
            .query_map([&key], |r| {
                Ok(TreatyTerm {
                    name: r.get(0)?,
                    value: r.get(1)?,
                    unit: r.get(2)?,
                    applies_to: r.get(3)?,
                    source: r.get(4)?,
                    paragraph: r.get(5)?,
                    quote: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let status = treaty_status(&steps, parties.len());
        Ok(TreatyAnswer {
            id: key,
            name,
            kind,
            as_of,
            parties,
            status,
            steps,
            terms,
            source,
            paragraph,
            quote,
        })
    }

    /// Facts of `fact_type` involving `actor` (or the actors it continues) that
    /// hold or had happened by `as_of`, in date order.
    pub fn facts_of(&self, actor: &str, fact_type: &str, as_of: NaiveDate) -> Result<Vec<FactRow>> {
        let a = self.actor(actor)?;
        let mut out = Vec::new();
        let sql = format!(
            "SELECT {FACT_COLUMNS} FROM facts f WHERE f.type = ?2 AND (f.subject = ?1 COLLATE NOCASE
               OR f.object = ?1 COLLATE NOCASE
               OR f.id IN (SELECT fact_id FROM fact_actors WHERE actor_id = ?1 COLLATE NOCASE AND role <> 'reporter'))
             ORDER BY f.from_day, f.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for who in self.lineage(&a.id)? {
            for raw in stmt.query_map(params![who, fact_type], raw_fact)? {
                let raw = raw?;
                let interval = interval_of(&raw.valid_from, &raw.valid_to)?;
                let asserted = self.asserted_of(&raw.source)?;
                // Events and indicators are dated happenings: they count once their
                // date has come. Doctrines hold over their interval.
                let counts = match fact_type {
                    "doctrine" => interval.holding_on_asserted(as_of, asserted) == Holding::Holds,
                    _ => interval.from.is_none_or(|f| f.first_day() <= as_of),
                };
                if counts && !out.iter().any(|r: &FactRow| r.id == raw.id) {
                    out.push(self.render(raw)?);
                }
            }
        }
        sort_chronologically(&mut out);
        Ok(out)
    }

    fn render(&self, raw: RawFact) -> Result<FactRow> {
        let name = |id: &Option<String>| -> Result<String> {
            match id {
                Some(i) => self.name_of(i),
                None => Ok(String::new()),
            }
        };
        let subj = name(&raw.subject)?;
        let obj = name(&raw.object)?;
        let num = |v: Option<f64>, unit: &Option<String>, approx: bool| {
            let v = v.map(format_number).unwrap_or_default();
            let unit = unit.clone().unwrap_or_default();
            format!("{}{v} {unit}", if approx { "about " } else { "" })
        };
        let summary = match raw.fact_type.as_str() {
            "relation" => {
                let kind = raw.kind.clone().unwrap_or_default();
                let status = raw.status.clone().unwrap_or_default();
                let arrow = if raw.directed { "→" } else { "–" };
                let about = raw
                    .about
                    .as_ref()
                    .map(|e| format!(" (in {})", self.event_name(e).unwrap_or_else(|_| e.clone())))
                    .unwrap_or_default();
                if raw.object.is_some() {
                    format!("{subj} {arrow} {obj}: {kind} {status}{about}")
                } else {
                    format!("{subj}: {kind} {status}{about}")
                }
            }
            "event" => raw.name.clone().unwrap_or_default(),
            "treaty" => format!(
                "{} ({})",
                raw.name.clone().unwrap_or_default(),
                raw.kind.clone().unwrap_or_default()
            ),
            "treaty_step" => {
                let tname = raw
                    .treaty
                    .as_ref()
                    .map(|t| self.treaty_name(t))
                    .transpose()?
                    .unwrap_or_default();
                let by = if subj.is_empty() {
                    String::new()
                } else {
                    format!(" by {subj}")
                };
                format!(
                    "{tname}: {}{by}",
                    raw.kind.clone().unwrap_or_default().replace('_', " ")
                )
            }
            "term" => {
                let tname = raw
                    .treaty
                    .as_ref()
                    .map(|t| self.treaty_name(t))
                    .transpose()?
                    .unwrap_or_default();
                format!(
                    "{tname} limit: {} {}",
                    raw.name.clone().unwrap_or_default(),
                    num(raw.value, &raw.unit, raw.approx).trim()
                )
            }
            "indicator" => {
                let to = if obj.is_empty() {
                    String::new()
                } else {
                    format!(" ({obj})")
                };
                format!(
                    "{subj}{to}, {}: {}",
                    raw.name.clone().unwrap_or_default(),
                    num(raw.value, &raw.unit, raw.approx).trim()
                )
            }
            "doctrine" => format!(
                "{subj} {}: {}",
                raw.kind.clone().unwrap_or_default(),
                raw.name.clone().unwrap_or_default()
            ),
            "statement" => format!("{subj}: “{}”", raw.text.clone().unwrap_or_default()),
            other => {
                return Err(Error::Internal(format!(
                    "unknown fact type {other:?} in the store"
                )));
            }
        };
        Ok(FactRow {
            id: raw.id,
            fact_type: raw.fact_type,
            summary,
            subject: raw.subject,
            object: raw.object,
            kind: raw.kind,
            status: raw.status,
            name: raw.name,
            value: raw.value,
            unit: raw.unit,
            valid_from: raw.valid_from,
            valid_to: raw.valid_to,
            source: raw.source,
            paragraph: raw.paragraph,
            quote: raw.quote,
            confidence: raw.confidence,
        })
    }

    fn treaty_name(&self, key: &str) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM facts WHERE type = 'treaty' AND key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| key.to_string()))
    }

    fn event_name(&self, key: &str) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM facts WHERE type = 'event' AND key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?
            .unwrap_or_else(|| key.to_string()))
    }
}

#[derive(Debug)]
struct RawFact {
    id: i64,
    fact_type: String,
    subject: Option<String>,
    object: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    name: Option<String>,
    value: Option<f64>,
    unit: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    source: String,
    paragraph: Option<u32>,
    quote: String,
    confidence: String,
    text: Option<String>,
    treaty: Option<String>,
    approx: bool,
    about: Option<String>,
    directed: bool,
}

fn raw_fact(r: &Row<'_>) -> rusqlite::Result<RawFact> {
    Ok(RawFact {
        id: r.get(0)?,
        fact_type: r.get(1)?,
        subject: r.get(2)?,
        object: r.get(3)?,
        kind: r.get(4)?,
        status: r.get(5)?,
        name: r.get(6)?,
        value: r.get(7)?,
        unit: r.get(8)?,
        valid_from: r.get(9)?,
        valid_to: r.get(10)?,
        source: r.get(11)?,
        paragraph: r.get(12)?,
        quote: r.get(13)?,
        confidence: r.get(14)?,
        text: r.get(15)?,
        treaty: r.get(16)?,
        approx: r.get(17)?,
        about: r.get(18)?,
        directed: r.get(19)?,
    })
}

fn interval_of(from: &Option<String>, to: &Option<String>) -> Result<ValidityInterval> {
    let parse = |s: &Option<String>| -> Result<Option<PartialDate>> {
        Ok(match s {
            Some(s) => Some(s.parse()?),
            None => None,
        })
    };
    Ok(ValidityInterval::new(parse(from)?, parse(to)?)?)
}

fn caveat(i: &ValidityInterval, day: NaiveDate, asserted: Option<PartialDate>) -> Option<String> {
    if let Some(b) = i.rests_on(day) {
        return Some(format!(
            "{}-precision date {b} read as {}",
            b.precision().as_str(),
            b.first_day()
        ));
    }
    match (i.from, asserted) {
        (None, Some(a)) => Some(format!("start unknown; stated as of {a}")),
        (None, None) => Some("start unknown".to_string()),
        _ => None,
    }
}

fn sort_chronologically(rows: &mut [FactRow]) {
    rows.sort_by(|a, b| {
        let key = |r: &FactRow| -> (bool, Option<PartialDate>, i64) {
            let d = r.valid_from.as_deref().and_then(|s| s.parse().ok());
            (d.is_none(), d, r.id)
        };
        key(a).cmp(&key(b))
    });
}

/// A figure as people write it: 1,550; 40,000; 2.5.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        // The value is integral and well inside i64's range.
        let n = v as i64;
        let digits = n.abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    } else {
        format!("{v}")
    }
}

/// Turns free text into an FTS5 query: each word becomes a quoted term, all
/// required, so punctuation in the text cannot break the query syntax.
fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The status of a treaty from the steps that had happened.
fn treaty_status(steps: &[TreatyStep], parties: usize) -> String {
    let happened: Vec<&TreatyStep> = steps.iter().filter(|s| s.happened).collect();
    let Some(last) = happened.last() else {
        return "not yet concluded".to_string();
    };
    let by = |s: &TreatyStep| s.by.clone().map(|b| format!(" by {b}")).unwrap_or_default();
    let since = |s: &TreatyStep| s.date.clone().unwrap_or_default();
    match last.step.as_str() {
        "negotiated" => format!("negotiated ({})", since(last)),
        "signed" | "adopted" => format!("{} ({})", last.step, since(last)),
        "in_force" => format!("in force (since {})", since(last)),
        "extended" => format!("in force, extended ({})", since(last)),
        "violation_reported" => {
            format!(
                "in force; violations reported{} ({})",
                by(last),
                since(last)
            )
        }
        "suspended" => format!("suspended{} ({})", by(last), since(last)),
        "withdrawn" if parties > 2 => format!(
            "in force for the remaining parties; withdrawn{} ({})",
            by(last),
            since(last)
        ),
        "withdrawn" => format!("ended: withdrawn{} ({})", by(last), since(last)),
        "expired" => format!("expired ({})", since(last)),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(format_number(1550.0), "1,550");
        assert_eq!(format_number(40000.0), "40,000");
        assert_eq!(format_number(100000.0), "100,000");
        assert_eq!(format_number(15.0), "15");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn search_text_becomes_quoted_terms() {
        assert_eq!(fts_query("Geneva summit").unwrap(), "\"Geneva\" \"summit\"");
        assert_eq!(
            fts_query("U.S.-Russia \"x").unwrap(),
            "\"U\" \"S\" \"Russia\" \"x\""
        );
        assert!(fts_query(" -- ").is_none());
    }
}
