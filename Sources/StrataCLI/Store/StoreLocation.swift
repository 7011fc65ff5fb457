//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata
import StrataSQLite

/// Where an event store lives, parsed from a store URL such as `sqlite:./strata-data/events.sqlite`.
///
/// The one place that knows the URL forms, so that adding a backend changes only this type.
struct StoreLocation: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        /// A SQLite file at a path, relative to the working directory or absolute.
        case sqlite(path: String)
        /// A PostgreSQL server.
        case postgres(url: String)
    }

    /// The store used when neither `--store` nor `STRATA_STORE` names one.
    static let `default` = StoreLocation(kind: .sqlite(path: "./strata-data/events.sqlite"))

    let kind: Kind

    init(kind: Kind) { self.kind = kind }

    /// Parses `sqlite:PATH` (also `sqlite://PATH`) or `postgres://…` (also `postgresql://…`).
    ///
    /// - Throws: CLIError for any other form.
    init(parsing text: String) throws(CLIError) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self.init(kind: .postgres(url: text))
            return
        }
        guard text.hasPrefix("sqlite:") else {
            throw .badInput("unsupported store URL '\(text)': use sqlite:PATH or postgres://…")
        }
        var path = text.dropFirst("sqlite:".count)
        if path.hasPrefix("//") { path = path.dropFirst(2) }
        guard !path.isEmpty else {
            throw .badInput("store URL '\(text)' names no file: use sqlite:PATH")
        }
        self.init(kind: .sqlite(path: String(path)))
    }

    var description: String {
        switch kind {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url
        }
    }

    /// Opens the store, creating a SQLite file and its folder when missing.
    ///
    /// - Throws: CLIError when the backend is unsupported or the store cannot be opened.
    func open() throws -> OpenStore {
        switch kind {
        case .sqlite(let path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError.badInput("cannot create the folder \(folder.path) for the store: \(error.localizedDescription)")
            }
            let store = try SQLiteEventStore(path: path)
            return OpenStore(store: store, close: store.close)
        case .postgres:
            throw CLIError.badInput("PostgreSQL stores are not supported by this build yet")
        }
    }

    /// Opens the store, runs `body` with it and closes it, whether `body` succeeds or not.
    func withStore<Result>(_ body: (any EventStore) async throws -> Result) async throws -> Result {
        let open = try open()
        let result: Result
        do {
            result = try await body(open.store)
        } catch {
            // The body's error says what went wrong; a failure to close as well would only hide it.
            try? open.close()
            throw error
        }
        try open.close()
        return result
    }
}

/// An opened event store and the way to close it.
struct OpenStore: Sendable {
    let store: any EventStore
    private let closeStore: @Sendable () throws -> Void

    init(store: any EventStore, close: @escaping @Sendable () throws -> Void) {
        self.store = store
        self.closeStore = close
    }

    /// Releases the store's files or connections; the store must not be used afterwards.
    func close() throws { try closeStore() }
}
