"""A run killed with -9 mid-fetch on the local instance (deploy/local/dagster.yaml) does not block its pool,
and the next run fetches only what the killed one did not archive.

The run is launched as from the UI of `dagster dev`: GraphQL, queued, launched by the daemon through the
code server. Its worker is killed once pages are archived as pending; `baliza doctor` names the slot the
dead run holds, the daemon's run monitoring frees it, and the next run resumes from the pending pages.
A day's run killed early in its details resumes from the details archived as pending and from the
listings it had promoted, and ends with the archive a clean run makes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import dagster as dg
import pytest
import yaml

from baliza_assets.cli import graphql
from baliza_assets.lib.lake import Lake
from baliza_sandbox import Sandbox, World
from baliza_sandbox.faults import ApiFaults, Faults
from baliza_sandbox.server import running

from .archived import DAY_TABLES, MODALIDADES, archived_requests, asked_since, pages, pending_counts
from .conftest import DAY, NOW
from .s3server import free_port
from .waiting import http_ok, wait

pytestmark = pytest.mark.e2e

LOCAL_INSTANCE = Path(__file__).parents[1] / "deploy" / "local" / "dagster.yaml"
FREE_AFTER_S = yaml.safe_load(LOCAL_INSTANCE.read_text())["run_monitoring"]["free_slots_after_run_end_seconds"]
BIN = Path(sys.executable).parent
RAW_CONTRATOS = ["raw", "contratos"]

LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}"""

LOCATIONS = """
query { workspaceOrError { __typename ... on Workspace { locationEntries { name
  locationOrLoadError { __typename } } } } }"""


def big_world() -> World:
    """About 11,000 contratos on DAY: 23 pages of 500, ~0.8 MB each."""
    return World(seed=7, volume=replace(World(seed=7, volume="small").volume, contratos=10000), now=NOW)


# Pages 1-19 answer at once (the harvest archives them as pending once 8 MB are buffered, or 2 s after the
# first arrived); from page 20 on PNCP hangs, so the fetch is mid-way for as long as the test needs.
STUCK = Faults(consulta=ApiFaults(rates={"hang": 1.0}, repeats=None, deep_page=20, hang_seconds=900.0))


def environment(home: Path, root: Path, ep) -> dict:
    return {**os.environ, "DAGSTER_HOME": str(home), "PNCP_CONSULTA_URL": ep.consulta, "PNCP_DETAIL_URL": ep.detail,
            "BALIZA_LAKE": str(root / "lake"), "BALIZA_CATALOG": str(root / "catalog.sqlite"),
            "PNCP_TIME_SCALE": "1", "PNCP_READ_TIMEOUT": "900"}


def local_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    return home


