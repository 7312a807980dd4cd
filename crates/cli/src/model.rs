//! `detente model ...`: the field's models on bundled or given inputs.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::args::{Format, RunConfig};
use crate::commands::Outcome;
use crate::output::{self, cite};
use detente::chart::{self, BarChart, LineChart, Series};
use detente::inputs::{self, SalienceScale};
use detente::models::{bdm, compliance, ipd, richardson};

/// The models.
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Expected-utility negotiation forecast (Bueno de Mesquita; Scholz et al. 2011).
    /// Without --actors, the bundled EC car-emissions case.
    Bdm(BdmArgs),
    /// Richardson's arms race: simulate given coefficients, or fit them to data.
    ArmsRace {
        #[command(subcommand)]
        action: ArmsRaceAction,
    },
    /// Whether observed figures keep to a treaty's numeric limit from the atlas.
    Compliance(ComplianceArgs),
    /// Iterated prisoner's dilemma: a match for two strategies, a round-robin
    /// tournament for more.
    Ipd(IpdArgs),
    /// Replicator dynamics of a population playing the tournament.
    Evolve {
        #[command(flatten)]
        game: IpdArgs,
        /// Generations to run.
        #[arg(long, default_value_t = 100)]
        generations: usize,
    },
}

/// Salience scale of an actor file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Salience {
    /// In [0, 1].
    Unit,
    /// In [0, 100].
    Percent,
}

/// `detente model bdm`
#[derive(Debug, Args)]
pub struct BdmArgs {
    /// Actors: TOML (see crates/models/data/ec-emissions.toml) or CSV with
    /// name,capability,position,salience.
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Rounds to run.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    /// Issue scale MIN..MAX, needed for CSV input.
    #[arg(long)]
    range: Option<String>,
    /// How a CSV file writes salience.
    #[arg(long, value_enum, default_value_t = Salience::Unit)]
    salience: Salience,
    /// Probability the status quo persists without a challenge.
    #[arg(long, default_value_t = 1.0)]
    q: f64,
    /// Probability things improve for an actor if the status quo changes.
    #[arg(long, default_value_t = 1.0)]
    t: f64,
    /// Also draw the positions round by round (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
}

/// `detente model arms-race ...`
#[derive(Debug, Subcommand)]
pub enum ArmsRaceAction {
    /// Integrate dx/dt = k y - a x + g, dy/dt = l x - b y + h (RK4).
    Simulate {
        /// Reaction of x to y.
        #[arg(long, allow_hyphen_values = true)]
        k: f64,
        /// Reaction of y to x.
        #[arg(long, allow_hyphen_values = true)]
        l: f64,
        /// Fatigue of x.
        #[arg(long, allow_hyphen_values = true)]
        a: f64,
        /// Fatigue of y.
        #[arg(long, allow_hyphen_values = true)]
        b: f64,
        /// Grievance of x.
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        g: f64,
        /// Grievance of y.
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        h: f64,
        /// Initial arms of x.
        #[arg(long, default_value_t = 0.0)]
        x0: f64,
        /// Initial arms of y.
        #[arg(long, default_value_t = 0.0)]
        y0: f64,
        /// Time span.
        #[arg(long, default_value_t = 50.0)]
        years: f64,
        /// Integration step.
        #[arg(long, default_value_t = 0.01)]
        dt: f64,
        /// Also draw the trajectories (.svg or .png).
        #[arg(long)]
        chart: Option<PathBuf>,
    },
    /// Least-squares fit to yearly warhead stockpiles of the United States (x)
    /// and the Soviet Union/Russia (y), FAS estimates bundled with detente.
    Fit {
        /// First year.
        #[arg(long, default_value_t = 1949)]
        from: i32,
        /// Last year.
        #[arg(long, default_value_t = 1991)]
        to: i32,
        /// Also draw observed and fitted series (.svg or .png).
        #[arg(long)]
        chart: Option<PathBuf>,
    },
}

/// `detente model compliance`
#[derive(Debug, Args)]
pub struct ComplianceArgs {
    /// Treaty whose numeric term is checked.
    #[arg(long, default_value = "new-start")]
    treaty: String,
    /// Figures as CSV with date,party,value; default: FAS deployed strategic
    /// warheads of the United States and Russia, 2022-2023.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Also draw figures against the limit (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
}

