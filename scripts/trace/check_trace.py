#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
"""Checks that one paid order, sent through `strata serve`, made one trace across the asynchronous boundary.

Usage: python check_trace.py SPANS_FILE TRACE_ID CALLER_SPAN_ID
Prints the trace as a tree, then checks it: the HTTP request (a child of the caller's span, from its
traceparent header) → the payment command → its append → its group commit; the projections that applied the
payment and the process manager that reacted to it, children of the command through the trace context stored in
the event; the command the process manager sent, and its append. Exits 1, saying what is missing, otherwise.
"""
import json
import sys

SERVER, CLIENT, CONSUMER = 2, 3, 5

spans_file, trace_id, caller_span_id = sys.argv[1:4]
with open(spans_file) as lines:
    everything = [json.loads(line) for line in lines]
spans = [span for span in everything if span["trace_id"] == trace_id]
by_id = {span["span_id"]: span for span in spans}
# A projection's batch spans events of many traces, so it is a trace of its own, linked from each apply.
batches = {span["span_id"] for span in everything if span["name"] == "strata.projection.batch"}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def children(parent, name=None):
    found = [s for s in spans if s["parent_span_id"] == parent["span_id"] and (name is None or s["name"] == name)]
    return sorted(found, key=lambda s: s["start"])


def only(found, description):
    check(len(found) == 1, f"expected one {description}, found {len(found)}")
    return found[0] if found else None


def print_tree():
    start = min((s["start"] for s in spans), default=0)
    def show(span, depth):
        keys = ("http.route", "http.response.status_code", "strata.stream", "strata.projection", "strata.process-manager",
                "db.system.name", "db.operation.batch.size", "strata.position")
        details = ", ".join(f"{k}={span['attributes'][k]}" for k in keys if k in span["attributes"])
        offset = (span["start"] - start) / 1e6
        duration = (span["end"] - span["start"]) / 1e6
        print(f"{'  ' * depth}{span['name']}  +{offset:.1f} ms, {duration:.2f} ms" + (f"  [{details}]" if details else ""))
        for child in children(span):
            show(child, depth + 1)
    for root in sorted((s for s in spans if s["parent_span_id"] not in by_id), key=lambda s: s["start"]):
        print(f"(parent {root['parent_span_id'] or 'none'})")
        show(root, 1)


print(f"trace {trace_id}: {len(spans)} spans of {len(everything)} received")
print_tree()

check(spans, "no span of the trace reached the collector")
check(all(s["resource"].get("service.name") == "strata" for s in spans), "every span's service.name is strata")
server = only([s for s in spans if s["kind"] == SERVER], "HTTP server span")
if server:
    check(server["parent_span_id"] == caller_span_id, "the HTTP span continues the caller's traceparent")
    check(server["attributes"].get("http.request.method") == "POST", "the HTTP span has http.request.method")
    check(server["attributes"].get("http.route") == "/orders/{id}/payments", "the HTTP span names its route")
    check(server["attributes"].get("http.response.status_code") == 201, "the HTTP span has the response status")
    command = only(children(server, "strata.command"), "payment command under the HTTP span")
    if command:
        check(command["attributes"].get("strata.stream", "").startswith("payment-"), "the command names its stream")
        append = only(children(command, "strata.append"), "append under the payment command")
        if append:
            check(append["kind"] == CLIENT, "an append is a client span")
            check(append["attributes"].get("db.system.name") == "sqlite", "the append names its database")
            check(append["attributes"].get("db.operation.name") == "append", "the append names its operation")
            batch = only(children(append, "strata.group-commit"), "group commit under the append")
            if batch:
                check(batch["attributes"].get("db.operation.batch.size", 0) >= 1, "the group commit gives its batch size")
        react = only(children(command, "strata.process-manager.react"), "process-manager reaction to the payment")
        if react:
            check(react["attributes"].get("strata.process-manager") == "order-payment", "the reaction names its process manager")
            sent = only(children(react, "strata.command"), "command sent by the process manager")
            if sent:
                check(sent["attributes"].get("strata.stream", "").startswith("order-"), "the process manager's command goes to the order")
                only(children(sent, "strata.append"), "append under the process manager's command")
                check(children(sent, "strata.projection.apply"), "a projection applied the order's new event in the same trace")
applies = [s for s in spans if s["name"] == "strata.projection.apply"]
for apply in applies:
    check(by_id.get(apply["parent_span_id"], {}).get("name") == "strata.command", "a projection's apply is a child of the command whose event it applies")
    check(apply["kind"] == CONSUMER, "a projection's apply is a consumer span")
    check(apply["links"] and all(link["span_id"] in batches for link in apply["links"]), "a projection's apply is linked to its batch")

if failures:
    print("\nthe trace is not as expected:", file=sys.stderr)
    for failure in failures:
        print(f"  - {failure}", file=sys.stderr)
    sys.exit(1)
print("\nthe trace is complete: HTTP → command → append → group commit; projections; process manager → command → append")
