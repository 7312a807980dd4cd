#!/usr/bin/env python3
"""Load test of `detente serve` on 127.0.0.1 with wrk.

Starts the release build of detente on a fresh store with the shared GDELT 2.0
exports ingested, then runs wrk (2 threads, 100 connections, a fixed duration)
against a relations query and a pulse query, and prints requests per second
and the p50/p99 latencies wrk reports. Each query runs twice: the same URL
over and over (answered from the server's cache after the first request),
and, for relations and the report, a different day in every request (each
answer computed by the atlas). The goal of the HTTP issue: p99 under
10 ms for the relations query at 100 connections on this 2-core machine, with
wrk on the same machine taking its share of the cores.

wrk comes from Debian's packages (installed here when missing). Raw wrk output
goes to bench/runs/<date>-<host>/serve.txt, the figures to serve.json.

Usage: python3 bench/serve.py [--seconds 10] [--connections 100]
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DATA = (REPO / ".." / "shared" / "data" / "gdelt" / "v2" / "events").resolve()
sys.path.insert(0, str(HERE))
import common  # noqa: E402

QUERIES = {
    "relations": "/api/v1/actors/RUS/relations?as_of=2025-06-01&kind=diplomatic",
    "report": "/api/v1/actors/RUS/report?as_of=2025-06-01",
    "pulse": "/api/v1/dyads/USA/RUS/pulse?from=2024-10-01&to=2025-02-28&freq=week",
}
# The same questions on a different day each request (1970-2069, spread over
# the two wrk threads): every answer is computed, none comes from the cache.
VARYING = {
    "relations_each_day": "/api/v1/actors/RUS/relations?kind=diplomatic&as_of=",
    "report_each_day": "/api/v1/actors/RUS/report?as_of=",
}
LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local i = 0
function request()
  i = i + 1
  local day = ((id or 1) * 18250 + i * 7919) %% 36500
  return wrk.format(nil, "%s" .. os.date("!%%Y-%%m-%%d", day * 86400))
end
"""


def ensure_wrk():
    if shutil.which("wrk"):
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse(text):
    """Requests/s and latency percentiles from wrk --latency output."""
    out = {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        out[f"p{pct}_ms"] = round(ms(m.group(1), m.group(2)), 3)
    m = re.search(r"(\d+) requests in", text)
    out["requests"] = int(m.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: (.*)", text)
    out["socket_errors"] = errors.group(1) if errors else ""
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=100)
    args = ap.parse_args()
    ensure_wrk()
    binary = common.detente_bin()
    store = tempfile.mkdtemp(prefix="detente-serve-bench-")
    r = subprocess.run([binary, "--store", store, "ingest", str(DATA), "--quiet"],
                       stdout=subprocess.DEVNULL)
    if r.returncode not in (0, 4):
        sys.exit(f"ingest failed with {r.returncode}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    lua_dir = tempfile.mkdtemp(prefix="detente-wrk-")
    server = subprocess.Popen([binary, "--store", store, "serve", "--addr", f"127.0.0.1:{port}"],
                              stderr=subprocess.DEVNULL, env={**os.environ, "RUST_LOG": "warn"})
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/status", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        results, raw = {}, []
        runs = [(name, path, []) for name, path in QUERIES.items()]
        for name, prefix in VARYING.items():
            script = Path(lua_dir) / f"{name}.lua"
            script.write_text(LUA % prefix)
            runs.append((name, prefix + "2000-01-01", ["-s", str(script)]))
        for name, path, extra in runs:
            with urllib.request.urlopen(base + path) as resp:
                assert resp.status == 200, (name, resp.status)
            # Warm-up, then the measured run.
            subprocess.run(["wrk", "-t2", "-c10", "-d2s", *extra, base + path], capture_output=True)
            out = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s",
                                  "--latency", *extra, base + path],
                                 capture_output=True, text=True, check=True).stdout
            raw.append(f"== {name} {path}\n{out}")
            results[name] = parse(out)
            x = results[name]
            print(f"{name:18s} {x['requests']:8d} requests  {x['requests_per_second']:9.0f} req/s  "
                  f"p50 {x['p50_ms']:8.2f} ms  p99 {x['p99_ms']:8.2f} ms  non-2xx {x['non_2xx']}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(lua_dir, ignore_errors=True)
    goal = results["relations"]["p99_ms"] < 10.0
    print(f"relations p99 {results['relations']['p99_ms']} ms at {args.connections} connections: "
          f"goal (< 10 ms) {'met' if goal else 'NOT met'}")
    run_dir = HERE / "runs" / f"{datetime.date.today()}-{platform.node() or 'host'}"
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "serve.txt").write_text("\n".join(raw))
    (run_dir / "serve.json").write_text(json.dumps({
        "connections": args.connections, "seconds": args.seconds, "threads": 2,
        "binary": Path(binary).name, "queries": {**QUERIES, **VARYING}, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
