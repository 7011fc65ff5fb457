//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import PostgresNIO
import Strata

extension PostgresErrors {
    /// A driver failure as the read store reports it.
    ///
    /// The same failures as the event store's are transient (`unavailable`), so a projection runner's retries
    /// wait out a lost connection or a restarting server; a missing table is `unknownName`; a write through a
    /// reader is `unsupported`; a value that does not decode is `corruptData`; anything else is `storage`.
    static func readStoreError(_ error: any Error, _ what: String) -> any Error {
        if error is ReadStoreError || error is CancellationError { return error }
        // Connection waits and close watches, shared with the event store, report in its terms.
        if let error = error as? EventStoreError, error.code == .unavailable {
            return ReadStoreError(.unavailable, "PostgreSQL is unavailable, could not \(what)", underlying: error)
        }
        if isTransient(error) {
            return ReadStoreError(.unavailable, "PostgreSQL is unavailable, could not \(what)", underlying: error)
        }
        if error is PostgresDecodingError {
            return ReadStoreError(.corruptData, "could not \(what): a value does not decode", underlying: error)
        }
        let state = (error as? PSQLError)?.serverInfo?[.sqlState]
        switch state {
        case "42P01":
            return ReadStoreError(.unknownName, "could not \(what): \(message(of: error))", underlying: error)
        case "25006":
            return ReadStoreError(.unsupported, "could not \(what): a reader cannot write", underlying: error)
        default:
            return ReadStoreError(.storage, "PostgreSQL failed to \(what): \(message(of: error))", underlying: error)
        }
    }
}
