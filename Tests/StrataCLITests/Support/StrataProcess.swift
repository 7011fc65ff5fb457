//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

/// What one run of `strata` did.
struct StrataResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String

    /// stdout parsed as one JSON object per line.
    func jsonLines(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
        }
    }

    /// stdout parsed as exactly one JSON object.
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let lines = try jsonLines(sourceLocation: sourceLocation)
        try #require(lines.count == 1, "expected one JSON line, got: \(stdout)", sourceLocation: sourceLocation)
        return lines[0]
    }
}

/// A temporary folder with its own event store, for one test; removed afterwards.
struct TestStore: Sendable {
    let folder: URL

    var path: String { folder.appendingPathComponent("events.sqlite").path }
    var url: String { "sqlite:\(path)" }

    static func with(_ body: (TestStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(TestStore(folder: folder))
    }

    /// Runs `strata` with `arguments` followed by `--store` for this store.
    func run(_ arguments: [String]) async throws -> StrataResult {
        try await StrataProcess.run(arguments + ["--store", url], in: folder)
    }

    /// Runs `strata events append` and returns its result.
    func append(
        stream: String,
        type: String = "Tested",
        data: String = #"{"n":1}"#,
        _ extra: [String] = []
    ) async throws -> StrataResult {
        try await run(["events", "append", "--stream", stream, "--type", type, "--data", data] + extra)
    }

    /// Runs `strata events read` and returns the lines, expecting success.
    func read(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let result = try await run(["events", "read"] + arguments)
        #expect(result.status == 0, "read failed: \(result.stderr)", sourceLocation: sourceLocation)
        return try result.jsonLines(sourceLocation: sourceLocation)
    }
}

/// Runs the `strata` binary as a child process.
enum StrataProcess {
    /// How long any run may take before it counts as hung.
    static let timeout: Duration = .seconds(30)

    /// The environment for children: the parent's, without a `STRATA_STORE` that would change the store used.
    static func environment(adding extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["STRATA_STORE"] = nil
        return environment.merging(extra) { _, new in new }
    }

    /// A configured, not yet started process.
    static func make(_ arguments: [String], in folder: URL, environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = try StrataBinary.require()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = environment(adding: extra)
        return process
    }

    /// Runs to completion. Output goes to files, so that a chatty child can never block on a full pipe.
    static func run(_ arguments: [String], in folder: URL, environment extra: [String: String] = [:]) async throws -> StrataResult {
        let process = try make(arguments, in: folder, environment: extra)
        let id = UUID().uuidString
        let stdoutURL = folder.appendingPathComponent("stdout-\(id)")
        let stderrURL = folder.appendingPathComponent("stderr-\(id)")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let stdout = try FileHandle(forWritingTo: stdoutURL)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let exit = ExitWatch(process)
        try process.run()
        let exited = await exit.wait(timeout: timeout)
        try stdout.close()
        try stderr.close()
        guard exited else {
            process.terminate()
            Issue.record("strata \(arguments.joined(separator: " ")) did not finish within \(timeout)")
            throw CancellationError()
        }
        return StrataResult(
            status: process.terminationStatus,
            stdout: try String(contentsOf: stdoutURL, encoding: .utf8),
            stderr: try String(contentsOf: stderrURL, encoding: .utf8)
        )
    }
}

/// Waits for a child process to exit without blocking a thread of the test's executor.
struct ExitWatch: Sendable {
    private let exits: AsyncStream<Void>

    /// Must be created before the process runs, so that its exit cannot be missed.
    init(_ process: Process) {
        let (exits, continuation) = AsyncStream.makeStream(of: Void.self)
        self.exits = exits
        process.terminationHandler = { _ in
            continuation.yield()
            continuation.finish()
        }
    }

    /// Whether the process exited within `timeout`.
    func wait(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in exits { return true }
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)  // the exit's deadline
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
