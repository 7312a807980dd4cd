//! Bueno de Mesquita's expected-utility model of group decisions, as specified
//! by Scholz, Calbert & Smith (2011), "Unravelling Bueno De Mesquita's group
//! decision model", J. Theoretical Politics 23(4).
//!
//! Actors `i` hold a position `x_i` on a one-dimensional issue, a capability
//! `c_i` and a salience `s_i` in [0, 1]. Each round:
//!
//! 1. **Votes and the median.** Actor `k` votes between positions `x_i` and
//!    `x_j` with weight `v_k(i, j) = c_k s_k (|x_k - x_j| - |x_k - x_i|) / range`.
//!    The position that wins every pairwise vote (the Condorcet winner) is the
//!    capability-times-salience weighted median, which is the round's expected
//!    outcome `mu`.
//! 2. **Probability of success.** `P(i, j) = sum of v_k(i, j) > 0 / sum of |v_k(i, j)|`
//!    over all actors `k`; `P = 0.5` when every actor is indifferent.
//! 3. **Utilities** with risk exponent `r_i`, distances scaled by the range:
//!    `U_s = 2 - 4(0.5 - 0.5 d)^r`, `U_f = 2 - 4(0.5 + 0.5 d)^r`,
//!    `U_b = 2 - 4(0.5 - 0.25(d_mu + d))^r`, `U_w = 2 - 4(0.5 + 0.25(d_mu + d))^r`,
//!    `U_sq = 2 - 4(0.5)^r`, where `d = |x_i - x_j| / range` and
//!    `d_mu = |x_i - mu| / range`.
//! 4. **Expected utility of challenging.**
//!    `EU_i(i -> j) = s_j (P U_s + (1 - P) U_f) + (1 - s_j) U_s - Q U_sq - (1 - Q)(T U_b + (1 - T) U_w)`.
//! 5. **Risk.** An actor's exposure `V_i(p) = sum over j of EU_j(j -> i)` with `i`
//!    standing at `p`, computed risk-neutrally (`r = 1`). Over the positions
//!    held by the actors, its largest and smallest values `V_max`, `V_min` give
//!    `R_i = (2 V_i(x_i) - V_max - V_min) / (V_max - V_min)` in [-1, 1] and the
//!    exponent `r_i = (1 - R_i / 3) / (1 + R_i / 3)` in [0.5, 2]: an actor that
//!    chose an exposed position is taken to accept risk (`r` near 0.5), one that
//!    chose a secure position to avoid it (`r` near 2).
//! 6. **Offers.** For every ordered pair, with `a = EU_i(i -> j)` (using `r_i`) and
//!    `b = EU_j(j -> i)` (using `r_j`):
//!    * conflict, `a > 0`, `b > 0`, `a > b`: `i` expects to win and demands `x_i`;
//!    * compromise, `a > 0 > b`, `a > |b|`: `j` is offered `x_j + (x_i - x_j) |b| / a`;
//!    * capitulation, `a > 0 > b`, `a <= |b|`: `j` is asked to move to `x_i`.
//!
//!    Each actor accepts, among the offers it receives, the one that moves it
//!    least, and takes that position for the next round.
//!
//! # Choices the paper leaves open, made here
//!
//! * `Q = 1` and `T = 1` by default (the status quo persists when `i` does not
//!   challenge, so `T` drops out); both are parameters.
//! * The median is the lower weighted median: the first position, in ascending
//!   order, at which the cumulative weight `c s` reaches half the total.
//! * When `V_max = V_min`, `R_i` is 0 (risk-neutral, `r_i = 1`); `R_i` is
//!   clamped to [-1, 1] against rounding.
//! * The expected outcome `mu` used in `U_b`, `U_w` is the round's median and is
//!   not recomputed for the hypothetical positions of the risk step.
//! * Ties between offers that move an actor equally far go to the offer from the
//!   actor with more weight `c s`, then to the lower index.
//! * Convergence: no position moves by more than `tolerance` in a round.
//!   Oscillation: the positions repeat those of an earlier round (within
//!   `tolerance`) other than the previous one.

use serde::Serialize;

use crate::error::{Error, Result};

