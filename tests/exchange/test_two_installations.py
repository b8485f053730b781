"""Two real installations exchange signed releases over HTTP.

The origin ("Ferghana") and a sister portal ("Moldova") run as two gunicorn
processes, each on its own PostgreSQL database (clones of the migrated test
database), its own signing keys, address and network name. Everything between
them goes through HTTP and `manage.py exchange` run as the office would run
it; the test reads each database directly only to check what was stored.

The tests of this module are one scenario, in order: subscribe and pull,
tampered and replayed documents, a withdrawal, pushes (with the sister down
for a while), a key rotation, a stranger's key, and an expired agreement.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connections

from portal.exchange import payload as payload_module
from portal.exchange import signing
from tests.conftest import connect_to
from tests.pg_cluster import _free_port

ROOT = Path(__file__).resolve().parents[2]
INBOX = "/api/v1/exchange/inbox"
SETTINGS = "tests.exchange.portal_settings"

ORIGIN_SETUP = """
import json
from portal.exchange import keys
from tests.exchange.conftest import make_agreement, shared_report_with_cases
from tests.reports.factories import publish

shared_report_with_cases(30)
shared_report_with_cases(
    15, citizenship="UZ", country_of_exploitation="KZ", year_of_registration=2024
)
release = publish()
agreement, token = make_agreement()
other, other_token = make_agreement()
print(json.dumps({
    "release": release.number,
    "token": token,
    "agreement": str(agreement.uid),
    "title": agreement.title,
    "other_token": other_token,
    "kid": keys.active_key()[0].kid,
}))
"""
PUBLISH = """
from tests.reports.factories import publish
print(publish().number)
"""


# --- Two installations ----------------------------------------------------------------


def _admin(sql, params=None):
    conn = connect_to("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        conn.close()


def _drop(name):
    for attempt in range(20):
        try:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == 19:
                raise
            time.sleep(0.25)


def _clone(template, name):
    """A copy of the migrated test database: seconds, where `migrate` takes a minute.
    PostgreSQL copies a template only while nobody is connected to it."""
    connections.close_all()
    _drop(name)
    for attempt in range(40):
        try:
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        except psycopg2.errors.ObjectInUse:
            if attempt == 39:
                raise
            time.sleep(0.25)


def http(method, url, *, data=None, token=None):
    """(status, body bytes) without following redirects."""
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 (127.0.0.1)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class Portal:
    name: str
    network: str
    database: str
    root: Path
    port: int = field(default_factory=_free_port)
    server: subprocess.Popen | None = None
    driver: subprocess.Popen | None = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self):
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{self.database}"
            ),
            "PORTAL_BASE_URL": self.base,
            "EXCHANGE_NETWORK_NAME": self.network,
            "EXCHANGE_ORGANISATION_NAME": f"Coordinating office, {self.name}",
            "PORTAL_TEST_EXCHANGE_KEYS_DIR": str(self.root / "keys"),
            "PORTAL_TEST_MEDIA_ROOT": str(self.root / "media"),
            "PORTAL_TEST_PRIVATE_MEDIA_ROOT": str(self.root / "private"),
            "PORTAL_STATE_DIR": str(self.root / "state"),
            "ELASTICSEARCH_URL": "",
        }
        # Not this run's database nor a worker of it: the installation's own.
        env.pop("PORTAL_TEST_DB_NAME", None)
        env.pop("PYTEST_XDIST_WORKER", None)
        return env

    def manage(self, *args, check=True):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{self.name}: manage.py {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}"
            )
        return done

    def _ask(self, request, check):
        if self.driver is None:
            self.driver = subprocess.Popen(
                [sys.executable, "-m", "tests.exchange.portal_driver"],
                cwd=ROOT, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=(self.root / "driver.log").open("ab"), text=True,
            )  # fmt: skip
        self.driver.stdin.write(json.dumps(request) + "\n")
        self.driver.stdin.flush()
        line = self.driver.stdout.readline()
        if not line:
            raise AssertionError(f"{self.name}: the driver stopped: {self._log('driver.log')}")
        answer = json.loads(line)
        done = subprocess.CompletedProcess(
            request, answer["status"], answer["stdout"], answer["stderr"]
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{self.name}: {request} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def command(self, *args, check=True):
        """`manage.py <args>` as call_command in the installation's long-lived process."""
        return self._ask({"args": list(args)}, check)

    def shell(self, code):
        """The last line a snippet prints, run in the installation's process."""
        return self._ask({"code": code}, True).stdout.strip().splitlines()[-1]

    def _log(self, name):
        path = self.root / name
        return path.read_text()[-2000:] if path.exists() else ""

    def rows(self, sql, params=None):
        conn = connect_to(self.database)
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.commit()
            conn.close()

    def start(self):
        self.launch()
        self.wait_until_serving()

    def launch(self):
        (self.root / "state").mkdir(parents=True, exist_ok=True)
        log = (self.root / "server.log").open("ab")
        self.server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "portal.wsgi:application",
                "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "warning", "--graceful-timeout", "5",
                # Other gunicorns may run on this machine: no shared control socket.
                "--no-control-socket",
            ],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip

    def wait_until_serving(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if http("GET", self.base + "/healthz/")[0] == 200:
                    return
            if self.server.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"{self.name} did not start: {self._log('server.log')}")

    def quit(self):
        self.stop()
        if self.driver is not None:
            self.driver.stdin.close()
            try:
                self.driver.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.driver.kill()
                self.driver.wait()
            self.driver = None

    def stop(self):
        if self.server is None:
            return
        self.server.terminate()
        try:
            self.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server = None


