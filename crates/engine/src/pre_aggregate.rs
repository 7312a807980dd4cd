//! Counting before joining a reference table.
//!
//! Analysts join events with small reference tables (CAMEO names, the
//! atlas) and count per label. DataFusion would join every event and then
//! group the joined rows. [`PreAggregate`] groups the events side by its
//! join keys first (one row per code), joins those few rows and adds their
//! counts per label: the eager group-by of Yan and Larson ("Eager
//! Aggregation and Lazy Aggregation", VLDB 1995). For an inner equi-join
//! the answer is the same, whatever the multiplicity of keys on the other
//! side, because each aggregate is one that adds up:
//!
//! | over the joined rows | on the grouped side | after the join |
//! |---|---|---|
//! | `count(*)` | `count(*)` | `sum` |
//! | `count(x)` | `count(x)` | `sum` |
//! | `sum(x)` | `sum(x)` | `sum` |
//! | `min(x)`, `max(x)` | `min(x)`, `max(x)` | `min`, `max` |
//!
//! The rule applies when the other side is an in-memory table (a
//! reference or atlas table), whose keys are few, so grouping first cannot
//! make more rows than it saves; when the groups use only the other side's
//! columns and the grouped side's join keys; when the query groups by
//! something; and when the answer keeps its column types. Otherwise the
//! plan is left as it was. `SET detente.pre_aggregate = false` turns it off
//! for a session.

use std::any::Any;
use std::collections::HashSet;
use std::sync::Arc;

use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, Result as DfResult};
use datafusion::datasource::{MemTable, source_as_provider};
use datafusion::functions_aggregate::count::Count;
use datafusion::functions_aggregate::expr_fn::{max, min, sum};
use datafusion::functions_aggregate::min_max::{Max, Min};
use datafusion::functions_aggregate::sum::Sum;
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::{Aggregate, Expr, Join, JoinType, LogicalPlan};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

use crate::analytics::DetenteOptions;

/// Groups the large side of an inner join with an in-memory table before
/// the join, when the aggregate above it allows.
#[derive(Debug, Default)]
pub(crate) struct PreAggregate;

/// How an aggregate over the joined rows is computed from the grouped side.
enum Kind {
    Add,
    Min,
    Max,
}

impl OptimizerRule for PreAggregate {
    fn name(&self) -> &str {
        "detente_pre_aggregate"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::TopDown)
    }

    fn rewrite(
        &self,
        plan: LogicalPlan,
        config: &dyn OptimizerConfig,
    ) -> DfResult<Transformed<LogicalPlan>> {
        let LogicalPlan::Aggregate(agg) = &plan else {
            return Ok(Transformed::no(plan));
        };
        let on = config
            .options()
            .extensions
            .get::<DetenteOptions>()
            .is_none_or(|o| o.pre_aggregate);
        if !on {
            return Ok(Transformed::no(plan));
        }
        match rewrite(agg)? {
            Some(new) => Ok(Transformed::yes(new)),
            None => Ok(Transformed::no(plan)),
        }
    }
}

/// Whether a plan only reads an in-memory table.
fn is_in_memory(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::TableScan(scan) => source_as_provider(&scan.source)
            .is_ok_and(|p| (p.as_ref() as &dyn Any).is::<MemTable>()),
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::SubqueryAlias(_) => {
            plan.inputs().iter().all(|p| is_in_memory(p))
        }
        _ => false,
    }
}