/// One actor of the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BdmActor {
    /// Name.
    pub name: String,
    /// Capability (power, resources), non-negative.
    pub capability: f64,
    /// Position on the issue, inside the declared range.
    pub position: f64,
    /// Salience in [0, 1].
    pub salience: f64,
}

/// Parameters of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BdmParams {
    /// Lowest position on the issue scale.
    pub min: f64,
    /// Highest position on the issue scale.
    pub max: f64,
    /// Rounds to run.
    pub rounds: usize,
    /// Probability the status quo persists when no challenge is made.
    pub q: f64,
    /// Probability things get better for the actor if the status quo changes.
    pub t: f64,
    /// Largest move that still counts as standing still.
    pub tolerance: f64,
}

impl Default for BdmParams {
    fn default() -> Self {
        BdmParams {
            min: 0.0,
            max: 100.0,
            rounds: 10,
            q: 1.0,
            t: 1.0,
            tolerance: 1e-6,
        }
    }
}

/// The kind of an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Both expect to gain; the stronger demands its position.
    Conflict,
    /// The weaker moves part of the way.
    Compromise,
    /// The weaker moves all the way.
    Capitulation,
}

/// An offer from one actor to another in a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    /// Index of the actor making it.
    pub from: usize,
    /// Index of the actor receiving it.
    pub to: usize,
    /// Its kind.
    pub kind: OfferKind,
    /// The position proposed to the receiver.
    pub position: f64,
    /// Whether the receiver accepted it.
    pub accepted: bool,
}

/// The state and the moves of one round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// Round number, from 1.
    pub round: usize,
    /// Positions at the start of the round.
    pub positions: Vec<f64>,
    /// Risk exponents `r_i` of the round.
    pub risk: Vec<f64>,
    /// Weighted median (the Condorcet winner): the round's expected outcome.
    pub median: f64,
    /// Capability-times-salience weighted mean of the positions.
    pub mean: f64,
    /// Every offer made, with whether it was accepted.
    pub offers: Vec<Offer>,
}

/// How the positions ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Convergence {
    /// No position moved in this round.
    Converged {
        /// The round.
        round: usize,
    },
    /// Positions returned to those of `period` rounds earlier.
    Oscillating {
        /// The cycle length.
        period: usize,
    },
    /// Still moving after the last round.
    NotConverged,
}

/// A run of the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BdmOutcome {
    /// The actors.
    pub actors: Vec<BdmActor>,
    /// Parameters used.
    pub params: BdmParams,
    /// Each round.
    pub rounds: Vec<Round>,
    /// Positions after the last round.
    pub final_positions: Vec<f64>,
    /// The forecast: the weighted median after the last round.
    pub forecast: f64,
    /// Whether and how the positions settled.
    pub convergence: Convergence,
}

/// Checks the actors and parameters; the first violation found for each actor
/// is reported with the actor's index.
pub fn validate(actors: &[BdmActor], p: &BdmParams) -> Result<()> {
    let mut problems = Vec::new();
    if !(p.min.is_finite() && p.max.is_finite() && p.min < p.max) {
        problems.push((
            None,
            format!("the position range {}..{} is empty", p.min, p.max),
        ));
    }
    if actors.len() < 3 {
        problems.push((
            None,
            format!("at least three actors are needed, got {}", actors.len()),
        ));
    }
    if !(0.0..=1.0).contains(&p.q) || !(0.0..=1.0).contains(&p.t) {
        problems.push((None, "Q and T are probabilities in [0, 1]".to_string()));
    }
    for (i, a) in actors.iter().enumerate() {
        let problem = if !a.capability.is_finite() || a.capability < 0.0 {
            Some(format!(
                "capability {} must be a non-negative number",
                a.capability
            ))
        } else if !a.position.is_finite() || a.position < p.min || a.position > p.max {
            Some(format!(
                "position {} is outside the range {}..{}",
                a.position, p.min, p.max
            ))
        } else if !a.salience.is_finite() || !(0.0..=1.0).contains(&a.salience) {
            Some(format!("salience {} is outside [0, 1]", a.salience))
        } else {
            None
        };
        if let Some(reason) = problem {
            problems.push((Some(i), format!("{}: {reason}", a.name)));
        }
    }
    if actors.iter().all(|a| a.capability * a.salience == 0.0) && !actors.is_empty() {
        problems.push((
            None,
            "every actor has zero weight (capability x salience)".into(),
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidInput(problems))
    }
}

/// The lower weighted median of `positions` with weights `weights`.
pub fn weighted_median(positions: &[f64], weights: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..positions.len()).collect();
    idx.sort_by(|&a, &b| positions[a].total_cmp(&positions[b]));
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    for &i in &idx {
        acc += weights[i];
        if acc >= total / 2.0 {
            return positions[i];
        }
    }
    idx.last().map(|&i| positions[i]).unwrap_or(f64::NAN)
}

