//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A question to the read side, typed by its answer.
///
/// ```swift
/// struct OpenOrders: Query {
///     var customerId: String
///     var projections: [String] { ["order-summary"] }
///     func run(on reader: ReadModelReader) async throws -> [OrderSummary] {
///         try await reader.documents("orders", of: "order-summary", as: OrderSummary.self)
///             .find(.where("customerId", .equal, .text(customerId)).where("status", .equal, "open"))
///     }
/// }
/// let open = try await queries.ask(OpenOrders(customerId: "c-1"), minimumPosition: result.position)
/// ```
public protocol Query: Sendable {
    /// The answer.
    associatedtype Result: Sendable

    /// The projections whose read models the query reads: a read-your-writes query waits for all of them.
    var projections: [String] { get }

    /// Answers the query from the read models.
    func run(on reader: ReadModelReader) async throws -> Result
}
