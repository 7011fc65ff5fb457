//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// Projection catch-up: a BalanceProjection runs from the start of a log of `events` events to its head, into a
/// fresh read store each run.
struct ProjectionCatchUpBenchmark: Sendable {
    /// Events per account, each account written by one append (the batch10 shape).
    static let eventsPerAccount = 10

    var events: Int
    var batchSize: Int

    /// Appends `events` deposits to `events / 10` accounts, ten per append, from several tasks at once so that
    /// group commit batches them.
    static func seed(_ store: any EventStore, events: Int) async throws {
        let accounts = (events + eventsPerAccount - 1) / eventsPerAccount
        let tasks = 16
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for account in stride(from: task, to: accounts, by: tasks) {
                        let count = min(eventsPerAccount, events - account * eventsPerAccount)
                        let deposits = (0..<count).map { index in
                            NewEvent(type: "Deposited", data: Data(#"{"amount":\#(100 + index)}"#.utf8))
                        }
                        _ = try await store.append(deposits, to: StreamID(category: "account", id: String(account)), expecting: .noStream)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Runs the projection from the start of `store` to its head into `readStore`. Events per second.
    func strata(_ store: any EventStore, into readStore: any ReadStore) async throws -> Double {
        let head = try await store.headPosition()
        var configuration = ProjectionRunner.Configuration()
        configuration.batchSize = batchSize
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: [BalanceProjection()], configuration: configuration)
        return try await rate(operations: events) {
            let running = Task { try await runner.run() }
            defer { running.cancel() }
            try await runner.progress.wait(for: ["balances"], through: head, timeout: .seconds(3600))
            running.cancel()
            try await running.value
        }
    }
}
