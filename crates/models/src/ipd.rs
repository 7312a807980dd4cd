//! Repeated games of trust: the iterated prisoner's dilemma (Axelrod 1984,
//! *The Evolution of Cooperation*) with the strategies of the literature and a
//! strategy for Osgood's graduated reciprocation in tension reduction (GRIT,
//! Osgood 1962, *An Alternative to War or Surrender*).
//!
//! Payoffs are `(T, R, P, S)`: temptation, reward, punishment, sucker; by default
//! Axelrod's `(5, 3, 1, 0)`, and always `T > R > P > S` and `2R > T + S`.
//! Noise flips each intended move with probability `p`; strategies see the moves
//! actually played. Every random draw comes from a ChaCha8 generator seeded from
//! the run's seed and the match's place in the tournament, so results do not
//! depend on how threads are scheduled.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};

/// A move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Move {
    /// Cooperate.
    C,
    /// Defect.
    D,
}

impl Move {
    fn flip(self) -> Move {
        match self {
            Move::C => Move::D,
            Move::D => Move::C,
        }
    }
}

/// The payoff matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Payoffs {
    /// Temptation: defect against a cooperator.
    pub t: f64,
    /// Reward: mutual cooperation.
    pub r: f64,
    /// Punishment: mutual defection.
    pub p: f64,
    /// Sucker's payoff: cooperate against a defector.
    pub s: f64,
}

impl Default for Payoffs {
    fn default() -> Self {
        Payoffs {
            t: 5.0,
            r: 3.0,
            p: 1.0,
            s: 0.0,
        }
    }
}

impl Payoffs {
    /// Checks that the payoffs make a prisoner's dilemma.
    pub fn validate(&self) -> Result<()> {
        let ok =
            self.t > self.r && self.r > self.p && self.p > self.s && 2.0 * self.r > self.t + self.s;
        if ok {
            Ok(())
        } else {
            Err(Error::InvalidInput(vec![(
                None,
                format!(
                    "payoffs (T, R, P, S) = ({}, {}, {}, {}) are not a prisoner's dilemma: need T > R > P > S and 2R > T + S",
                    self.t, self.r, self.p, self.s
                ),
            )]))
        }
    }

    /// The payoffs of a round to each player.
    pub fn of(&self, a: Move, b: Move) -> (f64, f64) {
        match (a, b) {
            (Move::C, Move::C) => (self.r, self.r),
            (Move::C, Move::D) => (self.s, self.t),
            (Move::D, Move::C) => (self.t, self.s),
            (Move::D, Move::D) => (self.p, self.p),
        }
    }

    /// Generous tit-for-tat's forgiveness probability (Nowak & Sigmund 1992):
    /// `min(1 - (T - R) / (R - S), (R - P) / (T - P))`; 1/3 for (5, 3, 1, 0).
    pub fn generosity(&self) -> f64 {
        (1.0 - (self.t - self.r) / (self.r - self.s)).min((self.r - self.p) / (self.t - self.p))
    }
}

/// The strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Always cooperates.
    AlwaysCooperate,
    /// Always defects.
    AlwaysDefect,
    /// Cooperates first, then copies the other's last move.
    TitForTat,
    /// Defects only after two defections in a row.
    TitForTwoTats,
    /// Cooperates until the other defects once, then defects for ever.
    GrimTrigger,
    /// Pavlov: repeats its move after R or T, switches after P or S.
    WinStayLoseShift,
    /// Tit-for-tat that forgives a defection with the probability of
    /// [`Payoffs::generosity`].
    GenerousTitForTat,
    /// Cooperates with probability one half.
    Random,
    /// GRIT: cooperates while its trust is positive. Trust starts at 1 (the
    /// announced first concession), rises by one to at most 3 when the other
    /// cooperates and falls by one when it defects. At zero trust it defects but
    /// renews a unilateral concession, one cooperative move, every 5 rounds;
    /// each reciprocated concession raises trust a step.
    Grit,
}

