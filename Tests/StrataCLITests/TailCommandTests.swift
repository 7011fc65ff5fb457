//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataTestSupport
import Synchronization
import Testing

@Suite("strata events tail", .timeLimit(.minutes(10)))
struct TailCommandTests {
    @Test("follows events appended by another process after it started, and SIGINT ends it with status 0")
    func followsOtherProcessesAndStopsOnSIGINT() async throws {
        try await TestStore.with { store in
            let before = try await store.append(stream: "order-1", data: #"{"when":"before"}"#)
            try #require(before.status == 0, "\(before.stderr)")

            let tail = try RunningTail(["events", "tail", "--store", store.url], in: store.folder)
            defer { tail.stop() }
            // The history line proves the subscription, and so the signal handling, is up.
            try #require(await tail.waitForLines(1), "tail printed no history; stderr: \(tail.stderr)")

            let after = try await store.append(stream: "order-2", data: #"{"when":"after"}"#)
            try #require(after.status == 0, "\(after.stderr)")
            try #require(await tail.waitForLines(2), "tail missed the live event; stdout: \(tail.stdout)")

            let events = try tail.lines()
            #expect(events.map { $0["position"] as? Int } == [1, 2])
            #expect(events[1]["stream"] as? String == "order-2")
            #expect(events[1]["data"] as? [String: String] == ["when": "after"])

            tail.process.interrupt()
            #expect(await tail.exit.wait(timeout: .seconds(10)), "tail ignored SIGINT")
            #expect(tail.process.terminationReason == .exit)
            #expect(tail.process.terminationStatus == 0)
            #expect(tail.stderr.isEmpty, "\(tail.stderr)")
        }
    }

    @Test("applies --from, --category and --type, and SIGTERM ends it with status 0")
    func filtersAndStopsOnSIGTERM() async throws {
        try await TestStore.with { store in
            for (stream, type) in [("order-1", "OrderPlaced"), ("order-1", "OrderPlaced"), ("customer-1", "OrderPlaced")] {
                let result = try await store.append(stream: stream, type: type)
                try #require(result.status == 0, "\(result.stderr)")
            }
            let tail = try RunningTail(
                ["events", "tail", "--store", store.url, "--from", "2", "--category", "order", "--type", "OrderPlaced", "--type", "OrderPaid"],
                in: store.folder
            )
            defer { tail.stop() }
            try #require(await tail.waitForLines(1), "tail printed no history; stderr: \(tail.stderr)")

            // Events it must skip come first, so that had they been printed they would show before the last one.
            _ = try await store.append(stream: "customer-1", type: "OrderPaid")
            _ = try await store.append(stream: "order-2", type: "OrderShipped")
            _ = try await store.append(stream: "order-2", type: "OrderPaid")
            try #require(await tail.waitForLines(2), "tail missed the live event; stdout: \(tail.stdout)")

            let events = try tail.lines()
            #expect(events.map { $0["position"] as? Int } == [2, 6])
            #expect(events.map { $0["type"] as? String } == ["OrderPlaced", "OrderPaid"])

            tail.process.terminate()
            #expect(await tail.exit.wait(timeout: .seconds(10)), "tail ignored SIGTERM")
            #expect(tail.process.terminationReason == .exit)
            #expect(tail.process.terminationStatus == 0)
        }
    }
}

/// A `strata events tail` running in the background, its stdout read through a pipe as it arrives.
private final class RunningTail: Sendable {
    let process: Process
    let exit: ExitWatch
    private let output = OutputBuffer()
    private let errors = OutputBuffer()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    init(_ arguments: [String], in folder: URL) throws {
        process = try StrataProcess.make(arguments, in: folder)
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        stdoutPipe.fileHandleForReading.readabilityHandler = { [output] handle in output.append(handle.availableData) }
        stderrPipe.fileHandleForReading.readabilityHandler = { [errors] handle in errors.append(handle.availableData) }
        exit = ExitWatch(process)
        try process.run()
    }

    var stdout: String { output.text }
    var stderr: String { errors.text }

    /// The complete lines so far, parsed.
    func lines() throws -> [[String: Any]] {
        try StrataResult(status: 0, stdout: completeLines(), stderr: "").jsonLines()
    }

    /// Polls until `count` complete lines have arrived; `false` after 10 seconds or when the process died.
    func waitForLines(_ count: Int) async -> Bool {
        let arrived = try? await eventually("\(count) lines", every: .milliseconds(20)) { () -> Bool? in
            if completeLines().split(separator: "\n").count >= count { return true }
            return process.isRunning ? nil : false
        }
        return arrived == true
    }

    /// Stops the process if a failed expectation left it running, and detaches the readers.
    func stop() {
        if process.isRunning { process.terminate() }
        stdoutPipe.fileHandleForReading.readabilityHandler = nil
        stderrPipe.fileHandleForReading.readabilityHandler = nil
    }

    private func completeLines() -> String {
        let text = stdout
        guard let lastNewline = text.lastIndex(of: "\n") else { return "" }
        return String(text[...lastNewline])
    }
}

/// Bytes a pipe's reader thread appends while the test reads them.
private final class OutputBuffer: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }

    var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}
