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

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL cluster of one test's own, in a temporary folder, for tests that stop and restart the server:
/// the shared server of `TestPostgres` must never go down under the other tests.
///
/// It runs the binaries of `STRATA_TEST_POSTGRES_BIN`, as `STRATA_TEST_POSTGRES_OS_USER` when that is set
/// (PostgreSQL refuses to run as root), on 127.0.0.1 and a free port. Every command's output goes to a log
/// file in the folder, never to a pipe, so a chatty or daemonising child can never block the test; exits are
/// awaited through `Process.terminationHandler`, never by blocking a thread.
struct PrivatePostgres: Sendable {
    static let binFolder = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES_BIN"] ?? ""
    static let osUser = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES_OS_USER"] ?? ""

    /// Whether the binaries to make a cluster are there.
    static var isAvailable: Bool {
        !binFolder.isEmpty && FileManager.default.isExecutableFile(atPath: binFolder + "/initdb")
    }

    /// How long any one command may take before it counts as hung.
    static let commandTimeout: Duration = .seconds(60)

    let folder: URL
    let port: Int

    var dataFolder: String { folder.appendingPathComponent("data").path }

    /// The URL of the cluster's `postgres` database as the superuser `strata`.
    func url(schema: String) -> String {
        "postgres://strata@127.0.0.1:\(port)/postgres?sslmode=disable&schema=\(schema)"
    }

    /// Creates and starts a cluster. Call destroy() when done, on every path.
    static func start() async throws -> PrivatePostgres {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("strata-private-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = PrivatePostgres(folder: folder, port: try freePort())
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            if !osUser.isEmpty {
                try await server.run("/usr/bin/chown", [osUser, folder.path], log: "chown")
            }
            // No fsync while initialising: the cluster is thrown away, and a slow disk makes initdb take long.
            try await server.tool("initdb", ["-D", server.dataFolder, "-U", "strata", "--auth=trust", "-E", "UTF8", "--no-sync"], log: "initdb")
            try await server.startServer()
        } catch {
            await server.destroy()
            throw error
        }
        return server
    }

    /// Makes a streaming replica of this server, as `pg_basebackup -R` does for an operator, and starts it as a
    /// hot standby that answers read-only queries. Call destroy() on it when done, on every path.
    func startReplica(options: String = "") async throws -> PrivatePostgres {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("strata-private-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let replica = PrivatePostgres(folder: folder, port: try Self.freePort())
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            if !Self.osUser.isEmpty {
                try await replica.run("/usr/bin/chown", [Self.osUser, folder.path], log: "chown")
            }
            // -R writes the standby signal and primary_conninfo: the copy starts as a replica that streams the
            // primary's WAL and replays it.
            try await replica.tool(
                "pg_basebackup",
                ["-h", "127.0.0.1", "-p", "\(port)", "-U", "strata", "-D", replica.dataFolder, "-R", "-X", "stream", "--no-sync"],
                log: "basebackup"
            )
            try await replica.startServer(options: options)
        } catch {
            await replica.destroy()
            throw error
        }
        return replica
    }

    /// Starts the server (again) on the same port and data, returning once it accepts connections.
    func startServer(options extra: String = "") async throws {
        // fsync off: committed transactions still survive a stop of any mode (the operating system keeps the
        // written WAL); only a machine crash could lose them, which no test causes.
        let options = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off \(extra)"
        let log = folder.appendingPathComponent("server.log").path
        try await tool("pg_ctl", ["-D", dataFolder, "-l", log, "-w", "-t", "60", "-o", options, "start"], log: "start")
    }

    /// Stops the server: `fast` rolls back open transactions and closes every connection; `immediate` kills the
    /// server processes, as a crash would.
    func stopServer(mode: String = "fast") async throws {
        try await tool("pg_ctl", ["-D", dataFolder, "-m", mode, "-w", "-t", "60", "stop"], log: "stop")
    }

