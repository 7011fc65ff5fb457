//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Strata
import StrataHTTP
import StrataTestSupport
import Testing

@Suite("A projection's errors are for admins", .timeLimit(.minutes(5)))
struct ProjectionErrorDisclosureTests {
    /// A projection whose every apply fails with words that must not reach ordinary callers.
    struct Failing: Projection {
        static let words = "SELECT secret FROM /var/lib/strata/read.sqlite"
        var name: String { "failing" }
        var failurePolicy: ProjectionFailurePolicy? { ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .park) }

        struct Failure: Error, CustomStringConvertible {
            var description: String { Failing.words }
        }

        func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws { throw Failure() }
    }

    @Test("lastError and parked errors read 'withheld' for a read token, and as they are for admin", .timeLimit(.minutes(1)))
    func withheldFromReaders() async throws {
        let (runtime, runner) = StrataRuntime.inMemory(projections: [Failing()])
        var configuration = StrataHTTPConfiguration()
        configuration.authSecret = AuthenticationTests.secret
        let router = await StrataRouter.make(runtime: runtime, configuration: configuration) { _ in }
        _ = try await runtime.store.append([NewEvent(type: "Happened", data: Data("{}".utf8))], to: StreamID("thing-1"), expecting: .any)
        let reader = try await bearer(.expiring(in: 600, scope: "read"))
        let admin = try await bearer(.expiring(in: 600, scope: "admin"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            try await Application(router: router).test(.router) { client in
                func text(_ uri: String, _ headers: HTTPFields) async throws -> String {
                    try await client.execute(uri: uri, method: .get, headers: headers) { String(buffer: $0.body) }
                }
                // An administrator sees the handler's own words once the event is parked.
                try await eventually("the parked event's error", every: .milliseconds(25)) {
                    try await text("/projections/failing/parked", admin).contains(Failing.words)
                }
                let readersParked = try await text("/projections/failing/parked", reader)
                #expect(readersParked.contains(#""error":"withheld""#), "\(readersParked)")
                #expect(!readersParked.contains(Failing.words))
                for uri in ["/projections", "/projections/failing"] {
                    let status = try await text(uri, reader)
                    #expect(!status.contains(Failing.words), "\(uri): \(status)")
                }
            }
        }
    }
}
