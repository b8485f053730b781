"""The people of bench/load.py, for locust (bench-only: requirements-bench.txt).

bench/load.py runs this file headless with the library API (``python
bench/locustfile.py FIXTURES HOST USERS SECONDS SPAWN_RATE OUT``, in the bench
virtualenv) and prints the table; ``locust -f bench/locustfile.py`` also works
for the web UI once ``BENCH_FIXTURES`` names the JSON bench/load_fixtures.py
printed.

Who comes, and why in these proportions (weights 35 : 12 : 3 of 50 users):

- visitors, 70 %: the portal is first of all a public site. People at risk and
  their families look up a hotline ("get help"), read the news, download a
  leaflet or a guide, search; journalists and donors read the statistics. The
  home page and "get help" are what most visits start with.
- members, 24 %: the network's NGO staff (dozens of people, each in a few
  workspaces) working through the day: the workspace overview, a discussion,
  a monitoring report, a file of the workspace, a search of their material.
  Each signs in once, through the real form, with password and TOTP code
  (production requires the second factor).
- partners, 6 %: a handful of organisations (IOM, referral mechanisms,
  researchers) whose scripts fetch the anonymised export and the statistics
  through the API with their own token, now and then.

Think times are compressed (1 to 4 s between a person's requests, 5 to 15 s
for a partner's script) so that 50 users make a busy hour of the portal in a
minute, not a quiet one.
"""

import json
import os
import random
import re
import sys
import time
import urllib.parse
from http.cookiejar import DefaultCookiePolicy

from locust import FastHttpUser, between, task

FIXTURES = {}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROXY = {"X-Forwarded-Proto": "https"}


def fixtures():
    if not FIXTURES:
        with open(os.environ["BENCH_FIXTURES"]) as file:
            FIXTURES.update(json.load(file))
    return FIXTURES


def totp(secret, at=None):
    """The current code of an authenticator app (RFC 6238, as allauth checks it)."""
    import base64
    import hashlib
    import hmac
    import struct

    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class Person(FastHttpUser):
    abstract = True
    default_headers = PROXY
    # A 5 s network timeout would hide a slow page as an error; the table shows it.
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self):
        # Production cookies are Secure. Between this client and gunicorn there is
        # plain HTTP where the TLS proxy would be, so send them over it, as the
        # browser does over HTTPS (geventhttpclient calls every request "http").
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )

    def page(self, path, name):
        started = time.perf_counter()
        try:
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
        except ValueError as exc:
            # geventhttpclient refuses a response it cannot decode (an unknown
            # Content-Encoding) before locust counts it: count it as an error.
            self.environment.events.request.fire(
                request_type="GET",
                name=name,
                response_time=(time.perf_counter() - started) * 1000,
                response_length=0,
                response=None,
                context={},
                exception=ValueError(f"{exc} (the response's Content-Encoding header)"),
            )


class Visitor(Person):
    weight = 35
    wait_time = between(1, 4)

    @task(20)
    def home(self):
        self.page(fixtures()["public"]["home"], "visitor: home (cached)")

    @task(6)
    def news_index(self):
        self.page(fixtures()["public"]["news_index"], "visitor: news index")

    @task(10)
    def news_item(self):
        self.page(random.choice(fixtures()["public"]["news"]), "visitor: news item")

    @task(14)
    def get_help(self):
        self.page(fixtures()["public"]["get_help"], "visitor: get help")

    @task(5)
    def resources(self):
        self.page(fixtures()["public"]["resources_index"], "visitor: resources")

    @task(5)
    def resource(self):
        self.page(random.choice(fixtures()["public"]["resources"]), "visitor: resource page")

    @task(4)
    def download(self):
        self.page(random.choice(fixtures()["public"]["documents"]), "visitor: document download")

    @task(8)
    def statistics(self):
        self.page(fixtures()["public"]["statistics"], "visitor: statistics")

    @task(10)
    def search(self):
        query = urllib.parse.urlencode({"q": random.choice(fixtures()["public"]["searches"])})
        self.page(f"/search/?{query}", "visitor: search")


