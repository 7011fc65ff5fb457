//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import OpenAPIKit
import Strata

/// The shapes and headers Strata's routes share, as OpenAPI components: named once in the document and referred
/// to by every operation that uses them.
public enum APIComponents {
    /// A reference to the schema named `name` under `components/schemas`.
    public static func schema(_ name: String) -> JSONSchema { .reference(.component(named: name)) }

    /// The largest position, version or count a route accepts or answers: 2^63 - 1.
    static let largestInteger = Int(Int64.max)

    /// A global position or stream version: an integer from 0 to 2^63 - 1.
    public static func position(description: String? = nil, nullable: Bool = false) -> JSONSchema {
        .integer(format: .int64, nullable: nullable, description: description, maximum: (largestInteger, false), minimum: (0, false))
    }

    // MARK: Schemas

    /// Strata's own schemas, by name.
    static var schemas: OrderedDictionary<OpenAPI.ComponentKey, JSONSchema> {
        [
            "Problem": problem,
            "CommandReply": commandReplySchema,
            "Event": event,
            "StreamPage": .object(
                properties: [
                    "stream": .string(description: "The stream's id."),
                    "version": position(description: "The stream's current version."),
                    "events": .array(items: schema("Event")),
                    "next": position(description: "The version to ask for next; null at the end of the stream.", nullable: true),
                ],
                additionalProperties: .a(false)
            ),
            "CorrelationPage": .object(
                properties: [
                    "correlationId": .string(description: "The correlation id."),
                    "events": .array(items: schema("Event")),
                    "next": position(description: "The global position to ask for next; null after the last page.", nullable: true),
                ],
                additionalProperties: .a(false)
            ),
            "ProjectionStatus": projectionStatus,
            "ParkedEvent": .object(
                description: "An event a projection could not apply, set aside with its error.",
                properties: [
                    "event": schema("Event"),
                    "error": .string(description: "Why it failed; `withheld` for callers without the admin scope."),
                    "attempts": .integer(minimum: (0, false)),
                ],
                additionalProperties: .a(false)
            ),
            "Health": health,
        ]
    }

    /// RFC 9457 problem details, with Strata's stable `code`.
    static let problem = JSONSchema.object(
        description: "A problem (RFC 9457). `code` is stable and names the kind of problem; other members depend on it.",
        properties: [
            "type": .string(description: "`urn:strata:problem:` followed by the code."),
            "title": .string(description: "A short summary of the kind of problem."),
            "status": .integer(description: "The response status.", maximum: (599, false), minimum: (400, false)),
            "detail": .string(description: "What went wrong this time."),
            "code": .string(description: "The kind of problem, such as `concurrency-conflict`."),
        ],
        additionalProperties: .a(true)
    )

    static let commandReplySchema = JSONSchema.object(
        description: "What a command did.",
        properties: [
            "position": position(description: "The global position of the stream's last event: the token for `Strata-Min-Position`."),
            "streamVersion": position(description: "The stream's version after the command (also the `ETag`).", nullable: true),
            "id": .string(required: false, description: "The id of what the command created."),
        ],
        additionalProperties: .a(false)
    )

    static let event = JSONSchema.object(
        description: "A recorded event.",
        properties: [
            "position": position(description: "Its global position."),
            "stream": .string(description: "Its stream."),
            "version": position(description: "Its version in its stream."),
            "type": .string(description: "Its type name."),
            "eventId": .string(format: .uuid, description: "Its id, in lowercase."),
            "metadata": .object(description: "Its metadata, flattened.", additionalProperties: .b(.string)),
            "recordedAt": .string(format: .dateTime, description: "When it was recorded."),
            "data": .fragment(description: "Its data as JSON; null when the data is not JSON."),
            "dataBase64": .string(required: false, description: "Its data in base64, only when it is not JSON.", contentEncoding: .base64),
        ],
        additionalProperties: .a(false)
    )

    static let projectionStatus = JSONSchema.object(
        description: "A projection: where it is and what it is doing.",
        properties: [
            "name": .string(),
            "version": .integer(description: "The code version of the running projection."),
            "state": .string(description: "What it is doing."),
            "checkpoint": position(description: "The position the view queries read has processed through."),
            "head": position(description: "The last position in the log."),
            "lagEvents": .integer(minimum: (0, false)),
            "lagSeconds": .number(description: "How far behind the head it is, in seconds."),
            "generation": .integer(description: "The generation queries read; 0 before the view is first built."),
            "rebuildCheckpoint": position(description: "How far a rebuild in progress has come; null when none is.", nullable: true),
            "parkedCount": .integer(minimum: (0, false)),
            "lastError": .string(nullable: true, description: "The most recent error; `withheld` for callers without the admin scope."),
            "node": .string(nullable: true, description: "The process that last reported on it."),
            "reportedAt": .string(format: .dateTime, nullable: true),
        ],
        additionalProperties: .a(false)
    )