/// The weighted mean of `positions`.
pub fn weighted_mean(positions: &[f64], weights: &[f64]) -> f64 {
    let total: f64 = weights.iter().sum();
    positions
        .iter()
        .zip(weights)
        .map(|(x, w)| x * w)
        .sum::<f64>()
        / total
}

struct State<'a> {
    actors: &'a [BdmActor],
    p: &'a BdmParams,
    x: Vec<f64>,
    mu: f64,
}

impl State<'_> {
    fn range(&self) -> f64 {
        self.p.max - self.p.min
    }

    /// Sum of votes for `x_i` over `x_j`, and of their absolute values.
    fn probability(&self, i: usize, j: usize) -> f64 {
        let (mut pos, mut abs) = (0.0, 0.0);
        for (k, a) in self.actors.iter().enumerate() {
            let v = a.capability
                * a.salience
                * ((self.x[k] - self.x[j]).abs() - (self.x[k] - self.x[i]).abs())
                / self.range();
            if v > 0.0 {
                pos += v;
            }
            abs += v.abs();
        }
        if abs == 0.0 { 0.5 } else { pos / abs }
    }

    /// `EU_i(i -> j)` with risk exponent `r`.
    fn eu(&self, i: usize, j: usize, r: f64) -> f64 {
        let d = (self.x[i] - self.x[j]).abs() / self.range();
        let dmu = (self.x[i] - self.mu).abs() / self.range();
        let u = |base: f64| 2.0 - 4.0 * base.max(0.0).powf(r);
        let us = u(0.5 - 0.5 * d);
        let uf = u(0.5 + 0.5 * d);
        let ub = u(0.5 - 0.25 * (dmu + d));
        let uw = u(0.5 + 0.25 * (dmu + d));
        let usq = u(0.5);
        let p = self.probability(i, j);
        let sj = self.actors[j].salience;
        let q = self.p.q;
        let t = self.p.t;
        sj * (p * us + (1.0 - p) * uf) + (1.0 - sj) * us
            - q * usq
            - (1.0 - q) * (t * ub + (1.0 - t) * uw)
    }

    /// Exposure of `i` if it stood at `at`: what the others expect to gain by
    /// challenging it, risk-neutrally.
    fn exposure(&self, i: usize, at: f64) -> f64 {
        let mut moved = State {
            actors: self.actors,
            p: self.p,
            x: self.x.clone(),
            mu: self.mu,
        };
        moved.x[i] = at;
        (0..self.actors.len())
            .filter(|&j| j != i)
            .map(|j| moved.eu(j, i, 1.0))
            .sum()
    }

    fn risk_exponents(&self) -> Vec<f64> {
        (0..self.actors.len())
            .map(|i| {
                let here = self.exposure(i, self.x[i]);
                let (mut vmax, mut vmin) = (here, here);
                for &at in &self.x {
                    let v = self.exposure(i, at);
                    vmax = vmax.max(v);
                    vmin = vmin.min(v);
                }
                // Clamped: rounding can push the extremes a hair past +-1.
                let big_r = if vmax > vmin {
                    ((2.0 * here - vmax - vmin) / (vmax - vmin)).clamp(-1.0, 1.0)
                } else {
                    0.0
                };
                (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
            })
            .collect()
    }
}