impl Strategy {
    /// Every strategy.
    pub const ALL: [Strategy; 9] = [
        Strategy::AlwaysCooperate,
        Strategy::AlwaysDefect,
        Strategy::TitForTat,
        Strategy::TitForTwoTats,
        Strategy::GrimTrigger,
        Strategy::WinStayLoseShift,
        Strategy::GenerousTitForTat,
        Strategy::Random,
        Strategy::Grit,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::AlwaysCooperate => "always-cooperate",
            Strategy::AlwaysDefect => "always-defect",
            Strategy::TitForTat => "tit-for-tat",
            Strategy::TitForTwoTats => "tit-for-two-tats",
            Strategy::GrimTrigger => "grim-trigger",
            Strategy::WinStayLoseShift => "win-stay-lose-shift",
            Strategy::GenerousTitForTat => "generous-tit-for-tat",
            Strategy::Random => "random",
            Strategy::Grit => "grit",
        }
    }

    /// The strategy with this name.
    pub fn parse(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// GRIT renews a concession after this many rounds at zero trust.
const GRIT_RENEWAL: u32 = 5;
/// GRIT's highest trust.
const GRIT_MAX_TRUST: i32 = 3;

/// A player's memory within a match.
#[derive(Debug, Clone, Copy)]
struct Player {
    strategy: Strategy,
    mine: Option<Move>,
    theirs: Option<Move>,
    theirs_before: Option<Move>,
    grudge: bool,
    trust: i32,
    at_zero: u32,
}

impl Player {
    fn new(strategy: Strategy) -> Player {
        Player {
            strategy,
            mine: None,
            theirs: None,
            theirs_before: None,
            grudge: false,
            trust: 1,
            at_zero: 0,
        }
    }

    fn choose(&mut self, generosity: f64, rng: &mut ChaCha8Rng) -> Move {
        use Move::{C, D};
        match self.strategy {
            Strategy::AlwaysCooperate => C,
            Strategy::AlwaysDefect => D,
            Strategy::TitForTat => self.theirs.unwrap_or(C),
            Strategy::TitForTwoTats => match (self.theirs, self.theirs_before) {
                (Some(D), Some(D)) => D,
                _ => C,
            },
            Strategy::GrimTrigger => {
                if self.grudge {
                    D
                } else {
                    C
                }
            }
            Strategy::WinStayLoseShift => match (self.mine, self.theirs) {
                (Some(m), Some(t)) if m == t => C,
                (Some(_), Some(_)) => D,
                _ => C,
            },
            Strategy::GenerousTitForTat => match self.theirs {
                Some(D) if !rng.random_bool(generosity) => D,
                _ => C,
            },
            Strategy::Random => {
                if rng.random_bool(0.5) {
                    C
                } else {
                    D
                }
            }
            Strategy::Grit => {
                if self.trust > 0 {
                    C
                } else {
                    self.at_zero += 1;
                    if self.at_zero.is_multiple_of(GRIT_RENEWAL) {
                        C
                    } else {
                        D
                    }
                }
            }
        }
    }

    fn observe(&mut self, mine: Move, theirs: Move) {
        self.theirs_before = self.theirs;
        self.theirs = Some(theirs);
        self.mine = Some(mine);
        if theirs == Move::D {
            self.grudge = true;
        }
        if self.strategy == Strategy::Grit {
            let before = self.trust;
            self.trust = match theirs {
                Move::C => (self.trust + 1).min(GRIT_MAX_TRUST),
                Move::D => (self.trust - 1).max(0),
            };
            if self.trust == 0 && before > 0 {
                self.at_zero = 0;
            }
        }
    }
}

/// The result of one match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    /// First player's strategy.
    pub a: Strategy,
    /// Second player's strategy.
    pub b: Strategy,
    /// First player's total.
    pub score_a: f64,
    /// Second player's total.
    pub score_b: f64,
    /// Share of the first player's moves that were C.
    pub cooperation_a: f64,
    /// Share of the second player's moves that were C.
    pub cooperation_b: f64,
    /// The moves, when asked for.
    pub moves: Option<Vec<(Move, Move)>>,
}

