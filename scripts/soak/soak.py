#!/usr/bin/env python3
# ===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
# ===----------------------------------------------------------------------===//
"""Soak test of `strata serve`: mixed command, query and live-event load while the service is killed with
SIGKILL (and, on PostgreSQL, the database restarted) at random moments.

At the end, with the service up again and caught up:
- every acknowledged command (a 2xx answer) is in the log exactly once, and no command is in it twice;
- the live event stream never skipped, repeated or reordered a position across its reconnects;
- the order views equal the log, and a rebuild of the views changes nothing.
Prints a summary and exits 1 on any violation. Standard library only; run through scripts/soak.sh.
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid


class Service:
    """One `strata serve` process at a fixed port, restartable."""

    def __init__(self, binary, arguments, folder):
        self.binary, self.arguments, self.folder = binary, arguments, folder
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.process = None
        self.log = open(os.path.join(folder, "serve.log"), "ab")
        self.lock = threading.Lock()

    def start(self):
        with self.lock:
            self.process = subprocess.Popen(
                [self.binary, "serve", "--port", str(self.port)] + self.arguments,
                stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if request("GET", self.port, "/health/live", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("strata serve did not start; see serve.log")

    def kill(self):
        with self.lock:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self):
        with self.lock:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(timeout=60)


def request(method, port, path, body=None, headers=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json"} if data else {}
        all_headers.update(headers or {})
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        text = response.read()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return response.status, parsed, dict(response.getheaders())
    finally:
        connection.close()


class Soak:
    def __init__(self, service, minutes, seed, postgres):
        self.service, self.deadline, self.postgres = service, time.time() + minutes * 60, postgres
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.acknowledged = {}  # order id -> [sku]
        self.attempted = 0
        self.retries = 0
        self.violations = []
        self.kills = 0
        self.database_restarts = 0
        self.queries = {"ok": 0, "stale": 0, "failed": 0}
        self.live = {"events": 0, "reconnects": 0}
        self.last_position = 0
        self.stop = threading.Event()

    def violation(self, text):
        with self.lock:
            self.violations.append(text)
        print("VIOLATION:", text, file=sys.stderr)

    def until_done(self, method, path, body=None, headers=None):
        """Sends a request until it gets an answer below 500 (or 503 turns into one): the retry a client makes."""
        while True:
            try:
                status, reply, answer_headers = request(method, self.service.port, path, body, headers)
                if status < 500:
                    return status, reply, answer_headers
            except OSError:
                pass
            with self.lock:
                self.retries += 1
            time.sleep(0.2)

    def setup(self, orders):
        self.orders = []
        for index in range(orders):
            status, customer, _ = self.until_done(
                "POST", "/customers", {"name": f"Soak {index}", "email": f"soak{index}-{uuid.uuid4().hex[:8]}@example.com"},
                {"Idempotency-Key": f"customer-{index}-{uuid.uuid4()}"})
            assert status == 201, (status, customer)
            status, order, _ = self.until_done("POST", "/orders", {"customerId": customer["id"]}, {"Idempotency-Key": str(uuid.uuid4())})
            assert status == 201, (status, order)
            self.orders.append(order["id"])
            self.acknowledged[order["id"]] = []

    def commands(self, worker):
        number = 0
        while time.time() < self.deadline:
            order = self.random.choice(self.orders)
            sku = f"w{worker}-{number}"
            number += 1
            key = str(uuid.uuid4())
            with self.lock:
                self.attempted += 1
            status, reply, headers = self.until_done(
                "POST", f"/orders/{order}/lines", {"sku": sku, "quantity": 1, "unitPriceCents": 100}, {"Idempotency-Key": key})
            if status == 200:
                with self.lock:
                    self.acknowledged[order].append(sku)
                    self.last_position = max(self.last_position, int(headers.get("Strata-Position", "0")))
            elif status != 409:
                self.violation(f"add line {sku} to {order}: {status} {reply}")

    def queries_loop(self):
        while time.time() < self.deadline:
            order = self.random.choice(self.orders)
            with self.lock:
                position = self.last_position
            try:
                status, _, _ = request("GET", self.service.port, f"/orders/{order}", headers={"Strata-Min-Position": str(position)})
                key = "ok" if status == 200 else "stale" if status == 503 else "failed"
                if key == "failed":
                    self.violation(f"query of {order}: {status}")
            except OSError:
                key = "failed"
            with self.lock:
                self.queries[key] += 1
            time.sleep(0.01)

    def live_events(self):
        last = None
        while not self.stop.is_set():
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.service.port, timeout=30)
                headers = {"Last-Event-ID": str(last)} if last is not None else {}
                connection.request("GET", "/events", headers=headers)
                response = connection.getresponse()
                if response.status != 200:
                    raise OSError(f"status {response.status}")
                event_id = None
                while not self.stop.is_set():
                    line = response.fp.readline()
                    if not line:
                        break
                    line = line.decode().rstrip("\n")
                    if line.startswith("id: "):
                        event_id = int(line[4:])
                    elif line == "" and event_id is not None:
                        expected = 1 if last is None else last + 1
                        if event_id != expected:
                            self.violation(f"live events: position {event_id} after {last}")
                        last = event_id
                        event_id = None
                        with self.lock:
                            self.live["events"] += 1
            except (OSError, ValueError, http.client.HTTPException):
                pass
            with self.lock:
                self.live["reconnects"] += 1
            time.sleep(0.2)
        self.live["last"] = last

    def chaos(self, postgres_restart):
        while time.time() < self.deadline - 5:
            time.sleep(self.random.uniform(3, 15))
            if time.time() >= self.deadline - 5:
                break
            if postgres_restart and self.random.random() < 0.3:
                subprocess.run(postgres_restart, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                self.database_restarts += 1
            else:
                self.service.kill()
                self.kills += 1
                time.sleep(self.random.uniform(0, 1))
                self.service.start()

    def stream_skus(self, order):
        skus, start = [], 0
        while True:
            status, page, _ = self.until_done("GET", f"/streams/order-{order}?from={start}&limit=1000")
            assert status == 200, (status, page)
            skus += [event["data"]["line"]["sku"] for event in page["events"] if event["type"] == "OrderLineAdded"]
            if page["next"] is None:
                return skus
            start = page["next"]

    def views(self):
        return {order: sorted(line["sku"] for line in self.until_done("GET", f"/orders/{order}")[1]["lines"]) for order in self.orders}

    def wait_caught_up(self, generation=None):
        for _ in range(1200):
            status, projection, _ = self.until_done("GET", "/projections/shop-views")
            if status == 200 and projection["lagEvents"] == 0 and projection["state"] == "live" and projection["rebuildCheckpoint"] is None \
                    and (generation is None or projection["generation"] > generation):
                return projection
            time.sleep(0.25)
        raise RuntimeError(f"shop-views did not catch up: {projection}")

    def verify(self):
        logged = {order: self.stream_skus(order) for order in self.orders}
        total = 0
        for order in self.orders:
            counts = {}
            for sku in logged[order]:
                counts[sku] = counts.get(sku, 0) + 1
            for sku, count in counts.items():
                if count > 1:
                    self.violation(f"{sku} is in order {order} {count} times")
            for sku in self.acknowledged[order]:
                total += 1
                if counts.get(sku, 0) != 1:
                    self.violation(f"acknowledged {sku} is in order {order} {counts.get(sku, 0)} times")
        projection = self.wait_caught_up()
        before = self.views()
        for order in self.orders:
            if before[order] != sorted(set(logged[order])):
                self.violation(f"view of {order} differs from its log")
        status, _, _ = self.until_done("POST", "/projections/shop-views/rebuild")
        if status != 202:
            self.violation(f"rebuild answered {status}")
        self.wait_caught_up(projection["generation"])
        if self.views() != before:
            self.violation("the views differ after a rebuild")
        return total, sum(len(skus) for skus in logged.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", required=True)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--postgres-restart", help="a shell command that restarts the database")
    parser.add_argument("serve_arguments", nargs=argparse.REMAINDER)
    arguments = parser.parse_args()
    service = Service(arguments.strata, [a for a in arguments.serve_arguments if a != "--"], arguments.folder)
    service.start()
    soak = Soak(service, arguments.minutes, arguments.seed, arguments.postgres_restart)
    started = time.time()
    soak.setup(arguments.orders)
    restart = ["sh", "-c", arguments.postgres_restart] if arguments.postgres_restart else None
    threads = [threading.Thread(target=soak.commands, args=(worker,)) for worker in range(arguments.workers)]
    threads += [threading.Thread(target=soak.queries_loop), threading.Thread(target=soak.chaos, args=(restart,))]
    live = threading.Thread(target=soak.live_events)
    for thread in threads + [live]:
        thread.start()
    for thread in threads:
        thread.join()
    acknowledged, logged = soak.verify()
    soak.stop.set()
    live.join()
    if soak.live.get("last") is None:
        soak.violation("the live stream delivered nothing")
    exit_status = service.stop()
    summary = {
        "seed": arguments.seed, "minutes": round((time.time() - started) / 60, 1), "attempted": soak.attempted,
        "acknowledged": acknowledged, "linesInLog": logged, "clientRetries": soak.retries, "kills": soak.kills,
        "databaseRestarts": soak.database_restarts, "queries": soak.queries, "live": soak.live,
        "serveExit": exit_status, "violations": len(soak.violations),
    }
    print(json.dumps(summary))
    sys.exit(1 if soak.violations else 0)


if __name__ == "__main__":
    main()