/// Runs the model for `params.rounds` rounds (or until positions settle).
///
/// Fails with [`Error::InvalidInput`] when [`validate`] does.
pub fn run(actors: &[BdmActor], params: &BdmParams) -> Result<BdmOutcome> {
    validate(actors, params)?;
    let n = actors.len();
    let w: Vec<f64> = actors.iter().map(|a| a.capability * a.salience).collect();
    let mut x: Vec<f64> = actors.iter().map(|a| a.position).collect();
    let mut rounds = Vec::new();
    let mut convergence = Convergence::NotConverged;
    for round in 1..=params.rounds {
        let mu = weighted_median(&x, &w);
        let s = State {
            actors,
            p: params,
            x: x.clone(),
            mu,
        };
        let risk = s.risk_exponents();
        let mut offers = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if i == j || x[i] == x[j] {
                    continue;
                }
                let a = s.eu(i, j, risk[i]);
                let b = s.eu(j, i, risk[j]);
                let offer = if a > 0.0 && b > 0.0 && a > b {
                    Some((OfferKind::Conflict, x[i]))
                } else if a > 0.0 && b < 0.0 && a > b.abs() {
                    Some((OfferKind::Compromise, x[j] + (x[i] - x[j]) * b.abs() / a))
                } else if a > 0.0 && b < 0.0 {
                    Some((OfferKind::Capitulation, x[i]))
                } else {
                    None
                };
                if let Some((kind, position)) = offer {
                    offers.push(Offer {
                        from: i,
                        to: j,
                        kind,
                        position,
                        accepted: false,
                    });
                }
            }
        }
        let mut next = x.clone();
        for j in 0..n {
            let best = offers
                .iter()
                .enumerate()
                .filter(|(_, o)| o.to == j)
                .min_by(|(_, a), (_, b)| {
                    let da = (a.position - x[j]).abs();
                    let db = (b.position - x[j]).abs();
                    da.total_cmp(&db)
                        .then(w[b.from].total_cmp(&w[a.from]))
                        .then(a.from.cmp(&b.from))
                })
                .map(|(k, _)| k);
            if let Some(k) = best {
                offers[k].accepted = true;
                next[j] = offers[k].position;
            }
        }
        rounds.push(Round {
            round,
            positions: x.clone(),
            risk,
            median: mu,
            mean: weighted_mean(&x, &w),
            offers,
        });
        let moved = next
            .iter()
            .zip(&x)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        if moved <= params.tolerance {
            convergence = Convergence::Converged { round };
            break;
        }
        let repeats = rounds.iter().rev().skip(1).position(|r| {
            r.positions
                .iter()
                .zip(&next)
                .all(|(a, b)| (a - b).abs() <= params.tolerance)
        });
        x = next;
        // `back` rounds before the previous one: the cycle is `back + 2` long.
        convergence = match repeats {
            Some(back) => Convergence::Oscillating { period: back + 2 },
            None => Convergence::NotConverged,
        };
    }
    let forecast = weighted_median(&x, &w);
    Ok(BdmOutcome {
        actors: actors.to_vec(),
        params: *params,
        rounds,
        final_positions: x,
        forecast,
        convergence,
    })
}

