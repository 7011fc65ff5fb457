//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import AsyncHTTPClient
import Foundation
import OpenAPIAsyncHTTPClient
import StrataShopClient
import StrataTestSupport
import Testing

/// A running `strata serve`, on a free port, with its output in files of the test's folder.
final class ServeProcess: Sendable {
    let process: Process
    let baseURL: URL
    let stderrURL: URL
    private let exit: ExitWatch

    /// Starts `strata serve` with `arguments` (stores, auth, …) and waits until it accepts requests.
    static func start(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) async throws -> ServeProcess {
        let id = UUID().uuidString
        let stdoutURL = folder.appendingPathComponent("serve-stdout-\(id)")
        let stderrURL = folder.appendingPathComponent("serve-stderr-\(id)")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let process = try StrataProcess.make(["serve", "--port", "0"] + arguments, in: folder, environment: environment)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        let exit = ExitWatch(process)
        try process.run()
        // The address is known once the service prints it; nil when the process exits first.
        let address = try? await eventually("strata serve's address", within: .seconds(30), every: .milliseconds(50)) { () -> URL?? in
            let output = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("strata serving on ") }) {
                return URL(string: String(line.dropFirst("strata serving on ".count)))
            }
            return process.isRunning ? nil : .some(nil)
        }
        if let url = address ?? nil {
            return ServeProcess(process: process, baseURL: url, stderrURL: stderrURL, exit: exit)
        }
        let log = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        process.terminate()
        Issue.record("strata serve did not start: \(log)")
        throw CancellationError()
    }

    private init(process: Process, baseURL: URL, stderrURL: URL, exit: ExitWatch) {
        self.process = process
        self.baseURL = baseURL
        self.stderrURL = stderrURL
        self.exit = exit
    }

    /// The service's log so far.
    var log: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to exit; returns its status, or `nil` when it did not exit in time.
    @discardableResult
    func stop(with signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) async -> Int32? {
        kill(process.processIdentifier, signal)
        guard await exit.wait(timeout: timeout) else {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    /// The shop's typed client, generated from its OpenAPI document, for this service; with `token`, every request
    /// carries it as a bearer token.
    func client(token: String? = nil) -> Client {
        Client(
            strataServerURL: baseURL,
            token: token,
            transport: AsyncHTTPClientTransport(configuration: .init(client: .shared, timeout: .seconds(30)))
        )
    }

    /// One HTTP exchange; the body parsed as JSON when it is JSON.
    ///
    /// AsyncHTTPClient, not URLSession: its requests never hold a Swift concurrency thread while they wait, so a
    /// service that hangs or dies mid-request cannot stall the other tests of the process.
    func request(_ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:]) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = .init(rawValue: method)
        if let json {
            request.body = .bytes(Array(json.utf8))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name] = header.value }
        return HTTPReply(status: Int(response.status.code), body: Data(body.readableBytesView), headers: fields)
    }

    /// Starts a streaming exchange (`GET /events`) and returns once the body has carried `marker`, so the service
    /// is known to serve the stream; the task collects the whole body until the service ends it.
    func openStream(_ path: String, readingUntil marker: String) async throws -> (status: Int, body: Task<String, any Error>) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL.absoluteString + path), timeout: .seconds(60))
        let markerSeen = TestSignal()
        let body = Task {
            var text = ""
            for try await chunk in response.body {
                text += String(decoding: chunk.readableBytesView, as: UTF8.self)
                if text.contains(marker) { markerSeen.raise() }
            }
            markerSeen.raise()
            return text
        }
        try await markerSeen.wait()
        return (Int(response.status.code), body)
    }
}

/// An HTTP response of the real service.
struct HTTPReply: Sendable {
    var status: Int
    var body: Data
    var headers: [String: String]

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
    var text: String { String(decoding: body, as: UTF8.self) }
}
