//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

/// Encodes the common shapes of event data straight into JSON bytes, in one pass.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values, then writes it out; for the small flat structs
/// that events usually are, that costs several times the writing itself. This encoder writes each value as it is
/// encoded, and gives up (throwing ``Unsupported``) on anything that a single forward pass cannot reproduce the
/// way `JSONEncoder.strata(.storage)` would: a container used again after a sibling was started, a key encoded
/// twice, a second container requested for one value, `superEncoder`, non-finite floating-point numbers, and the
/// Foundation types that `JSONEncoder` writes its own way (`Data`, `URL`, `Decimal`, 128-bit integers). Its caller
/// then encodes the value with `JSONEncoder` instead, so the outcome is always the one `JSONEncoder` would give:
/// the same JSON values, with object keys in declaration order (`JSONEncoder`'s storage layout promises no
/// order).
///
/// Dates are written as `JSONEncoder` writes them with its ISO 8601 strategy; strings escape the same characters,
/// forward slashes among them.
package struct StreamingJSONEncoder {
    /// Thrown when the value needs something this encoder does not reproduce; encode it with `JSONEncoder`.
    package struct Unsupported: Error {
        package let reason: String
    }

    package init() {}

    /// The JSON of `value`, or ``Unsupported``, or the error the value's own `encode(to:)` threw.
    package func encode(_ value: some Encodable) throws -> Data {
        let writer = JSONStreamWriter()
        try writer.encodeValue(value)
        if let failure = writer.failure { throw Unsupported(reason: failure) }
        try writer.closeAll()
        return Data(writer.bytes)
    }
}

/// The state of one encoding: the bytes written so far and the containers still open.
final class JSONStreamWriter: Encoder {
    /// One open object or array.
    struct Frame {
        let id: Int
        let isObject: Bool
        var count = 0
        /// The keys written to an object, to refuse a key written twice (`JSONEncoder` keeps the last value):
        /// a list while the object is small, a set once it grows, so that a large dictionary costs no more than
        /// a hash lookup per key.
        private var fewKeys: [String] = []
        private var manyKeys: Set<String> = []

        init(id: Int, isObject: Bool) {
            self.id = id
            self.isObject = isObject
        }

        /// Records `key`, returning false when the object has it already.
        mutating func insert(_ key: String) -> Bool {
            if manyKeys.isEmpty {
                if fewKeys.contains(key) { return false }
                fewKeys.append(key)
                if fewKeys.count > 16 {
                    manyKeys = Set(fewKeys)
                    fewKeys = []
                }
                return true
            }
            return manyKeys.insert(key).inserted
        }
    }

    var bytes: [UInt8] = []
    private(set) var frames: [Frame] = []
    private var nextFrameID = 0
    /// Whether a value is expected: set before a value encodes itself, cleared when it asks for a container.
    private var expectsValue = false
    /// Why the value cannot be written in one pass; set by the non-throwing container requests.
    private(set) var failure: String?

    private(set) var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init() {
        bytes.reserveCapacity(128)
    }

    func fail(_ reason: String) {
        if failure == nil { failure = reason }
    }

    func unsupported(_ reason: String) -> StreamingJSONEncoder.Unsupported {
        fail(reason)
        return StreamingJSONEncoder.Unsupported(reason: reason)
    }

    // MARK: Values

    /// Encodes one whole value where a value is expected (the top level, an object's member, an array's element).
    func encodeValue<T: Encodable>(_ value: T) throws {
        if let failure { throw StreamingJSONEncoder.Unsupported(reason: failure) }
        if T.self == Date.self, let date = value as? Date {
            writeString(date.formatted(.iso8601))
            return
        }
        if T.self == Data.self || T.self == URL.self || T.self == Decimal.self || T.self == Int128.self || T.self == UInt128.self {
            throw unsupported("\(T.self) is written by JSONEncoder's own rules")
        }
        let depth = frames.count
        let start = bytes.count
        expectsValue = true
        try value.encode(to: self)
        if let failure { throw StreamingJSONEncoder.Unsupported(reason: failure) }
        if expectsValue {
            // Nothing was encoded: JSONEncoder writes an empty object for a nested value, and refuses a top-level one.
            expectsValue = false
            throw unsupported("\(T.self) encoded no value")
        }
        guard bytes.count > start || frames.count > depth else {
            throw unsupported("\(T.self) encoded no value")
        }
        try close(downTo: depth)
    }

    /// Claims the value slot for a container or a single value; a second claim for one value is unsupported.
    private func claimValue(_ what: String) -> Bool {
        guard expectsValue else {
            fail("a second \(what) was requested for one value")
            return false
        }
        expectsValue = false
        return true
    }

    // MARK: Frames

