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
        .executable(name: "strata", targets: ["StrataCLI"]),
        .executable(name: "strata-bench", targets: ["StrataBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // The core: value types, protocols and runtimes. No I/O dependencies.
        .target(
            name: "Strata",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
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
            dependencies: ["Strata", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // The example application's domain: customers, orders, payments. No I/O: it runs on any event store.
        .target(
            name: "StrataShop",
            dependencies: ["Strata", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The `strata` command-line tool. Named StrataCLI so that its folder does not collide with `Strata`
        // on case-insensitive file systems.
        .executableTarget(
            name: "StrataCLI",
            dependencies: [
                "Strata",
                "StrataSQLite",
                "StrataPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
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
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataTests",
            dependencies: ["Strata", "StrataConformance", .product(name: "MetricsTestKit", package: "swift-metrics")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataShopTests",
            dependencies: ["Strata", "StrataShop"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataSQLiteTests",
            dependencies: ["Strata", "StrataSQLite", "StrataConformance"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataPostgresTests",
            dependencies: ["Strata", "StrataPostgres", "StrataConformance"],
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
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StrataCLITests",
            dependencies: ["StrataCLI", "Strata", "StrataSQLite", "StrataPostgres"],
            swiftSettings: strictSettings
        ),
    ]
)
