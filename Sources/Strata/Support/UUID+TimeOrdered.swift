//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

extension UUID {
    /// A new version 7 UUID (RFC 9562): the Unix time in milliseconds, then 74 random bits.
    ///
    /// Strata gives new events and commands these ids by default. Ids made later sort later, so the stores'
    /// unique index on event ids grows at its end instead of at random pages; and they come from the system's
    /// random source without opening a device file, which `UUID()` does on Linux for every id (fetched ahead, see
    /// `EntropyPool`).
    ///
    /// - Parameter date: The time to encode; now by default.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        // A time outside the 48 bits (before 1970, after the year 10889, not finite) is clamped, never trapped on.
        let scaled = date.timeIntervalSince1970 * 1000
        let milliseconds = scaled.isFinite ? UInt64(min(max(0, scaled), Double(0xFFFF_FFFF_FFFF))) : 0
        let (randomA, randomB) = EntropyPool.shared.next()
        // 48 bits of time, the version nibble 0111, then 12 random bits.
        let high = milliseconds << 16 | 0x7000 | (randomA & 0x0FFF)
        // The variant bits 10, then 62 random bits.
        let low = 0x8000_0000_0000_0000 | (randomB & 0x3FFF_FFFF_FFFF_FFFF)
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { buffer in
            buffer.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: bytes)
    }
}