    /// Opens an object or array at the current position, returning its frame's id.
    func open(object: Bool) -> Int {
        nextFrameID &+= 1
        frames.append(Frame(id: nextFrameID, isObject: object))
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return nextFrameID
    }

    /// Closes every frame deeper than `depth` (containers that their value finished with).
    func close(downTo depth: Int) throws {
        while frames.count > depth {
            let frame = frames.removeLast()
            bytes.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    func closeAll() throws {
        try close(downTo: 0)
    }

    /// Makes the frame `id` at `depth` the current one before it gets another member, closing deeper frames
    /// that are done, and writes the separating comma. Throws when that frame was closed already.
    func beginMember(of id: Int, at depth: Int) throws {
        if let failure { throw StreamingJSONEncoder.Unsupported(reason: failure) }
        guard depth >= 0, depth < frames.count, frames[depth].id == id else {
            throw unsupported("a container was written to after a sibling value was started")
        }
        if frames.count > depth + 1 { try close(downTo: depth + 1) }
        if frames[depth].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frames[depth].count += 1
    }

    /// Writes `"key":` into the object `id` at `depth`.
    func beginMember(of id: Int, at depth: Int, key: String) throws {
        try beginMember(of: id, at: depth)
        guard frames[depth].insert(key) else {
            throw unsupported("the key '\(key)' was encoded twice")
        }
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: Nested values

    /// Encodes `value` as a member of a container, with `key` on the coding path while it encodes itself, as
    /// `JSONEncoder` has it: an array's elements are keyed by their index, and the keys of containers nested by
    /// `nestedContainer` are not on the path their members see.
    func encodeNested<T: Encodable>(_ value: T, key: any CodingKey) throws {
        codingPath.append(key)
        defer { codingPath.removeLast() }
        try encodeValue(value)
    }

    /// The coding path of a container nested under `key` in a container at `path`.
    func path(_ path: [any CodingKey], appending key: any CodingKey) -> [any CodingKey] {
        var nested = path
        nested.append(key)
        return nested
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        openObject(claimed: claimValue("container"), codingPath: codingPath)
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        openArray(claimed: claimValue("container"), codingPath: codingPath)
    }

    /// An object container at the current position, or, when its place could not be claimed (the failure is
    /// recorded), one whose writes all throw.
    func openObject<Key: CodingKey>(claimed: Bool, codingPath: [any CodingKey]) -> KeyedEncodingContainer<Key> {
        guard claimed else { return KeyedEncodingContainer(ObjectContainer<Key>(writer: self, id: -1, depth: -1, codingPath: codingPath)) }
        let depth = frames.count
        let id = open(object: true)
        return KeyedEncodingContainer(ObjectContainer<Key>(writer: self, id: id, depth: depth, codingPath: codingPath))
    }

    /// An array container at the current position, as openObject(claimed:codingPath:).
    func openArray(claimed: Bool, codingPath: [any CodingKey]) -> any UnkeyedEncodingContainer {
        guard claimed else { return ArrayContainer(writer: self, id: -1, depth: -1, codingPath: codingPath) }
        let depth = frames.count
        let id = open(object: false)
        return ArrayContainer(writer: self, id: id, depth: depth, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        guard claimValue("single value container") else { return SingleValueContainer(writer: self) }
        return SingleValueContainer(writer: self)
    }

    // MARK: Scalars

    func writeNull() { bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")]) }

    func writeBool(_ value: Bool) {
        if value {
            bytes.append(contentsOf: [UInt8(ascii: "t"), UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "e")])
        } else {
            bytes.append(contentsOf: [UInt8(ascii: "f"), UInt8(ascii: "a"), UInt8(ascii: "l"), UInt8(ascii: "s"), UInt8(ascii: "e")])
        }
    }

    func writeInteger(_ value: some FixedWidthInteger) throws {
        // The containers pass only integers of 64 bits or fewer; a wider magnitude is refused, not trapped on.
        guard let magnitude = UInt64(exactly: value.magnitude) else {
            throw unsupported("\(type(of: value)) \(value) is written by JSONEncoder's own rules")
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        writeDigits(magnitude)
    }

    private func writeDigits(_ magnitude: UInt64) {
        if magnitude < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        // At most 20 digits; written backwards into a fixed buffer, then copied.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var rest = magnitude
            var index = 20
            while rest > 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index...]))
        }
    }

    /// A finite number as `JSONEncoder` writes it: Swift's shortest round-tripping description, without a trailing
    /// ".0".
    func writeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws {
        guard value.isFinite else { throw unsupported("non-finite \(F.self) \(value)") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Lowercase hexadecimal digits, as `JSONEncoder` writes `\u00xx` escapes: 16 entries, indexed by a nibble.
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string, escaping as `JSONEncoder` does: quotation mark, reverse solidus, solidus, and control
    /// characters (short forms where JSON has them, `\u00XX` otherwise).
    func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "/"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "/")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x00..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
