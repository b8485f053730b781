#!/usr/bin/env python
"""Page latency and throughput (not a test): the portal under gunicorn, one table.

    scripts/services.sh start          # PostgreSQL and Elasticsearch, once
    .venv/bin/python bench/pages_bench.py
    # options: --seconds 5 --connections 16 --workers 2 --keep-db --drop-db --tool python

For each kind of request: p50 and p95 latency on ONE connection (one request
after another), then requests per second with ``--connections`` concurrent
connections, each for ``--seconds``. The kinds: ``/robots.txt`` (the floor:
the whole middleware stack and a tiny view), the Russian home page and "get
help" served from the public page cache (after a warm-up request), the home
page rendered (a query parameter the page cache does not know, varied on every
request, makes it skip the cache: ``CACHEABLE_PARAMS`` in portal/home/cache.py),
``/statistics/`` and a search for a Russian word of the demo.

The portal runs as in production (bench/common.py, ``BenchSite``) on a bench
database filled by ``load_demo``; the database is dropped at the end unless
``--keep-db`` (a kept one is reused by the next run, of this script or of
bench/load.py). ``wrk`` measures when it is installed (it is installed with
apt-get on first use when we are root); else a Python client does, and the
table says which.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_DB,
    DEFAULT_PORT,
    PROXY_HEADERS,
    BenchSite,
    Gunicorn,
    commit,
    get,
    machine,
    say,
)

SEARCH_WORD = "миграция"
# (label, path, vary): vary adds ?bench=<n> so every request misses the page cache.
KINDS = [
    ("`/robots.txt` (the floor)", "/robots.txt", False),
    ("`/ru/` from the page cache", "/ru/", False),
    ("`/ru/` rendered (cache bypassed)", "/ru/", True),
    ("`/ru/get-help/` from the page cache", "/ru/get-help/", False),
    ("`/statistics/`", "/statistics/", False),
    (f"`/search/?q={SEARCH_WORD}`", "/search/?q=" + urllib.parse.quote(SEARCH_WORD), False),
]

WRK_SCRIPT = r"""
local path, vary, counter = "/", false, 0
id = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  path = args[1]
  vary = args[2] == "vary"
end
wrk.headers["X-Forwarded-Proto"] = "https"
function request()
  if not vary then
    return wrk.format("GET", path)
  end
  counter = counter + 1
  local sep = string.find(path, "?", 1, true) and "&" or "?"
  return wrk.format("GET", path .. sep .. "bench=" .. id .. "-" .. counter)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %.1f %.1f\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95)))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", default=DEFAULT_DB, help="bench database name")
    parser.add_argument("--keep-db", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--drop-db", action="store_true", help="drop a kept bench database first (start afresh)"
    )
    parser.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    return parser.parse_args()


# --- wrk --------------------------------------------------------------------------


