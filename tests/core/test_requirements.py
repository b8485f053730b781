"""Every package the code imports is pinned in our own requirements files.

A package that arrives only because another one requires it (django-ninja,
pydantic, openpyxl came through Wagtail) disappears or changes version the day
that other package changes its mind, and the portal breaks on a fresh install.
So the code's imports are read with `ast` and each third-party one must be
pinned: what portal/ and manage.py import in requirements.txt (they run in
production), what tests/, bench/ and scripts/ import in requirements.txt or
requirements-dev.txt; and what only the benchmarks under bench/ need (locust,
which brings gevent) in requirements-bench.txt, installed apart by bench/load.py,
so those may be missing from the test virtualenv.
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
BENCH = ROOT / "requirements-bench.txt"
FIRST_PARTY = {"portal", "tests", "bench"}
RUNTIME_CODE = ("portal",)
DEV_CODE = ("tests", "scripts")
BENCH_CODE = ("bench",)


def normalise(name):
    """PEP 503: `Django`, `django_filter` and `django.filter` are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{normalised distribution name: the requirement line} of a requirements file,
    without the `-r` includes."""
    found = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.split(r"[\[<>=!~;@ ]", line, maxsplit=1)[0]
        found[normalise(name)] = line
    return found


def imported_modules(source, filename="<source>"):
    """(line, top-level module) of every absolute import in the source, at any
    depth (function-level imports count: they run in production just the same)."""
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.partition(".")[0]


def unpinned_imports(files, allowed, distributions=None, installed_apart=frozenset()):
    """One message per third-party import in ``files`` whose distribution is not
    in ``allowed`` (normalised names), naming the file, the import and what to add.
    A module named like a pin in ``installed_apart`` (a virtualenv of its own)
    counts as pinned without being installed here."""
    distributions = packages_distributions() if distributions is None else distributions
    problems = []
    for path in files:
        for line, module in imported_modules(path.read_text(), str(path)):
            if module in sys.stdlib_module_names or module in FIRST_PARTY:
                continue
            names = distributions.get(module)
            if not names and normalise(module) in installed_apart:
                continue
            where = f"{_shown(path)}:{line} imports {module!r}"
            if not names:
                problems.append(f"{where}, which no installed distribution provides")
            elif not {normalise(name) for name in names} & allowed:
                problems.append(f"{where}: pin {' or '.join(sorted(set(names)))}")
    return problems


def _shown(path):
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _python_files(*folders):
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def test_everything_the_portal_imports_is_pinned_in_requirements_txt():
    files = [*_python_files(*RUNTIME_CODE), ROOT / "manage.py"]
    problems = unpinned_imports(files, set(pins(RUNTIME)))
    assert not problems, "Add to requirements.txt:\n" + "\n".join(problems)


def test_everything_the_tests_benchmarks_and_scripts_import_is_pinned():
    allowed = set(pins(RUNTIME)) | set(pins(DEV))
    problems = unpinned_imports(_python_files(*DEV_CODE), allowed)
    bench_only = set(pins(BENCH))
    problems += unpinned_imports(
        _python_files(*BENCH_CODE), allowed | bench_only, installed_apart=bench_only
    )
    assert not problems, "Add to requirements-dev.txt (or requirements.txt):\n" + "\n".join(
        problems
    )


def test_a_benchmark_only_package_counts_in_bench_files_alone(tmp_path):
    module = tmp_path / "locustfile.py"
    module.write_text("import locust\n")
    bench_only = {"locust"}
    runtime_and_dev = set(pins(RUNTIME)) | set(pins(DEV))

    as_a_test = unpinned_imports([module], runtime_and_dev, distributions={})
    as_a_benchmark = unpinned_imports(
        [module], runtime_and_dev | bench_only, distributions={}, installed_apart=bench_only
    )

    assert as_a_test == [f"{module}:1 imports 'locust', which no installed distribution provides"]
    assert as_a_benchmark == []


def test_installed_apps_and_middleware_name_only_pinned_packages():
    # Django imports these by their dotted names; ast never sees them.
    distributions = packages_distributions()
    allowed = set(pins(RUNTIME))
    unpinned = [
        dotted
        for dotted in [*settings.INSTALLED_APPS, *settings.MIDDLEWARE]
        if (module := dotted.partition(".")[0]) not in FIRST_PARTY
        and module not in sys.stdlib_module_names
        and not {normalise(name) for name in distributions.get(module, [])} & allowed
    ]
    assert not unpinned, f"Pin the packages of {unpinned} in requirements.txt"


def loose_pins(path):
    """The lines of a requirements file that allow more than one version."""
    exact = re.compile(r"[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!-]+")
    return [line for line in pins(path).values() if not exact.fullmatch(line)]


def test_every_requirement_is_pinned_to_one_exact_version():
    files = (RUNTIME, DEV, BENCH)
    loose = [f"{path.name}: {line}" for path in files for line in loose_pins(path)]
    assert not loose, "Pin with ==: " + ", ".join(loose)


def test_a_range_or_a_bare_name_counts_as_unpinned(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "Django>=5.2\nwagtail~=8.0\nopenpyxl\npillow==13.*\nfiletype===1.2.0\nninja==1.7.1\n"
    )

    assert loose_pins(requirements) == [
        "Django>=5.2",
        "wagtail~=8.0",
        "openpyxl",
        "pillow==13.*",
        "filetype===1.2.0",
    ]


def test_the_checker_reports_an_unlisted_package_wherever_it_is_imported(tmp_path):
    # The other tests pass only if this one proves the checker can fail.
    module = tmp_path / "views.py"
    module.write_text(
        "import os\n"
        "import django.db\n"
        "from . import models\n"
        "from portal.core import roles\n"
        "import leftpad.core as pad\n"
        "\n"
        "def export():\n"
        "    from yaml import safe_dump\n"
        "    import notinstalledanywhere\n"
    )
    distributions = {"django": ["Django"], "leftpad": ["left_pad"], "yaml": ["PyYAML"]}

    problems = unpinned_imports([module], {"django"}, distributions)

    assert problems == [
        f"{module}:5 imports 'leftpad': pin left_pad",
        f"{module}:8 imports 'yaml': pin PyYAML",
        f"{module}:9 imports 'notinstalledanywhere', which no installed distribution provides",
    ]


def test_a_package_pinned_only_for_tests_is_not_enough_for_the_portal(tmp_path):
    module = tmp_path / "services.py"
    module.write_text("import hypothesis\n")

    runtime_problems = unpinned_imports([module], set(pins(RUNTIME)))
    dev_problems = unpinned_imports([module], set(pins(RUNTIME)) | set(pins(DEV)))

    assert runtime_problems == [f"{module}:1 imports 'hypothesis': pin hypothesis"]
    assert dev_problems == []


def test_the_pin_reader_names_distributions_as_pip_does(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "-r base.txt\n# a comment\nDjango_Filter==26.2  # why\ndjango-allauth[mfa]==65.22.1\n"
    )

    assert pins(requirements) == {
        "django-filter": "Django_Filter==26.2",
        "django-allauth": "django-allauth[mfa]==65.22.1",
    }
