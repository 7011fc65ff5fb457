#!/usr/bin/env python3
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
"""Mutation testing of Strata's promises (run through scripts/mutants.sh).

Each mutant breaks one promise with a small edit of the sources. For each, in a scratch copy of the working
tree (.build-mutants/tree), the edit is applied, everything is built, the tests that guard the promise run, and
the edit is undone. A mutant the tests fail on is killed; one they pass on survived, and means a promise that no
test holds. Every mutant must be killed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Mutant:
    name: str
    promise: str
    file: str
    edits: list  # (old, new): old must occur exactly once in file
    tests: str  # a `swift test --filter` expression


IN_PROCESS = "StrataTests|StrataShopTests|StrataHTTPTests|StrataSQLiteTests|StrataPostgresTests|StrataIntegrationTests"

MUTANTS = [
    Mutant(
        "projection-batch-fence-dropped",
        "a projection batch is applied once, even when a commit's acknowledgement is lost or another process moved the checkpoint",
        "Sources/Strata/Projections/ProjectionWorker+Batch.swift",
        [("current.hasSameProgress(as: record)", "current.hasSameProgress(as: current)")],
        "StrataTests|StrataSQLiteTests|StrataPostgresTests",
    ),
    Mutant(
        "in-memory-expected-version-ignored",
        "an append with a stale expected version is refused (in-memory store)",
        "Sources/Strata/InMemory/InMemoryStorage.swift",
        [("guard expected.isSatisfied(by: actual) else {", "guard expected.isSatisfied(by: actual) || !stream.rawValue.isEmpty else {")],
        "StrataTests",
    ),
    Mutant(
        "sqlite-expected-version-ignored",
        "an append with a stale expected version is refused (SQLite)",
        "Sources/StrataSQLite/AppendWriter.swift",
        [
            (
                "guard request.expected.isSatisfied(by: state.version) else {",
                "guard request.expected.isSatisfied(by: state.version) || !request.stream.rawValue.isEmpty else {",
            )
        ],
        "StrataSQLiteTests",
    ),
    Mutant(
        "postgres-expected-version-ignored",
        "an append with a stale expected version is refused (PostgreSQL)",
        # Migration 2's function, the one every store runs (migration 1's is replaced).
        "Sources/StrataPostgres/PostgresSchema+CommandSide.swift",
        [("ELSE actual IS NOT DISTINCT FROM expected_versions[request]", "ELSE true")],
        "StrataPostgresTests",
    ),
    Mutant(
        "postgres-head-lock-dropped",
        "PostgreSQL appends are ordered by the head row's lock: positions are gap-free and unique under concurrency",
        "Sources/StrataPostgres/PostgresSchema+CommandSide.swift",
        [("FROM \\(quoted).strata_head h FOR UPDATE;", "FROM \\(quoted).strata_head h;")],
        "StrataPostgresTests",
    ),
    Mutant(
        "sqlite-large-append-unguarded",
        "an append too large for one INSERT is written whole or not at all (SQLite)",
        "Sources/StrataSQLite/AppendWriter.swift",
        [
            (
                'try db.cachedStatement(sql: "SAVEPOINT \\(name)").execute()',
                'if "\\(name)" == "strata_append" { return try body() }\n        try db.cachedStatement(sql: "SAVEPOINT \\(name)").execute()',
            )
        ],
        "StrataSQLiteTests",
    ),
    Mutant(
        "postgres-failed-statement-kept",
        "a prepared statement that failed on a connection is sent under a new name, not failed for ever (PostgreSQL)",
        "Sources/StrataPostgres/PreparedQuery.swift",
        [("RetiredStatements.shared.retire(statement, on: connection)", "_ = statement")],
        "StrataPostgresTests",
    ),
    Mutant(
        "sqlite-statement-readers-writable",
        "the connections that run reads on the calling thread cannot write (SQLite)",
        "Sources/StrataSQLite/StatementReaders.swift",
        [("readers.readonly = true", "readers.readonly = false")],
        "StrataSQLiteTests",
    ),
    Mutant(
        "sqlite-statement-readers-unbounded",
        "reads on the calling thread open no more connections than allowed, and give them back (SQLite)",
        "Sources/StrataSQLite/StatementReaders.swift",
        [("guard connections.opened < maximumCount else", "guard connections.opened >= 0 else")],
        "StrataSQLiteTests",
    ),
    Mutant(
        "sqlite-synchronous-normal",
        "SQLite commits are fully synchronous (durable on power loss) unless configured otherwise",
        "Sources/StrataSQLite/SQLiteEventStore+Configuration.swift",
        [("public var durability: Durability = .full", "public var durability: Durability = .normal")],
        "StrataSQLiteTests",
    ),
    Mutant(
        "sqlite-read-skips-first",
        "reading the log from a position includes the event at that position",
        "Sources/StrataSQLite/SQLiteEventStore+Reading.swift",
        [('var conditions = ["position >= ?"]', 'var conditions = ["position > ?"]')],
        "StrataSQLiteTests",
    ),
    Mutant(
        "query-generation-retry-dropped",
        "a query whose cached generation a rebuild dropped reads the registry again and answers from the new one",
        "Sources/Strata/Queries/QueryHandler.swift",
        [("guard current != used else { throw error }", "guard current.isEmpty, current != used else { throw error }")],
        "StrataTests",
    ),
    Mutant(
        "idempotency-lookup-skipped",
        "a command retried with its idempotency key returns the original outcome and appends nothing",
        "Sources/Strata/Idempotency/IdempotentCommand.swift",
        [("outcomes.commandOutcome(forKey: key, recordedSince: cutoff)", 'outcomes.commandOutcome(forKey: key + "-unseen", recordedSince: cutoff)')],
        "StrataTests|StrataHTTPTests",
    ),
    Mutant(
        "process-manager-send-not-idempotent",
        "a process manager replaying an event after a crash issues none of its commands twice",
        "Sources/Strata/ProcessManagers/ProcessManagerRunner+Events.swift",
        [("ProcessCommandContext(idempotencyKey: id,", "ProcessCommandContext(idempotencyKey: UUID().uuidString,")],
        "StrataTests|StrataShopTests",
    ),
    Mutant(
        "process-manager-journal-skipped",
        "a process manager journals each event of a process, and folds its state from that journal",
        "Sources/Strata/ProcessManagers/ProcessManagerRunner+Events.swift",
        [
            (
                "_ = try await store.append([try journal.entry(for: event)], to: try journal.stream(), expecting: .any)",
                "_ = try journal.entry(for: event)",
            )
        ],
        "StrataTests|StrataShopTests",
    ),
    Mutant(
        "redaction-skipped",
        "a forgotten subject's fields read as their redacted value",
        "Sources/Strata/PersonalData/PersonalDataCipher.swift",
        [("object[field] = value[redactedKey] ?? .null", "object[field] = value")],
        "StrataTests|StrataShopTests|StrataHTTPTests",
    ),
    Mutant(
        "expired-token-accepted",
        "a bearer token past its exp is refused",
        "Sources/StrataHTTP/BearerAuthMiddleware.swift",
        [("try exp?.verifyNotExpired()", "_ = exp?.value")],
        "StrataHTTPTests",
    ),
    Mutant(
        "scope-check-skipped",
        "a token without the scope a route declares is refused (403)",
        "Sources/StrataHTTP/AccessCheckResponder.swift",
        [("guard context.isGranted(scope) else {", "guard context.isGranted(scope) || context.subject != nil else {")],
        "StrataHTTPTests",
    ),
    Mutant(
        "body-limit-skipped",
        "a body over the limit is refused (413) before it is read into memory",
        "Sources/StrataHTTP/BodyLimitMiddleware.swift",
        [("length > maxBodySize", "length > Int.max - maxBodySize"), ("context.maxUploadSize = maxBodySize", "context.maxUploadSize = Int.max - maxBodySize")],
        "StrataHTTPTests",
    ),
    Mutant(
        "if-match-ignored",
        "a command whose If-Match does not match the stream version is refused (412) and writes nothing",
        "Sources/StrataHTTP/Request+Strata.swift",
        [("        return version\n    }\n", "        _ = version\n        return nil\n    }\n")],
        "StrataHTTPTests",
    ),
    Mutant(
        "position-successor-wraps",
        "the successor of the largest position saturates instead of wrapping or trapping",
        "Sources/Strata/Model/GlobalPosition.swift",
        [("GlobalPosition(value == .max ? value : value + 1)", "GlobalPosition(value &+ 1)")],
        "StrataTests",
    ),
    Mutant(
        "json-depth-unlimited",
        "JSON request bodies nested deeper than the limit are refused (400)",
        "Sources/StrataHTTP/JSONNesting.swift",
        [("if depth > limit { return true }", "if depth > limit + 1_000_000 { return true }")],
        "StrataHTTPTests",
    ),
    Mutant(
        "event-stream-cap-ignored",
        "beyond the limit of open event streams /events answers 503",
        "Sources/StrataHTTP/EventStreamSlots.swift",
        [("guard count < limit else { return false }", "guard count < limit + 1_000_000 else { return false }")],
        "StrataHTTPTests",
    ),
    Mutant(
        "header-limit-counts-characters",
        "Idempotency-Key and Strata-Correlation-ID are limited in bytes, not characters",
        "Sources/StrataHTTP/Request+Strata.swift",
        [("!value.isEmpty && value.utf8.count <=", "!value.isEmpty && value.count <=")],
        "StrataHTTPTests",
    ),
    Mutant(
        "text-field-length-unchecked",
        "shop text fields are limited in bytes (sku 64, name 200, address parts 200, reason 500)",
        "Sources/StrataShop/TextField.swift",
        [("guard trimmed.utf8.count <= limit else", "guard trimmed.utf8.count <= limit * 1_000 else")],
        "StrataHTTPTests|StrataShopTests",
    ),
    Mutant(
        "order-line-count-unchecked",
        "an order holds at most 100 lines",
        "Sources/StrataShop/Order.swift",
        [("state.lines.count < Self.lineLimit", "state.lines.count < Self.lineLimit + 1_000")],
        "StrataHTTPTests|StrataShopTests",
    ),
    Mutant(
        "order-total-overflows",
        "folding stored order lines never traps, whatever their numbers",
        "Sources/StrataShop/Order.swift",
        [("public var amountCents: Int { quantity.saturatingMultiply(unitPriceCents) }", "public var amountCents: Int { quantity * unitPriceCents }")],
        "StrataShopTests",
    ),
    Mutant(
        "sqlite-secure-delete-off",
        "a forgotten subject's key bytes do not survive in the SQLite file",
        "Sources/StrataSQLite/PrivateDatabaseFile.swift",
        [('"PRAGMA secure_delete = ON"', '"PRAGMA secure_delete = OFF"')],
        "StrataSQLiteTests",
    ),
]


def run(command, cwd, log, timeout=None):
    """Runs `command`, appending its output to `log`; its exit status (124 on timeout)."""
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        try:
            return subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return 124


def sync_tree(root, tree):
    """Copies the tracked and new files of the working tree into `tree`, leaving its build folder alone."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for relative in filter(None, files):
        source = os.path.join(root, relative)
        if not os.path.isfile(source):
            continue
        target = os.path.join(tree, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)


