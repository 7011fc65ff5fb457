//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Hummingbird
import Strata
import StrataHTTP
import StrataShop

/// The shop's commands and queries over HTTP.
///
/// Commands answer CommandReply (201 with the new id when they create something, else 200); queries answer
/// JSON and honour `Strata-Min-Position`. Errors are problems: InvalidField 400, an unknown id in the path 404,
/// business rules 422, a declined payment 402 (recorded all the same, with its position).
///
/// Commands need the `write` scope and queries `read`; forgetting a customer erases personal data and
/// rebuilds the views, so it needs `admin`.
struct ShopRoutes: Sendable {
    let shop: Shop
    let runtime: StrataRuntime

    func add(to routes: StrataRoutes) {
        ShopAPI.addSchemas(to: routes)
        addCustomerRoutes(to: routes)
        addOrderRoutes(to: routes)
        addQueryRoutes(to: routes)
    }

    private struct Registration: Decodable {
        var name: String
        var email: String
    }
    private struct EmailChange: Decodable { var email: String }
    private struct Placement: Decodable { var customerId: String }
    private struct Line: Decodable {
        var sku: String
        var quantity: Int
        var unitPriceCents: Int
    }
    private struct Address: Decodable {
        var street: String
        var city: String
        var postalCode: String
        var country: String
    }
    private struct Cancellation: Decodable { var reason: String? }
    private struct PaymentRequest: Decodable { var amountCents: Int }

