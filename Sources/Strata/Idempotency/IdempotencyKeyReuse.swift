//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// An idempotency key was sent again with a different command (or for another stream) than the one it was
/// first used for. Nothing was decided or appended. The HTTP layer answers it with 422.
public struct IdempotencyKeyReuse: Error, Hashable, CustomStringConvertible {
    /// The key.
    public var key: String
    /// The stream the key was first used on.
    public var originalStream: StreamID

    public init(key: String, originalStream: StreamID) {
        self.key = key
        self.originalStream = originalStream
    }

    public var description: String {
        "idempotency key '\(key)' was already used for a different command on stream '\(originalStream)'"
    }
}
