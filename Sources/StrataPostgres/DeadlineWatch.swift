//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import NIOCore
import PostgresNIO
import Synchronization

/// Runs actions when their deadlines pass, checked by one timer for the whole process instead of a timer each.
///
/// Every read and append has a deadline for its connection, and every batch of appends a stall warning. Each
/// used to be an event-loop timer of its own, scheduled and cancelled from the task's thread, and each of those
/// calls woke the event loop: about fifty microseconds of CPU per append, of the 382 µs the client spent on a
/// ten-event append. The deadlines are seconds long and nothing depends on their firing to the millisecond, so a
/// watch holds them in a table and one timer checks the table every `tick`, while any deadline is pending.
/// Registering and cancelling take a lock, and wake nothing unless the timer had stopped.
///
/// An action may run up to one tick after its deadline, never before it.
final class DeadlineWatch: Sendable {
    /// The watch of every connection deadline and stall warning of the process.
    static let shared = DeadlineWatch(tick: .milliseconds(100), on: PostgresClient.defaultEventLoopGroup.any())

    /// What a watched deadline does when it passes: returns the next deadline to be called at again, or `nil`.
    typealias Action = @Sendable () -> NIODeadline?

    /// Names a watched deadline, to cancel it.
    struct Token: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Entry {
        var deadline: NIODeadline
        let action: Action
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var ticking = false
    }

    private let state = Mutex(State())
    private let tick: TimeAmount
    private let eventLoop: any EventLoop

    init(tick: TimeAmount, on eventLoop: any EventLoop) {
        self.tick = tick
        self.eventLoop = eventLoop
    }

    /// Runs `action` once `deadline` has passed, and again at each deadline it returns, until it returns `nil` or
    /// the returned token is cancelled.
    func watch(until deadline: NIODeadline, _ action: @escaping Action) -> Token {
        let (id, startTicking) = state.withLock { state in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(deadline: deadline, action: action)
            defer { state.ticking = true }
            return (state.nextID, !state.ticking)
        }
        if startTicking { scheduleTick() }
        return Token(id: id)
    }

    /// Stops watching the deadline of `token`: its action does not run again, though it may be running now.
    func cancel(_ token: Token) {
        _ = state.withLock { $0.entries.removeValue(forKey: token.id) }
    }

    /// Whether the timer runs, which it does exactly while some deadline is watched (for tests).
    var isTicking: Bool { state.withLock { $0.ticking } }

    private func scheduleTick() {
        eventLoop.scheduleTask(in: tick) { [self] in runTick() }
    }

    /// Runs the actions whose deadlines have passed, then schedules the next tick, or stops when nothing is left.
    private func runTick() {
        let now = NIODeadline.now()
        let due = state.withLock { state in
            state.entries.compactMap { id, entry in entry.deadline <= now ? (id, entry.action) : nil }
        }
        var next: [(UInt64, NIODeadline?)] = []
        next.reserveCapacity(due.count)
        // Outside the lock: an action may watch or cancel deadlines itself.
        for (id, action) in due { next.append((id, action())) }
        let keepTicking = state.withLock { state in
            for (id, deadline) in next where state.entries[id] != nil {
                if let deadline {
                    state.entries[id]?.deadline = deadline
                } else {
                    state.entries[id] = nil
                }
            }
            state.ticking = !state.entries.isEmpty
            return state.ticking
        }
        if keepTicking { scheduleTick() }
    }
}
