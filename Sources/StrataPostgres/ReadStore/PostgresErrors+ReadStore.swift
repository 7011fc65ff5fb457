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
    /// reader is `unsupported`; a value that does not decode is `corruptData`; a statement cancelled by a hot
    /// standby's recovery, or by a deadlock, is `unavailable` too; anything else is `storage`.
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
        let state = sqlState(of: error)
        switch state {
        case "42P01":
            return ReadStoreError(.unknownName, "could not \(what): \(message(of: error))", underlying: error)
        case "25006":
            return ReadStoreError(.unsupported, "could not \(what): a reader cannot write", underlying: error)
        case "40001", "40P01":
            // A hot standby cancels a query that holds what the WAL it replays must change (a table a rebuild
            // drops, say): 40001, or 40P01 for a buffer pin it waited on. A deadlock is 40P01 too. Asked again, or
            // asked of the primary, the same read succeeds: a read replica falls back, a projection retries.
            return ReadStoreError(.unavailable, "PostgreSQL cancelled the statement, could not \(what): \(message(of: error))", underlying: error)
        default:
            return ReadStoreError(.storage, "PostgreSQL failed to \(what): \(message(of: error))", underlying: error)
        }
    }
}
