"""A PostgreSQL cluster of a test's own, on Debian's server binaries: a test
may stop and start it (a database outage) without touching the server that the
rest of the suite, on every worker, runs on."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from pathlib import Path


def _bin_dir():
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    if not versions:
        raise RuntimeError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql: "
            "run scripts/services.sh start, which installs them."
        )
    return versions[0]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.bin = _bin_dir()
        self.port = _free_port()
        self.log = root / "postgres.log"

    def _run(self, *args, **kwargs):
        command = [str(self.bin / args[0]), *args[1:]]
        # PostgreSQL refuses to run as root: Debian's "postgres" account then.
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)

    def create(self):
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--auth=trust",
        )  # fmt: skip
        return self

    def start(self):
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )  # fmt: skip

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database="portal"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def copy_database(self, settings_dict, database="portal"):
        """Copy a database of the suite's server (schema and rows) into this
        cluster under ``database``."""
        dump = self.root / "copy.dump"
        env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
        subprocess.run(
            [
                str(self.bin / "pg_dump"), "-Fc", "--no-owner", "--no-privileges",
                "-h", settings_dict["HOST"] or "127.0.0.1",
                "-p", str(settings_dict["PORT"] or 5432),
                "-U", settings_dict["USER"], "-f", str(dump), settings_dict["NAME"],
            ],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
        if os.geteuid() == 0:
            shutil.chown(dump, "postgres", "postgres")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        self._run(
            "pg_restore", "--no-owner", "--no-privileges", "-h", "127.0.0.1",
            "-p", str(self.port), "-U", "postgres", "-d", database, str(dump),
        )  # fmt: skip

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()  # unless a test left it stopped
        shutil.rmtree(self.root, ignore_errors=True)