@contextmanager
def dagster_dev(env: dict, cwd: Path):
    """`dagster dev` (webserver, daemon, code server) on loopback; yields (url, code location name)."""
    port = free_port()
    log = open(cwd / "dagster_dev.log", "wb")
    proc = subprocess.Popen([str(BIN / "dagster"), "dev", "-m", "baliza_assets.definitions", "-h", "127.0.0.1",
                             "-p", str(port)], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def loaded():
        assert proc.poll() is None, "dagster dev exited: " + (cwd / "dagster_dev.log").read_text()[-3000:]
        if not http_ok(f"{url}/server_info"):
            return None
        entries = graphql.call(url, LOCATIONS, {})["workspaceOrError"].get("locationEntries") or []
        return next((e["name"] for e in entries
                     if (e["locationOrLoadError"] or {}).get("__typename") == "RepositoryLocation"), None)

    try:
        location = wait("dagster dev to load the code location", loaded, 180, every=1)
        yield url, location
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        log.close()


def launch(url: str, location: str, asset: list[str], partition: str) -> str:
    """What "Materialize" on one partition in the UI sends."""
    params = {"selector": {"repositoryLocationName": location, "repositoryName": "__repository__",
                           "jobName": "__ASSET_JOB", "assetSelection": [{"path": asset}]},
              "runConfigData": {}, "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition}]}}
    result = graphql.call(url, LAUNCH, {"params": params})["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    return result["run"]["runId"]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def run_worker_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    return records[0].event_log_entry.dagster_event.pid if records else None


def doctor(env: dict) -> tuple[int, str]:
    done = subprocess.run([str(BIN / "baliza"), "doctor"], env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def materializations(instance: dg.DagsterInstance, run_id: str) -> dict:
    events = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    return {tuple(e.event_log_entry.dagster_event.asset_key.path):
            e.event_log_entry.dagster_event.step_materialization_data.materialization.metadata for e in events}


@pytest.mark.slow
def test_a_run_killed_mid_fetch_frees_its_pool_slot_and_the_next_run_resumes(tmp_path):
    home, root = local_home(tmp_path), tmp_path
    world = big_world()
    sandbox = Sandbox(world, STUCK)
    lake = Lake(str(root / "lake"))
    with running(sandbox) as ep, dg.DagsterInstance.from_config(str(home)) as instance:
        env = environment(home, root, ep)
        with dagster_dev(env, tmp_path) as (url, location):
            killed = launch(url, location, RAW_CONTRATOS, str(DAY))
            wait("pages archived as pending by the first run",
                 lambda: lake.scan_pending("raw/contratos", DAY) is not None, 300, every=0.5)
            assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.STARTED
            pid = wait("the run worker's pid", lambda: run_worker_pid(instance, killed), 60, every=0.5)
            victims = descendants(pid)
            for p in victims:
                os.kill(p, signal.SIGKILL)
            pending = len(lake.scan_pending("raw/contratos", DAY).collect())
            assert 0 < pending < 23

            # The code server that started the worker sees it die and records the run as failed; the slot
            # stays taken until run monitoring frees it.
            wait("the killed run to be recorded as failed",
                 lambda: instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE, 120, every=0.5)
            holders = {s.run_id for s in instance.event_log_storage.get_concurrency_info("pncp_consulta").claimed_slots}
            assert holders == {killed}
            code, text = doctor(env)
            assert code == 1, text
            assert f"FAIL  dagster: run {killed} holds 1 pool slot(s), pncp_consulta (raw__contratos)" in text, text
            assert f"run monitoring frees them {FREE_AFTER_S} s after the run ended" in text
            assert "free_concurrency_slots_for_run" in text
            assert "all checks passed" not in text

            # The next run waits for the pool, gets it when run monitoring frees the dead run's slot, and
            # resumes from the pending pages: nobody frees anything by hand.
            sandbox.faults = Faults()
            again = launch(url, location, RAW_CONTRATOS, str(DAY))
            finished = wait("the next run to finish", lambda: (r := instance.get_run_by_id(again)).is_finished and r,
                            300, every=1)
            assert finished.status == dg.DagsterRunStatus.SUCCESS, (tmp_path / "dagster_dev.log").read_text()[-3000:]
            # It waited in the queue for the pool until run monitoring freed the dead run's slot.
            ended = instance.get_run_record_by_id(killed).end_time
            events = {e.dagster_event_type: e.timestamp for e in instance.all_logs(again) if e.is_dagster_event}
            assert events[dg.DagsterEventType.RUN_ENQUEUED] < ended + FREE_AFTER_S
            assert events[dg.DagsterEventType.RUN_STARTING] > ended + FREE_AFTER_S
            logs = [e.user_message for e in instance.all_logs(again)]
            meta = materializations(instance, again)[tuple(RAW_CONTRATOS)]
            assert meta["requests_resumed"].value == pending
            assert meta["requests_fetched"].value + pending == 23
            assert any(f"resuming, {pending} pages already archived" in m for m in logs)
            assert not instance.event_log_storage.get_concurrency_info("pncp_consulta").claimed_slots
            code, text = doctor(env)
            assert "ok    dagster: pools: pncp_consulta 0/1 slots occupied" in text, text
    assert lake.exists("raw/contratos", DAY) and not lake.store.list("_pending/")


def materialize_cli(env: dict, cwd: Path, log: Path, select: str = "raw/contratos") -> subprocess.Popen:
    """`dagster asset materialize`, as the quick start runs it, in a process group of its own."""
    return subprocess.Popen([str(BIN / "dagster"), "asset", "materialize", "-m", "baliza_assets.definitions",
                             "--select", select, "--partition", str(DAY)], env=env, cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=open(log, "wb"), start_new_session=True)


@pytest.mark.slow
def test_doctor_names_a_killed_cli_run_that_still_holds_its_slot_and_how_to_free_it(tmp_path):
    """No daemon, and a `dagster asset materialize` killed with -9: nothing can record its end (Dagster's
    default run launcher has no health check), so doctor finds the dead process and says how to free it."""
    home, root = local_home(tmp_path), tmp_path
    sandbox = Sandbox(big_world(), STUCK)
    lake = Lake(str(root / "lake"))
    with running(sandbox) as ep, dg.DagsterInstance.from_config(str(home)) as instance:
        env = environment(home, root, ep)
        proc = materialize_cli(env, tmp_path, tmp_path / "first.log")
        wait("pages archived as pending by the first run",
             lambda: proc.poll() is None and lake.scan_pending("raw/contratos", DAY) is not None, 300, every=0.5)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        pending = len(lake.scan_pending("raw/contratos", DAY).collect())
        (killed,) = [r.run_id for r in instance.get_runs()]
        assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.STARTED

        code, text = doctor(env)
        assert code == 1, text
        line = next(x for x in text.splitlines() if x.startswith(f"FAIL  dagster: run {killed} holds 1 pool slot(s)"))
        assert f"recorded as STARTED while its process (pid {proc.pid}) is gone" in line, text
        assert "ok    dagster: pools: pncp_consulta 1/1 slots occupied" in text
        free = line.split("Mark the run failed and free them: ", 1)[1]
        assert subprocess.run(free, shell=True, env=env, capture_output=True, timeout=120).returncode == 0
        assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
        assert not instance.event_log_storage.get_concurrency_info("pncp_consulta").claimed_slots

        sandbox.faults = Faults()
        again = materialize_cli(env, tmp_path, tmp_path / "again.log")
        assert again.wait(timeout=300) == 0, (tmp_path / "again.log").read_text()[-3000:]
        assert f"resuming, {pending} pages already archived" in (tmp_path / "again.log").read_text()
    assert lake.exists("raw/contratos", DAY) and not lake.store.list("_pending/")


# A quarter of the detail requests hang until the run is killed (never the modalidades table, which the
# listings need): the details cannot end, and whatever answered is archived as pending within 2 s.
HANGING_DETAILS = Faults(detail=ApiFaults(rates={"hang": 0.25}, repeats=None, hang_seconds=900.0))


def bare_home(root: Path) -> Path:
    """A Dagster instance with no pool limits: the slot a killed `dagster asset materialize` holds (it stays
    "started") holds nothing back, and the next run starts at once."""
    home = root / "home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


def cli_run(env: dict, root: Path, name: str) -> subprocess.Popen:
    return materialize_cli(env, root, root / f"{name}.log", select=",".join(DAY_TABLES))


def finished(proc: subprocess.Popen, log: Path) -> None:
    assert proc.wait(timeout=600) == 0, log.read_text()[-3000:]


@pytest.mark.slow
def test_a_day_killed_early_in_its_details_resumes_from_all_it_archived(tmp_path):
    """A day's listings and details in one run, killed with -9 as soon as the first details are archived as
    pending. The next run asks PNCP only for the pages archived nowhere (the listings, promoted before the
    kill, included), and ends with the archive of a clean run, page by page."""
    assert HANGING_DETAILS.detail.pick(HANGING_DETAILS.seed, MODALIDADES, 1) is None
    sandbox = Sandbox(World(seed=7, volume="small", now=NOW), Faults())
    clean_root, root = tmp_path / "clean", tmp_path / "run"
    with running(sandbox) as ep:
        before = Counter(sandbox.requested)
        finished(cli_run(environment(bare_home(clean_root), clean_root, ep), clean_root, "clean"), clean_root / "clean.log")
        clean_asks = asked_since(sandbox.requested, before)

        home = bare_home(root)
        env, lake = environment(home, root, ep), Lake(str(root / "lake"))
        sandbox.faults = HANGING_DETAILS
        proc = cli_run(env, root, "killed")
        wait("the first details archived as pending", lambda: proc.poll() is None and any(
            lake.scan_pending(t, DAY) is not None for t in DAY_TABLES[1:]), 300, every=0.1)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        archived, pending = archived_requests(lake, DAY), pending_counts(lake, DAY)
        listing_pages = len(lake.read("raw/contratacoes", DAY))
        assert not any(lake.exists(t, DAY) for t in DAY_TABLES[1:])

        sandbox.faults = Faults()
        before = Counter(sandbox.requested)
        finished(cli_run(env, root, "again"), root / "again.log")
        asks = asked_since(sandbox.requested, before)

    missing = set(clean_asks) - archived
    assert len(missing) > sum(pending.values()) > 0, "killed early: most details still to fetch, some archived"
    # every page archived, promoted or pending, is taken as it is; only the modalidades table the listings'
    # plan reads is asked for again
    assert asks == Counter(missing | {MODALIDADES})
    with dg.DagsterInstance.from_config(str(home)) as instance:
        killed, again = sorted(instance.get_runs(), key=lambda r: instance.get_run_record_by_id(r.run_id).create_timestamp)
        assert instance.get_run_by_id(killed.run_id).status == dg.DagsterRunStatus.STARTED  # nothing saw it die
        meta = {"/".join(k): m for k, m in materializations(instance, again.run_id).items()}
    assert (meta["raw/contratacoes"]["requests_resumed"].value, meta["raw/contratacoes"]["requests_fetched"].value) == (
        listing_pages, 0)
    for table in DAY_TABLES[1:]:
        assert meta[table]["requests_resumed"].value == pending[table], table
    assert "resuming, " in (root / "again.log").read_text()
    clean = Lake(str(clean_root / "lake"))
    for table in DAY_TABLES:
        assert pages(lake, table, DAY) == pages(clean, table, DAY), f"{table} differs from a clean run's"
    assert not lake.store.list("_pending/")
