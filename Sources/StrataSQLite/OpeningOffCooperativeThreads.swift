//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Dispatch

/// Runs blocking work on a Dispatch thread and suspends the calling task until it is done.
///
/// Opening a SQLite store sets WAL mode and migrates its schema, commits that each wait for the disk. On a disk
/// whose flushes take tens of milliseconds, an `init` called from a task holds one of Swift concurrency's few
/// threads (two on a two-core machine) for all of them, and every other task of the process waits: dozens of
/// stores opened at once kept a test process from running anything else for over ten seconds.
enum OffCooperativeThreads {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}

extension SQLiteEventStore {
    /// Opens (creating when needed) the store at `path` and brings its schema up to date, as `init(path:configuration:)`
    /// does, without holding one of Swift concurrency's threads while the disk flushes: use it from async code.
    ///
    /// - Throws: EventStoreError with code `storage` when the file cannot be opened or migrated.
    public static func open(path: String, configuration: Configuration = Configuration()) async throws -> SQLiteEventStore {
        try await OffCooperativeThreads.run { try SQLiteEventStore(path: path, configuration: configuration) }
    }
}

extension SQLiteReadStore {
    /// Opens (creating when needed) the read store at `path` and brings its schema up to date, as
    /// `init(path:configuration:)` does, without holding one of Swift concurrency's threads while the disk
    /// flushes: use it from async code.
    ///
    /// - Throws: ReadStoreError with code `storage` when the file cannot be opened or migrated.
    public static func open(path: String, configuration: Configuration = Configuration()) async throws -> SQLiteReadStore {
        try await OffCooperativeThreads.run { try SQLiteReadStore(path: path, configuration: configuration) }
    }
}
