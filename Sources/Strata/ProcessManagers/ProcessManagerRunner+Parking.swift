//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension ProcessManagerRunner {
    /// The events and deadlines this process manager parked, oldest first.
    public func parkedEvents() async throws -> [ParkedProcessEvent] {
        let stream = try ParkedProcessEvent.stream(owner: manager.name)
        let decoder = JSONDecoder()
        return try await store.readStream(stream).compactMap { try? decoder.decode(ParkedProcessEvent.self, from: $0.data) }
    }

    /// Whether a failure may pass by itself (a database that is away, a shutdown), so the work is retried as
    /// long as it takes instead of being counted towards parking.
    static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let error = error as? EventStoreError { return error.code == .unavailable || error.code == .closed }
        if let error = error as? ReadStoreError { return error.code == .unavailable }
        return false
    }

    /// Runs `work` until it succeeds, retrying transient failures without limit and other failures as the retry
    /// policy says; returns the last failure once the attempts are used up, for the caller to park.
    func attempt(_ label: String, _ work: () async throws -> Void) async throws -> (error: any Error, attempts: Int)? {
        var attempt = 0
        while true {
            do {
                try await work()
                return nil
            } catch  where Task.isCancelled || Self.isTransient(error) {
                throw error
            } catch {
                attempt += 1
                guard attempt < configuration.retry.maximumAttempts else { return (error, attempt) }
                logger.warning(
                    "\(label) failed; trying again",
                    metadata: ["strata.process-manager": "\(manager.name)", "strata.attempt": "\(attempt)", "strata.error": "\(error)"]
                )
                try await configuration.clock.sleep(for: configuration.retry.delay(after: attempt))
            }
        }
    }

    /// Appends `parked` to the parked stream. Its id derives from what was parked, so that parking it again after
    /// a crash adds nothing.
    func park(_ parked: ParkedProcessEvent, key: String) async throws {
        let entry = NewEvent(
            id: DerivedID.uuid(from: "\(manager.name)\u{0}parked\u{0}\(key)"),
            type: ParkedProcessEvent.entryType,
            data: try JSONEncoder().encode(parked)
        )
        _ = try await store.append([entry], to: try ParkedProcessEvent.stream(owner: manager.name), expecting: .any)
        if let processID = parked.processID { parkedProcesses.withLock { _ = $0.insert(processID) } }
        logger.error(
            "process manager parked \(parked.kind)",
            metadata: [
                "strata.process-manager": "\(manager.name)", "strata.process": "\(parked.processID ?? "-")",
                "strata.position": "\(parked.position.map(String.init) ?? "-")", "strata.reason": "\(parked.reason)",
            ]
        )
    }

    /// Loads the processes that have parked entries, so that their later events are held back behind them.
    func loadParkedProcesses() async throws {
        let processes = Set(try await parkedEvents().compactMap(\.processID))
        parkedProcesses.withLock { $0 = processes }
    }

    /// A reason that names the failure without internals: the error's type, and the message of errors a domain
    /// raises for people to read.
    static func reason(for error: any Error) -> String {
        if let error = error as? DomainError { return "\(type(of: error)): \(error.message)" }
        if let error = error as? EventDecodingError { return "\(type(of: error)): \(error.code)" }
        return String(describing: type(of: error))
    }
}
