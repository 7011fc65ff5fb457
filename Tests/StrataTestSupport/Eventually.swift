//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

/// Thrown when a test's condition did not hold in time.
public struct ConditionTimedOut: Error, CustomStringConvertible {
    /// What the test was waiting for.
    public var what: String
    public var within: Duration

    public var description: String { "timed out after \(within) waiting for \(what)" }
}

/// Polls `condition` until it holds, throwing ConditionTimedOut after `within`.
///
/// For state the code under test offers no signal for (another process's writes, a row in a database): prefer
/// awaiting the code's own signal where there is one.
public func eventually(
    _ what: String,
    within: Duration = .seconds(10),
    every interval: Duration = .milliseconds(5),
    _ condition: () async throws -> Bool
) async throws {
    _ = try await eventually(what, within: within, every: interval) { try await condition() ? true : nil }
}

/// Polls `check` until it returns a value, and returns it; throws ConditionTimedOut after `within`.
public func eventually<T>(
    _ what: String,
    within: Duration = .seconds(10),
    every interval: Duration = .milliseconds(5),
    _ check: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now.advanced(by: within)
    while true {
        if let value = try await check() { return value }
        guard ContinuousClock.now < deadline else { throw ConditionTimedOut(what: what, within: within) }
        try await Task.sleep(for: interval)
    }
}