/// The EC car-emissions case (Bueno de Mesquita 1994, as used by Scholz et al.
/// 2011): positions are years on a 4..10 scale, salience given as a percentage
/// here converted to [0, 1].
pub fn ec_emissions_example() -> (Vec<BdmActor>, BdmParams) {
    let rows = [
        ("Netherlands", 0.08, 7.0, 40.0),
        ("Belgium", 0.08, 4.0, 80.0),
        ("Luxembourg", 0.03, 4.0, 20.0),
        ("Germany", 0.16, 4.0, 80.0),
        ("France", 0.16, 10.0, 60.0),
        ("Italy", 0.16, 10.0, 60.0),
        ("UK", 0.16, 10.0, 90.0),
        ("Ireland", 0.05, 7.0, 10.0),
        ("Denmark", 0.05, 4.0, 100.0),
        ("Greece", 0.08, 7.0, 70.0),
    ];
    let actors = rows
        .iter()
        .map(|(name, c, x, s)| BdmActor {
            name: (*name).to_string(),
            capability: *c,
            position: *x,
            salience: s / 100.0,
        })
        .collect();
    let params = BdmParams {
        min: 4.0,
        max: 10.0,
        ..BdmParams::default()
    };
    (actors, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_initial_median_is_seven() {
        // Weights c*s: at 4: 6.4+0.6+12.8+5.0 = 24.8; at 7: 3.2+0.5+5.6 = 9.3;
        // at 10: 9.6+9.6+14.4 = 33.6; total 67.7, half 33.85, reached at 7.
        let (actors, params) = ec_emissions_example();
        let out = run(&actors, &params).unwrap();
        assert_eq!(out.rounds[0].median, 7.0);
        // Mean: (24.8*4 + 9.3*7 + 33.6*10) / 67.7 = 500.3 / 67.7.
        assert!((out.rounds[0].mean - 500.3 / 67.7).abs() < 1e-12);
    }

    #[test]
    fn the_median_wins_every_pairwise_vote() {
        let (actors, _) = ec_emissions_example();
        let x: Vec<f64> = actors.iter().map(|a| a.position).collect();
        let w: Vec<f64> = actors.iter().map(|a| a.capability * a.salience).collect();
        let median = weighted_median(&x, &w);
        for &other in &x {
            let margin: f64 = x
                .iter()
                .zip(&w)
                .map(|(xk, wk)| wk * ((xk - other).abs() - (xk - median).abs()))
                .sum();
            assert!(margin >= 0.0, "{median} loses to {other}");
        }
    }

    #[test]
    fn risk_exponents_stay_in_bounds_every_round() {
        let (actors, params) = ec_emissions_example();
        let out = run(
            &actors,
            &BdmParams {
                rounds: 25,
                ..params
            },
        )
        .unwrap();
        for r in &out.rounds {
            for &e in &r.risk {
                assert!(
                    (0.5..=2.0).contains(&e),
                    "risk exponent {e} in round {}",
                    r.round
                );
            }
            for &x in &r.positions {
                assert!((4.0..=10.0).contains(&x), "position {x} left the range");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn invariants_hold_for_any_valid_input(
            rows in proptest::collection::vec((0.0f64..10.0, 0.0f64..=100.0, 0.0f64..=1.0), 3..9)
        ) {
            let actors: Vec<BdmActor> = rows
                .iter()
                .enumerate()
                .map(|(i, (c, x, s))| BdmActor { name: format!("a{i}"), capability: *c, position: *x, salience: *s })
                .collect();
            let params = BdmParams { min: 0.0, max: 100.0, rounds: 8, ..BdmParams::default() };
            if validate(&actors, &params).is_err() {
                return Ok(());
            }
            let out = run(&actors, &params).unwrap();
            for r in &out.rounds {
                for &e in &r.risk {
                    proptest::prop_assert!((0.5..=2.0).contains(&e));
                }
                for &x in &r.positions {
                    proptest::prop_assert!((0.0..=100.0).contains(&x));
                }
                // The median is one of the positions held, and wins every pairwise vote.
                proptest::prop_assert!(r.positions.contains(&r.median));
                let w: Vec<f64> = actors.iter().map(|a| a.capability * a.salience).collect();
                for &other in &r.positions {
                    let margin: f64 = r.positions.iter().zip(&w)
                        .map(|(xk, wk)| wk * ((xk - other).abs() - (xk - r.median).abs()))
                        .sum();
                    proptest::prop_assert!(margin >= -1e-9);
                }
                // Accepted offers: at most one per actor.
                for j in 0..actors.len() {
                    proptest::prop_assert!(r.offers.iter().filter(|o| o.to == j && o.accepted).count() <= 1);
                }
            }
        }
    }

    #[test]
    fn bad_input_is_named() {
        let (mut actors, params) = ec_emissions_example();
        actors[2].position = 11.0;
        actors[4].salience = 1.5;
        actors[5].capability = -1.0;
        let Err(Error::InvalidInput(p)) = run(&actors, &params) else {
            panic!()
        };
        let shown: Vec<String> = p.iter().map(|(i, m)| format!("{i:?} {m}")).collect();
        assert_eq!(
            shown,
            [
                "Some(2) Luxembourg: position 11 is outside the range 4..10",
                "Some(4) France: salience 1.5 is outside [0, 1]",
                "Some(5) Italy: capability -1 must be a non-negative number",
            ]
        );
        assert!(run(&actors[..2], &params).is_err());
    }
}
