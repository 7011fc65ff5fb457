// swift-tools-version:6.2
import PackageDescription

// The bank: a second Strata application, a package of its own. Copied out of the Strata repository, replace the
// path dependency with `.package(url: "https://github.com/<owner>/strata.git", from: "<version>")`.
let package = Package(
    name: "Bank",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bank", targets: ["BankTool"])
    ],
    dependencies: [
        .package(name: "Strata", path: "../.."),
        // Imported by the routes (Hummingbird) and the options (ArgumentParser), so named here as well.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // The types of the routes' contracts in the service's OpenAPI document.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
    ],
    targets: [
        // The domain and its service: an account decider, a transfer process manager, a balance projection and
        // its queries, and the application `bank serve` runs.
        .target(
            name: "Bank",
            dependencies: [
                .product(name: "Strata", package: "Strata"),
                .product(name: "StrataHTTP", package: "Strata"),
                .product(name: "StrataCommandLine", package: "Strata"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The `bank` executable: Strata's tool (serve, events, streams, projections, …) for the bank.
        .executableTarget(
            name: "BankTool",
            dependencies: ["Bank", .product(name: "StrataCommandLine", package: "Strata")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "BankTests",
            dependencies: [
                "Bank",
                .product(name: "Strata", package: "Strata"),
                .product(name: "StrataHTTP", package: "Strata"),
                .product(name: "StrataCommandLine", package: "Strata"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
