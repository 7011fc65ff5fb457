//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Tracing

extension ProcessManagerRunner {
    /// Handles one event: journal it, fold the process's state, and carry out the process manager's actions.
    func handle(_ event: RecordedEvent) async throws {
        let decoded: Manager.Event
        do {
            decoded = try manager.codec.decode(event)
        } catch let error as EventDecodingError where error.code == .unknownEventType {
            return
        }
        guard let processID = manager.processID(for: decoded, recorded: event) else { return }
        if parkedProcesses.withLock({ $0.contains(processID) }) {
            try await park(
                ParkedProcessEvent(
                    event: event,
                    processID: processID,
                    reason: "held back behind an earlier parked event of process '\(processID)'",
                    attempts: 0
                ),
                key: event.id.uuidString
            )
            return
        }
        let journal = ProcessJournal(owner: manager.name, processID: processID)
        let before = try await state(of: journal, before: event)
        let state = manager.evolve(before, event: decoded)
        _ = try await store.append([try journal.entry(for: event)], to: try journal.stream(), expecting: .any)
        remember(state, of: processID, at: event.position)

        guard let appended = TraceContext.extract(from: event.metadata) else {
            return try await carryOut(manager.react(to: decoded, state: state, recorded: event), for: event, of: processID)
        }
        // The event carries the trace of the command that appended it: the reaction, and the commands it sends,
        // join that trace.
        try await withSpan("strata.process-manager.react", context: appended, ofKind: .consumer) { span in
            span.attributes["strata.process-manager"] = manager.name
            span.attributes["strata.process"] = processID
            span.attributes["strata.position"] = Int64(clamping: event.position.value)
            let actions = manager.react(to: decoded, state: state, recorded: event)
            span.attributes["strata.process-manager.actions"] = actions.count
            try await carryOut(actions, for: event, of: processID)
        }
    }

    /// Sends, schedules and cancels what the process manager decided in reaction to `event`.
    private func carryOut(_ actions: [ProcessAction<Manager.Command>], for event: RecordedEvent, of processID: String) async throws {
        let correlation = event.metadata.correlationID ?? event.id.lowercasedString
        for (index, action) in actions.enumerated() {
            // Stored as the command's idempotency key and deadline id: its spelling must not change.
            let id = "\(manager.name):\(event.id.uuidString):\(index)"
            switch action.kind {
            case .send(let command):
                let metadata = CommandMetadata(causedBy: event, commandID: DerivedID.uuid(from: id))
                try await send(command, ProcessCommandContext(idempotencyKey: id, metadata: metadata, processID: processID))
            case .schedule(let command, let name, let date):
                let scheduled = ScheduledCommand(
                    id: id,
                    owner: manager.name,
                    processID: processID,
                    name: name,
                    dueAt: date,
                    command: try JSONEncoder().encode(command),
                    metadata: scheduledMetadata(correlation: correlation, causation: event.id.lowercasedString)
                )
                try await storage.schedule(scheduled)
                deadlinesChanged.notify()
            case .cancel(let name):
                try await storage.cancelScheduledCommands(owner: manager.name, processID: processID, name: name)
            }
        }
    }

    /// The metadata of a scheduled command: its correlation and causation, and the current trace context, so
    /// that the command sent when the deadline falls due joins the trace that scheduled it.
    private func scheduledMetadata(correlation: String, causation: String) -> EventMetadata {
        var metadata = EventMetadata(correlationID: correlation, causationID: causation)
        TraceContext.inject(into: &metadata.custom)
        return metadata
    }

    /// Parks an event that could not be handled; its process's later events are parked behind it.
    func park(_ event: RecordedEvent, _ error: any Error, attempts: Int) async throws {
        let processID = try? manager.processID(for: manager.codec.decode(event), recorded: event)
        let parked = ParkedProcessEvent(event: event, processID: processID, reason: Self.reason(for: error), attempts: attempts)
        try await park(parked, key: event.id.uuidString)
    }

    /// The process's state before `event`: from memory when this runner handled its previous event, otherwise
    /// folded from the events its journal points to.
    private func state(of journal: ProcessJournal, before event: RecordedEvent) async throws -> Manager.State {
        if let cached = states.withLock({ $0[journal.processID] }), cached.position < event.position {
            return cached.state
        }
        var state = manager.initialState
        for entry in try await store.readStream(try journal.stream()) {
            let pointer = try JSONDecoder().decode(ProcessJournal.Entry.self, from: entry.data)
            guard pointer.position < event.position.value else { break }
            let source = try await store.readStream(
                try StreamID(pointer.stream), from: StreamVersion(pointer.version), direction: .forwards, limit: 1)
            guard let recorded = source.first, recorded.position.value == pointer.position else {
                logger.warning(
                    "an event a process saw is no longer readable; its state is folded without it",
                    metadata: [
                        "strata.process": "\(journal.processID)", "strata.stream": "\(pointer.stream)", "strata.version": "\(pointer.version)",
                    ]
                )
                continue
            }
            guard let decoded = try manager.codec.decode([recorded], unknownTypes: .skip).first else { continue }
            state = manager.evolve(state, event: decoded)
        }
        return state
    }

    private func remember(_ state: Manager.State, of processID: String, at position: GlobalPosition) {
        states.withLock { states in
            if states.count >= configuration.cachedProcesses, states[processID] == nil { states.removeAll(keepingCapacity: true) }
            states[processID] = CachedProcess(state: state, position: position)
        }
    }
}
