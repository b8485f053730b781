"""The shape of the code drawn from its imports: no cycle between files, and
the layer contracts in pyproject.toml really refuse an uphill import.

import-linter's layers contract compares apps, so two files of one app that
import each other pass it; the cycle check below covers that. Both read
function-level imports too (grimp does by default), since a deferred import is
still a dependency.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
# The virtualenv's own script, beside the interpreter running the tests.
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
if not LINT_IMPORTS.exists():
    LINT_IMPORTS = Path(shutil.which("lint-imports") or LINT_IMPORTS)

# Every module the layers contract names, so the throwaway tree satisfies it
# whether or not a layer is marked optional.
LAYER_MODULES = [
    "settings/__init__.py",
    "demo/__init__.py",
    "urls.py",
    "wsgi.py",
    "asgi.py",
    "resources/__init__.py",
    "api/__init__.py",
    "exchange/__init__.py",
    "referrals/__init__.py",
    "reports/__init__.py",
    "home/__init__.py",
    "members/__init__.py",
    "search/__init__.py",
    "core/__init__.py",
]


def import_cycles(graph):
    """The circles among the modules: within each group that imports one
    another round (a strongly connected component of more than one module, or a
    module importing itself), each as a chain that ends where it starts."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    # Tarjan's algorithm without recursion: the graph is deep enough to make
    # Python's recursion limit a worry.
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1 or graph.direct_import_exists(
                        importer=node, imported=node
                    ):
                        components.append(component)
    circles = {circle for component in components for circle in _circles(graph, component)}
    return sorted(circles)


def _circles(graph, component):
    """For each module of a component, a shortest circle through it, written
    from its smallest module so the same circle found twice counts once: what
    someone breaking the knot has to cut, without listing every path."""
    for module in sorted(component):
        best = None
        for imported in sorted(graph.find_modules_directly_imported_by(module) & component):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if imported == module:
                back = (module,)
            if back and (best is None or len(back) + 1 < len(best)):
                best = (module, *back)
        ring = best[:-1]
        turn = ring.index(min(ring))
        yield (*ring[turn:], *ring[:turn], min(ring))


def describe(graph, chain):
    """A chain as a reader follows it, each step with its line numbers."""
    steps = []
    for importer, imported in zip(chain, chain[1:], strict=False):
        lines = sorted(
            {
                d["line_number"]
                for d in graph.get_import_details(importer=importer, imported=imported)
            }
        )
        steps.append(f"  {importer} -> {imported} (l.{', '.join(map(str, lines))})")
    return "\n".join(steps)


def write_package(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def lint_imports(cwd):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache"],
        cwd=cwd,
        # Plain, wide output: the assertions read whole lines of it.
        env=os.environ | {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_no_file_of_the_portal_imports_itself_through_a_circle():
    graph = grimp.build_graph("portal", cache_dir=None)

    cycles = import_cycles(graph)

    report = "\n\n".join(describe(graph, chain) for chain in cycles)
    assert not cycles, (
        f"{len(cycles)} import cycle(s) between files of portal/. Break each by moving "
        "the shared piece down or by a registry the higher module fills in its "
        "AppConfig.ready() (README.md, 'Layout'):\n\n" + report
    )


def test_the_portal_keeps_its_layer_contracts():
    """What `make test` runs before pytest, here too so that `pytest` alone
    catches an uphill import."""
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_cycle_check_finds_a_circle_through_a_function_level_import(tmp_path, monkeypatch):
    write_package(
        tmp_path,
        {
            "circlepkg/__init__.py": "",
            "circlepkg/models.py": "from circlepkg import labels\n",
            "circlepkg/labels.py": """\
                def label():
                    from circlepkg.models import NAME
                    return NAME
                """,
            "circlepkg/apart.py": "from circlepkg import models\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    graph = grimp.build_graph("circlepkg", cache_dir=None)

    assert import_cycles(graph) == [("circlepkg.labels", "circlepkg.models", "circlepkg.labels")]
    assert "circlepkg.labels -> circlepkg.models (l.2)" in describe(graph, import_cycles(graph)[0])


def test_the_layer_contracts_refuse_an_uphill_import(tmp_path):
    """The project's own contracts, run over a throwaway `portal` that has every
    layer: kept while the imports point down, broken by one deferred import
    from core up to members. So the contracts cannot pass by checking nothing
    (a layer renamed, a wrong root package)."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    files = {"portal/__init__.py": ""} | {f"portal/{name}": "" for name in LAYER_MODULES}
    files["portal/members/models.py"] = "from portal.core import slugs\n"
    files["portal/core/slugs.py"] = "def slugify(text):\n    return text\n"
    write_package(tmp_path, files)

    downhill = lint_imports(tmp_path)
    assert downhill.returncode == 0, downhill.stdout + downhill.stderr
    assert ", 0 broken" in downhill.stdout

    write_package(
        tmp_path,
        {
            "portal/core/slugs.py": """\
                def slugify(text):
                    from portal.members.models import Membership
                    return text + Membership
                """
        },
    )
    uphill = lint_imports(tmp_path)

    assert uphill.returncode == 1, uphill.stdout + uphill.stderr
    assert "Apps import only the layers below them BROKEN" in uphill.stdout
    assert "portal.core imports no other portal app BROKEN" in uphill.stdout
    assert "portal.core.slugs -> portal.members.models (l.2)" in uphill.stdout


def test_the_layer_contracts_refuse_a_new_app_without_a_layer(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    files = {"portal/__init__.py": ""} | {f"portal/{name}": "" for name in LAYER_MODULES}
    # An app no layer names (portal.referrals, once the example, has its layer now).
    files["portal/casework/__init__.py"] = ""
    write_package(tmp_path, files)

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "portal.casework" in result.stdout
    assert "every child of every container" in result.stdout
