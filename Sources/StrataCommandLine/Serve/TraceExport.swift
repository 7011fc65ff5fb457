//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Whether and where `serve` exports its traces: to an OpenTelemetry collector over OTLP/HTTP, configured by
/// `--otel-endpoint` or by OpenTelemetry's standard `OTEL_*` environment variables. Off unless one of them asks
/// for it; off, no tracer is installed and tracing costs nothing but the spans' no-op calls.
///
/// Export is on when `--otel-endpoint` is given, or `OTEL_EXPORTER_OTLP_ENDPOINT` or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set, or `OTEL_TRACES_EXPORTER=otlp`; `OTEL_TRACES_EXPORTER=none` and
/// `OTEL_SDK_DISABLED=true` turn it off (the option still wins). Every other `OTEL_*` variable the OpenTelemetry
/// specification defines for traces (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` and
/// `OTEL_TRACES_SAMPLER_ARG`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`, …) is honoured as it is.
struct TraceExport: Equatable {
    /// The `OTEL_*` variables the exporter is configured from: the process's, with the option applied.
    var environment: [String: String]

    /// The protocols this build exports with; gRPC is not built in.
    static let protocols = ["http/protobuf", "http/json"]

    /// The export that `endpoint` (the `--otel-endpoint` option) and the environment ask for, or `nil` for none.
    init?(endpoint: String?, environment processEnvironment: [String: String]) throws(CLIError) {
        var environment = processEnvironment.filter { $0.key.hasPrefix("OTEL_") && !$0.value.isEmpty }
        // Handled here: passed on, OTEL_SDK_DISABLED=false would switch on OpenTelemetry's logs and metrics too,
        // which `serve` sends elsewhere (stderr, and Prometheus at /metrics).
        let disabled = environment.removeValue(forKey: "OTEL_SDK_DISABLED")?.lowercased() == "true"
        if let endpoint {
            guard let url = URLComponents(string: endpoint), ["http", "https"].contains(url.scheme?.lowercased()),
                let host = url.host, !host.isEmpty
            else {
                throw .badInput("--otel-endpoint must be an http:// or https:// URL such as http://127.0.0.1:4318, not '\(endpoint)'")
            }
            // The collector's base URL, to which the exporter adds /v1/traces, as for OTEL_EXPORTER_OTLP_ENDPOINT.
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
            environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = nil
            environment["OTEL_TRACES_EXPORTER"] = "otlp"
        } else {
            switch environment["OTEL_TRACES_EXPORTER"]?.lowercased() {
            case "none": return nil
            case "otlp": break
            case nil:
                let endpoints = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
                guard endpoints.contains(where: { environment[$0] != nil }) else { return nil }
            case let other?:
                throw .badInput("OTEL_TRACES_EXPORTER=\(other) is not supported: strata exports traces with otlp (or none)")
            }
            if disabled { return nil }
        }
        for variable in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            if let value = environment[variable], !Self.protocols.contains(value) {
                throw .badInput(
                    "\(variable)=\(value) is not supported: strata exports over OTLP/HTTP (\(Self.protocols.joined(separator: " or "))), "
                        + "to a collector's HTTP port (4318 by default)"
                )
            }
        }
        // Values the OpenTelemetry specification names but swift-otel does not implement stop the process when the
        // tracer starts: refused here, with a message, instead.
        // The specification's names are case-insensitive; swift-otel's are lower-case.
        if let sampler = environment["OTEL_TRACES_SAMPLER"] {
            guard Self.samplers.contains(sampler.lowercased()) else {
                throw .badInput("OTEL_TRACES_SAMPLER=\(sampler) is not supported: use one of \(Self.samplers.sorted().joined(separator: ", "))")
            }
            environment["OTEL_TRACES_SAMPLER"] = sampler.lowercased()
        }
        if let propagators = environment["OTEL_PROPAGATORS"] {
            let names = propagators.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard names.allSatisfy(Self.propagators.contains) else {
                throw .badInput("OTEL_PROPAGATORS=\(propagators) is not supported: strata propagates W3C trace context (tracecontext) only")
            }
            environment["OTEL_PROPAGATORS"] = names.joined(separator: ",")
        }
        self.environment = environment
    }

    /// The samplers this build implements.
    static let samplers: Set = [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ]

    /// The propagators this build implements.
    static let propagators: Set = ["tracecontext", "none"]

    /// Where the spans go, for the startup log: `OTLP/HTTP (http/protobuf) to http://127.0.0.1:4318`.
    var summary: String {
        let endpoint = environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "http://localhost:4318"
        let encoding = environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] ?? environment["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? "http/protobuf"
        return "OTLP/HTTP (\(encoding)) to \(endpoint)"
    }
}
