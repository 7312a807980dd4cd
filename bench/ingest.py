#!/usr/bin/env python3
"""Ingest speed and memory: detente against DuckDB and Polars, same input, same run.

Builds one large GDELT 2.0 event file by concatenating the real 15-minute
exports in ../shared/data/gdelt/v2/events (repeated until the target size),
then converts it to zstd Parquet with each tool, several runs each, and prints
the median wall time, the peak RSS, the ratio of the medians and each round's
ratio (the tools of a round run back to back). Raw results go to
bench/runs/<date>-<host>/ingest.json.

Usage: python3 bench/ingest.py [--gb 2.0] [--runs 3] [--keep]

DuckDB and Polars are installed with pip into bench/.venv on first use.
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "data" / "gdelt" / "v2" / "events"
VENV = HERE / ".venv"
sys.path.insert(0, str(HERE))
import common  # noqa: E402

# GDELT 2.0 event columns with explicit types, as detente reads them.
STR, I64, I32, F64 = "VARCHAR", "BIGINT", "INTEGER", "DOUBLE"
COLUMNS = (
    [("global_event_id", I64), ("sqldate", I32), ("month_year", I32), ("year", I32), ("fraction_date", F64)]
    + [(f"actor{a}_{c}", STR) for a in (1, 2) for c in (
        "code", "name", "country_code", "known_group_code", "ethnic_code",
        "religion1_code", "religion2_code", "type1_code", "type2_code", "type3_code")]
    + [("is_root_event", I32), ("event_code", STR), ("event_base_code", STR), ("event_root_code", STR),
       ("quad_class", I32), ("goldstein", F64), ("num_mentions", I32), ("num_sources", I32),
       ("num_articles", I32), ("avg_tone", F64)]
    + [(f"{g}_geo_{c}", t) for g in ("actor1", "actor2", "action") for c, t in (
        ("type", I32), ("fullname", STR), ("country_code", STR), ("adm1_code", STR), ("adm2_code", STR),
        ("lat", F64), ("long", F64), ("feature_id", STR))]
    + [("date_added", I64), ("source_url", STR)]
)
assert len(COLUMNS) == 61


def venv_python():
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "duckdb", "polars"], check=True)
    return str(py)


def build_input(path, gb):
    files = sorted(SHARED.glob("*.export.CSV.gz"))
    if not files:
        sys.exit(f"no GDELT 2.0 exports in {SHARED}")
    blob = b"".join(gzip.open(f, "rb").read() for f in files)
    target = int(gb * 1e9)
    with open(path, "wb") as out:
        written = 0
        while written < target:
            out.write(blob)
            written += len(blob)
    return written, len(files)


def run(cmd, env=None):
    """Runs cmd; returns (seconds, peak RSS in bytes).

    Dirty pages of the run before are written out first, untimed: otherwise
    each tool pays, in CPU and disk, for writing back the one before's output.
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{cmd[0]} failed ({code}): {err[-2000:]}")
    return seconds, usage.ru_maxrss * 1024


DUCKDB = """
import duckdb
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute(\"\"\"COPY (SELECT * FROM read_csv('{src}', delim='\\t', header=false, quote='', escape='',
    columns={columns})) TO '{dst}' (FORMAT parquet, COMPRESSION zstd)\"\"\")
"""

POLARS = """
import polars as pl
cols = {cols!r}
types = {{"VARCHAR": pl.Utf8, "BIGINT": pl.Int64, "INTEGER": pl.Int32, "DOUBLE": pl.Float64}}
schema = {{n: types[t] for n, t in cols}}
pl.scan_csv('{src}', separator='\\t', has_header=False, schema=schema, quote_char=None).sink_parquet('{dst}', compression='zstd')
"""

# zstd levels: detente's (crates/events/src/encode.rs, the parquet crate's
# default) and the others' own defaults, which the commands above leave as
# they are (Polars documents 3). The output sizes printed next to the times
# show what each buys.
LEVELS = {"detente": "1", "duckdb": "default", "polars": "3, the default"}

