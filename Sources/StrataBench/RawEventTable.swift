//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// One row of a bare events table, as a bare-driver baseline reads it.
struct RawEvent: Sendable {
    var position: Int64
    var version: Int64
    var type: String
    var data: Data
}

/// A bare events table with the same columns, keys and indexes as a Strata store's, written and read with the
/// bare driver: what Strata's figures are compared with.
protocol RawEventTable: Sendable {
    /// Inserts `events` as versions `firstVersion…` of `stream`, in one transaction; the unique key on
    /// (stream, version) is the optimistic-concurrency check.
    func append(_ events: [(type: String, data: Data)], to stream: String, firstVersion: Int64) async throws
    /// A stream's events in version order.
    func readStream(_ stream: String) async throws -> [RawEvent]
    /// Up to `limit` events after `position`, in position order.
    func readPage(after position: Int64, limit: Int) async throws -> [RawEvent]
}

/// The bank account's events, decoded by the baselines with JSONDecoder as an application without Strata would.
enum RawAccount {
    struct Opened: Codable { var owner: String }
    struct Deposited: Codable { var amount: Int }

    static let opened = (type: "Opened", data: Data(#"{"owner":"bench"}"#.utf8))
    static func deposited(_ amount: Int) -> (type: String, data: Data) { (type: "Deposited", data: Data(#"{"amount":\#(amount)}"#.utf8)) }

    /// The number of deposits and the balance, folded from decoded events.
    static func fold(_ events: [RawEvent]) throws -> (deposits: Int, balance: Int) {
        let decoder = JSONDecoder()
        var state = (deposits: 0, balance: 0)
        for event in events {
            switch event.type {
            case "Opened": _ = try decoder.decode(Opened.self, from: event.data)
            case "Deposited":
                state.deposits += 1
                state.balance += try decoder.decode(Deposited.self, from: event.data).amount
            default: throw BenchError("unknown event type \(event.type)")
            }
        }
        return state
    }
}
