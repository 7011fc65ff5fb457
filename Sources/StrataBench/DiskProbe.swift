//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How fast this disk flushes right now: the time of 1,000 flushed 8 KiB writes, in flushes per second.
///
/// The machines Strata is measured on swing between fast and slow flushing from minute to minute, and every
/// durable figure follows; printing this beside each suite says which state a figure was taken in.
func fsyncRate(in folder: URL, count: Int = 1000) -> Double {
    let path = folder.appendingPathComponent("fsync-probe").path
    let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
    guard descriptor >= 0 else { return .nan }
    defer {
        close(descriptor)
        unlink(path)
    }
    let block = [UInt8](repeating: 7, count: 8192)
    let start = ContinuousClock.now
    for _ in 0..<count {
        _ = block.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        fdatasync(descriptor)
    }
    let elapsed = ContinuousClock.now - start
    return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
