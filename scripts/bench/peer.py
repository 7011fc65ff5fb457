#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
"""The workloads of strata-bench (batch10, command, load-10, load-1000, catch-up-decode, catch-up-projection)
run with the peer, Python's `eventsourcing` library, on SQLite and PostgreSQL, with its default durable
settings. Run through scripts/bench/peer.sh, which installs the peer into a throwaway virtual environment."""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import singledispatchmethod
from urllib.parse import parse_qs, urlparse

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment
import psycopg
from psycopg.sql import SQL, Identifier


class Account(Aggregate):
    @event("Opened")
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.balance = 0

    @event("Deposited")
    def deposit(self, amount: int) -> None:
        self.balance += amount


class Bank(Application):
    pass


class SQLiteBalances(SQLiteTrackingRecorder):
    """A balance per account in the projection's own SQLite file, written with its tracking record."""

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                "CREATE TABLE IF NOT EXISTS balances (account_id TEXT PRIMARY KEY, balance INTEGER NOT NULL) WITHOUT ROWID"]

    def credit(self, account_id: str, amount: int, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute("INSERT INTO balances VALUES (?, ?) ON CONFLICT (account_id) DO UPDATE SET balance = balance + excluded.balance",
                      (account_id, amount))
            self._insert_tracking(c, tracking)


class PostgresBalances(PostgresTrackingRecorder):
    """A balance per account in the projection's own PostgreSQL schema, written with its tracking record."""

    def __init__(self, datastore, **kwargs) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {0}.balances (account_id text PRIMARY KEY, balance bigint NOT NULL)")
            .format(Identifier(self.datastore.schema)))

    def credit(self, account_id: str, amount: int, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("INSERT INTO {0}.balances VALUES (%s, %s) ON CONFLICT (account_id) "
                             "DO UPDATE SET balance = {0}.balances.balance + excluded.balance")
                         .format(Identifier(self.datastore.schema)), (account_id, amount))
            self._insert_tracking(curs, tracking)


class Balances(Projection):
    name = "balances"

    @singledispatchmethod
    def process_event(self, domain_event, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, domain_event: Account.Opened, tracking: Tracking) -> None:
        self.view.credit(str(domain_event.originator_id), 0, tracking)

    @process_event.register
    def _(self, domain_event: Account.Deposited, tracking: Tracking) -> None:
        self.view.credit(str(domain_event.originator_id), domain_event.amount, tracking)


def environments(backend: str, folder: str, postgres_url: str | None) -> tuple[dict, type]:
    """The application's environment and the projection's view class, for a fresh store."""
    if backend == "sqlite":
        return ({"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                 "SQLITE_DBNAME": os.path.join(folder, f"events-{uuid.uuid4().hex}.sqlite"),
                 "BALANCES_SQLITE_DBNAME": os.path.join(folder, f"read-{uuid.uuid4().hex}.sqlite")}, SQLiteBalances)
    url = urlparse(postgres_url)
    schema = f"peer_{uuid.uuid4().hex[:12]}"
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
           "POSTGRES_HOST": url.hostname or "127.0.0.1", "POSTGRES_PORT": str(url.port or 5432),
           "POSTGRES_USER": url.username or "postgres", "POSTGRES_PASSWORD": url.password or "",
           "POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": "8"}
    if parse_qs(url.query).get("sslmode"):
        env["POSTGRES_SSLMODE"] = parse_qs(url.query)["sslmode"][0]
    return env, PostgresBalances


def postgres_schemas(url: str, names: list[str], create: bool) -> None:
    """The peer expects its schemas to exist; the benchmark drops them afterwards."""
    with psycopg.connect(url, autocommit=True) as connection:
        for name in names:
            statement = "CREATE SCHEMA IF NOT EXISTS {0}" if create else "DROP SCHEMA IF EXISTS {0} CASCADE"
            connection.execute(SQL(statement).format(Identifier(name)))


def timed(operations: int, body) -> float:
    start = time.perf_counter()
    body()
    return operations / (time.perf_counter() - start)


def new_account(app: Bank, deposits: int) -> uuid.UUID:
    account = Account(owner="bench")
    for _ in range(deposits):
        account.deposit(1)
    app.save(account)
    return account.id