@pytest.fixture(scope="module")
def portals(django_db_setup, django_db_blocker):
    template = connections["default"].creation._get_test_db_name()  # migrated
    root = Path(tempfile.mkdtemp(prefix="portal-two-installations-"))
    origin = Portal(
        "Osh", "Ferghana Valley Anti-Trafficking Network", f"{template}_origin", root / "origin"
    )
    sister = Portal(
        "Chișinău", "Moldova Anti-Trafficking Network", f"{template}_sister", root / "sister"
    )
    try:
        with django_db_blocker.unblock():
            _clone(template, origin.database)
            _clone(template, sister.database)
        # Servers and drivers start side by side: most of a start is importing Django.
        origin.launch()
        sister.launch()
        sister.shell("print('ready')")  # starts its driver
        facts = json.loads(origin.shell(ORIGIN_SETUP))
        origin.wait_until_serving()
        sister.wait_until_serving()
        yield origin, sister, facts
    finally:
        for portal in (origin, sister):  # both stop at once, then wait
            if portal.server is not None:
                portal.server.terminate()
        for portal in (origin, sister):
            portal.quit()
        for portal in (origin, sister):
            _drop(portal.database)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def origin(portals):
    return portals[0]


@pytest.fixture
def sister(portals):
    return portals[1]


@pytest.fixture
def facts(portals):
    return portals[2]


def imported(sister):
    """What the sister holds: {release id: row}."""
    rows = sister.rows(
        "SELECT release_id, origin, organisation, network, version, signer_kid, digest, "
        "withdrawn_at, tier, jsonb_array_length(coalesce(payload->'records', '[]'::jsonb)) "
        "FROM exchange_importedrelease"
    )
    keys = ("release", "origin", "organisation", "network", "version", "kid", "digest")
    keys += ("withdrawn_at", "tier", "records")
    return {row[0]: dict(zip(keys, row, strict=True)) for row in rows}


def document(origin, facts, release, version, token=None):
    status, body = http(
        "GET",
        f"{origin.base}/api/v1/exchange/releases/{release}/{version}",
        token=token or facts["token"],
    )
    assert status == 200, body
    return body


# --- The scenario ---------------------------------------------------------------------


