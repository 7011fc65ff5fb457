//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

/// The `strata` executable that `swift test` built next to the test bundle.
enum StrataBinary {
    /// Set to test another build of the tool.
    static let overrideVariable = "STRATA_CLI_BINARY"

    static let url: URL? = locate()

    /// The binary, or a test failure that says where it was looked for.
    static func require() throws -> URL {
        guard let url else {
            let searched = candidateFolders().map(\.path).joined(separator: ", ")
            Issue.record(
                "the strata binary was not found next to the test bundle (searched: \(searched)); build it with `swift build` or set \(overrideVariable)"
            )
            throw CancellationError()
        }
        return url
    }

    private static func locate() -> URL? {
        if let override = ProcessInfo.processInfo.environment[overrideVariable], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return candidateFolders()
            .map { $0.appendingPathComponent("strata") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// The products folder, found from whichever handle this platform's test runner gives: on Linux the
    /// test bundle is itself the executable (`<products>/StrataPackageTests.xctest`); on macOS it is a bundle
    /// loaded by a runner that lives elsewhere.
    private static func candidateFolders() -> [URL] {
        var folders: [URL] = []
        if let executable = CommandLine.arguments.first {
            folders.append(URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for bundle in [Bundle.main] + Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        folders.append(Bundle.main.bundleURL)
        return folders
    }
}