    static let health: JSONSchema = {
        let part = JSONSchema.object(
            required: false,
            properties: [
                "status": .string(allowedValues: "up", "down"),
                "head": .integer(required: false, minimum: (0, false)),
                "error": .string(required: false, description: "A stable code: `timeout`, `unavailable` or `error`."),
            ],
            additionalProperties: .a(false)
        )
        return .object(
            description: "Readiness; the parts are shown only to callers with the read scope when the service checks tokens.",
            properties: [
                "status": .string(allowedValues: "alive", "ready", "unavailable"),
                "eventStore": part,
                "readStore": part,
                "projections": .array(
                    required: false,
                    items: .object(
                        properties: ["name": .string, "state": .string, "lagEvents": .integer(minimum: (0, false))],
                        additionalProperties: .a(false)
                    )
                ),
                "readReplicas": .array(
                    required: false,
                    description: "The read replicas that answer queries, when the service has any; they never make it unready.",
                    items: .object(
                        properties: [
                            "name": .string(description: "Host, port and database."),
                            "status": .string(allowedValues: "unchecked", "available", "lagging", "unavailable"),
                            "lagEvents": .integer(
                                required: false, description: "How many events its views were behind at the last check.", minimum: (0, false)),
                        ],
                        additionalProperties: .a(false)
                    )
                ),
            ],
            additionalProperties: .a(false)
        )
    }()

    /// The `limit` of a paged read: positive, and read as `maximumPageSize` when larger.
    static func pageLimitParameter(maximumPageSize: Int) -> OpenAPI.Parameter {
        .query(
            name: "limit",
            schema: .integer(format: .int64, maximum: (largestInteger, false), minimum: (1, false)),
            description: "The most events to answer; larger values are read as \(maximumPageSize)."
        )
    }

    // MARK: Headers

    static let idempotencyKeyHeader = OpenAPI.Parameter.header(
        name: "Idempotency-Key",
        schema: .string(minLength: 1, maxLength: StrataHTTPConfiguration.maxTokenHeaderBytes),
        description: "Makes a retry of the command answer as the first attempt did instead of acting again: the same key "
            + "with the same command replays the stored outcome (`Idempotent-Replayed: true`); with another command it "
            + "is 422 `idempotency-key-reuse`. 1 to 200 bytes, no control characters."
    )

    static let correlationIDHeader = OpenAPI.Parameter.header(
        name: "Strata-Correlation-ID",
        schema: .string(minLength: 1, maxLength: StrataHTTPConfiguration.maxTokenHeaderBytes),
        description: "Stored with every event the command appends (else the request's id is). 1 to 200 bytes, no control characters."
    )

    static let ifMatchHeader = OpenAPI.Parameter.header(
        name: "If-Match",
        schema: .string(pattern: #"^(\*|(W/)?"[0-9]+"|[0-9]+)$"#),
        description: "The stream version the command expects, as the ETag of an earlier answer gave it (`\"3\"`); "
            + "412 `precondition-failed` when the stream has moved on."
    )

    static let minPositionHeader = OpenAPI.Parameter.header(
        name: "Strata-Min-Position",
        schema: .string(pattern: "^ *[0-9]+ *$"),
        description: "Read your writes: the query waits until its views have processed this global position (a "
            + "command's `Strata-Position`), or answers 503 `stale-read-model` with `Retry-After`."
    )

    static let minPositionQuery = OpenAPI.Parameter.query(
        name: "minPosition",
        schema: position(),
        description: "As the `Strata-Min-Position` header, for clients that cannot set headers; the header wins."
    )

    // MARK: Responses

    /// The answer of a command: a ``CommandReply`` with its headers.
    ///
    /// - Parameters:
    ///   - creates: Whether the command created something, whose id the body carries.
    ///   - description: What the answer means, when not the default for `creates`.
    public static func commandReply(creates: Bool = false, description: String? = nil) -> OpenAPI.Response {
        OpenAPI.Response(
            description: description ?? (creates ? "Created: the body has the new id." : "Done."),
            headers: [
                "Strata-Position": .b(OpenAPI.Header(schema: position(), description: "The token for `Strata-Min-Position`.", required: true)),
                "ETag": .b(OpenAPI.Header(schema: .string, description: "The stream's version after the command, in quotes.")),
                "Idempotent-Replayed": .b(
                    OpenAPI.Header(schema: .string(allowedValues: "true"), description: "The stored outcome of an earlier attempt with the same key.")
                ),
            ],
            content: [.json: .b(OpenAPI.Content(schema: schema("CommandReply")))]
        )
    }
}
