#!/usr/bin/env python3
"""Query speed: detente (DataFusion over the store) against DuckDB, on the same
Parquet files, in the same run.

Builds a store by ingesting one large GDELT 2.0 file (the real 15-minute
exports of ../shared/data/gdelt/v2/events concatenated, as bench/ingest.py
does), then runs a fixed set of queries with `detente sql --timing` (all runs
of a query in one process, so the per-query time excludes process start) and
with DuckDB over the store's Parquet files (hive partitioning), checks that both
give the same rows, and prints medians and ratios. Each query runs twice in
detente: as it runs for users (an aggregate the rollup can answer reads the
rollup) and with `SET detente.rollup_rewrite = false` (the raw events, as
DuckDB reads them); both ratios are printed. `pulse` compares
`detente pulse` (whole command, reading the rollup) with DuckDB computing the
same weekly series from the raw events, both as a whole command and as timed
inside detente (`--timing`: opening the store and computing the answer, as
the SQL queries are timed inside one process), and warm: computed several
times in one process (`--repeat`), the first left out, as the SQL queries and
DuckDB's are timed. Raw results go to
bench/runs/<date>-<host>/analytics.json.

Usage: python3 bench/analytics.py [--gb 1.0] [--runs 5] [--store DIR]

DuckDB is installed with pip into bench/.venv on first use; the script then
re-runs itself with that interpreter. detente is built with `--release`.
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
sys.path.insert(0, str(HERE))
import common  # noqa: E402

# The same SQL runs on both engines: `events` is the store's table in
# detente and a view over the same Parquet files in DuckDB; `cameo_event_codes`
# is detente's table and, in DuckDB, GDELT's CAMEO.eventcodes.txt shipped in
# crates/core/reference/cameo.
DYAD = "least(actor1_country_code, actor2_country_code) || '-' || greatest(actor1_country_code, actor2_country_code)"
QUERIES = {
    "yearly_quad_counts": "SELECT year, quad_class, count(*) AS n FROM events GROUP BY year, quad_class ORDER BY year, quad_class",
    "top20_conflict_dyads_2024": (
        f"SELECT {DYAD} AS dyad, count(*) AS n FROM events "
        "WHERE year = 2024 AND quad_class IN (3, 4) AND actor1_country_code IS NOT NULL "
        "AND actor2_country_code IS NOT NULL AND actor1_country_code <> actor2_country_code "
        "GROUP BY dyad ORDER BY n DESC, dyad LIMIT 20"
    ),
    "dyad_weekly_pulse_raw": (
        "SELECT date_trunc('week', day) AS week, quad_class, count(*) AS n, round(avg(goldstein), 6) AS g "
        "FROM events WHERE (actor1_country_code = 'RUS' AND actor2_country_code = 'USA') "
        "OR (actor1_country_code = 'USA' AND actor2_country_code = 'RUS') "
        "GROUP BY week, quad_class ORDER BY week, quad_class"
    ),
    "join_cameo_names": (
        "SELECT c.label, count(*) AS n FROM events e JOIN cameo_event_codes c ON c.code = e.event_code "
        "GROUP BY c.label ORDER BY n DESC, c.label LIMIT 10"
    ),
    "one_month_filter": (
        "SELECT count(*) AS n, round(avg(avg_tone), 6) AS tone FROM events "
        "WHERE day BETWEEN DATE '2024-12-01' AND DATE '2024-12-31'"
    ),
}


def ensure_duckdb():
    common.ensure_duckdb(__file__)


def detente_bin():
    return common.detente_bin()


def normal(rows):
    """Rows as sorted tuples of strings, floats to 6 decimals, dates as ISO."""
    out = []
    for r in rows:
        cells = []
        for v in r:
            if isinstance(v, float):
                cells.append(f"{v:.6f}")
            elif v is None:
                cells.append("")
            elif isinstance(v, (datetime.date, datetime.datetime)):
                cells.append(v.isoformat()[:10])
            else:
                # GDELT's CAMEO table has trailing spaces in a few labels;
                # detente trims them.
                s = str(v).strip()
                # detente prints timestamps as 2024-12-02T00:00:00; keep the day.
                if len(s) >= 19 and s[4] == "-" and s[10] == "T":
                    s = s[:10]
                try:
                    cells.append(f"{float(s):.6f}" if "." in s else s)
                except ValueError:
                    cells.append(s)
        out.append(tuple(cells))
    return sorted(out)


def detente_times(exe, store, sql, runs, rollup=True):
    """Runs the statement 1 + runs times in one process; returns (times, rows).
    With rollup=False the session first turns off answering aggregates from
    the rollup, so the query reads the raw events."""
    setup = [] if rollup else ["SET detente.rollup_rewrite = false"]
    text = ";\n".join(setup + [sql] * (runs + 1)) + ";\n"
    p = subprocess.run(
        [exe, "--store", str(store), "sql", "--timing", "--format", "csv"],
        input=text, capture_output=True, text=True, check=True,
    )
    times = [float(l.split(":")[1].split()[0]) for l in p.stderr.splitlines() if l.startswith("statement ")]
    # Each run prints a header and its rows; take the last run's block.
    lines = p.stdout.splitlines()
    header = lines[0]
    blocks, cur = [], []
    for l in lines:
        if l == header:
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(l)
    blocks.append(cur)
    import csv
    rows = [tuple(r) for r in csv.reader(blocks[-1])]
    return times[len(setup) + 1:], rows


def main():
    ensure_duckdb()
    import duckdb
    from ingest import build_input

    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--store", type=Path, help="reuse this store if it exists")
    args = ap.parse_args()

    exe = detente_bin()
    work = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    store = args.store or work / "store"
    if not (store / "events.sqlite").exists():
        src = work / "input.csv"
        build_input(src, args.gb)
        t = time.time()
        subprocess.run([exe, "--store", str(store), "ingest", "-q", str(src)], check=True)
        print(f"ingested {src.stat().st_size / 1e9:.2f} GB in {time.time() - t:.1f} s")
        src.unlink()
    rows = subprocess.run(
        [exe, "--store", str(store), "sql", "SELECT count(*) FROM events", "--format", "csv"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()[1]
    print(f"store: {rows} events")

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        f"CREATE VIEW events AS SELECT * FROM read_parquet('{store}/events/**/*.parquet', hive_partitioning = true)"
    )
    codes = REPO / "crates" / "core" / "reference" / "cameo" / "CAMEO.eventcodes.txt"
    con.execute(
        f"CREATE TABLE cameo_event_codes AS SELECT * FROM read_csv('{codes}', delim = '\t', header = true, "
        "all_varchar = true, names = ['code', 'label'])"
    )

    results = {}
    print("median seconds; ratio = DuckDB / detente (above 1: detente faster)")
    print("detente: as it runs (aggregates the rollup can answer read it); raw: rollup answers turned off")
    print(f"{'query':28} {'detente':>10} {'raw':>10} {'duckdb':>10} {'ratio':>7} {'raw':>7}  equal")
    for name, sql in QUERIES.items():
        d_times, d_rows = detente_times(exe, store, sql, args.runs)
        r_times, r_rows = detente_times(exe, store, sql, args.runs, rollup=False)
        con.execute(sql).fetchall()
        k_times, k_rows = [], None
        for _ in range(args.runs):
            t = time.perf_counter()
            k_rows = con.execute(sql).fetchall()
            k_times.append(time.perf_counter() - t)
        d, r, k = statistics.median(d_times), statistics.median(r_times), statistics.median(k_times)
        equal = normal(d_rows) == normal(k_rows) and normal(r_rows) == normal(k_rows)
        results[name] = {"detente_s": d_times, "detente_raw_s": r_times, "duckdb_s": k_times,
                         "ratio": k / d, "ratio_raw": k / r, "equal": equal, "rows": len(k_rows)}
        print(f"{name:28} {d:10.4f} {r:10.4f} {k:10.4f} {k / d:6.2f}x {k / r:6.2f}x  {equal}")

    # Pulse: the whole `detente pulse` command (reading the rollup) against
    # DuckDB computing the weekly series from the raw events.
    pulse_cmd = [exe, "--store", str(store), "pulse", "RUS", "USA", "--from", "2014-01-01",
                 "--to", "2025-12-31", "--freq", "week", "--format", "csv", "--timing"]
    subprocess.run(pulse_cmd, capture_output=True, check=True)
    p_times, p_inside = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        done = subprocess.run(pulse_cmd, capture_output=True, text=True, check=True)
        p_times.append(time.perf_counter() - t)
        out = done.stdout
        # "pulse: 0.008 s, ...": from opening the store to the answer.
        p_inside.append(float(done.stderr.split("pulse:")[1].split()[0]))
    sql = QUERIES["dyad_weekly_pulse_raw"].replace(", round(avg(goldstein), 6) AS g", "")
    k_rows = con.execute(f"SELECT sum(n) FROM ({sql})").fetchall()
    k_times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        con.execute(sql).fetchall()
        k_times.append(time.perf_counter() - t)
    import csv
    d_total = sum(int(r["events"]) for r in csv.DictReader(out.splitlines()) if r["events"])
    d, k = statistics.median(p_times), statistics.median(k_times)
    equal = d_total == k_rows[0][0]
    results["pulse_rollup_vs_raw"] = {"detente_s": p_times, "duckdb_s": k_times, "ratio": k / d, "equal": equal}
    print(f"{'pulse (rollup, whole cmd)':28} {d:10.4f} {k:10.4f} {k / d:6.2f}x  {equal} ({d_total} events)")
    # The same runs, timed inside detente (store opened, answer computed), as
    # the SQL queries above are timed inside one process.
    d = statistics.median(p_inside)
    results["pulse_rollup_vs_raw_in_process"] = {"detente_s": p_inside, "duckdb_s": k_times, "ratio": k / d,
                                                 "equal": equal}
    print(f"{'pulse (rollup, in process)':28} {d:10.4f} {k:10.4f} {k / d:6.2f}x  {equal}")
    # Warm, as the SQL queries and DuckDB are timed: the pulse computed in one
    # process (store opened each time), the first left out. A pulse takes a few
    # milliseconds, so it runs at least 30 times for a steadier median.
    warm_runs = max(args.runs, 30)
    done = subprocess.run(pulse_cmd + ["--repeat", str(warm_runs + 1)], capture_output=True, text=True,
                          check=True)
    p_warm = [float(l.split("pulse:")[1].split()[0]) for l in done.stderr.splitlines()
              if l.startswith("pulse:")][1:]
    d = statistics.median(p_warm)
    results["pulse_rollup_vs_raw_in_process_warm"] = {"detente_s": p_warm, "duckdb_s": k_times, "ratio": k / d,
                                                      "equal": equal}
    print(f"{'pulse (rollup, warm)':28} {d:10.4f} {k:10.4f} {k / d:6.2f}x  {equal}")

    run_dir = HERE / "runs" / f"{datetime.date.today()}-{platform.node() or 'host'}"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "analytics.json").write_text(json.dumps({
        "events": int(rows), "runs": args.runs, "duckdb": duckdb.__version__, "results": results,
    }, indent=2) + "\n")
    print(f"results: {(run_dir / 'analytics.json').relative_to(REPO)}")


if __name__ == "__main__":
    main()
