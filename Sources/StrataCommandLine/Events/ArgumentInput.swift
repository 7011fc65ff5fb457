//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Strata

/// Turns command-line text into core values, with messages that name the offending option.
enum ArgumentInput {
    static func streamID(_ text: String) throws(CLIError) -> StreamID {
        do {
            return try StreamID(text)
        } catch {
            throw .badInput("--stream: \(error.description)")
        }
    }

    static func eventType(_ text: String) throws(CLIError) -> String {
        guard !text.isEmpty else { throw .badInput("--type must not be empty") }
        return text
    }

    static func eventID(_ text: String?) throws(CLIError) -> UUID {
        guard let text else { return UUID() }
        guard let id = UUID(uuidString: text) else {
            throw .badInput("--event-id '\(text)' is not a UUID")
        }
        return id
    }

    static func expectedVersion(_ text: String) throws(CLIError) -> ExpectedVersion {
        guard let expected = ExpectedVersion(parsing: text) else {
            throw .badInput("--expected-version '\(text)' is not valid: use any, no-stream, stream-exists or a version number")
        }
        return expected
    }

    /// Checks that `text` is JSON and keeps it byte for byte: the store holds what the user wrote.
    static func jsonData(_ text: String) throws(CLIError) -> Data {
        let data = Data(text.utf8)
        do {
            _ = try JSONValue(parsing: data)
        } catch {
            throw .badInput("--data is not valid JSON\(reason(error))")
        }
        return data
    }

    /// Parses a flat JSON object of strings into metadata; `correlationId` and `causationId` fill their fields.
    static func metadata(_ text: String?) throws(CLIError) -> EventMetadata {
        guard let text else { return EventMetadata() }
        let data = Data(text.utf8)
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: data)
        } catch {
            throw .badInput("--metadata is not valid JSON\(reason(error))")
        }
        guard case .object(let members) = parsed else {
            throw .badInput("--metadata must be a JSON object of string values")
        }
        if let key = members.keys.sorted().first(where: { members[$0]?.stringValue == nil }) {
            throw .badInput("--metadata value of '\(key)' is not a string: metadata values must be strings")
        }
        do {
            return try JSONDecoder().decode(EventMetadata.self, from: data)
        } catch {
            throw .badInput("--metadata is not valid\(reason(error))")
        }
    }

    /// What a JSON error says beyond "not valid JSON", as `: …`, or nothing. JSONDecoder mostly says no more; where
    /// it does, the underlying error tells where the text goes wrong.
    private static func reason(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return ": \(error)" }
        guard let underlying = context.underlyingError else { return "" }
        let nsError = underlying as NSError
        return ": " + (nsError.userInfo[NSDebugDescriptionErrorKey] as? String ?? nsError.localizedDescription)
    }
}
