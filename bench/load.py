#!/usr/bin/env python
"""Load held (not a test): a mixed population against the portal under gunicorn.

    scripts/services.sh start          # PostgreSQL and Elasticsearch, once
    .venv/bin/python bench/load.py
    # options: --seconds 60 --users 50 --spawn-rate 2 --workers 2 --keep-db --drop-db

locust (headless, its library API) plays visitors, members and partners in the
proportions bench/locustfile.py explains (35 : 12 : 3) for ``--seconds``
against gunicorn with the production settings on the real PostgreSQL and
Elasticsearch (bench/common.py), in a bench database filled by ``load_demo``.
The bench members sign in through the real form with password and TOTP code;
the partners use API tokens made for the run (bench/load_fixtures.py).

It prints, per kind of request, req/s and p50/p95/p99 (ramp-up included),
errors, the total, each gunicorn worker's resident memory after the run
(VmRSS of the master's children), and the targets of issue 13 beside them.

locust is not in requirements-dev.txt (gevent is big and every `make test`
would install it): on first use this script makes a virtualenv of its own,
``.services/bench/venv``, from ``requirements-bench.txt`` and says so; locust
runs there, in a process of its own.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_ROOT,
    DEFAULT_DB,
    DEFAULT_PORT,
    ROOT,
    BenchSite,
    Gunicorn,
    commit,
    get,
    machine,
    say,
)

BENCH_VENV = BENCH_ROOT / "venv"
REQUIREMENTS = ROOT / "requirements-bench.txt"
# Users per population in bench/locustfile.py (Visitor, Member, Partner weights).
WEIGHTS = {"visitor": 35, "member": 12, "partner": 3}
TARGET_ERRORS = 0
TARGET_PAGE_P95 = 200
TARGET_SEARCH_P95 = 300
TARGET_WORKER_MB = 250


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    # Two a second: the members among them arrive over the ramp-up, not all at once.
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--db", default=DEFAULT_DB, help="bench database name")
    parser.add_argument("--keep-db", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--drop-db", action="store_true", help="drop a kept bench database first (start afresh)"
    )
    return parser.parse_args()


def bench_python():
    """The bench virtualenv's interpreter, made from requirements-bench.txt once."""
    python = BENCH_VENV / "bin" / "python"
    stamp = BENCH_VENV / ".installed"
    wanted = REQUIREMENTS.read_text()
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    say(
        f"installing the bench requirements ({REQUIREMENTS.name}: locust and its gevent) "
        f"into {BENCH_VENV.relative_to(ROOT)}, once; the project's .venv is left alone"
    )
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(wanted)
    return python


def make_fixtures(site, users):
    members = math.ceil(users * WEIGHTS["member"] / sum(WEIGHTS.values())) + 1
    partners = math.ceil(users * WEIGHTS["partner"] / sum(WEIGHTS.values())) + 1
    say(f"bench accounts: {members} members with TOTP authenticators, {partners} partner tokens")
    output = site.django_script(
        "from bench.load_fixtures import main; main()", str(members), str(partners)
    )
    path = site.folder / "load-fixtures.json"
    path.write_text(output)
    return path


def run_locust(python, fixtures, site, args):
    out = site.folder / "load-result.json"
    log = site.folder / "locust.log"
    say(
        f"locust: {args.users} users ({args.spawn_rate:g} started per second) "
        f"for {args.seconds} s; its log: {log.relative_to(ROOT)}"
    )
    with log.open("w") as stderr:
        result = subprocess.run(
            [
                str(python),
                str(ROOT / "bench" / "locustfile.py"),
                str(fixtures),
                site.base_url,
                str(args.users),
                str(args.seconds),
                str(args.spawn_rate),
                str(out),
            ],
            cwd=ROOT,
            stderr=stderr,
        )
    if result.returncode or not out.exists():
        tail = "\n".join(log.read_text().splitlines()[-30:])
        raise SystemExit(f"locust failed (exit {result.returncode}):\n{tail}")
    return json.loads(out.read_text())


def target_of(name):
    if "sign in" in name or "sign-in" in name:
        return None  # password hashing is slow on purpose; not a page people wait on twice
    return TARGET_SEARCH_P95 if "search" in name else TARGET_PAGE_P95


def verdict(ok):
    return "met" if ok else "**not met**"