class Member(Person):
    weight = 12
    wait_time = between(1, 4)
    _next_account = 0
    sign_in_attempts = 0

    def on_start(self):
        super().on_start()
        accounts = fixtures()["members"]
        # One account per simulated member: a TOTP code is refused the second
        # time in its window, as two people cannot share a phone.
        self.account = accounts[Member._next_account % len(accounts)]
        Member._next_account += 1
        self.signed_in = self.sign_in()
        Member.sign_in_attempts += 1

    def post_form(self, path, fields, name):
        token = CSRF.search(self.last_form)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1] if token else "", **fields})
        origin = f"https://{urllib.parse.urlsplit(self.host).netloc}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + path,
        }
        with self.client.post(
            path, data=body, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code} (expected a redirect)")
                return None
            return response.headers.get("Location", "")

    def form_page(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return False
            self.last_form = response.text
            return True

    def sign_in(self):
        login = "/accounts/login/"
        if not self.form_page(login, "member: sign-in form"):
            return False
        fields = {"login": self.account["email"], "password": fixtures()["password"]}
        location = self.post_form(login, fields, "member: sign in (password)")
        if not location or "/2fa/" not in location:
            return False
        second = urllib.parse.urlsplit(location).path
        if not self.form_page(second, "member: sign in (code form)"):
            return False
        # Like a person who sees the code about to change: wait for a fresh one,
        # so a slow answer does not find the code expired (allauth allows no drift).
        left = 30 - time.time() % 30
        if left < 10:
            time.sleep(left + 0.5)  # gevent-patched: other users keep running
        code = totp(self.account["totp_secret"])
        return bool(self.post_form(second, {"code": code}, "member: sign in (code)"))

    @task(30)
    def workspace(self):
        if self.signed_in:
            self.page(self.account["workspace"], "member: workspace")

    @task(25)
    def discussion(self):
        if self.signed_in and self.account["discussions"]:
            self.page(random.choice(self.account["discussions"]), "member: discussion")

    @task(25)
    def report(self):
        if self.signed_in and self.account["reports"]:
            self.page(random.choice(self.account["reports"]), "member: report")

    @task(10)
    def file(self):
        if self.signed_in and self.account["files"]:
            self.page(random.choice(self.account["files"]), "member: file download")

    @task(10)
    def search(self):
        if self.signed_in:
            query = urllib.parse.urlencode({"q": random.choice(fixtures()["public"]["searches"])})
            self.page(f"/search/?{query}", "member: search")


class Partner(Person):
    weight = 3
    wait_time = between(5, 15)
    _next_token = 0

    def on_start(self):
        super().on_start()
        tokens = fixtures()["partner_tokens"]
        token = tokens[Partner._next_token % len(tokens)]
        Partner._next_token += 1
        self.auth = {"Authorization": f"Bearer {token}"}

    def api(self, path, name):
        with self.client.get(path, headers=self.auth, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(3)
    def anonymised_json(self):
        self.api("/api/v1/cases/anonymised", "partner: API anonymised cases (JSON)")

    @task(1)
    def anonymised_csv(self):
        self.api("/api/v1/cases/anonymised.csv", "partner: API anonymised cases (CSV)")

    @task(2)
    def statistics(self):
        self.api("/api/v1/statistics", "partner: API statistics")


# --- Headless run (bench/load.py) ---------------------------------------------------


def _rows(stats, duration):
    rows = []
    for entry in [*stats.entries.values(), stats.total]:
        rows.append(
            {
                "name": entry.name,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / duration,
                **{f"p{p}": entry.get_response_time_percentile(p / 100) or 0 for p in (50, 95, 99)},
            }
        )
    total = rows.pop()
    return sorted(rows, key=lambda row: row["name"]), total


def _errors(stats):
    return [
        {"name": error.name, "error": str(error.error), "count": error.occurrences}
        for error in stats.errors.values()
    ]


def run(host, users, seconds, spawn_rate, out):
    """Ramp up until every user runs and every member has signed in (the
    sign-in rows come from there: 12 password hashes at once are a morning's
    arrivals in a few seconds), then measure ``seconds`` from fresh counters."""
    import gevent
    from locust.env import Environment

    environment = Environment(user_classes=[Visitor, Member, Partner], host=host)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)
    deadline = started + users / spawn_rate + 60
    while time.monotonic() < deadline:
        gevent.sleep(1)
        members = runner.user_classes_count.get("Member", 0)
        if runner.user_count >= users and Member.sign_in_attempts >= members:
            break
    ramp_up = time.monotonic() - started
    ramp_rows, ramp_total = _rows(environment.stats, ramp_up)
    ramp_errors = _errors(environment.stats)
    print(
        f"==> ramp-up done in {ramp_up:.0f}s: {runner.user_count} users, "
        f"{Member.sign_in_attempts} members signed in; measuring from fresh counters",
        flush=True,
    )
    environment.stats.reset_all()
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        gevent.sleep(min(10, seconds - elapsed))
        total = environment.stats.total
        print(
            f"==> {time.monotonic() - started:4.0f}s: {runner.user_count} users, "
            f"{total.num_requests} requests, {total.num_failures} failed",
            flush=True,
        )
    duration = time.monotonic() - started
    rows, total = _rows(environment.stats, duration)
    runner.quit()
    result = {
        "duration": duration,
        "ramp_up": ramp_up,
        "users": users,
        "entries": rows,
        "ramp_up_entries": [row for row in ramp_rows if "sign" in row["name"]],
        "ramp_up_requests": ramp_total["requests"],
        "total": total,
        "errors": _errors(environment.stats),
        "ramp_up_errors": ramp_errors,
        "population": {cls.__name__: cls.weight for cls in (Visitor, Member, Partner)},
    }
    with open(out, "w") as file:
        json.dump(result, file)


if __name__ == "__main__":
    fixtures_path, host, users, seconds, spawn_rate, out = sys.argv[1:7]
    os.environ["BENCH_FIXTURES"] = fixtures_path
    run(host, int(users), float(seconds), float(spawn_rate), out)