/// Settings shared by `ipd` and `evolve`.
#[derive(Debug, Args)]
pub struct IpdArgs {
    /// Comma-separated strategies, or "all": always-cooperate, always-defect,
    /// tit-for-tat, tit-for-two-tats, grim-trigger, win-stay-lose-shift,
    /// generous-tit-for-tat, random, grit.
    #[arg(long, value_delimiter = ',', default_value = "all")]
    strategies: Vec<String>,
    /// Rounds per match.
    #[arg(long, default_value_t = 200)]
    turns: usize,
    /// Probability that a move is flipped.
    #[arg(long, default_value_t = 0.0)]
    noise: f64,
    /// Matches per pair in a tournament.
    #[arg(long, default_value_t = 10)]
    repetitions: usize,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Payoffs T,R,P,S.
    #[arg(long, default_value = "5,3,1,0")]
    payoffs: String,
    /// Also draw the result (.svg or .png).
    #[arg(long)]
    chart: Option<PathBuf>,
}

/// Runs a model command.
pub fn run(cfg: &RunConfig, cmd: &ModelCommand, out: &mut dyn Write) -> Result<Outcome> {
    match cmd {
        ModelCommand::Bdm(a) => run_bdm(cfg, a, out),
        ModelCommand::ArmsRace { action } => match action {
            ArmsRaceAction::Simulate {
                k,
                l,
                a,
                b,
                g,
                h,
                x0,
                y0,
                years,
                dt,
                chart,
            } => {
                let m = richardson::Richardson {
                    k: *k,
                    l: *l,
                    a: *a,
                    b: *b,
                    g: *g,
                    h: *h,
                };
                simulate(cfg, &m, (*x0, *y0), *years, *dt, chart, out)
            }
            ArmsRaceAction::Fit { from, to, chart } => fit(cfg, *from, *to, chart, out),
        },
        ModelCommand::Compliance(a) => run_compliance(cfg, a, out),
        ModelCommand::Ipd(a) => run_ipd(cfg, a, out),
        ModelCommand::Evolve { game, generations } => run_evolve(cfg, game, *generations, out),
    }
}

fn check_chart(chart: &Option<PathBuf>) -> Result<()> {
    if let Some(p) = chart {
        chart::check_path(p)?;
    }
    Ok(())
}

fn parse_range(s: &str) -> Result<(f64, f64)> {
    let (a, b) = s
        .split_once("..")
        .with_context(|| format!("--range {s:?}: expected MIN..MAX, e.g. 4..10"))?;
    let a: f64 = a
        .trim()
        .parse()
        .with_context(|| format!("--range {s:?}: {a:?} is not a number"))?;
    let b: f64 = b
        .trim()
        .parse()
        .with_context(|| format!("--range {s:?}: {b:?} is not a number"))?;
    Ok((a, b))
}