def find_wrk(install):
    if shutil.which("wrk") or not install:
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing wrk with apt-get (once per machine)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "wrk"]
        if subprocess.run(command, env=env, capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
            subprocess.run(command, env=env, capture_output=True)
    return shutil.which("wrk")


class Wrk:
    name = "wrk"

    def __init__(self, binary, port):
        self.binary, self.port = binary, port
        handle, self.script = tempfile.mkstemp(suffix=".lua", prefix="pages-bench-")
        with os.fdopen(handle, "w") as script:
            script.write(WRK_SCRIPT)

    def version(self):
        result = subprocess.run([self.binary, "-v"], capture_output=True, text=True)
        return (result.stdout + result.stderr).split("\n")[0].strip()

    def run(self, path, vary, connections, seconds):
        threads = min(connections, 2)
        result = subprocess.run(
            [
                self.binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                self.script,
                f"http://127.0.0.1:{self.port}{path}",
                "--",
                path,
                "vary" if vary else "fixed",
            ],
            capture_output=True,
            text=True,
        )
        line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
        if line is None:
            raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
        requests, duration_us, bad_status, socket_errors, p50_us, p95_us = line.split()[1:]
        return {
            "requests": int(requests),
            "rps": int(requests) / (int(duration_us) / 1e6),
            "errors": int(bad_status) + int(socket_errors),
            "p50": float(p50_us) / 1000,
            "p95": float(p95_us) / 1000,
        }

    def close(self):
        os.unlink(self.script)


# --- The Python fallback ------------------------------------------------------------


class PythonClient:
    """Keep-alive connections in threads (http.client). Slower than wrk: with
    many connections the client's own GIL caps the req/s it can show."""

    name = "Python http.client"

    def __init__(self, port):
        self.port = port

    def version(self):
        return f"Python {sys.version.split()[0]} http.client, threads"

    def run(self, path, vary, connections, seconds):
        import http.client

        samples, errors, lock = [], [0], threading.Lock()
        deadline = time.perf_counter() + seconds

        def worker(number):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            counter = 0
            while time.perf_counter() < deadline:
                counter += 1
                target = path
                if vary:
                    target += ("&" if "?" in path else "?") + f"bench={number}-{counter}"
                started = time.perf_counter()
                try:
                    connection.request("GET", target, headers=PROXY_HEADERS)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status < 400
                except OSError:
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                elapsed = time.perf_counter() - started
                with lock:
                    samples.append(elapsed)
                    errors[0] += 0 if ok else 1

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.perf_counter() - started
        ordered = sorted(samples) or [0]
        return {
            "requests": len(samples),
            "rps": len(samples) / duration,
            "errors": errors[0],
            "p50": statistics.median(ordered) * 1000,
            "p95": ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000,
        }

    def close(self):
        pass


# --- The run ----------------------------------------------------------------------


def measure(client, port, args, server):
    rows = []
    for label, path, vary in KINDS:
        say(f"measuring {label}")
        status, _ = get(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: see the gunicorn log")
        for _ in range(3):  # warm-up: fills the page cache, the workers' template caches
            get(port, path)
        one = client.run(path, vary, 1, args.seconds)
        cpu_before = server.worker_cpu_seconds()
        many = client.run(path, vary, args.connections, args.seconds)
        cpu = server.worker_cpu_seconds() - cpu_before
        many["cpu_ms"] = 1000 * cpu / max(many["requests"], 1)
        rows.append((label, one, many))
    return rows


def print_table(rows, args, site, tool):
    print()
    print(
        f"| request | 1 connection: p50 | p95 | {args.connections} connections: req/s "
        f"| worker CPU per request | errors |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, one, many in rows:
        print(
            f"| {label} | {one['p50']:.2f} ms | {one['p95']:.2f} ms | {many['rps']:,.0f} "
            f"| {many['cpu_ms']:.2f} ms | {one['errors'] + many['errors']} |"
        )
    print()
    print(
        f"Measured by: {tool}; {args.seconds:g} s per measurement, after 3 warm-up requests. "
        f"Worker CPU per request: user + system time of the gunicorn workers during the "
        f"{args.connections}-connection run, divided by its requests (PostgreSQL and "
        f"Elasticsearch not included); other work on the machine sways it less than latency."
    )
    print(f"Machine: {machine()}; load average before the run {args.load_before}.")
    print(f"Commit: {commit()}.")
    print(f"Settings: {site.described()}; clients send X-Forwarded-Proto: https as the proxy does.")


def main():
    args = parse_args()
    site = BenchSite(db_name=args.db, port=args.port, workers=args.workers)
    if args.drop_db:
        site.drop()
    wrk = None if args.tool == "python" else find_wrk(install=args.tool in {"auto", "wrk"})
    if args.tool == "wrk" and wrk is None:
        raise SystemExit("wrk is not installed and could not be installed (apt-get install wrk).")
    client = Wrk(wrk, args.port) if wrk else PythonClient(args.port)
    if not wrk:
        say("wrk is not available: measuring with the Python client (slower, see the table)")
    server = Gunicorn(site)
    try:
        site.prepare()
        server.start()
        args.load_before = " / ".join(f"{value:.1f}" for value in os.getloadavg())
        rows = measure(client, args.port, args, server)
        server.stop()
        print_table(rows, args, site, f"{client.name} ({client.version()})")
    finally:
        server.stop()
        client.close()
        if args.keep_db:
            say(f"kept the bench database {site.db_name} (--drop-db drops it)")
        else:
            site.drop()


if __name__ == "__main__":
    main()
