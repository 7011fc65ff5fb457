//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PropertyBased
import Testing

@testable import Strata

@Suite("Event data written in one pass reads as JSONEncoder's", .timeLimit(.minutes(5)))
struct StreamingJSONEncoderTests {
    /// The JSON value `data` holds, for comparing encodings whose object keys may come in any order.
    private func value(_ data: Data) throws -> JSONValue { try JSONValue(parsing: data) }

    private func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    @Test("arbitrary values of every supported shape give JSONEncoder's JSON value and decode back to themselves")
    func arbitraryValues() async throws {
        let reference = JSONEncoder.strata(.storage)
        let decoder = JSONDecoder.strata()
        await propertyCheck(count: 600, input: Gen.uint64()) { seed in
            // propertyCheck drops errors thrown by its body: each one is recorded here instead.
            do {
                var random = SplitMix64(seed: seed)
                let sample = Sample.arbitrary(using: &random)
                let streamed = try StreamingJSONEncoder().encode(sample)
                #expect(try value(streamed) == value(reference.encode(sample)), "seed \(seed): \(text(streamed))")
                #expect(try decoder.decode(Sample.self, from: streamed) == sample, "seed \(seed)")
            } catch {
                Issue.record(error, "seed \(seed)")
            }
        }
    }

    @Test("strings escape exactly what JSONEncoder escapes, the solidus among them")
    func escaping() throws {
        var every = ""
        for scalar in 0..<0x80 { every.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        every += "é€😀\u{2028}\u{2029}\u{FEFF}e\u{301}"
        let streamed = try StreamingJSONEncoder().encode(["text": every])
        #expect(text(streamed) == text(try JSONEncoder.strata(.storage).encode(["text": every])))
        #expect(text(streamed).contains(#"\/"#))
        #expect(text(streamed).contains(#"\u001f"#))
        #expect(text(streamed).contains(#"\b\t\n\u000b\f\r"#))
    }

    @Test(
        "numbers are written as JSONEncoder writes them",
        arguments: [
            0.0, -0.0, 1.0, 0.1, 100.0, 1e-5, 1e-7, 1e15, 1e16, 1e21, 1e22, 12345.678, 2.5e-5, -3.75, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi,
        ])
    func floatingPoint(number: Double) throws {
        let reference = JSONEncoder.strata(.storage)
        #expect(text(try StreamingJSONEncoder().encode([number])) == text(try reference.encode([number])))
        let single = Float(number)
        if single.isFinite {
            #expect(text(try StreamingJSONEncoder().encode([single])) == text(try reference.encode([single])))
        }
    }

    @Test("integers at the ends of every width are written in full")
    func integerExtremes() throws {
        let values = Extremes()
        let streamed = try StreamingJSONEncoder().encode(values)
        #expect(try value(streamed) == value(JSONEncoder.strata(.storage).encode(values)))
        #expect(try JSONDecoder().decode(Extremes.self, from: streamed) == values)
    }

    @Test("a value sees the coding path JSONEncoder would give it, in objects, arrays and nested containers")
    func codingPaths() throws {
        let probes = Probes()
        let streamed = try StreamingJSONEncoder().encode(probes)
        #expect(try value(streamed) == value(JSONEncoder.strata(.storage).encode(probes)), "\(text(streamed))")
        #expect(text(streamed).contains(#""one.Index 1""#))
    }

    @Test("a large dictionary is written whole, each key checked once")
    func largeDictionary() throws {
        let many = Dictionary(uniqueKeysWithValues: (0..<5_000).map { ("key\($0)", $0) })
        let streamed = try StreamingJSONEncoder().encode(["many": many])
        #expect(try JSONDecoder().decode([String: [String: Int]].self, from: streamed) == ["many": many])
    }

    @Test("object keys keep the order the value encoded them in")
    func declarationOrder() throws {
        #expect(text(try StreamingJSONEncoder().encode(Ordered())) == #"{"zulu":1,"alpha":2,"mike":3,"bravo":[4],"yankee":{"x":5}}"#)
    }

    @Test(
        "what one forward pass cannot reproduce is refused, and the registry gets JSONEncoder's result for it",
        arguments: Awkward.allCases)
    func unsupportedShapes(shape: Awkward) throws {
        let event = AwkwardEvent(shape: shape)
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder().encode(event) }
        let registry = EventRegistry<any DomainEvent> { $0 }.registering(AwkwardEvent.self) { $0 }
        let stored = try registry.encode(event)
        #expect(try value(stored.data) == value(JSONEncoder.strata(.storage).encode(event)))
    }

