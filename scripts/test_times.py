#!/usr/bin/env python
"""Where the test suite spends its time: sums the per-test times of the last
`make test` (test-artifacts/junit.xml, written by scripts/test.sh) by folder
and by file, slowest first.

    .venv/bin/python scripts/test_times.py [--files 20] [junit.xml]

Times are those of the tests' own calls, setup and teardown included, added
over every xdist worker: with two workers, the run's wall time is about half
their sum.
"""

import argparse
import collections
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _file(classname):
    """tests.members.test_x.TestY -> tests/members/test_x.py"""
    parts = classname.split(".")
    for n, part in enumerate(parts):
        if part.startswith("test_") or part == "conftest":
            return "/".join(parts[: n + 1]) + ".py"
    return "/".join(parts) or "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("junit", nargs="?", default=str(ROOT / "test-artifacts/junit.xml"))
    parser.add_argument("--files", type=int, default=20, help="how many files to list")
    args = parser.parse_args()
    path = Path(args.junit)
    if not path.exists():
        sys.exit(f"{path} not found: run `make test` first (scripts/test.sh writes it).")
    by_folder, by_file, counts = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0.0
    # The suite's own report, not outside input.
    for case in ET.parse(path).iter("testcase"):  # noqa: S314
        file = _file(case.get("classname", ""))
        parts = file.split("/")
        folder = "/".join(parts[:3] if parts[:2] == ["tests", "browser"] else parts[:2])
        seconds = float(case.get("time") or 0)
        by_folder[folder] += seconds
        by_file[file] += seconds
        counts[folder] += 1
        total += seconds
    print(f"{sum(counts.values())} tests, {total:,.0f} s summed over the workers\n")
    print("| folder | tests | seconds | share |\n| --- | ---: | ---: | ---: |")
    for folder, seconds in by_folder.most_common():
        print(f"| {folder} | {counts[folder]} | {seconds:,.0f} | {seconds / total:.0%} |")
    print(f"\nThe {args.files} slowest files:\n")
    print("| file | seconds |\n| --- | ---: |")
    for file, seconds in by_file.most_common(args.files):
        print(f"| {file} | {seconds:,.0f} |")


if __name__ == "__main__":
    main()
