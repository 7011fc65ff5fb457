//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Writes lines to a gzip file a block at a time, hashing them (SHA-256) as they go: memory stays at one block
/// whatever the number of lines. The file is written beside its final name and moved there by finish(), so a
/// cut-off export never looks like a complete one.
final class GzipLineWriter {
    private static let blockSize = 256 * 1024

    let path: String
    private let partialPath: String
    private let handle: FileHandle
    private let compressor: ZlibCompressor
    private var block = ByteBuffer()
    private var hash = SHA256()

    init(path: String) throws {
        self.path = path
        partialPath = path + ".partial"
        guard FileManager.default.createFile(atPath: partialPath, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: partialPath)
        else {
            throw CLIError.badInput("cannot create \(partialPath)")
        }
        self.handle = handle
        compressor = try ZlibCompressor(algorithm: .gzip)
    }

    /// Adds a line (with its newline) to the file and to the hash.
    func write(_ line: Data) throws {
        hash.update(data: line)
        block.writeBytes(line)
        if block.readableBytes >= Self.blockSize { try flush(.sync) }
    }

    /// The SHA-256 of every line written so far, in hex.
    var digest: String { hash.finalize().map { String(format: "%02x", $0) }.joined() }

    /// Writes `trailer` (not hashed), ends the gzip stream and moves the file to its name.
    func finish(trailer: Data) throws {
        block.writeBytes(trailer)
        try flush(.finish)
        try handle.synchronize()
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partialPath, toPath: path)
    }

    /// Removes the partial file after a failure.
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    private func flush(_ mode: CompressNIOFlush) throws {
        let compressed = try block.compressStream(with: compressor, flush: mode)
        try handle.write(contentsOf: Data(compressed.readableBytesView))
        block.clear()
    }
}

/// Reads the lines of a gzip file a block at a time, in bounded memory (one compressed block, what it
/// decompresses to, and the line being read), whatever the size of the file.
final class GzipLineReader {
    private static let blockSize = 64 * 1024
    /// The longest line accepted: an event's data is limited well below it.
    static let maximumLineLength = 64 * 1024 * 1024

    let path: String
    private let handle: FileHandle
    private let decompressor: ZlibDecompressor
    private var window = ByteBuffer()
    private var pending = Data()
    private var readIndex = 0
    private var finished = false

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError.badInput("cannot open \(path)") }
        self.path = path
        self.handle = handle
        decompressor = try ZlibDecompressor(algorithm: .gzip)
        window.reserveCapacity(Self.blockSize * 4)
    }

    deinit { try? handle.close() }

    /// The next line, without its newline, or `nil` at the end of the file.
    func nextLine() throws -> Data? {
        while true {
            if let newline = pending[readIndex...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[readIndex..<newline]
                readIndex = newline + 1
                return Data(line)
            }
            guard pending.count - readIndex <= Self.maximumLineLength else {
                throw CLIError.badInput("\(path) has a line longer than 64 MiB")
            }
            if finished {
                guard readIndex < pending.count else { return nil }
                let line = pending[readIndex...]
                readIndex = pending.count
                return Data(line)
            }
            try readBlock()
        }
    }

    /// Decompresses the next block of the file onto what is left of the last one.
    private func readBlock() throws {
        pending.removeSubrange(0..<readIndex)
        readIndex = 0
        guard let chunk = try handle.read(upToCount: Self.blockSize), !chunk.isEmpty else {
            finished = true
            return
        }
        var input = ByteBuffer(bytes: chunk)
        do {
            try input.decompressStream(with: decompressor, window: &window) { output in pending.append(contentsOf: output.readableBytesView) }
        } catch let error as CompressNIOError {
            throw CLIError.badInput("\(path) is not a readable gzip file (\(error))")
        }
        window.clear()
    }
}