fn run_bdm(cfg: &RunConfig, a: &BdmArgs, out: &mut dyn Write) -> Result<Outcome> {
    check_chart(&a.chart)?;
    let range = a.range.as_deref().map(parse_range).transpose()?;
    let scale = match a.salience {
        Salience::Unit => SalienceScale::Unit,
        Salience::Percent => SalienceScale::Percent,
    };
    let mut input = match &a.actors {
        Some(p) => inputs::bdm_from_file(p, range, scale)?,
        None => inputs::bdm_from_toml("ec-emissions.toml (bundled)", inputs::EC_EMISSIONS)?,
    };
    if let (Some(r), None) = (range, &a.actors) {
        input.params.min = r.0;
        input.params.max = r.1;
    }
    input.params.rounds = a.rounds;
    input.params.q = a.q;
    input.params.t = a.t;
    let o = bdm::run(&input.actors, &input.params)?;
    let names: Vec<&str> = o.actors.iter().map(|x| x.name.as_str()).collect();
    match cfg.format {
        Format::Json => output::json(out, &o)?,
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                round: usize,
                actor: &'a str,
                position: f64,
                risk_exponent: f64,
                median: f64,
                mean: f64,
                accepted_offer: Option<&'static str>,
                offer_from: Option<&'a str>,
                new_position: f64,
            }
            let mut rows = Vec::new();
            for r in &o.rounds {
                let next = o
                    .rounds
                    .get(r.round)
                    .map(|n| n.positions.clone())
                    .unwrap_or_else(|| o.final_positions.clone());
                for (i, name) in names.iter().enumerate() {
                    let acc = r.offers.iter().find(|x| x.to == i && x.accepted);
                    rows.push(Row {
                        round: r.round,
                        actor: name,
                        position: r.positions[i],
                        risk_exponent: r.risk[i],
                        median: r.median,
                        mean: r.mean,
                        accepted_offer: acc.map(|x| kind_name(x.kind)),
                        offer_from: acc.map(|x| names[x.from]),
                        new_position: next[i],
                    });
                }
            }
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(
                out,
                "{} ({} actors, scale {}..{})",
                input.issue,
                names.len(),
                o.params.min,
                o.params.max
            )?;
            let mut header = vec!["round", "median", "mean"];
            header.extend(names.iter().copied());
            let mut t = output::table(&header);
            for r in &o.rounds {
                let mut row = vec![r.round.to_string(), f2(r.median), f2(r.mean)];
                row.extend(r.positions.iter().map(|x| f2(*x)));
                t.add_row(row);
            }
            let mut last = vec![
                "end".to_string(),
                f2(o.forecast),
                f2(bdm::weighted_mean(&o.final_positions, &weights(&o))),
            ];
            last.extend(o.final_positions.iter().map(|x| f2(*x)));
            t.add_row(last);
            writeln!(out, "{t}")?;
            writeln!(out, "\nAccepted offers:")?;
            for r in &o.rounds {
                let moves: Vec<String> = r
                    .offers
                    .iter()
                    .filter(|x| x.accepted)
                    .map(|x| {
                        format!(
                            "{} → {} ({} from {})",
                            names[x.to],
                            f2(x.position),
                            kind_name(x.kind),
                            names[x.from]
                        )
                    })
                    .collect();
                let made = r.offers.len();
                writeln!(
                    out,
                    "  round {}: {} offers made; {}",
                    r.round,
                    made,
                    if moves.is_empty() {
                        "none accepted".to_string()
                    } else {
                        moves.join("; ")
                    }
                )?;
            }
            let conv = match o.convergence {
                bdm::Convergence::Converged { round } => format!("converged in round {round}"),
                bdm::Convergence::Oscillating { period } => {
                    format!("oscillating with period {period}")
                }
                bdm::Convergence::NotConverged => {
                    format!("still moving after {} rounds", o.rounds.len())
                }
            };
            writeln!(
                out,
                "\nForecast (weighted median after the last round): {}; {conv}",
                f2(o.forecast)
            )?;
            writeln!(
                out,
                "Initial weighted median: {}; risk exponents stayed in [0.5, 2].",
                f2(o.rounds[0].median)
            )?;
        }
    }
    if let Some(path) = &a.chart {
        let mut series: Vec<Series> = names
            .iter()
            .enumerate()
            .map(|(i, n)| Series {
                name: n.to_string(),
                points: o
                    .rounds
                    .iter()
                    .map(|r| (r.round as f64, r.positions[i]))
                    .chain(std::iter::once((
                        (o.rounds.len() + 1) as f64,
                        o.final_positions[i],
                    )))
                    .collect(),
                dashed: false,
            })
            .collect();
        series.push(Series {
            name: "weighted median".into(),
            points: o
                .rounds
                .iter()
                .map(|r| (r.round as f64, r.median))
                .chain(std::iter::once(((o.rounds.len() + 1) as f64, o.forecast)))
                .collect(),
            dashed: true,
        });
        chart::write_line_chart(
            path,
            &LineChart {
                title: format!("Expected-utility model: {}", input.issue),
                x_label: "round (last point: after the final round)".into(),
                y_label: format!("position ({}..{})", o.params.min, o.params.max),
                series,
                hlines: vec![],
            },
        )?;
        eprintln!("chart written to {}", path.display());
    }
    Ok(Outcome::Answered)
}

fn weights(o: &bdm::BdmOutcome) -> Vec<f64> {
    o.actors.iter().map(|a| a.capability * a.salience).collect()
}

fn kind_name(k: bdm::OfferKind) -> &'static str {
    match k {
        bdm::OfferKind::Conflict => "conflict",
        bdm::OfferKind::Compromise => "compromise",
        bdm::OfferKind::Capitulation => "capitulation",
    }
}

fn f2(v: f64) -> String {
    format!("{v:.2}")
}

#[derive(Serialize)]
struct SimulationOut {
    model: richardson::Richardson,
    equilibrium: Option<(f64, f64)>,
    stable: bool,
    eigenvalues: [(f64, f64); 2],
    trajectory: Vec<richardson::Point>,
}

