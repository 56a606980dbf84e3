"""A real PostgreSQL server on loopback for the deployment tests: a private cluster in a temporary
folder, password authentication, stopped and removed afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass

from .s3server import free_port

DEADLINE_S = 600  # for the server to start, accept connections or stop, however busy the machine


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str
    db: str

    def env(self) -> dict[str, str]:
        """The variables deploy/production/dagster.yaml reads."""
        return {"DAGSTER_PG_HOST": self.host, "DAGSTER_PG_PORT": str(self.port), "DAGSTER_PG_USER": self.user,
                "DAGSTER_PG_PASSWORD": self.password, "DAGSTER_PG_DB": self.db}


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (apt-get install -y postgresql; .ci/run does)")
    return found[-1]


def _as_owner(args: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *args] if owner else args


@contextmanager
def postgres(password: str, user: str = "baliza", db: str = "dagster"):
    """PostgreSQL on 127.0.0.1 (a private cluster; as root it runs as the `postgres` system user)."""
    owner = "postgres" if os.geteuid() == 0 else None
    root = tempfile.mkdtemp(prefix="baliza-pg-")
    data, pwfile = os.path.join(root, "data"), os.path.join(root, "pw")
    with open(pwfile, "w") as f:
        f.write(password + "\n")
    if owner:
        shutil.chown(root, owner)
        shutil.chown(pwfile, owner)
    port = free_port()
    subprocess.run(_as_owner([_bin("initdb"), "-D", data, "-U", user, "--pwfile", pwfile, "--auth", "scram-sha-256",
                              "-E", "UTF8", "--no-instructions"], owner), check=True, capture_output=True)
    os.remove(pwfile)
    log = os.path.join(root, "server.log")
    subprocess.run(_as_owner([_bin("pg_ctl"), "-D", data, "-l", log, "-w", "-t", str(DEADLINE_S), "-o",
                              f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"], owner),
                   check=True, capture_output=True)
    try:
        env = {**os.environ, "PGPASSWORD": password}
        deadline = time.monotonic() + DEADLINE_S
        while True:
            ok = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", "postgres", "-c",
                                 f"CREATE DATABASE {db}"], env=env, capture_output=True)
            if ok.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not accept connections: {ok.stderr.decode()}")
            time.sleep(0.3)
        yield Postgres("127.0.0.1", port, user, password, db)
    finally:
        subprocess.run(_as_owner([_bin("pg_ctl"), "-D", data, "-m", "fast", "-w", "-t", str(DEADLINE_S), "stop"],
                                 owner), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def database_of_its_own(pg: Postgres, name: str, password: str) -> str:
    """A database ``name`` owned by a role ``name`` of its own (LOGIN, ``password``), as a deployment gives the
    warehouse's catalog beside Dagster's; its postgresql:// URL."""
    env = {**os.environ, "PGPASSWORD": pg.password}
    for sql in (f"CREATE ROLE {name} LOGIN PASSWORD '{password}'", f"CREATE DATABASE {name} OWNER {name}"):
        subprocess.run(["psql", "-h", pg.host, "-p", str(pg.port), "-U", pg.user, "-d", "postgres", "-v",
                        "ON_ERROR_STOP=1", "-c", sql], env=env, check=True, capture_output=True)
    return f"postgresql://{name}:{password}@{pg.host}:{pg.port}/{name}"