def test_the_sister_subscribes_pulls_and_keeps_the_provenance(origin, sister, facts):
    done = sister.manage(
        "exchange", "subscribe", origin.base, "--name", "Ferghana network",
        "--token", facts["token"], f"--key={facts['kid']}",  # an id may begin with "-"
    )  # fmt: skip
    assert facts["kid"] in done.stdout
    ((agreement, trusted),) = sister.rows(
        "SELECT agreement_uid::text, trusted_keys FROM exchange_subscription"
    )
    assert agreement == facts["agreement"]
    assert list(trusted) == [facts["kid"]]

    done = sister.command("exchange", "pull")
    assert f"release {facts['release']} v1 (published)" in done.stdout
    assert "1 imported" in done.stdout

    held = imported(sister)[facts["release"]]
    assert held["origin"] == origin.base
    assert held["organisation"] == "Coordinating office, Osh"
    assert held["network"] == "Ferghana Valley Anti-Trafficking Network"
    assert held["version"] == 1
    assert held["kid"] == facts["kid"]
    assert held["withdrawn_at"] is None
    assert held["tier"] == "records"
    assert held["records"] == 45
    # The digest is of the very bytes the origin signed for this agreement.
    assert held["digest"] == signing.digest(document(origin, facts, facts["release"], 1))

    # A second pull finds nothing new and changes nothing.
    done = sister.command("exchange", "pull")
    assert "0 events" in done.stdout
    assert imported(sister)[facts["release"]] == held


def test_a_tampered_or_replayed_document_is_refused_and_nothing_changes(origin, sister, facts):
    before = imported(sister)
    genuine = facts["v1"] = document(origin, facts, facts["release"], 1)

    # One byte changed inside a value: still canonical JSON, the signature fails.
    needle = b'"citizenship":"KG"'
    assert needle in genuine
    tampered = genuine.replace(needle, b'"citizenship":"KZ"', 1)
    assert len(tampered) == len(genuine)
    status, body = http("POST", sister.base + INBOX, data=tampered)
    assert status == 403, body
    assert "signature" in json.loads(body)["detail"].lower()

    # One byte that breaks the form: not a signed release at all.
    status, body = http("POST", sister.base + INBOX, data=genuine[:-1] + b" ")
    assert status == 400, body

    # The genuine document again: a replay.
    status, body = http("POST", sister.base + INBOX, data=genuine)
    assert status == 409, body
    assert "replay" in json.loads(body)["detail"]

    # A genuine document the origin made for another partner's agreement.
    foreign = document(origin, facts, facts["release"], 1, token=facts["other_token"])
    status, body = http("POST", sister.base + INBOX, data=foreign)
    assert status == 403, body
    assert "recipient" in json.loads(body)["detail"]

    assert imported(sister) == before
    # Each attempt is in the sister's audit log, the replay too.
    refusals = sister.rows(
        "SELECT details->>'reason' FROM members_auditevent "
        "WHERE action = 'exchange.import_refused' ORDER BY id"
    )
    assert len(refusals) == 4
    assert "replay" in refusals[2][0]


def test_a_withdrawal_reaches_the_sister_in_one_pull_and_cannot_be_rolled_back(
    origin, sister, facts
):
    number = facts["release"]
    done = origin.command("exchange", "withdraw", str(number), "--reason", "Double counting")
    assert "version 2" in done.stdout

    done = sister.command("exchange", "pull")
    assert f"release {number} v2 (withdrawn)" in done.stdout
    held = imported(sister)[number]
    assert held["version"] == 2
    assert held["withdrawn_at"] is not None
    assert held["records"] == 0
    (reason,) = sister.rows(
        "SELECT payload->'release'->>'reason' FROM exchange_importedrelease WHERE release_id = %s",
        [number],
    )[0]
    assert reason == "Double counting"

    # The origin no longer serves version 1 ...
    status, body = http(
        "GET", f"{origin.base}/api/v1/exchange/releases/{number}/1", token=facts["token"]
    )
    assert status == 410, body
    # ... and the copy kept from before cannot bring the data back to the sister.
    status, body = http("POST", sister.base + INBOX, data=facts["v1"])
    assert status == 409, body
    assert "older version" in json.loads(body)["detail"]
    assert imported(sister)[number] == held