def run_suite(backend: str, args, folder: str) -> dict[str, list[float]]:
    env, view_class = environments(backend, folder, args.postgres)
    schemas: list[str] = []
    if backend == "postgres":
        schemas.append(env["POSTGRES_SCHEMA"])
        postgres_schemas(args.postgres, schemas, create=True)
    app = Bank(env=env)
    figures: dict[str, list[float]] = {}

    def record(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)
        print(f"  {backend} {name}: {value:,.0f}", file=sys.stderr, flush=True)

    # The log catch-up and load-10 read: accounts of 10 events; and 5 accounts of 1,000 for load-1000.
    tens = [new_account(app, 9) for _ in range(args.log_accounts)]
    thousands = [new_account(app, 999) for _ in range(5)]
    log_events = len(tens) * 10

    for _ in range(args.runs):
        def catch_up() -> None:
            start, read = 1, 0
            while read < log_events:
                page = app.recorder.select_notifications(start=start, limit=min(1000, log_events - read))
                for notification in page:
                    app.mapper.to_domain_event(notification)
                read += len(page)
                start = page[-1].id + 1
        record(f"catch-up-decode, {log_events:,} events (events/s)", timed(log_events, catch_up))
        sample = tens[:2000]
        record("load-10 (aggregates/s)", timed(len(sample), lambda: [app.repository.get(i) for i in sample]))
        record("load-1000 (aggregates/s)", timed(50, lambda: [app.repository.get(i) for i in thousands * 10]))
        record("batch10 (events/s)", timed(args.batch_accounts * 10, lambda: [new_account(app, 9) for _ in range(args.batch_accounts)]))
        for workers in (1, 4):
            ids = [new_account(app, 0) for _ in range(args.command_accounts)]

            def commands(account_id: uuid.UUID) -> None:
                for amount in range(1, 11):
                    account = app.repository.get(account_id)
                    account.deposit(amount)
                    app.save(account)

            def run_commands() -> None:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    list(pool.map(commands, ids))
            record(f"command, {workers} worker{'s' if workers > 1 else ''} (commands/s)", timed(len(ids) * 10, run_commands))

    # catch-up-projection: the whole log (catch-up accounts, batch10 and command accounts) into balances.
    total = app.recorder.max_notification_id()
    for _ in range(args.projection_runs):
        view_env = dict(env)
        if backend == "sqlite":
            view_env["BALANCES_SQLITE_DBNAME"] = os.path.join(folder, f"read-{uuid.uuid4().hex}.sqlite")
        else:
            view_env["BALANCES_POSTGRES_SCHEMA"] = f"{env['POSTGRES_SCHEMA']}_r{uuid.uuid4().hex[:6]}"
            schemas.append(view_env["BALANCES_POSTGRES_SCHEMA"])
            postgres_schemas(args.postgres, schemas[-1:], create=True)
        start = time.perf_counter()
        if backend == "postgres":
            with ProjectionRunner(application_class=Bank, projection_class=Balances, view_class=view_class, env=view_env) as runner:
                runner.wait(total, timeout=3600)
        else:
            project_without_subscription(app, view_class, view_env, total)
        record(f"catch-up-projection, {total:,} events (events/s)", total / (time.perf_counter() - start))
    app.close()
    if schemas:
        postgres_schemas(args.postgres, schemas, create=False)
    return figures


def project_without_subscription(app: Bank, view_class: type, env: dict, total: int) -> None:
    """The peer's SQLite recorder has no subscriptions, so its ProjectionRunner cannot run on SQLite: this does
    what the runner does (pages of notifications, decoded, handed with their tracking to the projection)."""
    view = InfrastructureFactory.construct(env=Environment(Balances.name, {**os.environ, **env})).tracking_recorder(view_class)
    projection = Balances(view=view)
    start = 1
    while start <= total:
        page = app.recorder.select_notifications(start=start, limit=1000)
        for notification in page:
            projection.process_event(app.mapper.to_domain_event(notification), Tracking(app.name, notification.id))
        start = page[-1].id + 1