fn simulate(
    cfg: &RunConfig,
    m: &richardson::Richardson,
    z0: (f64, f64),
    years: f64,
    dt: f64,
    chart_path: &Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<Outcome> {
    check_chart(chart_path)?;
    if !(dt > 0.0 && years > 0.0 && years / dt <= 1e7) {
        bail!("--dt and --years must be positive, with at most 10 million steps");
    }
    let steps = (years / dt).round() as usize;
    let path = m.simulate(z0.0, z0.1, dt, steps);
    // One point per unit of time in the outputs.
    let every = ((1.0 / dt).round() as usize).max(1);
    let shown: Vec<richardson::Point> = path.iter().step_by(every).copied().collect();
    let res = SimulationOut {
        model: *m,
        equilibrium: m.equilibrium(),
        stable: m.is_stable(),
        eigenvalues: m.eigenvalues(),
        trajectory: shown.clone(),
    };
    match cfg.format {
        Format::Json => output::json(out, &res)?,
        Format::Csv => output::csv(out, &shown)?,
        _ => {
            writeln!(
                out,
                "dx/dt = {} y - {} x + {};  dy/dt = {} x - {} y + {}",
                m.k, m.a, m.g, m.l, m.b, m.h
            )?;
            match res.equilibrium {
                Some((x, y)) => writeln!(out, "equilibrium: x* = {x:.3}, y* = {y:.3}")?,
                None => writeln!(out, "no unique equilibrium (a b = k l)")?,
            }
            writeln!(
                out,
                "stable: {} (a b = {:.4} {} k l = {:.4}); eigenvalues {:.4}{:+.4}i, {:.4}{:+.4}i",
                if res.stable { "yes" } else { "no" },
                m.a * m.b,
                if m.a * m.b > m.k * m.l { ">" } else { "<=" },
                m.k * m.l,
                res.eigenvalues[0].0,
                res.eigenvalues[0].1,
                res.eigenvalues[1].0,
                res.eigenvalues[1].1
            )?;
            let mut t = output::table(&["t", "x", "y"]);
            for p in &shown {
                t.add_row(vec![
                    format!("{:.2}", p.t),
                    format!("{:.3}", p.x),
                    format!("{:.3}", p.y),
                ]);
            }
            writeln!(out, "{t}")?;
        }
    }
    if let Some(p) = chart_path {
        let mut hlines = Vec::new();
        if let (Some((x, y)), true) = (res.equilibrium, res.stable) {
            hlines.push((format!("x* = {x:.1}"), x));
            hlines.push((format!("y* = {y:.1}"), y));
        }
        chart::write_line_chart(
            p,
            &LineChart {
                title: "Richardson arms race (RK4)".into(),
                x_label: "time".into(),
                y_label: "arms".into(),
                series: vec![
                    Series {
                        name: "x".into(),
                        points: shown.iter().map(|q| (q.t, q.x)).collect(),
                        dashed: false,
                    },
                    Series {
                        name: "y".into(),
                        points: shown.iter().map(|q| (q.t, q.y)).collect(),
                        dashed: false,
                    },
                ],
                hlines,
            },
        )?;
        eprintln!("chart written to {}", p.display());
    }
    Ok(Outcome::Answered)
}

#[derive(Serialize)]
struct FitOut<'a> {
    source: &'a str,
    x: &'a str,
    y: &'a str,
    from: i32,
    to: i32,
    fit: &'a richardson::Fit,
    equilibrium: Option<(f64, f64)>,
    stable: bool,
    note: &'a str,
}

const FIT_NOTE: &str = "Least squares on the yearly Euler step x[t+1]-x[t] = k y[t] - a x[t] + g (and likewise for y); standard errors assume independent, equal-variance errors, which yearly stockpiles do not have: read them as descriptive.";