    /// Stops the server if it runs and deletes the cluster. Never throws: it runs on failure paths too.
    func destroy() async {
        if FileManager.default.fileExists(atPath: dataFolder + "/postmaster.pid") {
            try? await tool("pg_ctl", ["-D", dataFolder, "-m", "immediate", "-w", "-t", "60", "stop"], log: "destroy")
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// The server's own log, for failure messages.
    func serverLog() -> String {
        (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// Runs one of the PostgreSQL binaries, as the unprivileged user when there is one.
    private func tool(_ name: String, _ arguments: [String], log: String) async throws {
        let binary = Self.binFolder + "/" + name
        let command = Self.osUser.isEmpty ? [binary] + arguments : ["/usr/sbin/runuser", "-u", Self.osUser, "--", binary] + arguments
        try await run("/bin/bash", ["-c", Self.withoutInheritedDescriptors, "bash"] + command, log: log)
    }

    /// A bash script that runs its arguments as a command with every descriptor above stderr closed, and exits
    /// with the command's status.
    ///
    /// On Linux, Foundation's Process learns that a child exited when a socket that the child inherits reaches its
    /// end. The server that `pg_ctl start` leaves running would inherit that socket too, so the exit of pg_ctl
    /// would go unnoticed (and `waitUntilExit()` would block) until the server stopped. The script keeps the
    /// socket itself, so the exit is seen as soon as the command ends.
    private static let withoutInheritedDescriptors = #"""
        c=""; for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && c="$c $fd>&-"; done; eval "\"\$@\" $c"; exit $?
        """#

    /// Runs a command to its exit, its output going to a log file in the folder; throws unless it exits 0 in time.
    private func run(_ executable: String, _ arguments: [String], log name: String) async throws {
        let logURL = folder.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        try Data().write(to: logURL)
        let output = try FileHandle(forWritingTo: logURL)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        // Set before the process runs, so that its exit cannot be missed.
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { process in
            continuation.yield(process.terminationStatus)
            continuation.finish()
        }
        try process.run()
        let status = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in exits { return status }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: Self.commandTimeout)  // the command's deadline
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let command = ([executable] + arguments).joined(separator: " ")
        guard let status else {
            process.terminate()
            throw PrivatePostgresError(message: "\(command) did not finish within \(Self.commandTimeout)")
        }
        guard status == 0 else {
            let output = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            throw PrivatePostgresError(message: "\(command) exited with \(status):\n\(output)\n\(serverLog())")
        }
    }

    /// A port that was free a moment ago on 127.0.0.1.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PrivatePostgresError(message: "socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                guard bind(descriptor, socketAddress, length) == 0 else { return false }
                return getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw PrivatePostgresError(message: "could not bind a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct PrivatePostgresError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs `operation`, failing with a recorded issue instead of hanging when it takes longer than `seconds`.
///
/// A task group could not keep that promise: it waits for all its children, and an append cannot be cancelled
/// once submitted. So the operation runs in a task of its own, which is cancelled and left behind when the
/// deadline passes (the test then tears its server down, which ends whatever it still waits for).
func withDeadline<T: Sendable>(
    _ seconds: Double,
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let work = Task { try await operation() }
    let first = FirstOutcome<T>()
    let outcome = await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            first.wait(continuation)
            Task {
                do {
                    first.finish(.success(try await work.value))
                } catch {
                    first.finish(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))  // the work's deadline
                first.finish(nil)
            }
        }
    } onCancel: {
        work.cancel()
    }
    guard let outcome else {
        work.cancel()
        Issue.record("timed out after \(seconds) s waiting for \(what)", sourceLocation: sourceLocation)
        throw CancellationError()
    }
    return try outcome.get()
}

/// Resumes a waiter with whichever outcome comes first: the operation's result, or `nil` for the deadline.
private final class FirstOutcome<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Result<T, any Error>?, Never>?, done: Bool)>((nil, false))

    func wait(_ continuation: CheckedContinuation<Result<T, any Error>?, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func finish(_ outcome: Result<T, any Error>?) {
        let continuation: CheckedContinuation<Result<T, any Error>?, Never>? = state.withLock { state in
            guard !state.done, let continuation = state.continuation else { return nil }
            state.done = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(returning: outcome)
    }
}