/// Settings of a match or tournament.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GameSettings {
    /// Rounds per match.
    pub turns: usize,
    /// Probability that a move is flipped.
    pub noise: f64,
    /// The payoffs.
    pub payoffs: Payoffs,
    /// Seed of every random draw.
    pub seed: u64,
}

impl Default for GameSettings {
    fn default() -> Self {
        GameSettings {
            turns: 200,
            noise: 0.0,
            payoffs: Payoffs::default(),
            seed: 1,
        }
    }
}

impl GameSettings {
    /// Checks the settings.
    pub fn validate(&self) -> Result<()> {
        self.payoffs.validate()?;
        if !(0.0..=1.0).contains(&self.noise) {
            return Err(Error::InvalidInput(vec![(
                None,
                format!("noise {} is not a probability", self.noise),
            )]));
        }
        if self.turns == 0 {
            return Err(Error::InvalidInput(vec![(
                None,
                "a match needs at least one turn".into(),
            )]));
        }
        Ok(())
    }
}

/// A reproducible seed for one match of a run.
fn match_seed(seed: u64, pair: usize, repetition: usize) -> u64 {
    // SplitMix64 finaliser over the three numbers.
    let mut z =
        seed ^ ((pair as u64) << 32) ^ (repetition as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn play_seeded(
    a: Strategy,
    b: Strategy,
    s: &GameSettings,
    seed: u64,
    keep_moves: bool,
) -> MatchResult {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let g = s.payoffs.generosity();
    let (mut pa, mut pb) = (Player::new(a), Player::new(b));
    let (mut sa, mut sb, mut ca, mut cb) = (0.0, 0.0, 0usize, 0usize);
    let mut moves = keep_moves.then(|| Vec::with_capacity(s.turns));
    for _ in 0..s.turns {
        let mut ma = pa.choose(g, &mut rng);
        let mut mb = pb.choose(g, &mut rng);
        if s.noise > 0.0 {
            if rng.random_bool(s.noise) {
                ma = ma.flip();
            }
            if rng.random_bool(s.noise) {
                mb = mb.flip();
            }
        }
        let (xa, xb) = s.payoffs.of(ma, mb);
        sa += xa;
        sb += xb;
        ca += usize::from(ma == Move::C);
        cb += usize::from(mb == Move::C);
        pa.observe(ma, mb);
        pb.observe(mb, ma);
        if let Some(m) = moves.as_mut() {
            m.push((ma, mb));
        }
    }
    MatchResult {
        a,
        b,
        score_a: sa,
        score_b: sb,
        cooperation_a: ca as f64 / s.turns as f64,
        cooperation_b: cb as f64 / s.turns as f64,
        moves,
    }
}

/// One match, with its moves.
pub fn play(a: Strategy, b: Strategy, settings: &GameSettings) -> Result<MatchResult> {
    settings.validate()?;
    Ok(play_seeded(
        a,
        b,
        settings,
        match_seed(settings.seed, 0, 0),
        true,
    ))
}

/// A round-robin tournament.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tournament {
    /// The strategies, in the order of the matrix.
    pub strategies: Vec<Strategy>,
    /// `mean_scores[i][j]`: mean score per match of strategy `i` against `j`.
    pub mean_scores: Vec<Vec<f64>>,
    /// Each strategy's mean score per match over all opponents (itself included).
    pub average: Vec<f64>,
    /// Each strategy's share of cooperative moves.
    pub cooperation: Vec<f64>,
    /// Indices of the strategies from best to worst average.
    pub ranking: Vec<usize>,
    /// Matches per pair.
    pub repetitions: usize,
    /// The settings.
    pub settings: GameSettings,
}

/// Every strategy against every other and itself, `repetitions` times, in
/// parallel.
pub fn tournament(
    strategies: &[Strategy],
    repetitions: usize,
    settings: &GameSettings,
) -> Result<Tournament> {
    settings.validate()?;
    if strategies.len() < 2 || repetitions == 0 {
        return Err(Error::InvalidInput(vec![(
            None,
            "a tournament needs at least two strategies and one repetition".into(),
        )]));
    }
    let n = strategies.len();
    let pairs: Vec<(usize, usize)> = (0..n).flat_map(|i| (i..n).map(move |j| (i, j))).collect();
    let jobs: Vec<(usize, usize)> = (0..pairs.len())
        .flat_map(|p| (0..repetitions).map(move |r| (p, r)))
        .collect();
    let results: Vec<(usize, f64, f64, f64, f64)> = jobs
        .par_iter()
        .map(|&(p, r)| {
            let (i, j) = pairs[p];
            let m = play_seeded(
                strategies[i],
                strategies[j],
                settings,
                match_seed(settings.seed, p, r),
                false,
            );
            (p, m.score_a, m.score_b, m.cooperation_a, m.cooperation_b)
        })
        .collect();
    let mut sum = vec![vec![0.0; n]; n];
    let mut coop = vec![0.0; n];
    let mut coop_n = vec![0.0; n];
    for (p, sa, sb, ca, cb) in results {
        let (i, j) = pairs[p];
        if i == j {
            // Self-play: both seats are the same strategy; count the mean of the two.
            sum[i][i] += (sa + sb) / 2.0;
            coop[i] += (ca + cb) / 2.0;
            coop_n[i] += 1.0;
        } else {
            sum[i][j] += sa;
            sum[j][i] += sb;
            coop[i] += ca;
            coop[j] += cb;
            coop_n[i] += 1.0;
            coop_n[j] += 1.0;
        }
    }
    let reps = repetitions as f64;
    let mean_scores: Vec<Vec<f64>> = sum
        .iter()
        .map(|row| row.iter().map(|v| v / reps).collect())
        .collect();
    let average: Vec<f64> = mean_scores
        .iter()
        .map(|row| row.iter().sum::<f64>() / n as f64)
        .collect();
    let cooperation: Vec<f64> = coop.iter().zip(&coop_n).map(|(c, k)| c / k).collect();
    let mut ranking: Vec<usize> = (0..n).collect();
    ranking.sort_by(|&a, &b| average[b].total_cmp(&average[a]).then(a.cmp(&b)));
    Ok(Tournament {
        strategies: strategies.to_vec(),
        mean_scores,
        average,
        cooperation,
        ranking,
        repetitions,
        settings: *settings,
    })
}

/// Discrete replicator dynamics on a tournament's payoff matrix (Taylor &
/// Jonker 1978): `x_i <- x_i f_i / f_bar` with `f_i = sum_j x_j M[i][j]`.
/// Returns the shares of each generation, the initial one first.
pub fn replicator(
    mean_scores: &[Vec<f64>],
    initial: &[f64],
    generations: usize,
) -> Result<Vec<Vec<f64>>> {
    let n = initial.len();
    let total: f64 = initial.iter().sum();
    if mean_scores.len() != n || mean_scores.iter().any(|r| r.len() != n) {
        return Err(Error::InvalidInput(vec![(
            None,
            "the payoff matrix does not match the population".into(),
        )]));
    }
    if initial.iter().any(|x| !x.is_finite() || *x < 0.0) || total <= 0.0 {
        return Err(Error::InvalidInput(vec![(
            None,
            "population shares must be non-negative and not all zero".into(),
        )]));
    }
    if mean_scores
        .iter()
        .flatten()
        .any(|v| !v.is_finite() || *v < 0.0)
    {
        return Err(Error::InvalidInput(vec![(
            None,
            "replicator dynamics need non-negative payoffs".into(),
        )]));
    }
    let mut x: Vec<f64> = initial.iter().map(|v| v / total).collect();
    let mut out = vec![x.clone()];
    for _ in 0..generations {
        let f: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| x[j] * mean_scores[i][j]).sum())
            .collect();
        let fbar: f64 = (0..n).map(|i| x[i] * f[i]).sum();
        if fbar <= 0.0 {
            break;
        }
        x = (0..n).map(|i| x[i] * f[i] / fbar).collect();
        out.push(x.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::Strategy::*;
    use super::*;

    fn score(a: Strategy, b: Strategy) -> (f64, f64) {
        let m = play(a, b, &GameSettings::default()).unwrap();
        (m.score_a, m.score_b)
    }

    #[test]
    fn hand_computed_matches_over_200_turns() {
        // Mutual cooperation: R = 3 each round, 3 * 200.
        assert_eq!(score(TitForTat, TitForTat), (600.0, 600.0));
        // TFT is exploited once (S = 0, T = 5), then both defect: 199 * P = 199
        // for TFT, 5 + 199 = 204 for always-defect.
        assert_eq!(score(TitForTat, AlwaysDefect), (199.0, 204.0));
        assert_eq!(score(GrimTrigger, AlwaysDefect), (199.0, 204.0));
        // Tit-for-two-tats forgives the first defection: S, S, then 198 * P.
        assert_eq!(score(TitForTwoTats, AlwaysDefect), (198.0, 208.0));
        // Exploitation every round: 200 * S and 200 * T.
        assert_eq!(score(AlwaysCooperate, AlwaysDefect), (0.0, 1000.0));
        // Pavlov against a defector alternates C (S = 0) and D (P = 1): 100 * 1;
        // the defector gets 100 * T + 100 * P = 600.
        assert_eq!(score(WinStayLoseShift, AlwaysDefect), (100.0, 600.0));
        // GRIT concedes in round 1, then at zero trust every 5th round: rounds
        // 1, 6, 11, ..., 196 are C (40 moves, S = 0) and the other 160 are D (P = 1).
        assert_eq!(score(Grit, AlwaysDefect), (160.0, 40.0 * 5.0 + 160.0));
        // GRIT and TFT cooperate throughout.
        assert_eq!(score(Grit, TitForTat), (600.0, 600.0));
    }

    #[test]
    fn generosity_of_axelrod_payoffs_is_one_third() {
        assert!((Payoffs::default().generosity() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn noise_and_seed_are_reproducible() {
        let s = GameSettings {
            noise: 0.05,
            seed: 42,
            ..GameSettings::default()
        };
        let a = play(TitForTat, GenerousTitForTat, &s).unwrap();
        let b = play(TitForTat, GenerousTitForTat, &s).unwrap();
        assert_eq!(a, b);
        let flips = a
            .moves
            .unwrap()
            .iter()
            .filter(|(x, y)| *x == Move::D || *y == Move::D)
            .count();
        assert!(flips > 0, "5% noise over 200 turns flips some move");
        let t1 = tournament(&Strategy::ALL, 20, &s).unwrap();
        let t2 = tournament(&Strategy::ALL, 20, &s).unwrap();
        assert_eq!(
            t1, t2,
            "same seed, same tournament, whatever the threads do"
        );
    }

    #[test]
    fn tournament_matrix_agrees_with_single_matches() {
        let s = GameSettings::default();
        let t = tournament(&[TitForTat, AlwaysDefect, AlwaysCooperate], 3, &s).unwrap();
        assert_eq!(t.mean_scores[0][1], 199.0);
        assert_eq!(t.mean_scores[1][0], 204.0);
        assert_eq!(t.mean_scores[0][0], 600.0);
        assert_eq!(t.mean_scores[1][2], 1000.0);
        // Always-defect wins this small field: (204 + 200 + 1000) / 3.
        assert_eq!(t.ranking[0], 1);
        assert!((t.average[1] - 1404.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn replicator_dynamics_keep_a_simplex_and_favour_the_fitter() {
        let m = vec![vec![600.0, 199.0], vec![204.0, 200.0]];
        let path = replicator(&m, &[0.5, 0.5], 50).unwrap();
        for x in &path {
            assert!((x.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        assert!(
            path.last().unwrap()[0] > 0.99,
            "TFT takes over against ALLD from half"
        );
        assert!(replicator(&m, &[0.0, 0.0], 5).is_err());
    }

    #[test]
    fn payoffs_must_be_a_dilemma() {
        let bad = Payoffs {
            t: 3.0,
            r: 5.0,
            p: 1.0,
            s: 0.0,
        };
        assert!(bad.validate().is_err());
        assert!(
            Payoffs {
                t: 10.0,
                r: 3.0,
                p: 1.0,
                s: 0.0
            }
            .validate()
            .is_err(),
            "2R > T + S fails"
        );
    }
}
