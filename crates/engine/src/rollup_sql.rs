//! Aggregates over `events` answered from the rollup.
//!
//! The rollup (see [`detente_events::rollup`]) keeps, per day, actor 1
//! country, actor 2 country, root code and QuadClass, the number of events
//! and the sums and counts of their Goldstein scores and tones. A query that
//! groups and filters events only on what that key determines, and asks only
//! for counts, sums or means of those measures, has the same answer over the
//! rollup's rows as over every event, and the rollup is a few hundred times
//! smaller. [`RollupRewrite`] finds such aggregates in a plan before
//! DataFusion types and optimises it, and puts the rollup under them:
//!
//! - filters and groups may use `day`, `year`, `month`, `source`,
//!   `actor1_country_code`, `actor2_country_code` and `quad_class`, in any
//!   expression that is not volatile and holds no subquery;
//! - aggregates may be `count(*)`, `count` of one of those columns, and
//!   `count`, `sum` or `avg` of `goldstein` or `avg_tone`, none of them
//!   `DISTINCT`, filtered or ordered;
//! - anything else (a join, another column, `min`, `max`, ...) leaves the
//!   query as it was.
//!
//! Counts are exact. Sums and means of floats are added in another order
//! (per key, then across keys), so they may differ from the raw events' in
//! the last bits, as they do between two runs over partitions.
//!
//! The rule is installed only when every ingest of the session has its
//! rollup, and `SET detente.rollup_rewrite = false` turns it off for a
//! session. `EXPLAIN` shows which table a query reads.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, Result as DfResult, ScalarValue, TableReference};
use datafusion::config::ConfigOptions;
use datafusion::datasource::{TableProvider, provider_as_source, source_as_provider};
use datafusion::functions::expr_fn::{coalesce, date_part, nullif};
use datafusion::functions_aggregate::average::Avg;
use datafusion::functions_aggregate::count::Count;
use datafusion::functions_aggregate::expr_fn::sum;
use datafusion::functions_aggregate::sum::Sum;
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::{
    Aggregate, Expr, Filter, LogicalPlan, LogicalPlanBuilder, Projection, SubqueryAlias, cast, lit,
    when,
};
use datafusion::optimizer::AnalyzerRule;

use crate::analytics::DetenteOptions;

/// The columns of `events` that a rollup row determines.
const KEYS: [&str; 7] = [
    "day",
    "year",
    "month",
    "source",
    "actor1_country_code",
    "actor2_country_code",
    "quad_class",
];

/// The rollup's measures as columns of the plan that stands in for `events`.
const EVENTS: &str = "__rollup_events";
const GOLDSTEIN_SUM: &str = "__rollup_goldstein_sum";
const GOLDSTEIN_N: &str = "__rollup_goldstein_n";
const TONE_SUM: &str = "__rollup_tone_sum";
const TONE_N: &str = "__rollup_tone_n";

/// Puts the rollup under aggregates of `events` that it can answer.
#[derive(Debug)]
pub(crate) struct RollupRewrite {
    events: Arc<dyn TableProvider>,
    rollup: Arc<dyn TableProvider>,
}

impl RollupRewrite {
    pub(crate) fn new(events: Arc<dyn TableProvider>, rollup: Arc<dyn TableProvider>) -> Self {
        RollupRewrite { events, rollup }
    }
}

impl AnalyzerRule for RollupRewrite {
    fn name(&self) -> &str {
        "detente_rollup_rewrite"
    }

    fn analyze(&self, plan: LogicalPlan, config: &ConfigOptions) -> DfResult<LogicalPlan> {
        let on = config
            .extensions
            .get::<DetenteOptions>()
            .is_none_or(|o| o.rollup_rewrite);
        if !on {
            return Ok(plan);
        }
        plan.transform_up_with_subqueries(|node| {
            let LogicalPlan::Aggregate(agg) = &node else {
                return Ok(Transformed::no(node));
            };
            match self.rewrite(agg)? {
                Some(new) => Ok(Transformed::yes(new)),
                None => Ok(Transformed::no(node)),
            }
        })
        .map(|t| t.data)
    }
}

