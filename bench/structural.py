#!/usr/bin/env python3
"""Dyad-year building speed: detente against DuckDB SQL over the same CSVs,
in the same run.

Both build the directed dyad-years of the COW state system 1816-2016 with
CINC, major-power status, colonial contiguity, MID onset/ongoing/hostility and
nuclear warheads, from the published files in ../shared/data (the same bytes
detente bundles; FAS country names are matched to COW codes through
crates/core/reference/states.csv in both), and write them to Parquet. The
UN-vote covariates are left out of the comparison (their country matching is
detente's own, see crates/structural/src/votes.rs) and timed separately for
detente with every covariate. Wars are left out too: DuckDB's CSV reader does
not take the war files' CR-only line ends.

Checks that both tables agree (rows, sums and counts of every covariate),
prints medians and the ratio (DuckDB time / detente time; above 1 means
detente is faster) and writes bench/runs/<date>-<host>/structural.json.

Usage: python3 bench/structural.py [--runs 5]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV = HERE / ".venv"
DATA = (REPO / ".." / "shared" / "data").resolve()
COW = DATA / "cow"
sys.path.insert(0, str(HERE))
import common  # noqa: E402


def ensure_duckdb():
    common.ensure_duckdb(__file__)


def detente_bin():
    return common.detente_bin()


DUCKDB_SQL = """
CREATE TEMP TABLE sys AS SELECT ccode::INT AS c, year::INT AS y FROM read_csv('{cow}/system2016.csv');
CREATE TEMP TABLE nmc AS SELECT ccode::INT AS c, year::INT AS y, CASE WHEN cinc = -9 THEN NULL ELSE cinc END AS cinc
  FROM read_csv('{cow}/NMC_5_0.csv.gz');
CREATE TEMP TABLE maj AS SELECT DISTINCT ccode::INT AS c, unnest(range(styear, endyear + 1))::INT AS y
  FROM read_csv('{cow}/majors2016.csv');
CREATE TEMP TABLE col AS SELECT a, b, y, min(t) AS t FROM (
  SELECT least(statelno, statehno)::INT AS a, greatest(statelno, statehno)::INT AS b,
         unnest(range("begin", "end" + 1))::INT AS y, conttype::INT AS t FROM read_csv('{cow}/contcol.csv'))
  GROUP BY ALL;
CREATE TEMP TABLE mid AS SELECT least(statea, stateb)::INT AS a, greatest(statea, stateb)::INT AS b, year::INT AS y,
  bool_or(year = strtyr) AS onset, max(CASE WHEN hihost < 0 THEN 0 ELSE hihost END)::INT AS host
  FROM read_csv('{cow}/dyadic_mid_4.02.csv.gz') GROUP BY ALL;
CREATE TEMP TABLE nuc AS SELECT s.cow_code::INT AS c, n.year::INT AS y, n.nuclear_weapons_stockpile AS w
  FROM read_csv('{nuclear}') n JOIN read_csv('{states}') s
  ON regexp_replace(n.country_name, '\\s+', ' ', 'g') = s.name;
