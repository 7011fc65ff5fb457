//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import Testing

enum ReadYourWritesChecks {
    static let all: [ReadStoreConformanceCheck] = [
        ReadStoreConformanceCheck("a query with a consistency token waits until its projection has passed it", waits),
        ReadStoreConformanceCheck("a query whose projection does not reach the token in time throws StaleReadModel", timesOut),
        ReadStoreConformanceCheck("a filtered projection passes, and persists, positions of events it does not handle", passesUnrelated),
    ]

    static func waits(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let runner = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
            try await whileRunning(runner) {
                for index in 0..<20 {
                    let written = try await events.append(
                        [OrderEvents.placed(customer: "rw", amount: index)],
                        to: StreamID(category: "order", id: "rw\(index)"),
                        expecting: .noStream
                    )
                    let seen = try await queries.ask(OrdersQuery(customer: "rw"), minimumPosition: written.position)
                    #expect(seen.count == index + 1, "the query saw its own write")
                }
            }
        }
    }

    static func timesOut(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let runner = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .milliseconds(50))
            let first = try await events.append([OrderEvents.placed(customer: "x", amount: 1)], to: "order-x1", expecting: .noStream)
            try await whileRunning(runner) { try await caughtUp(runner, to: first.position) }
            // The runner is stopped now: a later write is never seen.
            let second = try await events.append([OrderEvents.placed(customer: "x", amount: 2)], to: "order-x2", expecting: .noStream)
            let started = ContinuousClock.now
            await #expect(
                throws: StaleReadModel(projection: "orders", required: second.position, reached: first.position, timeout: .milliseconds(50))
            ) {
                _ = try await queries.ask(OrdersQuery(customer: "x"), minimumPosition: second.position)
            }
            #expect(ContinuousClock.now - started >= .milliseconds(50))
            #expect(try await queries.ask(OrdersQuery(customer: "x"), minimumPosition: first.position).count == 1)
            let elsewhere = QueryHandler(readStore: readStore, progress: nil)
            await #expect(throws: StaleReadModel.self) {
                _ = try await elsewhere.ask(OrdersQuery(customer: "x"), minimumPosition: second.position)
            }
            #expect(try await elsewhere.ask(OrdersQuery(customer: "x"), minimumPosition: first.position).count == 1)
        }
    }

    static func passesUnrelated(_ backend: any ReadStoreConformanceBackend) async throws {
        try await withStores(backend) { events, readStore in
            let runner = ProjectionRunner(store: events, readStore: readStore, projections: [OrderProjection()], configuration: fastConfiguration())
            let queries = QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(10))
            _ = try await events.append([OrderEvents.placed(customer: "u", amount: 1)], to: "order-u1", expecting: .noStream)
            try await whileRunning(runner) {
                for index in 0..<5 {
                    let last = try await events.append(
                        [OrderEvents.unrelated()], to: StreamID(category: "customer", id: "u\(index)"), expecting: .noStream
                    )
                    .position
                    #expect(try await queries.ask(OrdersQuery(customer: "u"), minimumPosition: last).count == 1)
                }
            }
            let last = try await events.headPosition()
            let persisted = try await readStore.withReader { try await $0.projectionRecord(named: "orders")?.active.position }
            #expect(persisted == last)
            #expect(try await QueryHandler(readStore: readStore, progress: nil).ask(OrdersQuery(customer: "u"), minimumPosition: last).count == 1)
        }
    }
}
