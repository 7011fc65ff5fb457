//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A read-your-writes query gave up: a projection it reads had not processed the required position in time.
///
/// The read model may simply be slow, or its projection stopped; answering anyway would show the caller a
/// state without their own write. An HTTP layer maps it to 503 with a retry hint.
public struct StaleReadModel: Error, Hashable, CustomStringConvertible {
    /// The projection that lagged.
    public var projection: String
    /// The position the query needed.
    public var required: GlobalPosition
    /// The position the projection had reached.
    public var reached: GlobalPosition
    /// How long the query waited.
    public var timeout: Duration

    public init(projection: String, required: GlobalPosition, reached: GlobalPosition, timeout: Duration) {
        self.projection = projection
        self.required = required
        self.reached = reached
        self.timeout = timeout
    }

    public var description: String {
        "read model '\(projection)' reached position \(reached), not \(required), within \(timeout)"
    }
}
