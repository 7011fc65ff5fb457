//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import NIOCore
import PostgresNIO
import Strata

/// Turns postgres-nio's errors into the store's own.
enum PostgresErrors {
    /// Connection loss and a server that is starting or shutting down are `unavailable` (worth retrying);
    /// anything else is a `storage` failure.
    static func translate(_ error: any Error, _ what: String) -> EventStoreError {
        if let error = error as? EventStoreError { return error }
        if isTransient(error) {
            return EventStoreError(.unavailable, "PostgreSQL is unavailable, could not \(what)", underlying: error)
        }
        return EventStoreError(.storage, "PostgreSQL failed to \(what): \(message(of: error))", underlying: error)
    }

    static func isTransient(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError {
            return [transaction.beginError, transaction.closureError, transaction.commitError].contains { $0.map(isTransient) ?? false }
        }
        // The client's pool reports a server it cannot connect to (its circuit breaker tripped, a request timed out)
        // with an error type of its underscored module, so it is recognised by name; a pool that was shut down is
        // final, not transient.
        let typeName = String(reflecting: type(of: error))
        if typeName.hasSuffix("ConnectionPoolError") {
            return !String(reflecting: error).contains("poolShutdown")
        }
        // PreparedStatements runs through postgres-nio's older API, which reports in its older terms: a lost
        // connection as the socket's own error.
        if error is IOError || error is ChannelError { return true }
        switch error as? PostgresError {
        case .connectionClosed?: return true
        case .server?:
            let state = sqlState(of: error) ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        case .protocol(let message)?:
            // An unclean shutdown of the connection, in the older terms.
            if message == "Unexpected connection close" { return true }
        case nil: break
        }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return true
        case .server:
            // Class 08: connection exceptions; class 57P: the server is shutting down or starting up.
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default:
            return false
        }
    }

    static func message(of error: any Error) -> String {
        if let error = error as? PSQLError, let message = error.serverInfo?[.message] {
            return message
        }
        if case .server(let server)? = error as? PostgresError, let message = server.fields[.message] {
            return message
        }
        return "\(error)"
    }

    /// The SQLSTATE of a server's error, from postgres-nio's current error type or its older one.
    static func sqlState(of error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] }
        if case .server(let server)? = error as? PostgresError { return server.fields[.sqlState] }
        return nil
    }

    /// The constraint a server's error names, from postgres-nio's current error type or its older one.
    static func constraintName(of error: any Error) -> String? {
        if let error = error as? PSQLError { return error.serverInfo?[.constraintName] }
        if case .server(let server)? = error as? PostgresError { return server.fields[.constraintName] }
        return nil
    }
}