    @Test("a single value container written twice is refused (JSONEncoder stops the process on it)")
    func singleValueTwice() {
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder().encode([Twice()]) }
    }

    @Test("128-bit integers are left to JSONEncoder wherever they stand")
    func wideIntegers() throws {
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder().encode([Int128.max]) }
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder().encode(["wide": [UInt128.max]]) }
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder().encode([WideSingle()]) }
    }

    @Test("a non-finite number still fails the encoding, with JSONEncoder's error")
    func nonFinite() throws {
        let registry = EventRegistry<any DomainEvent> { $0 }.registering(Measured.self) { $0 }
        #expect(throws: StreamingJSONEncoder.Unsupported.self) { try StreamingJSONEncoder().encode(Measured(value: .nan)) }
        #expect(throws: EncodingError.self) { try registry.encode(Measured(value: .infinity)) }
        #expect(throws: EncodingError.self) { try registry.encode(Measured(value: .nan)) }
    }

    @Test("an error thrown by the value's own encoding reaches the caller")
    func ownError() throws {
        let registry = EventRegistry<any DomainEvent> { $0 }.registering(Refusing.self) { $0 }
        #expect(throws: Refusing.Refusal.self) { try StreamingJSONEncoder().encode(Refusing()) }
        #expect(throws: Refusing.Refusal.self) { try registry.encode(Refusing()) }
    }

    @Test("the registry stores what the streaming encoder writes when it can")
    func registryUsesTheStreamingEncoder() throws {
        let registry = EventRegistry<any DomainEvent> { $0 }.registering(Ordered.self) { $0 }
        let stored = try registry.encode(Ordered())
        #expect(stored.data == (try StreamingJSONEncoder().encode(Ordered())))
    }
}

// MARK: Values

/// A small seeded generator, so that a failing seed reproduces its value.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let characters: [String] = [
    "a", "Z", "0", " ", "\"", "\\", "/", "\u{0}", "\u{8}", "\u{9}", "\n", "\u{B}", "\u{C}", "\r", "\u{1F}", "\u{7F}", "é", "€", "😀", "\u{2028}",
    "e\u{301}", "日",
]

extension RandomNumberGenerator {
    fileprivate mutating func string() -> String {
        (0..<Int.random(in: 0...12, using: &self)).map { _ in characters.randomElement(using: &self)! }.joined()
    }

    fileprivate mutating func integer<T: FixedWidthInteger>(_ type: T.Type) -> T {
        switch Int.random(in: 0...3, using: &self) {
        case 0: T.min
        case 1: T.max
        case 2: T(clamping: Int.random(in: -9...9, using: &self))
        default: T.random(in: T.min...T.max, using: &self)
        }
    }

    fileprivate mutating func double() -> Double {
        while true {
            let candidate = Double(bitPattern: next())
            if candidate.isFinite { return Bool.random(using: &self) ? candidate : Double(Int.random(in: -1000...1000, using: &self)) / 8 }
        }
    }

    fileprivate mutating func float() -> Float {
        while true {
            let candidate = Float(bitPattern: UInt32(truncatingIfNeeded: next()))
            if candidate.isFinite { return candidate }
        }
    }
}

private struct Inner: Codable, Equatable {
    var name: String
    var amount: Double?
    var deeper: [[String]]
}

private enum Choice: Codable, Equatable {
    case none
    case one(Int)
    case pair(String, label: Double)
    case nested(Inner)
}

private enum Tag: String, Codable, Equatable, CaseIterable {
    case first
    case second = "the/second"
}

