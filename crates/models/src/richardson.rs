//! Richardson's arms-race model (L. F. Richardson, 1960, *Arms and Insecurity*):
//!
//! ```text
//! dx/dt = k y - a x + g
//! dy/dt = l x - b y + h
//! ```
//!
//! `k` and `l` are defence coefficients (reaction to the rival's arms), `a` and
//! `b` fatigue or expense coefficients, `g` and `h` grievances. With
//! `A = [[-a, k], [l, -b]]` and `c = (g, h)`, the system is `z' = A z + c`:
//!
//! * the equilibrium is `z* = -A^-1 c`, i.e. `x* = (k h + b g) / (a b - k l)` and
//!   `y* = (l g + a h) / (a b - k l)`, which exists when `a b != k l`;
//! * it is stable when both eigenvalues of `A` have negative real parts:
//!   `a + b > 0` and `a b > k l` (Richardson's condition);
//! * the closed-form path is `z(t) = z* + e^{A t} (z0 - z*)`.
//!
//! Trajectories are integrated with the classical fourth-order Runge-Kutta
//! method; the tests check them against the closed form.
//!
//! The model is fitted to annual data by least squares on its Euler
//! discretisation, one equation per side:
//! `x[t+1] - x[t] = k y[t] - a x[t] + g (+ error)`, and likewise for `y`,
//! with the usual OLS standard errors `sqrt(diag(s^2 (X'X)^-1))`.

use serde::Serialize;

use crate::error::{Error, Result};

/// The six parameters of the linear model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Richardson {
    /// Reaction of x to y.
    pub k: f64,
    /// Reaction of y to x.
    pub l: f64,
    /// Fatigue of x.
    pub a: f64,
    /// Fatigue of y.
    pub b: f64,
    /// Grievance of x.
    pub g: f64,
    /// Grievance of y.
    pub h: f64,
}

/// A point of a trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// Time.
    pub t: f64,
    /// Arms of x.
    pub x: f64,
    /// Arms of y.
    pub y: f64,
}

impl Richardson {
    /// The rates of change at `(x, y)`.
    pub fn derivative(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.k * y - self.a * x + self.g,
            self.l * x - self.b * y + self.h,
        )
    }

    fn det(&self) -> f64 {
        self.a * self.b - self.k * self.l
    }

    /// The equilibrium, when `a b != k l`.
    pub fn equilibrium(&self) -> Option<(f64, f64)> {
        let d = self.det();
        (d != 0.0).then(|| {
            (
                (self.k * self.h + self.b * self.g) / d,
                (self.l * self.g + self.a * self.h) / d,
            )
        })
    }

    /// Richardson's stability condition: `a + b > 0` and `a b > k l`.
    pub fn is_stable(&self) -> bool {
        self.a + self.b > 0.0 && self.det() > 0.0
    }

    /// The eigenvalues of `A` as (real, imaginary) pairs.
    pub fn eigenvalues(&self) -> [(f64, f64); 2] {
        let s = -(self.a + self.b) / 2.0;
        let disc = s * s - self.det();
        if disc >= 0.0 {
            [(s + disc.sqrt(), 0.0), (s - disc.sqrt(), 0.0)]
        } else {
            [(s, (-disc).sqrt()), (s, -(-disc).sqrt())]
        }
    }

    /// Integrates from `(x0, y0)` with `steps` RK4 steps of `dt`; returns
    /// `steps + 1` points starting with the initial one.
    pub fn simulate(&self, x0: f64, y0: f64, dt: f64, steps: usize) -> Vec<Point> {
        let mut out = Vec::with_capacity(steps + 1);
        let (mut x, mut y) = (x0, y0);
        out.push(Point { t: 0.0, x, y });
        for n in 1..=steps {
            let (k1x, k1y) = self.derivative(x, y);
            let (k2x, k2y) = self.derivative(x + dt / 2.0 * k1x, y + dt / 2.0 * k1y);
            let (k3x, k3y) = self.derivative(x + dt / 2.0 * k2x, y + dt / 2.0 * k2y);
            let (k4x, k4y) = self.derivative(x + dt * k3x, y + dt * k3y);
            x += dt / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
            y += dt / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
            out.push(Point {
                t: n as f64 * dt,
                x,
                y,
            });
        }
        out
    }

    /// The exact solution at time `t`, when the equilibrium exists.
    pub fn closed_form(&self, x0: f64, y0: f64, t: f64) -> Option<(f64, f64)> {
        let (xs, ys) = self.equilibrium()?;
        let m = self.exp_at(t);
        let (dx, dy) = (x0 - xs, y0 - ys);
        Some((
            xs + m[0][0] * dx + m[0][1] * dy,
            ys + m[1][0] * dx + m[1][1] * dy,
        ))
    }

    /// `e^{A t}` for the 2x2 matrix `A`, by the Cayley-Hamilton form
    /// `e^{st} [f0(t) I + f1(t) (A - s I)]` with `s` half the trace.
    fn exp_at(&self, t: f64) -> [[f64; 2]; 2] {
        let s = -(self.a + self.b) / 2.0;
        let q2 = s * s - self.det();
        let (f0, f1) = if q2 > 1e-15 {
            let q = q2.sqrt();
            ((q * t).cosh(), (q * t).sinh() / q)
        } else if q2 < -1e-15 {
            let w = (-q2).sqrt();
            ((w * t).cos(), (w * t).sin() / w)
        } else {
            (1.0, t)
        };
        let e = (s * t).exp();
        let m = [[-self.a - s, self.k], [self.l, -self.b - s]];
        [
            [e * (f0 + f1 * m[0][0]), e * f1 * m[0][1]],
            [e * f1 * m[1][0], e * (f0 + f1 * m[1][1])],
        ]
    }
}