COPY (
  SELECT s1.y AS year, s1.c AS ccode1, s2.c AS ccode2,
    CASE WHEN s1.y <= 2012 THEN n1.cinc END AS cinc1,
    CASE WHEN s1.y <= 2012 THEN n2.cinc END AS cinc2,
    m1.c IS NOT NULL AS major1, m2.c IS NOT NULL AS major2,
    coalesce(col.t, 0) AS colonial_contiguity,
    CASE WHEN s1.y <= 2014 THEN coalesce(mid.onset, false) END AS mid_onset,
    CASE WHEN s1.y <= 2014 THEN mid.a IS NOT NULL END AS mid_ongoing,
    CASE WHEN s1.y <= 2014 THEN coalesce(mid.host, 0) END AS mid_hostility,
    CASE WHEN s1.y >= 1945 THEN coalesce(w1.w, 0) END AS warheads1,
    CASE WHEN s1.y >= 1945 THEN coalesce(w2.w, 0) END AS warheads2
  FROM sys s1 JOIN sys s2 ON s1.y = s2.y AND s1.c <> s2.c
  LEFT JOIN nmc n1 ON n1.c = s1.c AND n1.y = s1.y
  LEFT JOIN nmc n2 ON n2.c = s2.c AND n2.y = s1.y
  LEFT JOIN maj m1 ON m1.c = s1.c AND m1.y = s1.y
  LEFT JOIN maj m2 ON m2.c = s2.c AND m2.y = s1.y
  LEFT JOIN col ON col.a = least(s1.c, s2.c) AND col.b = greatest(s1.c, s2.c) AND col.y = s1.y
  LEFT JOIN mid ON mid.a = least(s1.c, s2.c) AND mid.b = greatest(s1.c, s2.c) AND mid.y = s1.y
  LEFT JOIN nuc w1 ON w1.c = s1.c AND w1.y = s1.y
  LEFT JOIN nuc w2 ON w2.c = s2.c AND w2.y = s1.y
) TO '{out}' (FORMAT parquet, COMPRESSION zstd);
"""

CHECK = """
SELECT count(*), round(sum(cinc1), 6), round(sum(cinc2), 6), count(cinc1),
  sum(major1::INT), sum(major2::INT), sum(colonial_contiguity), count(*) FILTER (colonial_contiguity > 0),
  sum(mid_onset::INT), sum(mid_ongoing::INT), sum(mid_hostility), count(mid_onset),
  sum(warheads1), sum(warheads2), count(warheads1)
FROM read_parquet('{f}')
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    ensure_duckdb()
    import duckdb

    exe = detente_bin()
    tmp = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    env = dict(os.environ, DETENTE_STORE=str(tmp / "store"))
    flags = ["--capabilities", "--majors", "--contiguity", "--mids", "--nuclear"]
    ours = tmp / "detente.parquet"
    theirs = tmp / "duckdb.parquet"
    sql = DUCKDB_SQL.format(
        cow=COW,
        nuclear=DATA / "nuclear" / "nuclear_weapons_stockpiles.csv",
        states=REPO / "crates" / "core" / "reference" / "states.csv",
        out=theirs,
    )

    def run_detente(extra, out):
        t = time.perf_counter()
        subprocess.run(
            [exe, "dyadyears", "--directed", *extra, "--data-dir", str(DATA), "--format", "parquet", "--out", str(out)],
            check=True, env=env, stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - t

    def run_duckdb():
        t = time.perf_counter()
        con = duckdb.connect()
        con.execute(sql)
        con.close()
        return time.perf_counter() - t

    run_detente(flags, ours)
    run_duckdb()
    times = {"detente": [], "duckdb": [], "detente_all_covariates": []}
    for _ in range(args.runs):
        times["detente"].append(run_detente(flags, ours))
        times["duckdb"].append(run_duckdb())
        times["detente_all_covariates"].append(run_detente(["--all"], tmp / "all.parquet"))

    con = duckdb.connect()
    a = con.execute(CHECK.format(f=ours)).fetchone()
    b = con.execute(CHECK.format(f=theirs)).fetchone()
    equal = a == b
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["duckdb"] / med["detente"]
    print(f"directed dyad-years 1816-2016: {a[0]:,} rows (DuckDB {b[0]:,})")
    print(f"aggregates equal: {equal}")
    if not equal:
        print(f"  detente: {a}\n  duckdb:  {b}")
    for k, v in med.items():
        print(f"{k:>24}: median {v:.3f} s over {len(times[k])} runs")
    print(f"ratio DuckDB / detente: {ratio:.2f}x (above 1: detente faster)")
    run_dir = HERE / "runs" / f"{datetime.date.today()}-{platform.node() or 'host'}"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "structural.json").write_text(json.dumps({
        "rows": a[0], "aggregates_equal": equal, "detente_aggregates": a, "duckdb_aggregates": b,
        "times": times, "medians": med, "ratio_duckdb_over_detente": ratio,
        "duckdb_version": duckdb.__version__,
    }, indent=2, default=str) + "\n")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
