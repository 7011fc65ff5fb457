//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import NIOCore
import Strata

/// Turns errors into problems: first the application's own mapping, then Strata's.
public struct ProblemMapping: Sendable {
    /// Maps an application's own error types, or returns `nil` to leave the error to Strata's mapping.
    public typealias Mapper = @Sendable (any Error) -> HTTPProblem?

    let applicationMapper: Mapper?

    public init(_ applicationMapper: Mapper? = nil) {
        self.applicationMapper = applicationMapper
    }

    /// The problem for `error`, raised while answering `request`.
    ///
    /// A version conflict is 412 when the request carried `If-Match` (the client's precondition failed) and
    /// 409 otherwise (concurrent writers outlasted the command handler's retries).
    public func problem(for error: any Error, request: Request) -> HTTPProblem {
        if let problem = error as? HTTPProblem { return problem }
        if let problem = applicationMapper?(error) { return problem }
        switch error {
        case let conflict as WrongExpectedVersion:
            var members: [String: JSONValue] = ["stream": .string(conflict.stream.rawValue)]
            if let actual = conflict.actual { members["currentVersion"] = .int(Int64(clamping: actual.value)) }
            if request.headers[.ifMatch] != nil {
                return HTTPProblem(.preconditionFailed, code: "precondition-failed", detail: conflict.description, members: members)
            }
            return HTTPProblem(.conflict, code: "concurrency-conflict", detail: conflict.description, members: members)
        case let rule as DomainError:
            return HTTPProblem(.unprocessableContent, code: rule.code ?? "business-rule", title: "Business rule violated", detail: rule.message)
        case let personal as PersonalDataError where personal.code == .subjectForgotten:
            // A business fact, not a fault: the data subject asked to be forgotten, so nothing new of theirs is kept.
            return HTTPProblem(.unprocessableContent, code: "subject-forgotten", title: "Business rule violated", detail: personal.description)
        case let reuse as IdempotencyKeyReuse:
            return HTTPProblem(.unprocessableContent, code: "idempotency-key-reuse", detail: reuse.description)
        case let stale as StaleReadModel:
            return HTTPProblem(
                .serviceUnavailable,
                code: "stale-read-model",
                title: "Read model not yet up to date",
                detail: stale.description,
                members: [
                    "projection": .string(stale.projection),
                    "requiredPosition": .int(Int64(clamping: stale.required.value)),
                    "reachedPosition": .int(Int64(clamping: stale.reached.value)),
                ],
                headers: [.retryAfter: "1"]
            )
        case let invalid as InvalidStreamID:
            return HTTPProblem(.badRequest, code: "invalid-stream-id", detail: invalid.description)
        case let decoding as DecodingError:
            return HTTPProblem(.badRequest, code: "malformed-body", title: "Malformed request body", detail: Self.describe(decoding))
        case is NIOTooManyBytesError:
            return Self.tooLarge
        case let storeError as EventStoreError:
            return Self.problem(for: storeError)
        case let readError as ReadStoreError:
            switch readError.code {
            // The read store's words can be the database's own (table names, SQL): the log has them.
            case .unknownName: return HTTPProblem(.notFound, code: "not-found", detail: "the read model asked for does not exist")
            // The view exists as soon as the projection runner has started it: a moment after the service starts.
            case .notBuilt:
                return HTTPProblem(
                    .serviceUnavailable,
                    code: "view-not-built",
                    detail: "the view asked for is not built yet: its projection has not started",
                    headers: [.retryAfter: "1"]
                )
            case .unavailable: return Self.unavailable
            case .invalidArgument: return HTTPProblem(.badRequest, code: "invalid-argument", detail: "the read store refused the query's arguments")
            default: return Self.internalError
            }
        case let httpError as HTTPError:
            if httpError.status == .contentTooLarge { return Self.tooLarge }
            let code = httpError.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
            return HTTPProblem(httpError.status, code: code, detail: httpError.body ?? httpError.status.reasonPhrase, headers: httpError.headers)
        case let responseError as any HTTPResponseError:
            return HTTPProblem(responseError.status, code: "http-\(responseError.status.code)", detail: responseError.status.reasonPhrase)
        case is CancellationError:
            return HTTPProblem(.serviceUnavailable, code: "database-unavailable", detail: "the service is shutting down", headers: [.retryAfter: "1"])
        default:
            return Self.internalError
        }
    }

    private static func problem(for error: EventStoreError) -> HTTPProblem {
        switch error.code {
        case .unavailable, .closed: return unavailable
        case .invalidArgument: return HTTPProblem(.badRequest, code: "invalid-argument", detail: error.message)
        case .streamDeleted: return HTTPProblem(.gone, code: "stream-deleted", detail: error.message)
        default: return internalError
        }
    }

    static let tooLarge = HTTPProblem(.contentTooLarge, code: "body-too-large", detail: "the request body is larger than the service accepts")

    static let internalError = HTTPProblem(
        .internalServerError,
        code: "internal-error",
        detail: "the service failed to answer; nothing was half-written, and the log has the details"
    )

    /// The same words whatever the database said: its message can name hosts, files or SQL. The log has it.
    static let unavailable = HTTPProblem(
        .serviceUnavailable,
        code: "database-unavailable",
        detail: "a database is unavailable; try again shortly",
        headers: [.retryAfter: "1"]
    )

    /// A one-line account of a decoding failure that names the offending field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "the body" : "'\(path)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "the field '\(key.stringValue)' is missing\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context)) should be \(Self.name(of: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) should be \(Self.name(of: type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)) is invalid: \(context.debugDescription)"
        @unknown default:
            return "the body could not be decoded"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is Bool.Type: "a boolean"
        case is Double.Type: "a number"
        default: "a \(type)"
        }
    }
}