fn rewrite(agg: &Aggregate) -> DfResult<Option<LogicalPlan>> {
    if agg.group_expr.is_empty() {
        return Ok(None);
    }
    // The optimizer leaves a projection of the columns the aggregate needs
    // between it and the join; the join's output has them under the same
    // names.
    let mut input = agg.input.as_ref();
    while let LogicalPlan::Projection(p) = input {
        if !p.expr.iter().all(|e| matches!(e, Expr::Column(_))) {
            return Ok(None);
        }
        input = p.input.as_ref();
    }
    let LogicalPlan::Join(join) = input else {
        return Ok(None);
    };
    if join.join_type != JoinType::Inner
        || join.filter.is_some()
        || join.null_aware
        || join.on.is_empty()
    {
        return Ok(None);
    }
    let keys_are_columns = join
        .on
        .iter()
        .all(|(l, r)| matches!((l, r), (Expr::Column(_), Expr::Column(_))));
    if !keys_are_columns {
        return Ok(None);
    }
    // The side to group: the other one is an in-memory table.
    let (grouped_left, grouped, other) = if is_in_memory(&join.right) {
        (true, &join.left, &join.right)
    } else if is_in_memory(&join.left) {
        (false, &join.right, &join.left)
    } else {
        return Ok(None);
    };
    if matches!(grouped.as_ref(), LogicalPlan::Aggregate(_)) || is_in_memory(grouped) {
        return Ok(None);
    }
    let keys: Vec<Expr> = join
        .on
        .iter()
        .map(|(l, r)| if grouped_left { l.clone() } else { r.clone() })
        .collect();
    let key_columns: HashSet<&Column> = keys
        .iter()
        .filter_map(|k| match k {
            Expr::Column(c) => Some(c),
            _ => None,
        })
        .collect();
    let other_schema = other.schema();
    let groups_ok = agg.group_expr.iter().all(|g| {
        !matches!(g, Expr::GroupingSet(_))
            && g.column_refs()
                .iter()
                .all(|c| key_columns.contains(c) || other_schema.has_column(c))
    });
    if !groups_ok {
        return Ok(None);
    }

    // The aggregates on the grouped side, then over the join.
    let grouped_schema = grouped.schema();
    let mut below = Vec::with_capacity(agg.aggr_expr.len());
    let mut kinds = Vec::with_capacity(agg.aggr_expr.len());
    for e in &agg.aggr_expr {
        let e = match e {
            Expr::Alias(a) => a.expr.as_ref(),
            e => e,
        };
        let Expr::AggregateFunction(AggregateFunction { func, params }) = e else {
            return Ok(None);
        };
        if params.distinct
            || params.filter.is_some()
            || !params.order_by.is_empty()
            || params.args.len() != 1
        {
            return Ok(None);
        }
        let arg_ok = match &params.args[0] {
            Expr::Literal(..) => true,
            Expr::Column(c) => grouped_schema.has_column(c),
            _ => false,
        };
        let inner: &dyn Any = func.inner().as_ref();
        let kind = if inner.is::<Count>() || inner.is::<Sum>() {
            Kind::Add
        } else if inner.is::<Min>() {
            Kind::Min
        } else if inner.is::<Max>() {
            Kind::Max
        } else {
            return Ok(None);
        };
        let literal = matches!(params.args[0], Expr::Literal(..));
        if !arg_ok || (literal && !inner.is::<Count>()) {
            return Ok(None);
        }
        below.push(e.clone());
        kinds.push(kind);
    }
    let names: Vec<String> = (0..below.len())
        .map(|j| format!("__pre_aggregate_{j}"))
        .collect();
    let below_exprs: Vec<Expr> = below
        .into_iter()
        .zip(&names)
        .map(|(e, n)| e.alias(n))
        .collect();
    let pre = Aggregate::try_new(grouped.clone(), keys, below_exprs)?;
    let pre = Arc::new(LogicalPlan::Aggregate(pre));
    let (left, right) = if grouped_left {
        (pre, other.clone())
    } else {
        (other.clone(), pre)
    };
    let new_join = Join::try_new(
        left,
        right,
        join.on.clone(),
        None,
        JoinType::Inner,
        join.join_constraint,
        join.null_equality,
        false,
    )?;
    let groups = agg.group_expr.len();
    let above: Vec<Expr> = kinds
        .iter()
        .zip(&names)
        .enumerate()
        .map(|(j, (kind, n))| {
            let part = Expr::Column(Column::new_unqualified(n));
            let e = match kind {
                Kind::Add => sum(part),
                Kind::Min => min(part),
                Kind::Max => max(part),
            };
            e.alias(agg.schema.field(groups + j).name())
        })
        .collect();
    let new_agg = Aggregate::try_new(
        Arc::new(LogicalPlan::Join(new_join)),
        agg.group_expr.clone(),
        above,
    )?;
    // A sum of sums can change the type (decimals widen); keep the plan then.
    let same_types = new_agg
        .schema
        .fields()
        .iter()
        .zip(agg.schema.fields())
        .all(|(a, b)| a.data_type() == b.data_type());
    if !same_types {
        return Ok(None);
    }
    Ok(Some(LogicalPlan::Aggregate(new_agg)))
}