private struct Sample: Codable, Equatable {
    var text: String
    var flag: Bool
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var double: Double
    var float: Float
    var maybeText: String?
    var maybeNumber: Int?
    var date: Date
    var list: [Int]
    var optionals: [Int?]
    var inner: Inner
    var inners: [Inner]
    var byName: [String: Int]
    var byNumber: [Int: String]
    var choice: Choice
    var choices: [Choice]
    var tag: Tag
    var nothing: [String]
    var manual: Manual

    static func arbitrary(using random: inout some RandomNumberGenerator) -> Sample {
        func inner() -> Inner {
            Inner(
                name: random.string(),
                amount: Bool.random(using: &random) ? random.double() : nil,
                deeper: (0..<Int.random(in: 0...2, using: &random)).map { _ in
                    (0..<Int.random(in: 0...2, using: &random)).map { _ in random.string() }
                }
            )
        }
        func choice() -> Choice {
            switch Int.random(in: 0...3, using: &random) {
            case 0: .none
            case 1: .one(random.integer(Int.self))
            case 2: .pair(random.string(), label: random.double())
            default: .nested(inner())
            }
        }
        return Sample(
            text: random.string(),
            flag: Bool.random(using: &random),
            int: random.integer(Int.self),
            int8: random.integer(Int8.self),
            int16: random.integer(Int16.self),
            int32: random.integer(Int32.self),
            int64: random.integer(Int64.self),
            uint: random.integer(UInt.self),
            uint8: random.integer(UInt8.self),
            uint16: random.integer(UInt16.self),
            uint32: random.integer(UInt32.self),
            uint64: random.integer(UInt64.self),
            double: random.double(),
            float: random.float(),
            maybeText: Bool.random(using: &random) ? random.string() : nil,
            maybeNumber: Bool.random(using: &random) ? random.integer(Int.self) : nil,
            // Whole seconds: ISO 8601 as JSONEncoder writes it keeps no fraction.
            date: Date(timeIntervalSince1970: TimeInterval(Int64.random(in: -10_000_000_000...10_000_000_000, using: &random))),
            list: (0..<Int.random(in: 0...4, using: &random)).map { _ in random.integer(Int.self) },
            optionals: (0..<Int.random(in: 0...4, using: &random)).map { _ in Bool.random(using: &random) ? random.integer(Int.self) : nil },
            inner: inner(),
            inners: (0..<Int.random(in: 0...3, using: &random)).map { _ in inner() },
            byName: Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (random.string(), random.integer(Int.self)) }) { first, _ in
                first
            },
            byNumber: Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (random.integer(Int.self), random.string()) }) { first, _ in
                first
            },
            choice: choice(),
            choices: (0..<Int.random(in: 0...3, using: &random)).map { _ in choice() },
            tag: Tag.allCases.randomElement(using: &random)!,
            nothing: [],
            manual: Manual(
                first: random.string(), numbers: (0..<Int.random(in: 0...3, using: &random)).map { _ in random.integer(Int.self) },
                last: Bool.random(using: &random))
        )
    }
}

/// Encodes with nested containers and then goes on writing to the containers above them, as hand-written
/// encodings do.
private struct Manual: Codable, Equatable {
    var first: String
    var numbers: [Int]
    var last: Bool

    private enum Keys: String, CodingKey { case head, numbers, pairs, last }
    private enum HeadKeys: String, CodingKey { case first }

    init(first: String, numbers: [Int], last: Bool) {
        self.first = first
        self.numbers = numbers
        self.last = last
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        first = try container.nestedContainer(keyedBy: HeadKeys.self, forKey: .head).decode(String.self, forKey: .first)
        var list = try container.nestedUnkeyedContainer(forKey: .numbers)
        var numbers: [Int] = []
        while !list.isAtEnd { numbers.append(try list.decode(Int.self)) }
        self.numbers = numbers
        last = try container.decode(Bool.self, forKey: .last)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var head = container.nestedContainer(keyedBy: HeadKeys.self, forKey: .head)
        try head.encode(first, forKey: .first)
        var list = container.nestedUnkeyedContainer(forKey: .numbers)
        for number in numbers { try list.encode(number) }
        var pairs = container.nestedUnkeyedContainer(forKey: .pairs)
        for number in numbers {
            var pair = pairs.nestedUnkeyedContainer()
            try pair.encode(number)
            var labelled = pairs.nestedContainer(keyedBy: HeadKeys.self)
            try labelled.encode("\(number)", forKey: .first)
        }
        try container.encode(last, forKey: .last)
    }
}

