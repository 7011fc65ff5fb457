//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import HTTPTypes

extension HTTPField.Name {
    /// The global position of a command's last event: a consistency token for read-your-writes queries.
    public static let strataPosition = HTTPField.Name("Strata-Position")!
    /// Asks a query to wait until the read models have processed this position.
    public static let strataMinPosition = HTTPField.Name("Strata-Min-Position")!
    /// Makes a retried command return the original response instead of taking effect again.
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// Set on a response that replays an earlier command's stored outcome.
    public static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    /// Correlates the events a request appends with the caller's own logs.
    public static let correlationID = HTTPField.Name("Strata-Correlation-ID")!
    /// Server-Sent Events: where a reconnecting client left off.
    public static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
