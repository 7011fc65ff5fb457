//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import AsyncHTTPClient
import Foundation
import StrataTestSupport
import Testing

/// The connection-level limits of the real binary: what an HTTP client library would never do to a server.
@Suite("strata serve's connection limits", .serialized, .timeLimit(.minutes(3)))
struct ServeLimitsTests {
    @Test("a request head sent a byte at a time cannot hold a connection past the idle timeout")
    func slowHead() async throws {
        try await TestStore.with { store in
            let service = try await ServeProcess.start(["--store", store.url, "--idle-timeout", "1s"], in: store.folder)
            let slow = try RawConnection(port: service.port)
            slow.send("GET /health HTTP/1.1\r\nHost: strata\r\n")
            // Keep trickling header bytes for up to 10 s: the service must close well before.
            var closed = false
            for index in 0..<50 where !closed {
                slow.send(index.isMultiple(of: 2) ? "X" : "\r\n")
                closed = try await slow.wait(upTo: .milliseconds(200)) { $0.isClosedByPeer }
            }
            #expect(closed, "the connection was still open after 10 s of a trickled head")
            #expect(!slow.text.contains("200 OK"))
            #expect(try await service.request("GET", "/health/live").status == 200)
            #expect(await service.stop() == 0)
        }
    }

    @Test("beyond the connection limit new connections wait, and are served as soon as one closes")
    func connectionLimit() async throws {
        try await TestStore.with { store in
            let service = try await ServeProcess.start(
                ["--store", store.url, "--max-connections", "2", "--max-event-streams", "1", "--idle-timeout", "0"],
                in: store.folder
            )
            let first = try RawConnection(port: service.port)
            let second = try RawConnection(port: service.port)
            // Both served: each gets an answer.
            for connection in [first, second] {
                connection.send("GET /health/live HTTP/1.1\r\nHost: strata\r\n\r\n")
                #expect(try await connection.wait(upTo: .seconds(10)) { $0.text.contains("200 OK") })
            }
            let third = try RawConnection(port: service.port)
            third.send("GET /health/live HTTP/1.1\r\nHost: strata\r\n\r\n")
            #expect(try await third.wait(upTo: .seconds(1)) { !$0.received.isEmpty } == false, "a third connection was served at once")
            _ = consume first
            #expect(try await third.wait(upTo: .seconds(10)) { $0.text.contains("200 OK") }, "the waiting connection was never served")
            #expect(await service.stop() == 0)
        }
    }

    @Test("beyond the limit of open event streams /events is a 503; a stream that ends frees its place")
    func eventStreamLimit() async throws {
        try await TestStore.with { store in
            let service = try await ServeProcess.start(["--store", store.url, "--max-event-streams", "1"], in: store.folder)
            let open = try RawConnection(port: service.port)
            open.send("GET /events?from=end&limit=1 HTTP/1.1\r\nHost: strata\r\n\r\n")
            #expect(try await open.wait(upTo: .seconds(10)) { $0.text.contains("retry: 2000") })
            let refused = try await service.request("GET", "/events")
            #expect(refused.status == 503)
            #expect(refused.json["code"] as? String == "too-many-event-streams")
            #expect(refused.headers["Retry-After"] == "5")
            #expect(try await service.request("GET", "/reports/daily-sales").status == 200, "queries are still served")
            // One event ends the open stream (limit=1), which frees its place.
            let registration = try await service.request("POST", "/customers", json: #"{"name":"Ada","email":"ada@example.com"}"#)
            #expect(registration.status == 201)
            #expect(try await open.wait(upTo: .seconds(10)) { $0.text.contains("event: EmailReserved") }, "\(open.text)")
            // The place frees when the service notices the stream's end, a moment after the client sees it.
            try await eventually("the ended stream's place to be freed", every: .milliseconds(100)) {
                try await service.request("GET", "/events?limit=1").status == 200
            }
            #expect(await service.stop() == 0)
        }
    }
}

extension ServeProcess {
    /// The port the service listens on.
    var port: Int { baseURL.port ?? 0 }
}