/// A coefficient with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Standard error.
    pub se: f64,
}

impl Estimate {
    /// `value / se`.
    pub fn t_stat(&self) -> f64 {
        self.value / self.se
    }
}

/// The fit of one equation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EquationFit {
    /// Reaction to the rival (`k` or `l`).
    pub reaction: Estimate,
    /// Fatigue (`a` or `b`; the regression coefficient on own arms is `-a`).
    pub fatigue: Estimate,
    /// Grievance (`g` or `h`).
    pub grievance: Estimate,
    /// Share of the variance of the yearly change explained.
    pub r_squared: f64,
    /// Root mean squared error of the one-step prediction of the level.
    pub rmse: f64,
}

/// The fitted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// Observations used (year pairs).
    pub n: usize,
    /// Equation for x.
    pub x: EquationFit,
    /// Equation for y.
    pub y: EquationFit,
    /// The point estimates as a model.
    pub model: Richardson,
}

/// Least-squares fit of `dep = b0 * r0 + b1 * r1 + b2` with OLS standard errors.
fn ols3(dep: &[f64], r0: &[f64], r1: &[f64]) -> Result<([f64; 3], [f64; 3], f64, f64)> {
    let n = dep.len();
    if n < 5 {
        return Err(Error::Estimation(format!(
            "{n} observations; at least 5 are needed"
        )));
    }
    let rows: Vec<[f64; 3]> = (0..n).map(|i| [r0[i], r1[i], 1.0]).collect();
    let mut xtx = [[0.0; 3]; 3];
    let mut xty = [0.0; 3];
    for (row, &d) in rows.iter().zip(dep) {
        for i in 0..3 {
            xty[i] += row[i] * d;
            for j in 0..3 {
                xtx[i][j] += row[i] * row[j];
            }
        }
    }
    let inv = invert3(xtx).ok_or_else(|| {
        Error::Estimation("the regressors are collinear (a series does not vary)".into())
    })?;
    let mut beta = [0.0; 3];
    for i in 0..3 {
        beta[i] = (0..3).map(|j| inv[i][j] * xty[j]).sum();
    }
    let resid: Vec<f64> = rows
        .iter()
        .zip(dep)
        .map(|(r, d)| d - (beta[0] * r[0] + beta[1] * r[1] + beta[2]))
        .collect();
    let rss: f64 = resid.iter().map(|e| e * e).sum();
    let mean = dep.iter().sum::<f64>() / n as f64;
    let tss: f64 = dep.iter().map(|d| (d - mean).powi(2)).sum();
    let s2 = rss / (n as f64 - 3.0);
    let se = [
        (s2 * inv[0][0]).sqrt(),
        (s2 * inv[1][1]).sqrt(),
        (s2 * inv[2][2]).sqrt(),
    ];
    let r2 = if tss > 0.0 { 1.0 - rss / tss } else { f64::NAN };
    Ok((beta, se, r2, (rss / n as f64).sqrt()))
}

