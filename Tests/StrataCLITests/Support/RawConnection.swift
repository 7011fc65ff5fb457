//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import StrataTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A bare TCP connection to the service, for what an HTTP client library will not do: send half a request head,
/// hold a connection open without a request. Non-blocking, so that waiting on it never holds a Swift concurrency
/// thread.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32
    private(set) var received = [UInt8]()
    private(set) var isClosedByPeer = false

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { Glibc.close(descriptor) }

    /// Sends `text`; false when the peer has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads what has arrived, and notes whether the peer closed the connection.
    func poll() {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else {
                if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { isClosedByPeer = true }
                return
            }
        }
    }

    var text: String { String(decoding: received, as: UTF8.self) }

    /// Reads what has arrived every 50 ms until `condition` holds or `timeout` passes; whether it held.
    func wait(upTo timeout: Duration, until condition: (RawConnection) -> Bool) async throws -> Bool {
        do {
            try await eventually("the connection's condition", within: timeout, every: .milliseconds(50)) {
                poll()
                return condition(self)
            }
            return true
        } catch is ConditionTimedOut {
            return false
        }
    }
}
