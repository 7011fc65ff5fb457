#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
"""A minimal OpenTelemetry collector: receives OTLP/HTTP trace exports and writes each span as a JSON line.

Usage: python otlp_receiver.py SPANS_FILE
       python otlp_receiver.py --discard
Listens on 127.0.0.1 on a free port, prints "listening on http://127.0.0.1:PORT" once ready, and accepts
POST /v1/traces in both OTLP/HTTP encodings (application/x-protobuf and application/json, optionally gzip).
The messages are the OpenTelemetry project's own (the opentelemetry-proto package), so what the exporter sends
is checked against the real protocol, not a copy of it. With --discard (for benchmarks, and needing no package)
it answers every export with success and keeps nothing, so that the collector costs the service's machine as
little as possible.
"""
import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DISCARD = sys.argv[1] == "--discard"
SPANS_FILE = None if DISCARD else sys.argv[1]
if not DISCARD:
    from google.protobuf import json_format
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse
WRITE_LOCK = threading.Lock()


def value_of(any_value):
    kind = any_value.WhichOneof("value")
    if kind == "array_value":
        return [value_of(v) for v in any_value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: value_of(kv.value) for kv in any_value.kvlist_value.values}
    return getattr(any_value, kind) if kind else None


def attributes_of(key_values):
    return {kv.key: value_of(kv.value) for kv in key_values}


def spans_of(request):
    for resource_spans in request.resource_spans:
        resource = attributes_of(resource_spans.resource.attributes)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield {
                    "trace_id": span.trace_id.hex(),
                    "span_id": span.span_id.hex(),
                    "parent_span_id": span.parent_span_id.hex(),
                    "name": span.name,
                    "kind": span.kind,
                    "start": span.start_time_unix_nano,
                    "end": span.end_time_unix_nano,
                    "attributes": attributes_of(span.attributes),
                    "events": [event.name for event in span.events],
                    "links": [{"trace_id": link.trace_id.hex(), "span_id": link.span_id.hex()} for link in span.links],
                    "status": span.status.code,
                    "resource": resource,
                }


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/v1/traces":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if DISCARD:
            # An empty message is a valid ExportTraceServiceResponse in both encodings' content types.
            json_encoded = self.headers.get("Content-Type", "").startswith("application/json")
            payload = b"{}" if json_encoded else b""
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if json_encoded else "application/x-protobuf")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        json_encoded = self.headers.get("Content-Type", "").startswith("application/json")
        try:
            if json_encoded:
                json_format.Parse(body, request)
            else:
                request.ParseFromString(body)
        except Exception as error:  # a malformed export is the exporter's bug: answer 400, as a collector would
            self.send_error(400, str(error))
            return
        with WRITE_LOCK, open(SPANS_FILE, "a") as out:
            for span in spans_of(request):
                out.write(json.dumps(span) + "\n")
        response = ExportTraceServiceResponse()
        payload = json_format.MessageToJson(response).encode() if json_encoded else response.SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if json_encoded else "application/x-protobuf")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