fn invert3(m: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let c =
        |r0: usize, r1: usize, c0: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    let cof = [
        [c(1, 2, 1, 2), -c(1, 2, 0, 2), c(1, 2, 0, 1)],
        [-c(0, 2, 1, 2), c(0, 2, 0, 2), -c(0, 2, 0, 1)],
        [c(0, 1, 1, 2), -c(0, 1, 0, 2), c(0, 1, 0, 1)],
    ];
    let det = m[0][0] * cof[0][0] + m[0][1] * cof[0][1] + m[0][2] * cof[0][2];
    let scale = m.iter().flatten().map(|v| v.abs()).fold(0.0, f64::max);
    if det.abs() <= 1e-12 * scale.powi(3) {
        return None;
    }
    let mut inv = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            inv[i][j] = cof[j][i] / det;
        }
    }
    Some(inv)
}

/// Fits the model to two equally spaced series (e.g. yearly stockpiles).
///
/// Fails with [`Error::Estimation`] when the series differ in length, hold a
/// non-finite value, are shorter than six points, or do not vary.
pub fn fit(x: &[f64], y: &[f64]) -> Result<Fit> {
    if x.len() != y.len() {
        return Err(Error::Estimation(format!(
            "series of {} and {} points",
            x.len(),
            y.len()
        )));
    }
    if let Some(i) = x.iter().chain(y).position(|v| !v.is_finite()) {
        return Err(Error::Estimation(format!(
            "value {i} is not a finite number"
        )));
    }
    let n = x.len().saturating_sub(1);
    let dx: Vec<f64> = (0..n).map(|t| x[t + 1] - x[t]).collect();
    let dy: Vec<f64> = (0..n).map(|t| y[t + 1] - y[t]).collect();
    let (bx, sx, r2x, ex) = ols3(&dx, &y[..n], &x[..n])?;
    let (by, sy, r2y, ey) = ols3(&dy, &x[..n], &y[..n])?;
    let eq = |b: [f64; 3], s: [f64; 3], r2, rmse| EquationFit {
        reaction: Estimate {
            value: b[0],
            se: s[0],
        },
        fatigue: Estimate {
            value: -b[1],
            se: s[1],
        },
        grievance: Estimate {
            value: b[2],
            se: s[2],
        },
        r_squared: r2,
        rmse,
    };
    let xf = eq(bx, sx, r2x, ex);
    let yf = eq(by, sy, r2y, ey);
    Ok(Fit {
        n,
        model: Richardson {
            k: xf.reaction.value,
            a: xf.fatigue.value,
            g: xf.grievance.value,
            l: yf.reaction.value,
            b: yf.fatigue.value,
            h: yf.grievance.value,
        },
        x: xf,
        y: yf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stable() -> Richardson {
        Richardson {
            k: 0.3,
            l: 0.2,
            a: 0.5,
            b: 0.4,
            g: 10.0,
            h: 5.0,
        }
    }

    /// Runaway race: k l > a b.
    fn runaway() -> Richardson {
        Richardson {
            k: 0.9,
            l: 0.8,
            a: 0.2,
            b: 0.3,
            g: 1.0,
            h: 2.0,
        }
    }

    /// Complex eigenvalues: k l < 0 (one side disarms as the other arms).
    fn spiral() -> Richardson {
        Richardson {
            k: 0.6,
            l: -0.7,
            a: 0.1,
            b: 0.1,
            g: 1.0,
            h: 1.0,
        }
    }

    #[test]
    fn equilibrium_matches_the_closed_form() {
        // a b - k l = 0.2 - 0.06 = 0.14; x* = (0.3*5 + 0.4*10) / 0.14 = 5.5 / 0.14,
        // y* = (0.2*10 + 0.5*5) / 0.14 = 4.5 / 0.14.
        let (x, y) = stable().equilibrium().unwrap();
        assert!((x - 5.5 / 0.14).abs() < 1e-12);
        assert!((y - 4.5 / 0.14).abs() < 1e-12);
        let (dx, dy) = stable().derivative(x, y);
        assert!(dx.abs() < 1e-12 && dy.abs() < 1e-12);
        assert!(stable().is_stable());
    }

    #[test]
    fn rk4_follows_the_exact_solution() {
        for m in [stable(), runaway(), spiral()] {
            let path = m.simulate(5.0, 1.0, 0.01, 1000);
            for p in path.iter().step_by(100) {
                let (x, y) = m.closed_form(5.0, 1.0, p.t).unwrap();
                let scale = 1.0 + x.abs().max(y.abs());
                assert!(
                    (p.x - x).abs() / scale < 1e-8,
                    "{m:?} t={} {} vs {x}",
                    p.t,
                    p.x
                );
                assert!(
                    (p.y - y).abs() / scale < 1e-8,
                    "{m:?} t={} {} vs {y}",
                    p.t,
                    p.y
                );
            }
        }
    }

    #[test]
    fn stability_matches_the_eigenvalues() {
        for m in [
            stable(),
            runaway(),
            spiral(),
            Richardson {
                k: 0.6,
                l: -0.7,
                a: -0.3,
                b: 0.1,
                g: 1.0,
                h: 1.0,
            },
        ] {
            let by_eigen = m.eigenvalues().iter().all(|(re, _)| *re < 0.0);
            assert_eq!(m.is_stable(), by_eigen, "{m:?}");
        }
        assert!(!runaway().is_stable());
        let end = runaway().simulate(1.0, 1.0, 0.1, 200).pop().unwrap();
        assert!(end.x > 1e3 && end.y > 1e3, "an unstable race runs away");
    }

    #[test]
    fn fitting_data_made_by_the_model_recovers_it() {
        // Exact Euler steps of a known model: the fit must return its parameters.
        let m = stable();
        let (mut x, mut y) = (vec![1.0], vec![20.0]);
        for t in 0..30 {
            let (dx, dy) = m.derivative(x[t], y[t]);
            x.push(x[t] + dx);
            y.push(y[t] + dy);
        }
        let f = fit(&x, &y).unwrap();
        for (got, want) in [
            (f.model.k, m.k),
            (f.model.a, m.a),
            (f.model.g, m.g),
            (f.model.l, m.l),
            (f.model.b, m.b),
            (f.model.h, m.h),
        ] {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        assert!(f.x.r_squared > 0.999_999);
    }

    #[test]
    fn fitting_rejects_bad_series() {
        assert!(fit(&[1.0, 2.0], &[1.0]).is_err());
        assert!(
            fit(&[1.0; 10], &[2.0; 10]).is_err(),
            "constant series are collinear"
        );
        assert!(fit(&[1.0, f64::NAN, 3.0, 4.0, 5.0, 6.0], &[1.0; 6]).is_err());
        assert!(
            fit(&[1.0, 2.0, 3.0], &[3.0, 1.0, 2.0]).is_err(),
            "too short"
        );
    }
}
