//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// What a runner does when a projection's handler throws: retry with back-off, then park the event or stop.
///
/// ```swift
/// var policy = ProjectionFailurePolicy()
/// policy.retry = RetryPolicy(maximumAttempts: 5, initialDelay: .milliseconds(50))
/// policy.action = .stop
/// ```
public struct ProjectionFailurePolicy: Sendable {
    /// What happens once the attempts are used up.
    public struct Action: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// Park the event in the dead-letter table and go on with the next.
        public static let park = Action(name: "park")
        /// Stop the projection in state ``ProjectionState/failed``.
        public static let stop = Action(name: "stop")

        public var description: String { name }
    }

    /// How often and how patiently to try.
    public var retry: RetryPolicy
    /// What to do after the last attempt fails.
    public var action: Action
    /// Whether a parked event holds back the later events of its stream, which are parked behind it in
    /// order. On by default: applying a later event of a stream before an earlier one usually corrupts the read model.
    public var keepsStreamOrder: Bool

    public init(retry: RetryPolicy = RetryPolicy(), action: Action = .park, keepsStreamOrder: Bool = true) {
        self.retry = retry
        self.action = action
        self.keepsStreamOrder = keepsStreamOrder
    }
}

/// How many times to try, and how long to wait between tries (doubling, up to a ceiling).
public struct RetryPolicy: Sendable {
    /// Attempts in all, at least 1.
    public var maximumAttempts: Int
    /// The wait before the second attempt.
    public var initialDelay: Duration
    /// What each wait is multiplied by for the next.
    public var multiplier: Double
    /// The longest wait.
    public var maximumDelay: Duration

    public init(maximumAttempts: Int = 3, initialDelay: Duration = .milliseconds(100), multiplier: Double = 2, maximumDelay: Duration = .seconds(10))
    {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
    }

    /// The wait after failed attempt `attempt` (1-based).
    public func delay(after attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 1..<max(1, attempt) {
            delay = min(maximumDelay, delay * multiplier)
        }
        return min(delay, maximumDelay)
    }
}