CHECK = """
import duckdb, json
con = duckdb.connect()
q = "SELECT count(*), sum(goldstein), sum(num_mentions), sum(avg_tone) FROM read_parquet('{glob}')"
print(json.dumps(con.execute(q).fetchone()))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=2.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the input and outputs")
    args = ap.parse_args()
    py = venv_python()
    detente = common.detente_bin()
    # pip installs the latest releases: results name the versions they timed.
    versions = json.loads(subprocess.run(
        [py, "-c", "import duckdb, json, polars; print(json.dumps({'duckdb': duckdb.__version__, 'polars': polars.__version__}))"],
        capture_output=True, text=True, check=True).stdout)
    versions["detente"] = subprocess.run([detente, "--version"], capture_output=True, text=True,
                                         check=True).stdout.split()[-1]
    print("versions: " + ", ".join(f"{n} {v}" for n, v in sorted(versions.items())))
    work = Path(tempfile.mkdtemp(prefix="detente-bench-"))
    src = work / "gdelt2-big.csv"
    size, nfiles = build_input(src, args.gb)
    print(f"input: {size / 1e9:.2f} GB ({nfiles} real GDELT 2.0 exports, repeated)")
    cols = COLUMNS
    duck_columns = "{" + ", ".join(f"'{n}': '{t}'" for n, t in cols) + "}"
    tools = {
        "detente": lambda i: [detente, "--store", str(work / f"store-{i}"), "ingest", str(src), "--quiet"],
        "duckdb": lambda i: [py, "-c", DUCKDB.format(columns=duck_columns, src=src, dst=work / f"duckdb-{i}.parquet")],
        "polars": lambda i: [py, "-c", POLARS.format(cols=cols, src=src, dst=work / f"polars-{i}.parquet")],
    }
    results = {name: [] for name in tools}
    for i in range(args.runs + 1):  # the first round warms the page cache
        for name, cmd in tools.items():
            seconds, rss = run(cmd(i))
            if i > 0:
                results[name].append({"seconds": seconds, "peak_rss": rss})
            print(f"  run {i} {name:8} {seconds:7.2f} s  {rss / 1e9:5.2f} GB{'  (warm-up)' if i == 0 else ''}")
            if name != "detente" and not args.keep:
                out = work / f"{name}-{i}.parquet"
                if i < args.runs and out.exists():
                    out.unlink()
            if name == "detente" and i < args.runs:
                shutil.rmtree(work / f"store-{i}", ignore_errors=True)
    # Output bytes of the last run: detente's event files, the others' file.
    last = args.runs
    outputs = {
        "detente": sum(f.stat().st_size for f in (work / f"store-{last}" / "events").rglob("*.parquet")),
        "duckdb": (work / f"duckdb-{last}.parquet").stat().st_size,
        "polars": (work / f"polars-{last}.parquet").stat().st_size,
    }
    med = {n: statistics.median(r["seconds"] for r in v) for n, v in results.items()}
    rss = {n: max(r["peak_rss"] for r in v) for n, v in results.items()}
    best_other = min(med["duckdb"], med["polars"])
    print()
    for n in tools:
        print(f"{n:8} median {med[n]:7.2f} s   peak RSS {rss[n] / 1e9:5.2f} GB   {size / 1e6 / med[n]:7.1f} MB/s"
              f"   output {outputs[n] / 1e6:6.1f} MB (zstd level {LEVELS[n]})")
    print(f"ratio: detente is {best_other / med['detente']:.2f}x the faster of DuckDB and Polars "
          f"(DuckDB/detente {med['duckdb'] / med['detente']:.2f}, Polars/detente {med['polars'] / med['detente']:.2f})")
    # The tools of one round run back to back, so a round's ratio sees the
    # machine about as each tool saw it: their spread shows how steady the
    # median's ratio is on a noisy machine.
    per_round = [min(d["seconds"], p["seconds"]) / t["seconds"]
                 for t, d, p in zip(results["detente"], results["duckdb"], results["polars"])]
    print(f"ratio per round: {', '.join(f'{r:.2f}' for r in per_round)} "
          f"(min {min(per_round):.2f}, median {statistics.median(per_round):.2f}, max {max(per_round):.2f})")
    # Equality: the same rows and sums from detente's Parquet and DuckDB's.
    ours = subprocess.run([py, "-c", CHECK.format(glob=work / f"store-{last}" / "events" / "**" / "*.parquet")],
                          capture_output=True, text=True, check=True).stdout
    theirs = subprocess.run([py, "-c", CHECK.format(glob=work / f"duckdb-{last}.parquet")],
                            capture_output=True, text=True, check=True).stdout
    a, b = json.loads(ours), json.loads(theirs)
    same = a[0] == b[0] and all(abs(x - y) <= 1e-6 * max(1.0, abs(y)) for x, y in zip(a[1:], b[1:]))
    print(f"equality (rows, sum goldstein, sum num_mentions, sum avg_tone): detente {a} duckdb {b}: "
          f"{'equal' if same else 'DIFFERENT'}")
    day = datetime.date.today().isoformat()
    out_dir = HERE / "runs" / f"{day}-{platform.node() or 'machine'}"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "ingest.json").write_text(json.dumps({
        "input_bytes": size, "runs": results, "median_seconds": med, "peak_rss": rss,
        "output_bytes": outputs, "zstd_level": LEVELS,
        "ratio_vs_faster": best_other / med["detente"], "ratio_per_round": per_round, "equality": {"detente": a, "duckdb": b, "equal": same},
        "cpus": os.cpu_count(), "python": platform.python_version(), "versions": versions,
    }, indent=2))
    print(f"raw results: {(out_dir / 'ingest.json').relative_to(REPO)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
