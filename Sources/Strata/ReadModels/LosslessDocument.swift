//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
/// A document type whose decoding of its own JSON gives back exactly the value that was encoded: every stored
/// property is encoded, and nothing is rounded or normalised on the way.
///
/// A projection keeps the documents of such a value type decoded from one batch to the next (see
/// ``ProjectionRunner``): when the next batch reads back the very bytes the previous one wrote, its handler gets
/// the value that was written instead of decoding it again. That skips the decoding of each document a live
/// event touches, most of a projection's time for large documents. Synthesized `Codable` conformances of
/// structs and enums whose properties are themselves such types (strings, integers, `Bool`, finite
/// floating-point numbers, which Strata's encoder writes exactly, optionals, arrays and dictionaries of them)
/// qualify. `Date` does not: documents store dates as ISO 8601 in whole seconds. A type that leaves a property
/// out of its encoding, or rounds one, must not conform: a handler would see the value the previous batch held
/// rather than the stored one, and a rebuild would not reproduce what live processing built.
///
/// Classes never qualify: a handler could change the remembered instance in a batch that then rolls back.
///
/// ```swift
/// struct OrderSummary: LosslessDocument { var id: String; var totalCents: Int }
/// ```
public protocol LosslessDocument: Codable {}
