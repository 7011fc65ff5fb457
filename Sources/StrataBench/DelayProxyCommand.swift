//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `strata-bench delay-proxy`: a TCP proxy that holds every chunk for half the added round trip in each direction,
/// so that benchmarks can put a network's latency between the service and PostgreSQL on one machine (where the
/// kernel's `netem` is not available).
///
/// Chunks keep their order: both sides of a connection live on one event loop, whose timers fire in deadline
/// order, and every chunk of a direction waits the same time.
struct DelayProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delay-proxy",
        abstract: "A TCP proxy on 127.0.0.1 that adds latency to every round trip, to bench a database across a network."
    )

    @Option(help: "The port to listen on; 0 picks a free one (printed on stdout).")
    var port = 0

    @Option(help: "Where to forward: host:port.")
    var target: String

    @Option(name: .customLong("delay-ms"), help: "Milliseconds added to every round trip (half each way).")
    var delayMilliseconds: Double

    func validate() throws {
        guard delayMilliseconds >= 0, delayMilliseconds <= 10_000 else { throw ValidationError("--delay-ms must be from 0 to 10000") }
        // SwiftNIO converts a port to 16 bits without checking: one out of range would stop the process.
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard Self.hostAndPort(target) != nil else { throw ValidationError("--target must be host:port, with a port from 1 to 65535") }
    }

    /// The host and port of `host:port`, or `nil` when it is not one or its port is out of range.
    static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65_535).contains(port) else { return nil }
        return (String(parts[0]), port)
    }

    func run() async throws {
        guard let (host, targetPort) = Self.hostAndPort(target) else { throw ValidationError("--target must be host:port") }
        let oneWay = TimeAmount.nanoseconds(Int64(delayMilliseconds * 500_000))
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Nothing is read from the client until the connection to the target is up.
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { outbound in
                        outbound.pipeline.addHandler(DelayedRelay(partner: inbound, oneWay: oneWay))
                    }
                    .connect(host: host, port: targetPort)
                    .flatMap { outbound in
                        inbound.pipeline.addHandler(DelayedRelay(partner: outbound, oneWay: oneWay)).flatMap {
                            inbound.setOption(.autoRead, value: true)
                        }
                    }
                    .flatMapErrorThrowing { error in
                        inbound.close(promise: nil)
                        throw error
                    }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        // Unbuffered, so that a script can read the port at once.
        try? FileHandle.standardOutput.write(contentsOf: Data("delay-proxy listening on 127.0.0.1:\(server.localAddress?.port ?? port)\n".utf8))
        try await server.closeFuture.get()
    }
}

/// Writes what one side reads to the other side, `oneWay` later, and closes the other side when this one closes.
private final class DelayedRelay: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let partner: any Channel
    let oneWay: TimeAmount

    init(partner: any Channel, oneWay: TimeAmount) {
        self.partner = partner
        self.oneWay = oneWay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let partner = self.partner
        if oneWay == .zero {
            partner.writeAndFlush(buffer, promise: nil)
        } else {
            context.eventLoop.scheduleTask(in: oneWay) { partner.writeAndFlush(buffer, promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let partner = self.partner
        context.eventLoop.scheduleTask(in: oneWay) { partner.close(promise: nil) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
