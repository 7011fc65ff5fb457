// swift-tools-version:6.2
import PackageDescription

/// Settings every Strata target shares: Swift 6 language mode with strict concurrency, and no warnings.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Strata", targets: ["Strata"]),
        .library(name: "StrataSQLite", targets: ["StrataSQLite"]),
        .library(name: "StrataPostgres", targets: ["StrataPostgres"]),
        .library(name: "StrataConformance", targets: ["StrataConformance"]),
        .library(name: "StrataShop", targets: ["StrataShop"]),
        .library(name: "StrataHTTP", targets: ["StrataHTTP"]),
        .library(name: "StrataCommandLine", targets: ["StrataCommandLine"]),
        .library(name: "StrataShopService", targets: ["StrataShopService"]),
        .library(name: "StrataShopClient", targets: ["StrataShopClient"]),
        .executable(name: "strata", targets: ["StrataCLI"]),
        .executable(name: "strata-bench", targets: ["StrataBench"]),
        .executable(name: "strata-fuzz", targets: ["StrataFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Trace export from `strata serve` over OTLP/HTTP; the gRPC exporter (and its build time) is left out.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        // gzip for `strata export` and `strata import` (zlib, through SwiftNIO's byte buffers).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // The service's OpenAPI document: its model (without the loading of external references, which Strata does
        // not use and which costs build time), and YAML for `/openapi.yaml`.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // The example shop's typed client, generated from its OpenAPI document (scripts/generate-client.sh).
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
        // `swift package generate-documentation`, which scripts/docs.sh runs; it adds nothing to any product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The core: value types, protocols and runtimes. No I/O dependencies.
        .target(
            name: "Strata",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The embedded backend: SQLite through GRDB. The only module that imports GRDB.
        .target(
            name: "StrataSQLite",
            dependencies: [
                "Strata",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The production backend: PostgreSQL through postgres-nio. The only module that imports PostgresNIO.
        .target(
            name: "StrataPostgres",
            dependencies: [
                "Strata",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The behaviour suite every event-store backend must pass.
        .target(
            name: "StrataConformance",
            dependencies: [
                "Strata",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        // The example application's domain: customers, orders, payments. No I/O: it runs on any event store.
        .target(
            name: "StrataShop",
            dependencies: ["Strata", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The generic HTTP layer any Strata application serves through: problem+json errors, conditional and
        // idempotent commands, read-your-writes queries, streams, live events, projections, health, metrics, auth.
        .target(
            name: "StrataHTTP",
            dependencies: [
                "Strata",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strictSettings
        ),
        // A typed client of the example shop's HTTP API, generated from its OpenAPI document with
        // swift-openapi-generator (the generated code is committed: scripts/generate-client.sh).
        .target(
            name: "StrataShopClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["openapi.json", "openapi-generator-config.yaml"],
            swiftSettings: strictSettings
        ),
        // The example shop as a service: its HTTP routes and the application description `strata` serves.
        .target(
            name: "StrataShopService",
            dependencies: [
                "Strata",
                "StrataShop",
                "StrataHTTP",
                "StrataCommandLine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            swiftSettings: strictSettings
        ),
        // The reusable `strata` tool: serve, migrate, events, streams, projections, stats, subjects, for any
        // application that describes itself as a StrataApplication. The only module that opens both backends.
        .target(
            name: "StrataCommandLine",
            dependencies: [
                "Strata",
                "StrataSQLite",
                "StrataPostgres",
                "StrataHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            swiftSettings: strictSettings
        ),
        // The `strata` executable: the tool for the example shop. Named StrataCLI so that its folder does not
        // collide with `Strata` on case-insensitive file systems.
        .executableTarget(
            name: "StrataCLI",
            dependencies: ["StrataCommandLine", "StrataShopService"],
            swiftSettings: strictSettings
        ),
        // Release-built benchmarks that print figures next to raw-driver baselines measured in the same run.
        .executableTarget(
            name: "StrataBench",
            dependencies: [
                "Strata",
                "StrataSQLite",
                "StrataPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        // A coverage-guided fuzz target over the parsers and decoders that take outside input (scripts/fuzz.sh);
        // built plainly, it replays its corpus.
        // libFuzzer's driver, declared for the fuzz target.
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "StrataFuzz",
            dependencies: ["Strata", "StrataShop", "CLibFuzzer"],
            swiftSettings: strictSettings
        ),
        // What the test targets share: polling for conditions, a manual clock, unique schema names and the
        // throwaway PostgreSQL server of the test run. Tests only: no product depends on it.
        .target(
            name: "StrataTestSupport",
            dependencies: ["StrataPostgres", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/StrataTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataTests",
            dependencies: [
                "Strata", "StrataConformance", "StrataTestSupport", .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataShopTests",
            dependencies: ["Strata", "StrataShop", "StrataTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataSQLiteTests",
            dependencies: [
                "Strata", "StrataSQLite", "StrataConformance", "StrataTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataPostgresTests",
            dependencies: [
                "Strata", "StrataPostgres", "StrataConformance", "StrataTestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The only place that combines backends: events in one database feeding read models in the other.
        .testTarget(
            name: "StrataIntegrationTests",
            dependencies: [
                "Strata",
                "StrataSQLite",
                "StrataPostgres",
                "StrataConformance",
                "StrataTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataHTTPTests",
            dependencies: [
                "Strata",
                "StrataHTTP",
                "StrataShop",
                "StrataShopService",
                "StrataCommandLine",
                "StrataConformance",
                "StrataTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataCLITests",
            dependencies: [
                "StrataCLI", "StrataCommandLine", "StrataHTTP", "Strata", "StrataSQLite", "StrataPostgres", "StrataTestSupport",
                "StrataShopClient",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
