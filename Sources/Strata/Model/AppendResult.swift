//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a successful append reports.
public struct AppendResult: Hashable, Sendable, Codable {
    /// The stream's version after the append: the version of the last event appended.
    public var streamVersion: StreamVersion
    /// The global position of the last event appended; use it as a consistency token.
    public var position: GlobalPosition

    public init(streamVersion: StreamVersion, position: GlobalPosition) {
        self.streamVersion = streamVersion
        self.position = position
    }
}
