"""Hostile input never breaks search, on any backend.

Whatever a visitor types into the search box or the address bar (query syntax
of Elasticsearch, Lucene or PostgreSQL, quotes, control characters, emoji,
right-to-left marks, very long text) and whatever they put in the filter
parameters, /search/ and /search/suggest/ answer with a page that makes sense:
results or "Nothing found." (200), or a clear message for a parameter that is
truly invalid (400), never a server error.

Three backends, each for real:
- Elasticsearch: the shared node, a private index per test;
- the PostgreSQL fallback: Elasticsearch reached through a forwarder that is
  then cut (connections refused), as tests/search/test_outage_and_fallback.py
  does;
- SQLite, the embedded demo of `make run`: a child process running the portal
  with the development settings on a real, migrated SQLite file
  (tests/search/sqlite_portal.py).
"""

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portal.core.audience import PUBLIC
from portal.search import index, queue
from portal.search.registry import SearchEntry

from .forwarder import Forwarder
from .sqlite_portal import DOCUMENTS

ROOT = Path(__file__).resolve().parents[2]

# The strings of issue 10 that answered 500 on the embedded demo.
ISSUE_STRINGS = ['"', "'", "(((", "*", "\\", "🙂"]

# Operators of Elasticsearch's query_string / Lucene, PostgreSQL tsquery and
# websearch syntax, regular expressions and field syntax.
OPERATORS = [
    "AND", "OR", "NOT", "+", "-", "&&", "||", "!", "(", ")", "{", "}", "[", "]", "^", '"',
    "~", "*", "?", ":", "\\", "/", "'", "(((", ")))", "&", "|", "<->", "<2>", ":*", "*:*",
    "title:", "_exists_:title", "/.*/", "/[/", "a~2", "~0.5", '""', "''", "%", "_", "\\\\",
    "${x}", "{{ x }}", "<script>", "&amp;", "--", ";", "'; DROP TABLE x; --",
]  # fmt: skip
WORDS = ["shelter", "Osh", "Ömür", "горячая", "линия", "24/7", "C++", "Q&A", "draft"]
ODD_CHARACTERS = [
    "\x00", "\x01", "\x1b", "\x7f", "\t", "\n", "\r\n", "\u200b", "\u200f", "\u202e", "\u2066",
    "\ufeff", "\ufffd", "\U0010ffff", "🙂", "👩\u200d👩\u200d👧", "🇰🇬", "𝕏", "ǅ", "ß", "İ", "ﬀ",
    "\u0301", "ٱلسَّلَامُ", "שָׁלוֹם",
]  # fmt: skip

# Any code point a URL can carry: everything but surrogates.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
piece = st.one_of(
    st.sampled_from(OPERATORS),
    st.sampled_from(WORDS),
    st.sampled_from(ODD_CHARACTERS),
    any_text,
)
queries = st.one_of(
    st.tuples(st.lists(piece, max_size=10), st.sampled_from([" ", ""])).map(
        lambda parts_sep: parts_sep[1].join(parts_sep[0])
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),
    # Near and past the length limit (SEARCH_MAX_QUERY_CHARS, 200).
    st.tuples(
        st.sampled_from(["a", "(", '"', "🙂", "shelter ", "a~ ", "\\"]), st.integers(60, 400)
    ).map(lambda text_n: text_n[0] * text_n[1]),
)


# Valid on every backend here: "page" is a kind both of the test sources and
# of the demo's registry.
VALID = {
    "kind": ["page"],
    "language": ["en", "ru"],
    "country": ["KG", "uz", "OTHER"],
    "year": ["2024", "1900"],
    "sort": ["relevance", "date"],
    "page": ["1", "2", "١"],  # an Arabic-Indic one is a whole number too
}
INVALID = {
    "kind": ["note*", "report"],
    "year": ["2101", "0", "-1", "²"],
    "page": ["0", "9999", "1e3", "-"],
}


