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

@Suite("Failures with no other test: 410, 422 for a reused key, 500 that says nothing, /health with a failed projection", .timeLimit(.minutes(5)))
struct FailureStatusTests {
    @Test("410: a command on a deleted stream; nothing is appended")
    func deletedStream() async throws {
        try await ShopHarness().run { shop in
            let order = try await shop.confirmedOrder(unitPriceCents: 1013, quantity: 1)
            // A declined payment starts the order's payment stream, which is then deleted.
            let declined = try await shop.post("/orders/\(order)/payments", #"{"amountCents":1013}"#)
            #expect(declined.status.code == 402, "\(declined.text)")
            _ = try await shop.events.deleteStream(try StreamID("payment-\(order)"), expecting: .any)
            let head = try await shop.events.headPosition()
            let reply = try await shop.post("/orders/\(order)/payments", #"{"amountCents":1013}"#)
            #expect(reply.status == .gone, "\(reply.text)")
            #expect(reply.problemCode == "stream-deleted")
            // The order's process manager may still record its reaction to the confirmation: only the payment's and
            // the order's streams must stay as they were.
            let later = try await shop.events.readAll(from: head.next, limit: 100, filter: .all)
            #expect(later.filter { ["payment", "order"].contains($0.stream.category) }.isEmpty, "\(later.map(\.stream))")
        }
    }

    @Test("422: an Idempotency-Key reused for a different command; nothing is appended")
    func reusedKey() async throws {
        try await ShopHarness().run { shop in
            let first = try await shop.post("/customers", #"{"name":"Grace Hopper","email":"grace@example.com"}"#, headers: [.idempotencyKey: "k-1"])
            #expect(first.status == .created)
            let head = try await shop.events.headPosition()
            let other = try await shop.post("/customers", #"{"name":"Alan Turing","email":"alan@example.com"}"#, headers: [.idempotencyKey: "k-1"])
            #expect(other.status == .unprocessableContent, "\(other.text)")
            #expect(other.problemCode == "idempotency-key-reuse")
            #expect(other.headers[.idempotentReplayed] == nil)
            // The new address is reserved before the key is looked at, and released again when it is refused:
            // no customer is written, and no reservation is left behind.
            let since = try await shop.events.readAll(from: head.next, limit: 100)
            #expect(since.map(\.type) == ["EmailReserved", "EmailReleased"] || since.isEmpty, "\(since.map { "\($0.stream) \($0.type)" })")
            #expect(Set(since.map(\.stream)).count <= 1)
            let registration = try await shop.post("/customers", #"{"name":"Alan Turing","email":"alan@example.com"}"#)
            #expect(registration.status == .created, "the address is free: \(registration.text)")
        }
    }

    @Test("500: a store that fails unexpectedly gets a generic problem; its words stay in the log")
    func internalError() async throws {
        try await ShopHarness().run { shop in
            let customer = try await shop.registerCustomer()
            shop.events.inject(.broken)
            let reply = try await shop.post("/orders", #"{"customerId":"\#(customer)"}"#)
            #expect(reply.status == .internalServerError)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply.problemCode == "internal-error")
            for word in ["SQLITE", "SELECT", "/var/lib", "events.sqlite", "storage", "EventStoreError"] {
                #expect(!reply.text.contains(word), "\(word) in \(reply.text)")
            }
            shop.events.inject(.none)
        }
    }

    /// A projection that stops at its first event.
    struct Stopping: Projection {
        var name: String { "stopping" }
        var failurePolicy: ProjectionFailurePolicy? { ProjectionFailurePolicy(retry: RetryPolicy(maximumAttempts: 1), action: .stop) }

        struct Failure: Error {}

        func apply(_ event: RecordedEvent, in context: ProjectionContext) async throws { throw Failure() }
    }

    @Test("/health is 503 once a projection has failed, and says which")
    func failedProjection() async throws {
        let (runtime, runner) = StrataRuntime.inMemory(projections: [Stopping()])
        let router = await StrataRouter.make(runtime: runtime, configuration: StrataHTTPConfiguration()) { _ in }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await runner.run() }
            defer { group.cancelAll() }
            try await Application(router: router).test(.router) { client in
                func health() async throws -> (HTTPResponse.Status, String) {
                    try await client.execute(uri: "/health", method: .get) { ($0.status, String(buffer: $0.body)) }
                }
                // Ready, before the failure, once the runner has built the projection's view.
                try await eventually("the service to be ready") { try await health().0 == .ok }
                _ = try await runtime.store.append([NewEvent(type: "Happened", data: Data("{}".utf8))], to: StreamID("thing-1"), expecting: .any)
                try await eventually("the projection to fail", every: .milliseconds(25)) {
                    try await runner.status(of: "stopping").state == .failed
                }
                let (status, body) = try await health()
                #expect(status == .serviceUnavailable)
                let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
                #expect(json?["status"] as? String == "unavailable", "\(body)")
                let projections = json?["projections"] as? [[String: Any]]
                #expect(projections?.first { $0["name"] as? String == "stopping" }?["state"] as? String == "failed", "\(body)")
            }
        }
    }
}