/// What one aggregate of events becomes: aggregates of the rollup's
/// measures (`parts`) and how to finish the answer from them.
enum Measure {
    /// `coalesce(sum(x), 0)`, with `x` the events a rollup row stands for.
    Count(Expr),
    /// `sum(s)`, NULL when no event had a value (`sum(n) = 0`).
    Sum(&'static str, &'static str),
    /// `sum(s) / sum(n)`, NULL when `sum(n) = 0`.
    Avg(&'static str, &'static str),
}

impl Measure {
    fn parts(&self) -> Vec<Expr> {
        match self {
            Measure::Count(x) => vec![sum(x.clone())],
            Measure::Sum(s, n) | Measure::Avg(s, n) => vec![sum(measure(s)), sum(measure(n))],
        }
    }

    fn finish(&self, parts: &[Expr]) -> DfResult<Expr> {
        Ok(match self {
            Measure::Count(_) => coalesce(vec![parts[0].clone(), lit(0i64)]),
            Measure::Sum(..) => when(
                parts[1].clone().eq(lit(0i64)),
                lit(ScalarValue::Float64(None)),
            )
            .otherwise(parts[0].clone())?,
            Measure::Avg(..) => {
                parts[0].clone() / nullif(cast(parts[1].clone(), DataType::Float64), lit(0f64))
            }
        })
    }
}