def _filter(name, *, hostile):
    """A filter parameter: mostly absent; valid values, or also invalid ones."""
    valid = st.lists(st.sampled_from(VALID[name]), min_size=1, max_size=2)
    if not hostile:
        return st.one_of(st.just([]), st.just([]), valid)
    anything = st.one_of(piece, st.sampled_from(VALID[name] + INVALID.get(name, [])))
    return st.one_of(st.just([]), valid, st.lists(anything, min_size=1, max_size=2))


def _requests(*, hostile):
    return st.fixed_dictionaries(
        {"q": queries.map(lambda q: [q])} | {name: _filter(name, hostile=hostile) for name in VALID}
    ).map(lambda params: {name: values for name, values in params.items() if values})


# Three in four with valid filters, so that most queries reach the backend.
requests = st.one_of(
    _requests(hostile=False),
    _requests(hostile=False),
    _requests(hostile=False),
    _requests(hostile=True),
)

HYPOTHESIS = settings(
    # A few hundred examples over the three backends keep the run short; no
    # deadline: the machine is shared and slow, and speed is not the property.
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Answer:
    status: int
    body: str
    backend: str | None = None
    titles: list = field(default_factory=list)


def assert_sensible(path, answer):
    """No server error, and the person is told something that makes sense."""
    assert answer.status < 500, answer.body[:2000]
    assert answer.status in (200, 400), answer.status
    if path.endswith("/suggest/"):
        data = json.loads(answer.body)
        assert isinstance(data["suggestions"], list)
        if answer.status == 400:
            assert data["suggestions"] == [] and data["error"]
        return
    assert "Traceback" not in answer.body
    if answer.status == 400:
        assert 'role="alert"' in answer.body
        assert "We could not run this search:" in answer.body or "could not be run" in answer.body
        return
    assert (
        'class="search-hits"' in answer.body
        or "Nothing found." in answer.body
        or "Type one or more words" in answer.body  # nothing to search for
    ), answer.body[:2000]


def _documents():
    return [
        SearchEntry(
            kind="note",
            object_id=object_id,
            title=title,
            body=body,
            url=f"/note/{object_id}/",
            audiences=(PUBLIC,),
            language="en",
            countries=("KG",),
        )
        for object_id, title, body in DOCUMENTS
    ]


class InProcess:
    """Requests through pytest-django's test client (PostgreSQL, Elasticsearch)."""

    def __init__(self, client, backend):
        self.client = client
        self.backend = backend

    def get(self, path, params):
        response = self.client.get(path, params)
        results = response.context.get("results") if response.context is not None else None
        if results is not None:
            assert results.backend == self.backend
        return Answer(
            status=response.status_code,
            body=response.content.decode("utf-8"),
            backend=results.backend if results else None,
            titles=[hit.title for hit in results.hits] if results else [],
        )


@pytest.fixture
def on_elasticsearch(client, es_index, test_sources):
    queue.index_entries(_documents(), refresh=True)
    return InProcess(client, "elasticsearch")


@pytest.fixture
def on_postgresql(client, settings, es_prefix, test_sources):
    """Elasticsearch configured but refusing connections: the PostgreSQL
    fallback answers."""
    proxy = Forwarder().start()
    settings.ELASTICSEARCH_URL = proxy.url
    index.ensure_index()
    queue.index_entries(_documents(), refresh=True)
    proxy.stop()
    yield InProcess(client, "database")
    proxy.stop()


def _migrations_key():
    digest = hashlib.sha256()
    # Third-party apps' migrations change only with their versions.
    installed = sorted(
        f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
    )
    digest.update("\n".join(installed).encode())
    for path in sorted(ROOT.glob("portal/**/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_env(db_file):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DATABASE_URL=f"sqlite:///{db_file}",
        ELASTICSEARCH_URL="",
        PYTHONPATH=str(ROOT),
    )
    for name in ("CACHE_URL", "PAGE_CACHE_URL"):
        env.pop(name, None)
    return env


class SQLitePortal:
    """The child process of tests/search/sqlite_portal.py."""

    def __init__(self, db_file, log):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.search.sqlite_portal"],
            cwd=ROOT,
            env=_sqlite_env(db_file),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
        )
        self.log = log.name
        ready = json.loads(self.process.stdout.readline() or "{}")
        assert ready.get("vendor") == "sqlite", f"the SQLite portal did not start: see {log.name}"

    def get(self, path, params):
        self.process.stdin.write(json.dumps({"path": path, "params": params}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the SQLite portal stopped: see {self.log}"
        reply = json.loads(line)
        if reply["backend"] is not None:
            assert reply["backend"] == "database"
        return Answer(**reply)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def sqlite_portal(tmp_path_factory):
    """The portal on SQLite. The migrated database is kept under .services/
    (keyed by the portal's migrations and the installed packages' versions), so
    only the first run after a change of migrations pays for them."""
    work = tmp_path_factory.mktemp("sqlite-portal")
    cache_dir = ROOT / ".services" / "test-sqlite-portal"
    cache_dir.mkdir(parents=True, exist_ok=True)
    template = cache_dir / f"migrated-{_migrations_key()}.sqlite3"
    if not template.exists():
        building = work / "building.sqlite3"
        env = _sqlite_env(building)
        for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
            )
        for stale in cache_dir.glob("migrated-*.sqlite3"):
            stale.unlink()
        shutil.move(building, template)
    db_file = work / "portal.sqlite3"
    shutil.copy(template, db_file)
    with open(work / "portal.log", "w") as log:
        portal = SQLitePortal(db_file, log)
        yield portal
        portal.close()


@pytest.fixture
def on_sqlite(sqlite_portal):
    return sqlite_portal


BACKENDS = ["on_elasticsearch", "on_postgresql", "on_sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.getfixturevalue(request.param)


# --- The strings of the issue, on every backend ---------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ISSUE_STRINGS, ids=["quote", "apostrophe", "parens", "star", "backslash", "emoji"]
)
def test_issue_strings_find_nothing_instead_of_failing(backend, text):
    """None of them is a word of any document except the emoji; "*" in
    particular is not a wildcard that would list everything."""
    page = backend.get("/search/", {"q": [text]})
    assert page.status == 200
    assert_sensible("/search/", page)
    if text != "🙂":
        assert page.titles == []
        assert "Nothing found." in page.body
    suggest = backend.get("/search/suggest/", {"q": [text]})
    assert suggest.status == 200
    assert_sensible("/search/suggest/", suggest)


@pytest.mark.django_db
def test_query_syntax_is_searched_as_words(backend):
    """Quotes, parentheses and operators around real words do not stop the
    words from matching, and do not turn into syntax."""
    quoted = backend.get("/search/", {"q": ['"Ömür"']})
    assert quoted.status == 200
    assert quoted.titles == [DOCUMENTS[0][1]]
    grouped = backend.get("/search/", {"q": ["(((shelter) osh)) -"]})
    assert grouped.status == 200
    assert DOCUMENTS[0][1] in grouped.titles
    # "OR" is a word here, not an operator that would widen the search.
    widened = backend.get("/search/", {"q": ["shelter OR горячая"]})
    assert widened.status == 200
    assert DOCUMENTS[1][1] not in widened.titles
    suggest = backend.get("/search/suggest/", {"q": ['"Ömür" (']})
    assert suggest.status == 200
    assert [s["title"] for s in json.loads(suggest.body)["suggestions"]] == [DOCUMENTS[0][1]]


@pytest.mark.django_db
def test_control_characters_are_spaces_not_errors(backend):
    """A pasted tab or newline, or a NUL from a crafted address, separates
    words; the search still runs."""
    page = backend.get("/search/", {"q": ["shelter\x00osh\n\t"]})
    assert page.status == 200
    assert page.titles == [DOCUMENTS[0][1]]
    assert "\x00" not in page.body
    suggest = backend.get("/search/suggest/", {"q": ["\x00Ömür\x1b"]})
    assert suggest.status == 200
    assert json.loads(suggest.body)["query"] == "Ömür"


@pytest.mark.django_db
def test_a_right_to_left_override_cannot_reverse_the_page(backend):
    """U+202E would show the rest of the heading backwards (a spoofing trick);
    it is dropped, and the word after it still matches."""
    page = backend.get("/search/", {"q": ["\u202eshelter\u2066"]})
    assert page.status == 200
    assert page.titles == [DOCUMENTS[0][1]]
    assert "\u202e" not in page.body and "\u2066" not in page.body


# --- Truly invalid parameters: refused by the form, before any backend --------


def _get(client, path, params):
    response = client.get(path, params)
    return Answer(status=response.status_code, body=response.content.decode("utf-8"))


@pytest.mark.django_db
def test_an_over_long_query_is_refused_with_a_message(client):
    page = _get(client, "/search/", {"q": "(" * 201})
    assert page.status == 400
    assert_sensible("/search/", page)
    assert "Please shorten your search to 200 characters or fewer." in page.body
    suggest = _get(client, "/search/suggest/", {"q": "a" * 201})
    assert suggest.status == 400
    assert_sensible("/search/suggest/", suggest)
    assert "200 characters" in json.loads(suggest.body)["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, value, message",
    [
        ("kind", "*", "is not a type of content the portal searches."),
        ("language", "' OR 1=1 --", "is not a language of the portal."),
        ("country", "K\x00G", "is not a country code."),
        ("year", "2024)", "is not a year."),
        ("sort", "_score desc", "Select a valid choice."),
    ],
)
def test_invalid_filter_parameters_get_a_message_and_a_400(client, name, value, message):
    page = _get(client, "/search/", {"q": "shelter", name: value})
    assert page.status == 400
    assert_sensible("/search/", page)
    assert message in page.body


# The portal's one pagination rule (portal.core.pagination): a page number that
# is none shows the first page, one past the end the last page; until issue 12
# search alone answered these with a 400.
@pytest.mark.django_db
@pytest.mark.parametrize("value", ["-1", "((1", "99999999999999999999", "0", "9" * 5000])
def test_a_page_number_that_is_none_shows_a_page_of_results(on_elasticsearch, value):
    page = on_elasticsearch.get("/search/", {"q": "shelter", "page": value})
    assert page.status == 200
    assert_sensible("/search/", page)
    assert page.titles == on_elasticsearch.get("/search/", {"q": "shelter"}).titles
    assert page.titles


# --- Random hostile input -------------------------------------------------------


def _hostile_input_gets_a_sensible_page(on_backend, params):
    page = on_backend.get("/search/", params)
    event(f"search page {page.status}")  # --hypothesis-show-statistics: how many ran
    assert_sensible("/search/", page)
    suggest = on_backend.get("/search/suggest/", {"q": params["q"]})
    event(f"suggest {suggest.status}")
    assert_sensible("/search/suggest/", suggest)


@pytest.mark.django_db
@HYPOTHESIS
@given(params=requests)
def test_hostile_input_never_breaks_elasticsearch_search(on_elasticsearch, params):
    _hostile_input_gets_a_sensible_page(on_elasticsearch, params)


@pytest.mark.django_db
@HYPOTHESIS
@given(params=requests)
def test_hostile_input_never_breaks_the_postgresql_fallback(on_postgresql, params):
    _hostile_input_gets_a_sensible_page(on_postgresql, params)


@HYPOTHESIS
@given(params=requests)
def test_hostile_input_never_breaks_the_sqlite_demo_search(on_sqlite, params):
    _hostile_input_gets_a_sensible_page(on_sqlite, params)