/// Encodes the coding path it is handed, as text.
private struct PathProbe: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoder.codingPath.map(\.stringValue).joined(separator: "."))
    }
}

/// Probes at every kind of position: a member, array elements, a dictionary's value, and values inside
/// containers nested by key and by index.
private struct Probes: Encodable {
    private enum Keys: String, CodingKey { case top, one, byName, nested, inner }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(PathProbe(), forKey: .top)
        try container.encode([PathProbe(), PathProbe()], forKey: .one)
        try container.encode(["name": PathProbe()], forKey: .byName)
        var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
        try nested.encode(PathProbe(), forKey: .inner)
        var list = nested.nestedUnkeyedContainer(forKey: .one)
        try list.encode(PathProbe())
        var deeper = list.nestedContainer(keyedBy: Keys.self)
        try deeper.encode(PathProbe(), forKey: .top)
        var deepest = list.nestedUnkeyedContainer()
        try deepest.encode(PathProbe())
    }
}

private struct Extremes: Codable, Equatable {
    var values: [Int64] = [.min, .max, -1, 0, 9, 10, -10, 99, 100]
    var unsigned: [UInt64] = [.min, .max, 9, 10, 18_446_744_073_709_551_614]
    var small: [Int8] = [.min, .max]
    var smallUnsigned: [UInt8] = [.min, .max]
    var word: [Int] = [.min, .max]
    var unsignedWord: [UInt] = [.min, .max]
}

private struct Ordered: DomainEvent {
    static let eventType = "Ordered"
    var zulu = 1
    var alpha = 2
    var mike = 3
    var bravo = [4]
    var yankee = ["x": 5]
}

private struct Twice: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(1)
        try container.encode(2)
    }
}

private struct WideSingle: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Int128.min)
    }
}

private struct Measured: DomainEvent {
    static let eventType = "Measured"
    var value: Double
}

private struct Refusing: DomainEvent {
    static let eventType = "Refusing"
    struct Refusal: Error {}
    init() {}
    init(from decoder: any Decoder) throws { throw Refusal() }
    func encode(to encoder: any Encoder) throws { throw Refusal() }
}

/// Shapes of encoding that the streaming encoder refuses.
enum Awkward: String, Codable, CaseIterable, Sendable {
    case data, url, decimal, int128, keyTwice, keyTwiceAmongMany, parentAfterNested, containerTwice, superEncoder, encodesNothing
}

private struct AwkwardEvent: DomainEvent {
    static let eventType = "Awkward"
    var shape: Awkward

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Silent: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    init(shape: Awkward) { self.shape = shape }

    init(from decoder: any Decoder) throws {
        shape = try decoder.container(keyedBy: Key.self).decode(Awkward.self, forKey: Key("shape"))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(shape, forKey: Key("shape"))
        switch shape {
        case .data: try container.encode(Data([1, 2, 3]), forKey: Key("value"))
        case .url: try container.encode(URL(string: "https://example.com/a b")!, forKey: Key("value"))
        case .decimal: try container.encode(Decimal(string: "12.50")!, forKey: Key("value"))
        case .int128: try container.encode(Int128.max, forKey: Key("value"))
        case .keyTwice:
            try container.encode(1, forKey: Key("value"))
            try container.encode(2, forKey: Key("value"))
        case .keyTwiceAmongMany:
            for number in 0..<40 { try container.encode(number, forKey: Key("key\(number)")) }
            try container.encode(0, forKey: Key("key33"))
        case .parentAfterNested:
            var nested = container.nestedContainer(keyedBy: Key.self, forKey: Key("nested"))
            try container.encode(1, forKey: Key("after"))
            try nested.encode(2, forKey: Key("late"))
        case .containerTwice:
            var second = encoder.container(keyedBy: Key.self)
            try second.encode(1, forKey: Key("second"))
        case .superEncoder:
            var base = container.superEncoder().singleValueContainer()
            try base.encode(1)
        case .encodesNothing: try container.encode(Silent(), forKey: Key("value"))
        }
    }
}