    private func addCustomerRoutes(to routes: StrataRoutes) {
        routes.post("/customers", access: .write, documentation: ShopAPI.registerCustomer) { request, context in
            let body = try await request.decodeJSON(as: Registration.self, context: context)
            let (id, result) = try await shop.registerCustomer(
                name: body.name,
                email: body.email,
                metadata: try request.commandMetadata(context: context),
                idempotencyKey: try request.idempotencyKey()
            )
            return CommandReply(result, createdID: id)
        }
        routes.post("/customers/{id}/email", access: .write, documentation: ShopAPI.changeEmail) { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: EmailChange.self, context: context)
            return try await Self.pathID(kind: "customer") {
                CommandReply(
                    try await shop.changeEmail(
                        customerId: id,
                        to: body.email,
                        expectedVersion: try request.expectedVersion(),
                        metadata: try request.commandMetadata(context: context),
                        idempotencyKey: try request.idempotencyKey()
                    )
                )
            }
        }
        routes.post("/customers/{id}/forget", access: .admin, documentation: ShopAPI.forgetCustomer) { request, context in
            let id = try context.parameters.require("id")
            guard let forget = runtime.forgetSubject else {
                throw HTTPProblem(.notImplemented, code: "no-personal-data", detail: "this service keeps no personal data keys")
            }
            // Every step repeats safely, so a retry after any failure (the key already gone included) finishes
            // the work; only a customer who never registered is 404.
            let result = try await Self.pathID(kind: "customer") {
                try await shop.forgetCustomer(id, metadata: try request.commandMetadata(context: context), forgetKey: forget)
            }
            var reply = CommandReply(result)
            do {
                // 200 means the views no longer show the data: they have processed CustomerForgotten.
                _ = try await runtime.queries.ask(CustomerOrdersQuery(customerId: id), minimumPosition: result.position)
            } catch is StaleReadModel {
                // Done in the log, not yet in the views: the position is the token to pass as Strata-Min-Position.
                reply.status = .accepted
            }
            return reply
        }
    }

    private func addOrderRoutes(to routes: StrataRoutes) {
        routes.post("/orders", access: .write, documentation: ShopAPI.placeOrder) { request, context in
            let body = try await request.decodeJSON(as: Placement.self, context: context)
            let (id, result) = try await shop.placeOrder(
                customerId: body.customerId,
                metadata: try request.commandMetadata(context: context),
                idempotencyKey: try request.idempotencyKey()
            )
            return CommandReply(result, createdID: id)
        }
        routes.post("/orders/{id}/lines", access: .write, documentation: ShopAPI.addLine) { request, context in
            let body = try await request.decodeJSON(as: Line.self, context: context)
            let line = try OrderLine(sku: body.sku, quantity: body.quantity, unitPriceCents: body.unitPriceCents)
            return try await orderCommand(.addLine(line), request, context)
        }
        routes.delete("/orders/{id}/lines/{sku}", access: .write, documentation: ShopAPI.removeLine) { request, context in
            try await orderCommand(.removeLine(sku: try context.parameters.require("sku")), request, context)
        }
        routes.post("/orders/{id}/shipping-address", access: .write, documentation: ShopAPI.changeShippingAddress) { request, context in
            let body = try await request.decodeJSON(as: Address.self, context: context)
            let address = try ShippingAddress(street: body.street, city: body.city, postalCode: body.postalCode, country: body.country)
            return try await orderCommand(.changeShippingAddress(address), request, context)
        }
        routes.post("/orders/{id}/confirm", access: .write, documentation: ShopAPI.confirmOrder) { request, context in
            try await orderCommand(.confirm, request, context)
        }
        routes.post("/orders/{id}/cancel", access: .write, documentation: ShopAPI.cancelOrder) { request, context in
            let body = try await request.decodeJSONIfPresent(as: Cancellation.self, context: context)
            return try await orderCommand(.cancel(reason: body?.reason ?? "cancelled by the customer"), request, context)
        }
        routes.post("/orders/{id}/payments", access: .write, documentation: ShopAPI.payOrder) { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.decodeJSON(as: PaymentRequest.self, context: context)
            let outcome = try await Self.pathID(kind: "order") {
                try await shop.pay(
                    orderId: id,
                    amountCents: body.amountCents,
                    metadata: try request.commandMetadata(context: context),
                    idempotencyKey: try request.idempotencyKey()
                )
            }
            guard !outcome.isDeclined else {
                throw HTTPProblem(
                    HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"),
                    code: "payment-declined",
                    title: "Payment declined",
                    detail: "the payment of \(body.amountCents) cents was declined; the order stays unpaid",
                    members: ["id": .string(outcome.paymentId), "position": .int(Int64(clamping: outcome.result.position.value))],
                    headers: [.strataPosition: "\(outcome.result.position.value)"]
                )
            }
            return CommandReply(outcome.result, createdID: outcome.paymentId)
        }
    }

    private func addQueryRoutes(to routes: StrataRoutes) {
        routes.get("/orders/{id}", access: .read, documentation: ShopAPI.order) { request, context in
            let id = try context.parameters.require("id")
            _ = try Shop.orderStream(id)
            // The view already holds the order as the API shows it: its bytes are the answer.
            return try await runtime.ask(OrderDetailsJSONQuery(orderId: id), for: request, orNotFound: "there is no order '\(id)'")
        }
        routes.get("/customers/{id}/orders", access: .read, documentation: ShopAPI.customerOrders) { request, context in
            let id = try context.parameters.require("id")
            _ = try Shop.customerStream(id)
            return JSONReply(try await runtime.ask(CustomerOrdersQuery(customerId: id), for: request))
        }
        routes.get("/reports/daily-sales", access: .read, documentation: ShopAPI.dailySales) { request, _ in
            JSONReply(try await runtime.ask(DailySalesQuery(), for: request))
        }
    }

    /// Runs an order command on the order named in the path.
    private func orderCommand(_ command: Order.Command, _ request: Request, _ context: StrataRequestContext) async throws -> CommandReply {
        let id = try context.parameters.require("id")
        return try await Self.pathID(kind: "order") {
            CommandReply(
                try await shop.order(
                    id,
                    command,
                    expectedVersion: try request.expectedVersion(),
                    metadata: try request.commandMetadata(context: context),
                    idempotencyKey: try request.idempotencyKey()
                )
            )
        }
    }

    /// Turns "there is no such customer/order" into 404 for a command on an id taken from the path: the
    /// resource the URL names does not exist. (Naming an unknown customer in a body stays a 422.)
    private static func pathID<T>(kind: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DomainError where error.code == "unknown-\(kind)" {
            throw HTTPProblem(.notFound, code: "not-found", detail: error.message)
        }
    }
}