fn fit(
    cfg: &RunConfig,
    from: i32,
    to: i32,
    chart_path: &Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<Outcome> {
    check_chart(chart_path)?;
    if to <= from {
        bail!("--to {to} must come after --from {from}");
    }
    let rows = detente::data::stockpiles()?;
    let series = |country: &str| -> Vec<(i32, f64)> {
        rows.iter()
            .filter(|r| r.country_name == country && r.year >= from && r.year <= to)
            .map(|r| (r.year, r.nuclear_weapons_stockpile))
            .collect()
    };
    let us = series("United States");
    let ru = series("Russia");
    if us.len() != ru.len() || us.iter().zip(&ru).any(|(a, b)| a.0 != b.0) {
        bail!("the two series do not cover the same years in {from}..{to}");
    }
    if us.is_empty() {
        bail!("no data in {from}..{to}; the bundled estimates cover 1945..2023");
    }
    let years: Vec<i32> = us.iter().map(|p| p.0).collect();
    let x: Vec<f64> = us.iter().map(|p| p.1).collect();
    let y: Vec<f64> = ru.iter().map(|p| p.1).collect();
    let f = richardson::fit(&x, &y)?;
    let res = FitOut {
        source: detente::data::FAS_CITATION,
        x: "United States",
        y: "Soviet Union / Russia",
        from,
        to,
        fit: &f,
        equilibrium: f.model.equilibrium(),
        stable: f.model.is_stable(),
        note: FIT_NOTE,
    };
    match cfg.format {
        Format::Json => output::json(out, &res)?,
        Format::Csv => {
            #[derive(Serialize)]
            struct Row {
                equation: &'static str,
                coefficient: &'static str,
                estimate: f64,
                std_error: f64,
                t: f64,
                r_squared: f64,
                n: usize,
            }
            let mut rows = Vec::new();
            for (eq, e, names) in [
                ("x (USA)", &f.x, ["k", "a", "g"]),
                ("y (USSR/Russia)", &f.y, ["l", "b", "h"]),
            ] {
                for (name, est) in names.iter().zip([e.reaction, e.fatigue, e.grievance]) {
                    rows.push(Row {
                        equation: eq,
                        coefficient: name,
                        estimate: est.value,
                        std_error: est.se,
                        t: est.t_stat(),
                        r_squared: e.r_squared,
                        n: f.n,
                    });
                }
            }
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(
                out,
                "Richardson fit, {from}-{to}: x = United States, y = Soviet Union/Russia ({} yearly steps)",
                f.n
            )?;
            writeln!(out, "Data: {}", detente::data::FAS_CITATION)?;
            let mut t = output::table(&[
                "equation",
                "coefficient",
                "estimate",
                "std. error",
                "t",
                "R²",
                "RMSE (warheads)",
            ]);
            for (eq, e, names) in [
                (
                    "dx/dt (USA)",
                    &f.x,
                    ["k (reaction)", "a (fatigue)", "g (grievance)"],
                ),
                (
                    "dy/dt (USSR/Russia)",
                    &f.y,
                    ["l (reaction)", "b (fatigue)", "h (grievance)"],
                ),
            ] {
                for (i, (name, est)) in names
                    .iter()
                    .zip([e.reaction, e.fatigue, e.grievance])
                    .enumerate()
                {
                    t.add_row(vec![
                        if i == 0 {
                            eq.to_string()
                        } else {
                            String::new()
                        },
                        name.to_string(),
                        format!("{:.4}", est.value),
                        format!("{:.4}", est.se),
                        format!("{:.2}", est.t_stat()),
                        if i == 0 {
                            format!("{:.3}", e.r_squared)
                        } else {
                            String::new()
                        },
                        if i == 0 {
                            format!("{:.0}", e.rmse)
                        } else {
                            String::new()
                        },
                    ]);
                }
            }
            writeln!(out, "{t}")?;
            match res.equilibrium {
                Some((xs, ys)) => writeln!(
                    out,
                    "Implied equilibrium: x* = {xs:.0}, y* = {ys:.0}; {}",
                    if res.stable {
                        "stable (a b > k l)"
                    } else {
                        "unstable (a b <= k l): a runaway race"
                    }
                )?,
                None => writeln!(out, "No unique equilibrium (a b = k l).")?,
            }
            writeln!(out, "{FIT_NOTE}")?;
        }
    }
    if let Some(p) = chart_path {
        let one_step =
            |series: &[f64], other: &[f64], eq: &richardson::EquationFit| -> Vec<(f64, f64)> {
                (0..series.len() - 1)
                    .map(|t| {
                        let next = series[t] + eq.reaction.value * other[t]
                            - eq.fatigue.value * series[t]
                            + eq.grievance.value;
                        (years[t + 1] as f64, next)
                    })
                    .collect()
            };
        chart::write_line_chart(
            p,
            &LineChart {
                title: format!("Nuclear warhead stockpiles and a Richardson fit, {from}-{to}"),
                x_label: "year".into(),
                y_label: "warheads (FAS estimates)".into(),
                series: vec![
                    Series {
                        name: "United States".into(),
                        points: years.iter().zip(&x).map(|(a, b)| (*a as f64, *b)).collect(),
                        dashed: false,
                    },
                    Series {
                        name: "Soviet Union / Russia".into(),
                        points: years.iter().zip(&y).map(|(a, b)| (*a as f64, *b)).collect(),
                        dashed: false,
                    },
                    Series {
                        name: "United States, fitted one step ahead".into(),
                        points: one_step(&x, &y, &f.x),
                        dashed: true,
                    },
                    Series {
                        name: "USSR/Russia, fitted one step ahead".into(),
                        points: one_step(&y, &x, &f.y),
                        dashed: true,
                    },
                ],
                hlines: vec![],
            },
        )?;
        eprintln!("chart written to {}", p.display());
    }
    Ok(Outcome::Answered)
}

#[derive(Serialize)]
struct ComplianceRow<'a> {
    date: String,
    party: String,
    value: f64,
    limit: f64,
    margin: f64,
    status: compliance::Status,
    treaty_status: String,
    limit_source: String,
    limit_quote: &'a str,
    value_source: &'a str,
}

const COUNTING_NOTE: &str = "FAS counts warheads actually deployed on strategic launchers; New START's limit counts under the treaty's own rules (each heavy bomber counts as one warhead), so an estimate above 1,550 is not by itself a treaty violation.";

