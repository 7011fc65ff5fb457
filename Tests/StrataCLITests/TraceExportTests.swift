//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import StrataShopService
import Testing

@testable import StrataCommandLine

@Suite("serve's trace export: off by default, on by option or OpenTelemetry's variables", .timeLimit(.minutes(10)))
struct TraceExportTests {
    static func export(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> TraceExport? {
        try ServeSettingsTests.settings(arguments, environment: environment).traceExport
    }

    @Test("off unless asked: no option, and no OTEL_* variable that names a collector")
    func offByDefault() throws {
        #expect(try Self.export() == nil)
        #expect(try Self.export(environment: ["OTEL_SERVICE_NAME": "shop", "OTEL_TRACES_SAMPLER": "always_on"]) == nil)
        #expect(try Self.export(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": ""]) == nil, "an empty variable is unset")
    }

    @Test("the option sends traces to a collector's base URL, ahead of any endpoint in the environment")
    func option() throws {
        let export = try #require(
            try Self.export(
                ["--otel-endpoint", "http://127.0.0.1:4318"],
                environment: [
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://elsewhere:4318/v1/traces", "OTEL_TRACES_EXPORTER": "none",
                    "OTEL_SDK_DISABLED": "true", "OTEL_SERVICE_NAME": "shop", "PATH": "/usr/bin",
                ]
            )
        )
        #expect(export.environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318")
        #expect(export.environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] == nil)
        #expect(export.environment["OTEL_TRACES_EXPORTER"] == "otlp")
        #expect(export.environment["OTEL_SERVICE_NAME"] == "shop", "the other OTEL_* settings are passed on")
        #expect(export.environment["PATH"] == nil, "only OTEL_* variables are passed on")
        #expect(export.environment["OTEL_SDK_DISABLED"] == nil, "never passed on: it would switch on OpenTelemetry's logs and metrics")
        #expect(export.summary == "OTLP/HTTP (http/protobuf) to http://127.0.0.1:4318")
    }

    @Test("OpenTelemetry's variables switch export on and off")
    func environment() throws {
        let endpoint = try #require(try Self.export(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4318"]))
        #expect(endpoint.summary == "OTLP/HTTP (http/protobuf) to https://collector:4318")
        let traces = try #require(
            try Self.export(environment: [
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            ])
        )
        #expect(traces.summary == "OTLP/HTTP (http/json) to http://c:4318/v1/traces")
        #expect(try Self.export(environment: ["OTEL_TRACES_EXPORTER": "otlp"]) != nil, "otlp to the default collector")
        #expect(try Self.export(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"]) == nil)
        #expect(try Self.export(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "TRUE"]) == nil)
        #expect(try Self.export(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "false"]) != nil)
        let sampled = ["OTEL_TRACES_SAMPLER": "ParentBased_TraceIDRatio", "OTEL_TRACES_SAMPLER_ARG": "0.1", "OTEL_PROPAGATORS": "tracecontext, none"]
        let passed = try #require(try Self.export(["--otel-endpoint", "http://c:4318"], environment: sampled)).environment
        #expect(passed["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio", "names are case-insensitive, and passed on lower-case")
        #expect(passed["OTEL_TRACES_SAMPLER_ARG"] == "0.1")
        #expect(passed["OTEL_PROPAGATORS"] == "tracecontext,none")
    }

    @Test(
        "what this build cannot do is refused with a message: gRPC, other exporters, endpoints that are not HTTP URLs",
        arguments: [
            ([], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]),
            ([], ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "thrift"]),
            ([], ["OTEL_TRACES_EXPORTER": "zipkin"]),
            (["--otel-endpoint", "127.0.0.1:4318"], [:]), (["--otel-endpoint", "ftp://c/"], [:]), (["--otel-endpoint", "http://"], [:]),
            (["--otel-endpoint", ""], [:]), (["--otel-endpoint", "http://c:4318", "--port", "1"], ["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"]),
            // Named by OpenTelemetry, not implemented by swift-otel: they would stop the process when the tracer starts.
            (["--otel-endpoint", "http://c:4318"], ["OTEL_TRACES_SAMPLER": "xray"]),
            (["--otel-endpoint", "http://c:4318"], ["OTEL_TRACES_SAMPLER": "parentbased_jaeger_remote"]),
            (["--otel-endpoint", "http://c:4318"], ["OTEL_PROPAGATORS": "tracecontext,b3"]),
            (["--otel-endpoint", "http://c:4318"], ["OTEL_PROPAGATORS": "baggage"]),
        ] as [([String], [String: String])]
    )
    func refused(arguments: [String], environment: [String: String]) {
        #expect(throws: CLIError.self) { try Self.export(arguments, environment: environment) }
    }
}