def print_table(result, memory, site, args, load_before):
    ramp_rows = [
        {**row, "name": f"{row['name']} (during the ramp-up)"} for row in result["ramp_up_entries"]
    ]
    # The sign-in rows of the measured period are empty: members signed in during the ramp-up.
    rows = [*(row for row in result["entries"] if row["requests"]), *ramp_rows]
    ramp_failures = sum(error["count"] for error in result["ramp_up_errors"])
    print()
    print("| request | requests | req/s | p50 | p95 | p99 | errors | p95 target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        target = target_of(row["name"])
        shown = "—" if target is None else f"≤ {target} ms: {verdict(row['p95'] <= target)}"
        print(
            f"| {row['name']} | {row['requests']} | {row['rps']:.1f} | {row['p50']:.0f} ms "
            f"| {row['p95']:.0f} ms | {row['p99']:.0f} ms | {row['failures']} | {shown} |"
        )
    total = result["total"]
    print(
        f"| **all** | {total['requests']} | {total['rps']:.1f} | {total['p50']:.0f} ms "
        f"| {total['p95']:.0f} ms | {total['p99']:.0f} ms | {total['failures']} | |"
    )
    print()
    pages = [r for r in rows if target_of(r["name"]) == TARGET_PAGE_P95]
    searches = [r for r in rows if target_of(r["name"]) == TARGET_SEARCH_P95]
    worst_page = max(pages, key=lambda r: r["p95"], default=None)
    worst_search = max(searches, key=lambda r: r["p95"], default=None)
    print("| target (issue 13) | measured | |")
    print("| --- | --- | --- |")
    failures = total["failures"] + ramp_failures
    print(
        f"| {TARGET_ERRORS} errors | {failures} errors ({ramp_failures} during the ramp-up) | "
        f"{verdict(failures <= TARGET_ERRORS)} |"
    )
    if worst_page:
        print(
            f"| pages p95 ≤ {TARGET_PAGE_P95} ms | worst: {worst_page['name']}, "
            f"{worst_page['p95']:.0f} ms | {verdict(worst_page['p95'] <= TARGET_PAGE_P95)} |"
        )
    if worst_search:
        print(
            f"| search p95 ≤ {TARGET_SEARCH_P95} ms | worst: {worst_search['name']}, "
            f"{worst_search['p95']:.0f} ms | "
            f"{verdict(worst_search['p95'] <= TARGET_SEARCH_P95)} |"
        )
    for pid, mb in sorted(memory.items()):
        print(
            f"| ≤ {TARGET_WORKER_MB} MB per worker | worker {pid}: {mb:.0f} MB resident | "
            f"{verdict(mb <= TARGET_WORKER_MB)} |"
        )
    errors = [*result["errors"], *result["ramp_up_errors"]]
    if errors:
        print()
        print("Errors:")
        for error in sorted(errors, key=lambda e: -e["count"])[:10]:
            print(f"- {error['count']} × {error['name']}: {error['error']}")
    print()
    population = ", ".join(f"{name} {weight}" for name, weight in result["population"].items())
    print(
        f"Run: {result['users']} users (weights {population}) with locust "
        f"{locust_version()}; measured for {result['duration']:.0f} s after a ramp-up of "
        f"{result['ramp_up']:.0f} s ({args.spawn_rate:g} users started per second, every "
        f"member signed in). The sign-in rows come from the ramp-up and have no target: "
        f"each checks a password with the production hasher, slow on purpose."
    )
    requests = result["total"]["requests"] + result["ramp_up_requests"]
    print(
        f"gunicorn workers' CPU over ramp-up and run: {result['worker_cpu']:.1f} s for "
        f"{requests} requests, {1000 * result['worker_cpu'] / max(requests, 1):.1f} ms per "
        f"request (PostgreSQL and Elasticsearch not included)."
    )
    print(f"Machine: {machine()}; load average before the run {load_before}.")
    print(f"Commit: {commit()}.")
    print(f"Settings: {site.described()}; clients send X-Forwarded-Proto: https as the proxy does.")


def locust_version():
    python = BENCH_VENV / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", "import locust; print(locust.__version__)"],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() or "unknown"


def main():
    args = parse_args()
    python = bench_python()
    site = BenchSite(db_name=args.db, port=args.port, workers=args.workers)
    if args.drop_db:
        site.drop()
    server = Gunicorn(site)
    try:
        site.prepare()
        fixtures = make_fixtures(site, args.users)
        server.start()
        for path in ("/ru/", "/ru/get-help/", "/statistics/"):  # first renders, cache filled
            get(args.port, path)
        load_before = " / ".join(f"{value:.1f}" for value in os.getloadavg())
        started = time.perf_counter()
        cpu_before = server.worker_cpu_seconds()
        result = run_locust(python, fixtures, site, args)
        result["worker_cpu"] = server.worker_cpu_seconds() - cpu_before
        say(f"locust finished after {time.perf_counter() - started:.0f} s")
        memory = server.worker_memory_mb()
        server.stop()
        print_table(result, memory, site, args, load_before)
    finally:
        server.stop()
        if args.keep_db:
            say(f"kept the bench database {site.db_name} (--drop-db drops it)")
        else:
            site.drop()


if __name__ == "__main__":
    main()
