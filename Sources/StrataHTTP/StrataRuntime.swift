//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Logging
import Strata

/// The running pieces of a Strata service that routes use: the stores, the projection runner and the query
/// handler. The service wiring (`strata serve`, or an application's own) builds it once at startup.
public struct StrataRuntime: Sendable {
    /// The event store commands append to and routes read, with personal data protected.
    public var store: any EventStore
    /// Where process managers keep checkpoints and deadlines (the event store itself with every Strata backend).
    public var processManagerStore: any ProcessManagerStore
    /// The read store the projections write and queries read.
    public var readStore: any ReadStore
    /// The projections of this process.
    public var projections: ProjectionRunner
    /// Answers queries, with read-your-writes waits on this process's projections.
    public var queries: QueryHandler
    /// The service's logger.
    public var logger: Logger
    /// Forgets a data subject (crypto-shredding): deletes its key, so that its personal data reads as redacted.
    /// Returns whether the subject had a key; `nil` when the store keeps no personal data.
    public var forgetSubject: (@Sendable (String) async throws -> Bool)?

    public init(
        store: any EventStore,
        processManagerStore: any ProcessManagerStore,
        readStore: any ReadStore,
        projections: ProjectionRunner,
        queries: QueryHandler,
        logger: Logger,
        forgetSubject: (@Sendable (String) async throws -> Bool)? = nil
    ) {
        self.store = store
        self.processManagerStore = processManagerStore
        self.readStore = readStore
        self.projections = projections
        self.queries = queries
        self.logger = logger
        self.forgetSubject = forgetSubject
    }
}

extension StrataRuntime {
    /// Answers `query` for an HTTP request, waiting for the request's `Strata-Min-Position` (or `minPosition`)
    /// first: read-your-writes over HTTP. A view that does not catch up in time throws StaleReadModel (503).
    ///
    /// A position beyond the end of the log was never a command's answer: it is refused at once (400
    /// `invalid-min-position`) instead of waiting out the timeout for an event that may never be written. The end
    /// of the log is read only when the views have not already passed the position.
    public func ask<Q: Query>(_ query: Q, for request: Hummingbird.Request) async throws -> Q.Result {
        let minimum = try request.minimumPosition()
        if let minimum, !projections.progress.hasProcessed(query.projections, through: minimum) {
            let head = try await store.headPosition()
            guard minimum <= head else {
                throw HTTPProblem(
                    .badRequest,
                    code: "invalid-min-position",
                    detail: "the log ends at position \(head.value): position \(minimum.value) was never written"
                )
            }
        }
        return try await queries.ask(query, minimumPosition: minimum)
    }

    /// Answers a query whose answer may be missing (one document by its key, say) and turns a missing answer
    /// into a `404 not-found` problem carrying `detail`, rather than a `200` with a `null` body.
    ///
    /// ```swift
    /// routes.get("/accounts/{id}", access: .read) { request, context in
    ///     let id = try context.parameters.require("id")
    ///     return JSONReply(try await runtime.ask(BalanceQuery(accountID: id), for: request, orNotFound: "there is no account '\(id)'"))
    /// }
    /// ```
    public func ask<Q: Query, Found: Sendable>(
        _ query: Q,
        for request: Hummingbird.Request,
        orNotFound detail: @autoclosure () -> String
    ) async throws -> Found where Q.Result == Found? {
        guard let found = try await ask(query, for: request) else {
            throw HTTPProblem(.notFound, code: "not-found", detail: detail())
        }
        return found
    }
}