def test_pushes_reach_the_sister_and_wait_while_it_is_down(origin, sister, facts):
    # The agreement with the sister becomes a push agreement to its inbox.
    origin.rows(
        "UPDATE exchange_agreement SET delivery = 'push', inbox_url = %s WHERE uid = %s",
        [sister.base + INBOX, facts["agreement"]],
    )
    second = int(origin.shell(PUBLISH))
    done = origin.command("exchange", "push")
    assert "Delivered 1" in done.stdout
    assert imported(sister)[second]["version"] == 1
    assert imported(sister)[second]["records"] == 45

    sister.stop()
    try:
        third = int(origin.shell(PUBLISH))
        done = origin.command("exchange", "push")
        assert "retrying later 1" in done.stdout
        ((attempts, waits, error, delivered),) = origin.rows(
            "SELECT d.attempts, d.next_attempt_at > now() + interval '10 seconds', "
            "d.last_error, d.delivered_at FROM exchange_pushdelivery d "
            "JOIN exchange_releaseevent e ON e.id = d.event_id "
            "JOIN reports_statisticsrelease r ON r.id = e.release_id WHERE r.number = %s",
            [third],
        )
        assert (attempts, waits, delivered) == (1, True, None)
        assert "refused" in error.lower()
        # Not due yet: a push now sends nothing.
        assert "Delivered 0, retrying later 0" in origin.command("exchange", "push").stdout
    finally:
        sister.start()
    assert third not in imported(sister)

    origin.rows("UPDATE exchange_pushdelivery SET next_attempt_at = now()")
    done = origin.command("exchange", "push")
    assert "Delivered 1" in done.stdout
    assert imported(sister)[third]["version"] == 1
    facts["latest"] = third


def test_a_rotated_key_is_trusted_through_its_endorsement(origin, sister, facts):
    done = origin.command("exchange", "keys", "--rotate")
    assert "endorsed by the old" in done.stdout
    ((new_kid,),) = origin.rows(
        "SELECT kid FROM exchange_signingkey WHERE retired_at IS NULL AND revoked_at IS NULL"
    )
    assert new_kid != facts["kid"]
    fourth = int(origin.shell(PUBLISH))

    done = sister.command("exchange", "pull")
    assert f"release {fourth} v1 (published)" in done.stdout
    assert imported(sister)[fourth]["kid"] == new_kid
    ((trusted,),) = sister.rows("SELECT trusted_keys FROM exchange_subscription")
    assert set(trusted) == {facts["kid"], new_kid}
    # What the old key signed stays verifiable: still held, still signed by it.
    assert imported(sister)[facts["latest"]]["kid"] == facts["kid"]


def test_a_document_signed_by_a_key_the_sister_never_trusted_is_refused(origin, sister, facts):
    stranger = signing.new_private_key()
    forged = {
        "format": payload_module.FORMAT,
        "version": payload_module.VERSION,
        "origin": {
            "portal": origin.base,
            "network": "Ferghana Valley Anti-Trafficking Network",
            "organisation": "Coordinating office, Osh",
        },
        "recipient": facts["agreement"],
        "release": {
            "id": 999,
            "version": 1,
            "status": "published",
            "published_at": "2026-01-01T00:00:00Z",
            "withdrawn_at": None,
            "reason": "",
        },
        "method": {"name": "forged", "k": 11, "epsilon": 1.0, "noise": ""},
        "tier": "aggregates",
        "scope": {"countries": ["KG"], "year_from": 2020, "year_to": 2026},
        "aggregates": {"total": 1000, "tables": [], "corridors": []},
    }
    before = imported(sister)
    status, body = http("POST", sister.base + INBOX, data=signing.sign_payload(forged, stranger))
    assert status == 403, body
    assert "trust" in json.loads(body)["detail"]
    assert imported(sister) == before
    ((trusted,),) = sister.rows("SELECT trusted_keys FROM exchange_subscription")
    assert signing.key_id(signing.public_bytes(stranger)) not in trusted


def test_an_expired_agreement_lets_nothing_leave(origin, sister, facts):
    origin.rows(
        "UPDATE exchange_agreement SET starts_on = current_date - 60, "
        "ends_on = current_date - 1 WHERE uid = %s",
        [facts["agreement"]],
    )
    fifth = int(origin.shell(PUBLISH))
    before = imported(sister)

    done = sister.manage("exchange", "pull", check=False)
    assert done.returncode != 0
    assert facts["title"] in done.stderr
    assert "not in force" in done.stderr
    # Pushes waiting for the expired agreement are given up, nothing sent.
    done = origin.command("exchange", "push")
    assert "Delivered 0, retrying later 0, abandoned 1" in done.stdout
    assert fifth not in imported(sister)
    assert imported(sister) == before
    ((error,),) = sister.rows("SELECT last_error FROM exchange_subscription")
    assert "not in force" in error
