"""The worker's schedule: each app's jobs run at their interval, and one that
fails neither stops the worker nor the others."""

import pytest
from django.core.management import call_command

from portal.core import periodic


@pytest.fixture
def schedule(monkeypatch):
    jobs = {}
    monkeypatch.setattr(periodic, "_jobs", jobs)
    return jobs


def test_jobs_run_first_at_once_then_at_their_interval(schedule):
    runs = []
    periodic.register("often", 10, lambda: runs.append("often"))
    periodic.register("rarely", lambda: 100, lambda: runs.append("rarely"))
    assert periodic.run_due(now=1000) == ["often", "rarely"]
    assert periodic.run_due(now=1005) == []
    assert periodic.run_due(now=1011) == ["often"]
    assert periodic.run_due(now=1101) == ["often", "rarely"]
    assert runs == ["often", "rarely", "often", "often", "rarely"]


def test_a_failing_job_does_not_stop_the_others(schedule, caplog):
    ran = []

    def broken():
        raise RuntimeError("the partner's server is on fire")

    periodic.register("broken", 10, broken)
    periodic.register("fine", 10, lambda: ran.append(True))
    assert periodic.run_due(now=0) == ["broken", "fine"]
    assert ran == [True]
    assert "job broken failed" in caplog.text


def test_one_name_cannot_mean_two_jobs(schedule):
    from django.core.exceptions import ImproperlyConfigured

    periodic.register("pull", 10, print)
    periodic.register("pull", 10, print)  # the same again (a second ready()): fine
    with pytest.raises(ImproperlyConfigured):
        periodic.register("pull", 10, repr)


@pytest.mark.django_db
def test_the_worker_runs_the_registered_jobs(schedule, settings):
    settings.ELASTICSEARCH_URL = ""
    ran = []
    periodic.register("exchange-like", 60, lambda: ran.append(True))
    call_command("search_index", "worker", "--once")
    assert ran == [True]


def test_the_exchange_app_registers_its_pull_and_push():
    assert {"exchange.pull", "exchange.push"} <= {job.name for job in periodic.jobs()}
