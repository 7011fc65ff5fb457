//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Hummingbird

/// `strata-bench http-baseline`: a Hummingbird server with no database, the HTTP baseline `scripts/bench.sh`
/// drives with the same load as `strata serve`.
///
/// `POST /ping` decodes a JSON body and answers JSON, as a command route does; `GET /ping` answers JSON, as a
/// query does.
struct HTTPBaselineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-baseline",
        abstract: "Serve trivial JSON endpoints, the HTTP baseline for strata serve."
    )

    @Option(help: "The port to bind on 127.0.0.1; 0 picks a free one.")
    var port = 0

    private struct Line: Codable {
        var sku: String
        var quantity: Int
        var unitPriceCents: Int
    }

    func run() async throws {
        let router = Router()
        router.get("/ping") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"ok":true}"#)))
        }
        router.post("/ping") { request, context in
            let line = try await request.decode(as: Line.self, context: context)
            let body = try JSONEncoder().encode(line)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let line = "http-baseline serving on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n"
                try? FileHandle.standardOutput.write(contentsOf: Data(line.utf8))
            }
        )
        try await app.runService()
    }
}
