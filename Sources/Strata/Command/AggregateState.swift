//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// An aggregate's state as loaded from its stream.
public struct AggregateState<State: Sendable>: Sendable {
    /// The folded state.
    public var state: State
    /// The stream's current version; `nil` when the stream does not exist.
    public var version: StreamVersion?
    /// The global position of the stream's last event; ``GlobalPosition/start`` when it has none.
    public var position: GlobalPosition

    public init(state: State, version: StreamVersion?, position: GlobalPosition) {
        self.state = state
        self.version = version
        self.position = position
    }
}