def figure_name(name: str) -> str:
    """A workload's name without its unit, as strata-bench names it: `command, 1 worker (commands/s)` → `command, 1 worker`."""
    return re.sub(r" \([^)]*\)$", "", name)


STRATA_LINE = re.compile(r"^(strata|raw GRDB|raw postgres-nio), (.+?)\s{2,}([\d,]+)\s")


def strata_figures(text: str) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Figures of `strata-bench workloads` tables: backend → workload → {"strata", "bare"} → one value per run."""
    figures: dict[str, dict[str, dict[str, list[float]]]] = {}
    pending: dict[str, float] = {}
    for line in text.splitlines():
        match = STRATA_LINE.match(line)
        if not match:
            continue
        who, name, value = match.group(1), match.group(2), float(match.group(3).replace(",", ""))
        if who == "strata":
            pending[name] = value
        elif name in pending:
            backend = "sqlite" if who == "raw GRDB" else "postgres"
            entry = figures.setdefault(backend, {}).setdefault(name, {"strata": [], "bare": []})
            entry["strata"].append(pending.pop(name))
            entry["bare"].append(value)
    return figures


def report(folder: str) -> None:
    """One table per backend from rounds that alternated strata-bench and the peer (see peer.sh --with-strata)."""
    with open(os.path.join(folder, "strata.txt")) as file:
        strata = strata_figures(file.read())
    peer: dict[str, dict[str, list[float]]] = {}
    for entry in sorted(os.listdir(folder)):
        if entry.startswith("peer-") and entry.endswith(".json"):
            with open(os.path.join(folder, entry)) as file:
                for backend, figures in json.load(file).items():
                    for name, values in figures.items():
                        peer.setdefault(backend, {}).setdefault(figure_name(name), []).extend(values)
    for backend in sorted(set(strata) | set(peer)):
        rounds = max((len(v["strata"]) for v in strata.get(backend, {}).values()), default=0)
        print(f"\n{backend}: medians of {rounds} rounds, Strata and the peer alternating")
        print(f"  {'workload':<36} {'Strata':>10} {'bare driver':>12} {'eventsourcing':>14} {'Strata/bare':>12} {'Strata/peer':>12}")
        names = list(strata.get(backend, {})) + [n for n in peer.get(backend, {}) if n not in strata.get(backend, {})]
        for name in names:
            ours = strata.get(backend, {}).get(name)
            theirs = peer.get(backend, {}).get(name)
            mine = statistics.median(ours["strata"]) if ours else None
            bare = statistics.median(ours["bare"]) if ours else None
            other = statistics.median(theirs) if theirs else None
            cells = [f"{v:>,.0f}" if v is not None else "–" for v in (mine, bare, other)]
            ratio_bare = f"{mine / bare:.2f}" if mine and bare else "–"
            ratio_peer = f"{mine / other:.2f}" if mine and other else "–"
            print(f"  {name:<36} {cells[0]:>10} {cells[1]:>12} {cells[2]:>14} {ratio_bare:>12} {ratio_peer:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--postgres", help="postgres://user@host:port/db?sslmode=disable")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--projection-runs", type=int, default=3)
    parser.add_argument("--batch-accounts", type=int, default=10_000)
    parser.add_argument("--log-accounts", type=int, default=10_000)
    parser.add_argument("--command-accounts", type=int, default=200)
    parser.add_argument("--json", help="also write the figures to this file, for --report")
    parser.add_argument("--report", metavar="FOLDER", help="print the tables of a peer.sh --with-strata run and exit")
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return
    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    if "postgres" in backends and not args.postgres:
        parser.error("--postgres is needed for the PostgreSQL suite")
    everything: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="strata-peer-") as folder:
        for backend in backends:
            figures = run_suite(backend, args, folder)
            everything[backend] = figures
            print(f"\neventsourcing (Python), {backend}: median (min–max) of {args.runs} runs")
            for name, values in figures.items():
                print(f"  {name:<52} {statistics.median(values):>10,.0f}  ({min(values):,.0f}–{max(values):,.0f})")
    if args.json:
        with open(args.json, "w") as file:
            json.dump(everything, file)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