fn run_compliance(cfg: &RunConfig, a: &ComplianceArgs, out: &mut dyn Write) -> Result<Outcome> {
    check_chart(&a.chart)?;
    let store = detente::Store::open(&cfg.store)?;
    let atlas = store.atlas();
    let today = cfg.as_of;
    let treaty = atlas.treaty(&a.treaty, today)?;
    let term = treaty
        .terms
        .first()
        .with_context(|| format!("the atlas holds no numeric term for {}", treaty.name))?;
    let (obs, value_source): (Vec<(String, String, f64)>, String) = match &a.data {
        Some(p) => (inputs::observations_from_csv(p)?, p.display().to_string()),
        None => {
            let inv = detente::data::inventories()?;
            let rows = inv
                .iter()
                .filter(|r| r.country_name == "United States" || r.country_name == "Russia")
                .map(|r| {
                    (
                        r.year.to_string(),
                        r.country_name.clone(),
                        r.nuclear_weapons_depl_strat,
                    )
                })
                .collect();
            (
                rows,
                format!(
                    "{} (deployed strategic warheads)",
                    detente::data::FAS_CITATION
                ),
            )
        }
    };
    let mut observations = Vec::new();
    let mut statuses = Vec::new();
    for (date, party, value) in &obs {
        let day = date.parse::<detente::PartialDate>()?;
        // The limit binds while the treaty is in force on the last day the date names.
        let last = day.last_day();
        let st = atlas.treaty(&a.treaty, last)?.status;
        observations.push(compliance::Observation {
            date: date.clone(),
            party: party.clone(),
            value: *value,
            binding: st.starts_with("in force"),
        });
        statuses.push(st);
    }
    let checks = compliance::check_ceiling(&observations, term.value);
    let limit_source = cite(&term.source, term.paragraph);
    let rows: Vec<ComplianceRow> = checks
        .iter()
        .zip(&statuses)
        .map(|(c, st)| ComplianceRow {
            date: c.date.clone(),
            party: c.party.clone(),
            value: c.value,
            limit: c.limit,
            margin: c.margin,
            status: c.status,
            treaty_status: st.clone(),
            limit_source: limit_source.clone(),
            limit_quote: &term.quote,
            value_source: &value_source,
        })
        .collect();
    match cfg.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                treaty: &'a str,
                term: &'a str,
                checks: &'a [ComplianceRow<'a>],
                note: &'a str,
            }
            output::json(
                out,
                &Out {
                    treaty: &treaty.name,
                    term: &term.name,
                    checks: &rows,
                    note: COUNTING_NOTE,
                },
            )?
        }
        Format::Csv => output::csv(out, &rows)?,
        _ => {
            writeln!(
                out,
                "{}: {} at most {} {} ({}: “{}”)",
                treaty.name,
                term.name,
                detente::format_number(term.value),
                term.unit,
                limit_source,
                term.quote
            )?;
            writeln!(out, "Figures: {value_source}")?;
            let mut t = output::table(&[
                "date",
                "party",
                "figure",
                "margin",
                "verdict",
                "treaty then",
            ]);
            for r in &rows {
                t.add_row(vec![
                    r.date.clone(),
                    r.party.clone(),
                    detente::format_number(r.value),
                    format!("{:+}", r.margin),
                    match r.status {
                        compliance::Status::Within => "within the limit",
                        compliance::Status::Exceeds => "above the limit",
                        compliance::Status::NotBinding => "limit not binding",
                    }
                    .to_string(),
                    r.treaty_status.clone(),
                ]);
            }
            writeln!(out, "{t}")?;
            if a.data.is_none() {
                writeln!(out, "Note: {COUNTING_NOTE}")?;
            }
        }
    }
    if let Some(p) = &a.chart {
        chart::write_bar_chart(
            p,
            &BarChart {
                title: format!("{}: {} against the limit", treaty.name, term.name),
                y_label: term.unit.clone(),
                bars: rows
                    .iter()
                    .map(|r| (format!("{} {}", r.party, r.date), r.value))
                    .collect(),
                hline: Some((
                    format!(
                        "limit {} ({})",
                        detente::format_number(term.value),
                        limit_source
                    ),
                    term.value,
                )),
            },
        )?;
        eprintln!("chart written to {}", p.display());
    }
    Ok(Outcome::Answered)
}

