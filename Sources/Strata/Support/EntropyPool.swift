//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Random bytes for identifiers, taken from the operating system's secure generator 256 bytes at a time.
///
/// Every event and command gets a new id with 74 random bits. Asked for through `SystemRandomNumberGenerator`, they
/// cost two system calls, 0.7 µs an id on this project's benchmark machine: a few percent of an append of ten
/// events. `getentropy` hands out up to 256 bytes in one call, the random bits of sixteen ids. The bytes are the
/// same kind as before; they are only fetched ahead. (A process that forks leaves its child a copy of the
/// unused bytes, so the two would repeat each other's ids, which the stores' unique index on event ids refuses;
/// Swift servers do not fork.)
final class EntropyPool: Sendable {
    /// The pool every id draws from.
    static let shared = EntropyPool()

    /// `getentropy` refuses requests of more than 256 bytes.
    static let blockSize = 256

    private struct Block {
        var bytes = [UInt8](repeating: 0, count: EntropyPool.blockSize)
        var used = EntropyPool.blockSize
    }

    private let block = Mutex(Block())

    /// 128 random bits.
    func next() -> (UInt64, UInt64) {
        block.withLock { block in
            if block.used + 16 > Self.blockSize {
                Self.refill(&block.bytes)
                block.used = 0
            }
            var first: UInt64 = 0
            var second: UInt64 = 0
            block.bytes.withUnsafeBytes { bytes in
                first = bytes.loadUnaligned(fromByteOffset: block.used, as: UInt64.self)
                second = bytes.loadUnaligned(fromByteOffset: block.used + 8, as: UInt64.self)
            }
            block.used += 16
            return (first, second)
        }
    }

    private static func refill(_ bytes: inout [UInt8]) {
        let filled = bytes.withUnsafeMutableBytes { buffer in
            getentropy(buffer.baseAddress!, buffer.count) == 0
        }
        guard !filled else { return }
        // Never expected (getentropy fails only for a bad address or size); the standard library's generator then
        // fills the block instead, eight bytes a call.
        var generator = SystemRandomNumberGenerator()
        bytes.withUnsafeMutableBytes { buffer in
            for offset in stride(from: 0, to: buffer.count, by: 8) {
                buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
            }
        }
    }
}