fn measure(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

fn strip_alias(e: &Expr) -> &Expr {
    match e {
        Expr::Alias(a) => strip_alias(&a.expr),
        e => e,
    }
}

/// The rollup measure for one aggregate expression of events, if it has one.
fn measure_of(e: &Expr) -> Option<Measure> {
    let Expr::AggregateFunction(AggregateFunction { func, params }) = strip_alias(e) else {
        return None;
    };
    if params.distinct
        || params.filter.is_some()
        || !params.order_by.is_empty()
        || params.args.len() != 1
    {
        return None;
    }
    let inner: &dyn Any = func.inner().as_ref();
    let arg = strip_alias(&params.args[0]);
    let column = match arg {
        Expr::Column(c) => Some(c.name.as_str()),
        _ => None,
    };
    if inner.is::<Count>() {
        return match (arg, column) {
            (Expr::Literal(v, _), _) if !v.is_null() => Some(Measure::Count(measure(EVENTS))),
            (_, Some("goldstein")) => Some(Measure::Count(measure(GOLDSTEIN_N))),
            (_, Some("avg_tone")) => Some(Measure::Count(measure(TONE_N))),
            (Expr::Column(c), Some(name)) if KEYS.contains(&name) => Some(Measure::Count(
                when(Expr::Column(c.clone()).is_null(), lit(0i64))
                    .otherwise(measure(EVENTS))
                    .ok()?,
            )),
            _ => None,
        };
    }
    let (s, n) = match column {
        Some("goldstein") => (GOLDSTEIN_SUM, GOLDSTEIN_N),
        Some("avg_tone") => (TONE_SUM, TONE_N),
        _ => return None,
    };
    if inner.is::<Sum>() {
        Some(Measure::Sum(s, n))
    } else if inner.is::<Avg>() {
        Some(Measure::Avg(s, n))
    } else {
        None
    }
}

/// Whether an expression over events can be evaluated on rollup rows with
/// the same result: only key columns, nothing volatile, no subquery.
fn on_keys(e: &Expr) -> bool {
    if e.is_volatile() {
        return false;
    }
    let mut nested = false;
    // The closure never fails, so neither does the walk.
    let _ = e.apply(|x| {
        if matches!(
            x,
            Expr::ScalarSubquery(_)
                | Expr::Exists(_)
                | Expr::InSubquery(_)
                | Expr::OuterReferenceColumn(..)
                | Expr::GroupingSet(_)
                | Expr::AggregateFunction(_)
                | Expr::WindowFunction(_)
        ) {
            nested = true;
            return Ok(TreeNodeRecursion::Stop);
        }
        Ok(TreeNodeRecursion::Continue)
    });
    !nested
        && e.column_refs()
            .iter()
            .all(|c| KEYS.contains(&c.name.as_str()))
}

/// A node between the aggregate and the scan of events.
enum Between<'a> {
    Filter(&'a Expr),
    Alias(&'a TableReference),
}

impl RollupRewrite {
    fn is_events(&self, plan: &LogicalPlan) -> bool {
        let LogicalPlan::TableScan(scan) = plan else {
            return false;
        };
        if !scan.filters.is_empty() || scan.fetch.is_some() {
            return false;
        }
        let Ok(provider) = source_as_provider(&scan.source) else {
            return false;
        };
        std::ptr::addr_eq(Arc::as_ptr(&provider), Arc::as_ptr(&self.events))
    }

    fn rewrite(&self, agg: &Aggregate) -> DfResult<Option<LogicalPlan>> {
        let mut between = Vec::new();
        let mut node = agg.input.as_ref();
        let qualifier = loop {
            match node {
                LogicalPlan::Filter(f) => {
                    between.push(Between::Filter(&f.predicate));
                    node = f.input.as_ref();
                }
                LogicalPlan::SubqueryAlias(a) => {
                    between.push(Between::Alias(&a.alias));
                    node = a.input.as_ref();
                }
                LogicalPlan::TableScan(scan) if self.is_events(node) => {
                    break scan.table_name.clone();
                }
                _ => return Ok(None),
            }
        };
        let filters_ok = between.iter().all(|b| match b {
            Between::Filter(p) => on_keys(p),
            Between::Alias(_) => true,
        });
        if !filters_ok || !agg.group_expr.iter().all(on_keys) {
            return Ok(None);
        }
        let Some(measures) = agg
            .aggr_expr
            .iter()
            .map(measure_of)
            .collect::<Option<Vec<_>>>()
        else {
            return Ok(None);
        };

        // The rollup, shaped as the events columns the query uses.
        let rollup = TableReference::bare("rollup");
        let r = |name: &str| Expr::Column(Column::new(Some(rollup.clone()), name));
        let q = Some(qualifier);
        let mut columns: Vec<Expr> = [
            "day",
            "source",
            "actor1_country_code",
            "actor2_country_code",
            "quad_class",
        ]
        .iter()
        .map(|c| r(c).alias_qualified(q.clone(), *c))
        .collect();
        for part in ["year", "month"] {
            columns.push(
                cast(date_part(lit(part), r("day")), DataType::Int32)
                    .alias_qualified(q.clone(), part),
            );
        }
        for (name, column) in [
            (EVENTS, "events"),
            (GOLDSTEIN_SUM, "goldstein_sum"),
            (GOLDSTEIN_N, "goldstein_n"),
            (TONE_SUM, "tone_sum"),
            (TONE_N, "tone_n"),
        ] {
            columns.push(r(column).alias(name));
        }
        let mut input = LogicalPlanBuilder::scan(
            rollup.clone(),
            provider_as_source(self.rollup.clone()),
            None,
        )?
        .project(columns)?
        .build()?;
        for b in between.iter().rev() {
            input = match b {
                Between::Filter(p) => {
                    LogicalPlan::Filter(Filter::try_new((*p).clone(), Arc::new(input))?)
                }
                Between::Alias(a) => LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(
                    Arc::new(input),
                    (*a).clone(),
                )?),
            };
        }

        let mut aggr_expr = Vec::new();
        let mut parts_of = Vec::new();
        for (j, m) in measures.iter().enumerate() {
            let mut names = Vec::new();
            for (k, part) in m.parts().into_iter().enumerate() {
                let name = format!("__rollup_agg_{j}_{k}");
                aggr_expr.push(part.alias(&name));
                names.push(measure(&name));
            }
            parts_of.push(names);
        }
        let new_agg = Aggregate::try_new(Arc::new(input), agg.group_expr.clone(), aggr_expr)?;
        let groups = new_agg.group_expr_len()?;
        let mut out = Vec::with_capacity(agg.schema.fields().len());
        for i in 0..groups {
            let (q_old, f_old) = agg.schema.qualified_field(i);
            let (q_new, f_new) = new_agg.schema.qualified_field(i);
            out.push(
                Expr::Column(Column::new(q_new.cloned(), f_new.name()))
                    .alias_qualified(q_old.cloned(), f_old.name()),
            );
        }
        for (j, m) in measures.iter().enumerate() {
            let (q_old, f_old) = agg.schema.qualified_field(groups + j);
            out.push(
                m.finish(&parts_of[j])?
                    .alias_qualified(q_old.cloned(), f_old.name()),
            );
        }
        let projection = Projection::try_new(out, Arc::new(LogicalPlan::Aggregate(new_agg)))?;
        Ok(Some(LogicalPlan::Projection(projection)))
    }
}
