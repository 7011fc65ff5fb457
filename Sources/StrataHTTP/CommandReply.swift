//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Hummingbird
import Strata

/// The answer to a successful command: `{"id", "streamVersion", "position"}`, 201 when it created something
/// and 200 otherwise, with the position in `Strata-Position` (the read-your-writes token) and the stream
/// version in `ETag` (for a later `If-Match`).
public struct CommandReply: ResponseGenerator, Sendable {
    /// The id of what the command created, if it created something.
    public var id: String?
    /// The aggregate stream's version after the command.
    public var streamVersion: StreamVersion?
    /// The global position of the stream's last event after the command.
    public var position: GlobalPosition
    /// Whether the command replays an earlier one with the same idempotency key.
    public var isReplay: Bool
    /// 201 or 200.
    public var status: HTTPResponse.Status

    /// The reply for `result`; pass `createdID` when the command created something.
    public init<Event>(_ result: CommandResult<Event>, createdID: String? = nil) {
        id = createdID
        streamVersion = result.streamVersion
        position = result.position
        isReplay = result.isReplay
        status = createdID == nil ? .ok : .created
    }

    /// The body's members.
    public var body: JSONValue {
        var object: [String: JSONValue] = ["position": .int(Int64(clamping: position.value))]
        object["streamVersion"] = streamVersion.map { .int(Int64(clamping: $0.value)) } ?? .null
        if let id { object["id"] = .string(id) }
        return .object(object)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .strataPosition: "\(position.value)"]
        if let streamVersion { headers[.eTag] = "\"\(streamVersion.value)\"" }
        if isReplay { headers[.idempotentReplayed] = "true" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: try bodyBytes()))
    }

    /// ``body`` as JSON with sorted keys, written directly: every command answers with it, and an encoder costs
    /// more than the rest of the reply. An id that JSON would escape goes through the encoder.
    func bodyBytes() throws -> ByteBuffer {
        if let id, !id.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return ByteBuffer(bytes: try body.encoded())
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(96 + (id?.utf8.count ?? 0))
        if let id {
            buffer.writeString(#"{"id":""#)
            buffer.writeString(id)
            buffer.writeString(#"","position":"#)
        } else {
            buffer.writeString(#"{"position":"#)
        }
        buffer.writeString(String(Int64(clamping: position.value)))
        buffer.writeString(#","streamVersion":"#)
        buffer.writeString(streamVersion.map { String(Int64(clamping: $0.value)) } ?? "null")
        buffer.writeString("}")
        return buffer
    }
}

/// A JSON response for any Encodable value, with sorted keys.
public struct JSONReply<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    public var value: Value
    public var status: HTTPResponse.Status
    public var headers: HTTPFields

    public init(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) {
        self.value = value
        self.status = status
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder.strata(.readable).encode(value)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
