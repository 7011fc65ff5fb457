//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

/// The positions this process's projections have processed through, and a way to wait for them.
///
/// A ``ProjectionRunner`` advances it after each committed batch and wakes every waiter, as ``AppendSignal`` does
/// for subscriptions, so a read-your-writes query answers as soon as its projections pass its position,
/// with no polling. Share one instance between the runner and QueryHandlers.
public final class ProjectionProgress: Sendable {
    private let positions = Mutex<[String: GlobalPosition]>([:])
    private let signal = AppendSignal()

    public init() {}

    /// The position `projection` has processed through, or `nil` when it has not reported one.
    public func position(of projection: String) -> GlobalPosition? {
        positions.withLock { $0[projection] }
    }

    /// Records that `projection` has processed through `position`, and wakes waiters.
    ///
    /// The position is recorded as given: after a reset it may go back, since the read model really did.
    public func advance(_ projection: String, to position: GlobalPosition) {
        positions.withLock { $0[projection] = position }
        signal.notify()
    }

    /// Waits until every projection of `projections` has processed through `position`.
    ///
    /// - Parameters:
    ///   - projections: The projections to wait for.
    ///   - position: The position each must have processed.
    ///   - timeout: How long to wait, on `clock`.
    ///   - clock: The clock the timeout runs on; tests pass a clock they move themselves.
    /// - Throws: ``StaleReadModel`` when `timeout` elapses first, naming the projection that lags; CancellationError
    ///   when the task is cancelled.
    public func wait(
        for projections: [String],
        through position: GlobalPosition,
        timeout: Duration,
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws {
        try await wait(for: projections, through: position, timeout: timeout, on: clock)
    }

    private func wait<C: Clock<Duration>>(for projections: [String], through position: GlobalPosition, timeout: Duration, on clock: C) async throws {
        let deadline = clock.now.advanced(by: timeout)
        while true {
            // Taken before checking, so that an advance racing with the check still wakes the wait.
            let generation = signal.generation
            guard let lagging = firstLagging(projections, position) else { return }
            try Task.checkCancellation()
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw StaleReadModel(projection: lagging, required: position, reached: self.position(of: lagging) ?? .start, timeout: timeout)
            }
            await signal.wait(after: generation, timeout: remaining, clock: clock)
        }
    }

    /// Whether every projection of `projections` has reported processing through `position`.
    public func hasProcessed(_ projections: [String], through position: GlobalPosition) -> Bool {
        firstLagging(projections, position) == nil
    }

    private func firstLagging(_ projections: [String], _ position: GlobalPosition) -> String? {
        positions.withLock { positions in projections.first { (positions[$0] ?? .start) < position } }
    }
}