fn settings(a: &IpdArgs) -> Result<(Vec<ipd::Strategy>, ipd::GameSettings)> {
    let strategies = if a.strategies.len() == 1 && a.strategies[0] == "all" {
        ipd::Strategy::ALL.to_vec()
    } else {
        a.strategies
            .iter()
            .map(|s| {
                ipd::Strategy::parse(s.trim()).with_context(|| {
                    let names: Vec<&str> = ipd::Strategy::ALL.iter().map(|s| s.name()).collect();
                    format!("unknown strategy {s:?}; known: {}", names.join(", "))
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let p: Vec<f64> = a
        .payoffs
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .with_context(|| format!("--payoffs {:?}: expected four numbers T,R,P,S", a.payoffs))?;
    let [t, r, pp, s] = p[..] else {
        bail!("--payoffs {:?}: expected four numbers T,R,P,S", a.payoffs);
    };
    let settings = ipd::GameSettings {
        turns: a.turns,
        noise: a.noise,
        payoffs: ipd::Payoffs { t, r, p: pp, s },
        seed: a.seed,
    };
    settings.validate()?;
    Ok((strategies, settings))
}

fn run_ipd(cfg: &RunConfig, a: &IpdArgs, out: &mut dyn Write) -> Result<Outcome> {
    check_chart(&a.chart)?;
    let (strategies, s) = settings(a)?;
    if strategies.len() == 2 {
        let m = ipd::play(strategies[0], strategies[1], &s)?;
        let moves = m.moves.clone().unwrap_or_default();
        match cfg.format {
            Format::Json => output::json(out, &m)?,
            Format::Csv => {
                #[derive(Serialize)]
                struct Row {
                    turn: usize,
                    a: ipd::Move,
                    b: ipd::Move,
                    payoff_a: f64,
                    payoff_b: f64,
                }
                let rows: Vec<Row> = moves
                    .iter()
                    .enumerate()
                    .map(|(i, (x, y))| {
                        let (pa, pb) = s.payoffs.of(*x, *y);
                        Row {
                            turn: i + 1,
                            a: *x,
                            b: *y,
                            payoff_a: pa,
                            payoff_b: pb,
                        }
                    })
                    .collect();
                output::csv(out, &rows)?;
            }
            _ => {
                let line = |f: fn(&(ipd::Move, ipd::Move)) -> ipd::Move| -> String {
                    moves
                        .iter()
                        .take(60)
                        .map(|p| if f(p) == ipd::Move::C { 'C' } else { 'D' })
                        .collect()
                };
                writeln!(
                    out,
                    "{} vs {}: {} turns, noise {}, seed {}",
                    m.a.name(),
                    m.b.name(),
                    s.turns,
                    s.noise,
                    s.seed
                )?;
                writeln!(
                    out,
                    "  {:<22} {}{}",
                    m.a.name(),
                    line(|p| p.0),
                    if moves.len() > 60 { " ..." } else { "" }
                )?;
                writeln!(
                    out,
                    "  {:<22} {}{}",
                    m.b.name(),
                    line(|p| p.1),
                    if moves.len() > 60 { " ..." } else { "" }
                )?;
                let mut t = output::table(&["strategy", "score", "per turn", "cooperation"]);
                for (name, sc, co) in [
                    (m.a.name(), m.score_a, m.cooperation_a),
                    (m.b.name(), m.score_b, m.cooperation_b),
                ] {
                    t.add_row(vec![
                        name.to_string(),
                        format!("{sc}"),
                        format!("{:.3}", sc / s.turns as f64),
                        format!("{:.1}%", co * 100.0),
                    ]);
                }
                writeln!(out, "{t}")?;
            }
        }
        if let Some(p) = &a.chart {
            let cum = |first: bool| -> Vec<(f64, f64)> {
                let mut acc = 0.0;
                moves
                    .iter()
                    .enumerate()
                    .map(|(i, (x, y))| {
                        let (pa, pb) = s.payoffs.of(*x, *y);
                        acc += if first { pa } else { pb };
                        ((i + 1) as f64, acc)
                    })
                    .collect()
            };
            chart::write_line_chart(
                p,
                &LineChart {
                    title: format!("{} vs {}: cumulative score", m.a.name(), m.b.name()),
                    x_label: "turn".into(),
                    y_label: "cumulative payoff".into(),
                    series: vec![
                        Series {
                            name: m.a.name().into(),
                            points: cum(true),
                            dashed: false,
                        },
                        Series {
                            name: format!("{} (opponent)", m.b.name()),
                            points: cum(false),
                            dashed: true,
                        },
                    ],
                    hlines: vec![],
                },
            )?;
            eprintln!("chart written to {}", p.display());
        }
        return Ok(Outcome::Answered);
    }
    let started = std::time::Instant::now();
    let t = ipd::tournament(&strategies, a.repetitions, &s)?;
    let took = started.elapsed();
    match cfg.format {
        Format::Json => output::json(out, &t)?,
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                strategy: &'a str,
                opponent: &'a str,
                mean_score: f64,
            }
            let mut rows = Vec::new();
            for (i, a) in t.strategies.iter().enumerate() {
                for (j, b) in t.strategies.iter().enumerate() {
                    rows.push(Row {
                        strategy: a.name(),
                        opponent: b.name(),
                        mean_score: t.mean_scores[i][j],
                    });
                }
            }
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(
                out,
                "Round-robin of {} strategies (self-play included), {} turns, {} repetitions, noise {}, seed {}",
                t.strategies.len(),
                s.turns,
                t.repetitions,
                s.noise,
                s.seed
            )?;
            let mut tab = output::table(&[
                "rank",
                "strategy",
                "mean score per match",
                "per turn",
                "cooperation",
            ]);
            for (rank, &i) in t.ranking.iter().enumerate() {
                tab.add_row(vec![
                    (rank + 1).to_string(),
                    t.strategies[i].name().to_string(),
                    format!("{:.1}", t.average[i]),
                    format!("{:.3}", t.average[i] / s.turns as f64),
                    format!("{:.1}%", t.cooperation[i] * 100.0),
                ]);
            }
            writeln!(out, "{tab}")?;
            eprintln!(
                "{} matches in {:.0} ms",
                t.strategies.len() * (t.strategies.len() + 1) / 2 * t.repetitions,
                took.as_secs_f64() * 1000.0
            );
        }
    }
    if let Some(p) = &a.chart {
        chart::write_bar_chart(
            p,
            &BarChart {
                title: format!("Tournament: mean score per match ({} turns)", s.turns),
                y_label: "mean score per match".into(),
                bars: t
                    .ranking
                    .iter()
                    .map(|&i| (t.strategies[i].name().to_string(), t.average[i]))
                    .collect(),
                hline: None,
            },
        )?;
        eprintln!("chart written to {}", p.display());
    }
    Ok(Outcome::Answered)
}

fn run_evolve(
    cfg: &RunConfig,
    a: &IpdArgs,
    generations: usize,
    out: &mut dyn Write,
) -> Result<Outcome> {
    check_chart(&a.chart)?;
    let (strategies, s) = settings(a)?;
    let t = ipd::tournament(&strategies, a.repetitions, &s)?;
    let n = strategies.len();
    let path = ipd::replicator(&t.mean_scores, &vec![1.0; n], generations)?;
    let names: Vec<&str> = strategies.iter().map(|s| s.name()).collect();
    match cfg.format {
        Format::Json => {
            #[derive(Serialize)]
            struct Out<'a> {
                strategies: &'a [&'a str],
                shares: &'a [Vec<f64>],
            }
            output::json(
                out,
                &Out {
                    strategies: &names,
                    shares: &path,
                },
            )?;
        }
        Format::Csv => {
            #[derive(Serialize)]
            struct Row<'a> {
                generation: usize,
                strategy: &'a str,
                share: f64,
            }
            let mut rows = Vec::new();
            for (g, x) in path.iter().enumerate() {
                for (i, name) in names.iter().enumerate() {
                    rows.push(Row {
                        generation: g,
                        strategy: name,
                        share: x[i],
                    });
                }
            }
            output::csv(out, &rows)?;
        }
        _ => {
            writeln!(
                out,
                "Replicator dynamics from equal shares, {} generations; payoffs from a {}-repetition tournament",
                path.len() - 1,
                a.repetitions
            )?;
            let mut header = vec!["generation"];
            header.extend(names.iter().copied());
            let mut tab = output::table(&header);
            let step = (path.len() / 10).max(1);
            for (g, x) in path.iter().enumerate() {
                if g % step == 0 || g == path.len() - 1 {
                    let mut row = vec![g.to_string()];
                    row.extend(x.iter().map(|v| format!("{:.1}%", v * 100.0)));
                    tab.add_row(row);
                }
            }
            writeln!(out, "{tab}")?;
        }
    }
    if let Some(p) = &a.chart {
        chart::write_line_chart(
            p,
            &LineChart {
                title: "Replicator dynamics of the tournament".into(),
                x_label: "generation".into(),
                y_label: "population share".into(),
                series: names
                    .iter()
                    .enumerate()
                    .map(|(i, nm)| Series {
                        name: nm.to_string(),
                        points: path
                            .iter()
                            .enumerate()
                            .map(|(g, x)| (g as f64, x[i]))
                            .collect(),
                        dashed: false,
                    })
                    .collect(),
                hlines: vec![],
            },
        )?;
        eprintln!("chart written to {}", p.display());
    }
    Ok(Outcome::Answered)
}
