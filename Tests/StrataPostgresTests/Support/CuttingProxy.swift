//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on 127.0.0.1 in front of a PostgreSQL server that, once armed, ends the next response part-way: it
/// passes on a set number of the server's bytes and then closes the client's connection cleanly (a FIN, no error
/// message), as a backend that is killed, a server stopped with `-m immediate` or a load balancer giving up would.
final class CuttingProxy: Sendable {
    /// How the next response is cut: after `bytes` of it, and `pause` after passing them on.
    struct Cut: Sendable {
        var bytes: Int
        var pause: TimeAmount
    }

    /// The armed cut, taken by the first response that comes after it was armed.
    final class Trigger: Sendable {
        private let armed = Mutex<Cut?>(nil)

        func set(_ cut: Cut?) { armed.withLock { $0 = cut } }

        func take() -> Cut? {
            armed.withLock { armed in
                defer { armed = nil }
                return armed
            }
        }
    }

    private let server: any Channel
    private let trigger = Trigger()

    var port: Int { server.localAddress?.port ?? 0 }

    init(targetHost: String, targetPort: Int) async throws {
        let trigger = self.trigger
        server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: targetHost, port: targetPort)
                    .flatMap { outbound in
                        outbound.pipeline.addHandler(ServerToClient(client: inbound, trigger: trigger)).flatMap {
                            inbound.pipeline.addHandler(ClientToServer(server: outbound))
                        }.flatMap {
                            inbound.setOption(.autoRead, value: true)
                        }
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    /// Cuts the next response that starts after now, on whichever connection it comes.
    func arm(_ cut: Cut) {
        trigger.set(cut)
    }

    func disarm() {
        trigger.set(nil)
    }

    func close() async {
        try? await server.close()
    }
}

private final class ClientToServer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let server: any Channel

    init(server: any Channel) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        server.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Passes the server's bytes on to the client until a cut, taken when one is armed, has passed its bytes.
///
/// Unchecked: its state is touched on the event loop that both of its channels share only.
private final class ServerToClient: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let client: any Channel
    let trigger: CuttingProxy.Trigger
    private var cut: CuttingProxy.Cut?
    private var passed = 0
    private var ended = false

    init(client: any Channel, trigger: CuttingProxy.Trigger) {
        self.client = client
        self.trigger = trigger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended else { return }
        var buffer = unwrapInboundIn(data)
        if cut == nil { cut = trigger.take() }
        guard let cut else {
            client.writeAndFlush(buffer, promise: nil)
            return
        }
        let allowed = min(buffer.readableBytes, cut.bytes - passed)
        passed += allowed
        if let part = buffer.readSlice(length: allowed) { client.writeAndFlush(part, promise: nil) }
        guard passed >= cut.bytes else { return }
        ended = true
        let client = self.client
        let server = context.channel
        context.eventLoop.scheduleTask(in: cut.pause) {
            client.close(promise: nil)
            server.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