def apply(tree, mutant):
    """Applies the mutant's edits; returns the original text of its file."""
    path = os.path.join(tree, mutant.file)
    with open(path) as source:
        original = source.read()
    text = original
    for old, new in mutant.edits:
        count = text.count(old)
        if count != 1:
            raise ValueError(f"{mutant.name}: {old!r} occurs {count} times in {mutant.file}, not once: the mutant is stale")
        text = text.replace(old, new)
    with open(path, "w") as target:
        target.write(text)
    return original


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print the mutants' names, one a line, and exit")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this mutant (repeatable)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds a mutant's test run may take (default 1200)")
    arguments = parser.parse_args()

    if arguments.list:
        for mutant in MUTANTS:
            print(mutant.name)
        return 0
    selected = MUTANTS
    if arguments.only:
        unknown = set(arguments.only) - {mutant.name for mutant in MUTANTS}
        if unknown:
            print(f"error: no mutant named {', '.join(sorted(unknown))} (see --list)", file=sys.stderr)
            return 2
        selected = [mutant for mutant in MUTANTS if mutant.name in arguments.only]

    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, check=True, text=True).stdout.strip()
    scratch = os.path.join(root, ".build-mutants")
    tree = os.path.join(scratch, "tree")
    os.makedirs(tree, exist_ok=True)
    log = os.path.join(scratch, "mutants.log")
    open(log, "w").close()
    sync_tree(root, tree)
    for mutant in selected:
        # Fails at once, before the long build, when a mutant no longer matches the sources.
        path = os.path.join(tree, mutant.file)
        with open(path) as source:
            text = source.read()
        for old, _ in mutant.edits:
            if text.count(old) != 1:
                print(f"error: {mutant.name}: {old!r} occurs {text.count(old)} times in {mutant.file}: the mutant is stale", file=sys.stderr)
                return 2
    print(f"==> building the unmutated tree in {tree} (log: {log})", flush=True)
    if run(["swift", "build", "--build-tests"], tree, log) != 0:
        print("error: the unmutated tree does not build", file=sys.stderr)
        return 1

    started = time.time()
    rows = []
    for mutant in selected:
        began = time.time()
        original = apply(tree, mutant)
        try:
            if run(["swift", "build", "--build-tests"], tree, log) != 0:
                verdict = "DID NOT BUILD"
            else:
                status = run(["swift", "test", "--skip-build", "--filter", mutant.tests], tree, log, timeout=arguments.timeout)
                verdict = "killed" if status != 0 else "SURVIVED"
                if status == 124:
                    verdict = "killed (timeout)"
        finally:
            with open(os.path.join(tree, mutant.file), "w") as target:
                target.write(original)
        seconds = time.time() - began
        rows.append((mutant.name, verdict, seconds))
        print(f"{mutant.name:40} {verdict:18} {seconds:6.0f} s   {mutant.promise}", flush=True)

    # Leave the scratch tree built as the working tree is, for the next run's incremental build.
    run(["swift", "build", "--build-tests"], tree, log)
    survivors = [name for name, verdict, _ in rows if verdict != "killed" and verdict != "killed (timeout)"]
    print(f"\n{len(rows) - len(survivors)} of {len(rows)} mutants killed in {(time.time() - started) / 60:.1f} minutes", flush=True)
    if survivors:
        print("not killed: " + ", ".join(survivors), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
