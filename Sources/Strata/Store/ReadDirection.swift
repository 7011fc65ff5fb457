//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// Which way to read a stream.
public struct ReadDirection: Hashable, Sendable {
    let isForwards: Bool

    /// From the given version towards newer events.
    public static let forwards = ReadDirection(isForwards: true)
    /// From the given version towards older events.
    public static let backwards = ReadDirection(isForwards: false)
}
