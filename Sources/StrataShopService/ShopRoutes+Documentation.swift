//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import OpenAPIKit
import StrataHTTP
import StrataShop

/// The shop's part of the OpenAPI document: its schemas and the contract of each of its routes.
enum ShopAPI {
    static func addSchemas(to routes: StrataRoutes) {
        routes.addSchema(orderLine, named: "OrderLine")
        routes.addSchema(shippingAddress, named: "ShippingAddress")
        routes.addSchema(
            .object(
                description: "An order as the shop's view holds it.",
                properties: [
                    "id": .string,
                    "customerId": .string,
                    "customerName": .string(description: "`[redacted]` once the customer is forgotten."),
                    "lines": .array(items: APIComponents.schema("OrderLine")),
                    "totalCents": .integer(format: .int64),
                    "status": status,
                    "shippingAddress": .reference(.component(named: "ShippingAddress"), required: false),
                ]
            ),
            named: "OrderDetails"
        )
        routes.addSchema(
            .object(properties: ["id": .string, "status": status, "totalCents": .integer(format: .int64)]),
            named: "CustomerOrder"
        )
        routes.addSchema(
            .object(
                properties: [
                    "date": .string(format: .date, description: "The day, in UTC."),
                    "orders": .integer(minimum: (0, false)),
                    "totalCents": .integer(format: .int64),
                ]
            ),
            named: "DailySales"
        )
    }

    private static let status = JSONSchema.string(allowedValues: "open", "confirmed", "paid", "cancelled")

    /// A line: a sku's quantity and unit price.
    private static let orderLine = JSONSchema.object(
        properties: [
            "sku": text(limit: TextField.skuLimit),
            "quantity": .integer(
                format: .int64,
                maximum: (OrderLine.quantityLimit.upperBound, false),
                minimum: (OrderLine.quantityLimit.lowerBound, false)
            ),
            "unitPriceCents": .integer(
                format: .int64,
                maximum: (OrderLine.unitPriceLimit.upperBound, false),
                minimum: (OrderLine.unitPriceLimit.lowerBound, false)
            ),
        ]
    )

    private static let shippingAddress = JSONSchema.object(
        properties: [
            "street": text(limit: TextField.addressPartLimit),
            "city": text(limit: TextField.addressPartLimit),
            "postalCode": text(limit: TextField.addressPartLimit),
            "country": text(limit: TextField.addressPartLimit),
        ]
    )

    /// Text the shop trims, and refuses (400 `invalid-field`) when empty, longer than `limit` bytes of UTF-8 or
    /// holding control characters.
    private static func text(limit: Int, required: Bool = true) -> JSONSchema {
        .string(
            required: required,
            description: "Not empty once trimmed, at most \(limit) bytes of UTF-8, no control characters.",
            minLength: 1,
            maxLength: limit,
            pattern: #"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
        )
    }

    /// An id in a path: 1 to 100 bytes that make a valid stream id.
    private static func id(_ name: String, of kind: String) -> OpenAPI.Parameter {
        .path(name: name, schema: .string(minLength: 1, maxLength: 100), description: "The \(kind)'s id.")
    }

    // MARK: Customers

    static let registerCustomer = RouteDocumentation.command(
        "registerCustomer",
        summary: "Registers a customer",
        description: "The email address is reserved across the shop: another customer with it is 422 `duplicate-email`. "
            + "With an `Idempotency-Key` the customer's id derives from the key, so a retry registers no second customer; "
            + "a retry after that customer was forgotten is 422 `customer-forgotten`.",
        tags: ["customers"],
        body: .object(properties: ["name": text(limit: TextField.nameLimit), "email": .string(format: .email, maxLength: 254)]),
        creates: true,
        problems: [400: ["invalid-field"], 422: ["duplicate-email", "customer-forgotten"]]
    )
    .linking("PlaceOrder", to: "placeOrder", body: ["customerId": "$response.body#/id"])
    .linking("CustomerOrders", to: "listCustomerOrders", parameters: ["id": "$response.body#/id"])
    .linking("ChangeEmail", to: "changeCustomerEmail", parameters: ["id": "$response.body#/id"])

    static let changeEmail = RouteDocumentation.command(
        "changeCustomerEmail",
        summary: "Changes a customer's email address",
        tags: ["customers"],
        body: .object(properties: ["email": .string(format: .email, maxLength: 254)]),
        conditional: true,
        problems: [400: ["invalid-field"], 404: ["not-found"], 422: ["duplicate-email", "customer-forgotten", "subject-forgotten"]]
    )

    static let forgetCustomer = RouteDocumentation(
        "forgetCustomer",
        summary: "Forgets a customer: their personal data is erased (crypto-shredding) and the views redact it",
        description: "200 once the views show the data redacted; 202 when the log has it but the views have not caught "
            + "up yet (the position is the token for `Strata-Min-Position`). Every step repeats safely: retry after any "
            + "failure.",
        tags: ["customers"],
        parameters: [id("id", of: "customer")],
        responses: [
            200: APIComponents.commandReply(),
            202: APIComponents.commandReply(description: "Forgotten in the log; the views follow."),
        ],
        problems: [400: ["invalid-field", "invalid-correlation-id"], 404: ["not-found"], 409: ["concurrency-conflict"], 501: ["no-personal-data"]]
    )

    // MARK: Orders

    static let placeOrder = RouteDocumentation.command(
        "placeOrder",
        summary: "Places an empty order for a customer",
        tags: ["orders"],
        body: .object(properties: ["customerId": .string(minLength: 1, maxLength: 100)]),
        creates: true,
        problems: [400: ["invalid-field"], 422: ["unknown-customer", "customer-forgotten", "subject-forgotten"]]
    )
    .linking("AddLine", to: "addOrderLine", parameters: ["id": "$response.body#/id", "header.If-Match": "*"])
    .linking("Order", to: "getOrder", parameters: ["id": "$response.body#/id"])
    .linking("ShippingAddress", to: "changeShippingAddress", parameters: ["id": "$response.body#/id"])
    .linking("Cancel", to: "cancelOrder", parameters: ["id": "$response.body#/id"])

    private static func orderCommand(
        _ operationID: String,
        summary: String,
        description: String? = nil,
        body: JSONSchema? = nil,
        bodyRequired: Bool = true,
        parameters: [OpenAPI.Parameter] = [],
        rules: [String]
    ) -> RouteDocumentation {
        var documentation = RouteDocumentation.command(
            operationID,
            summary: summary,
            description: description,
            tags: ["orders"],
            body: body,
            bodyRequired: bodyRequired,
            conditional: true,
            problems: [400: ["invalid-field"], 404: ["not-found"], 422: rules]
        )
        documentation.parameters = [id("id", of: "order")] + parameters + documentation.parameters
        return documentation
    }

    static let addLine = orderCommand(
        "addOrderLine",
        summary: "Adds a line to an open order (a sku it has already raises that line's quantity)",
        body: APIComponents.schema("OrderLine"),
        rules: ["order-not-open", "too-many-lines", "quantity-limit", "order-total-limit"]
    )
    .linking("Confirm", to: "confirmOrder", parameters: ["id": "$request.path.id", "header.If-Match": "*"])
    .linking("RemoveLine", to: "removeOrderLine", parameters: ["id": "$request.path.id", "sku": "$request.body#/sku"])
    .linking("Order", to: "getOrder", parameters: ["id": "$request.path.id"])

    static let removeLine = orderCommand(
        "removeOrderLine",
        summary: "Removes a line from an open order",
        parameters: [.path(name: "sku", schema: .string(minLength: 1), description: "The line's sku.")],
        rules: ["order-not-open", "unknown-line"]
    )

    static let changeShippingAddress = orderCommand(
        "changeShippingAddress",
        summary: "Sets the address an order ships to (until it is paid or cancelled)",
        body: APIComponents.schema("ShippingAddress"),
        rules: ["order-closed", "customer-forgotten", "subject-forgotten"]
    )

    static let confirmOrder = orderCommand(
        "confirmOrder",
        summary: "Confirms an open order; it must then be paid within the payment timeout, or it is cancelled",
        rules: ["order-not-open", "empty-order", "order-line-limit", "order-total-limit"]
    )
    .linking("Order", to: "getOrder", parameters: ["id": "$request.path.id", "header.Strata-Min-Position": "$response.header.Strata-Position"])

    static let cancelOrder = orderCommand(
        "cancelOrder",
        summary: "Cancels an order that is not paid (cancelling a cancelled order does nothing)",
        body: .object(properties: ["reason": text(limit: TextField.reasonLimit, required: false)]),
        bodyRequired: false,
        rules: ["order-paid"]
    )

    static let payOrder: RouteDocumentation = {
        var documentation = RouteDocumentation.command(
            "payOrder",
            summary: "Pays a confirmed order its exact total",
            description: "201 with the payment's id; a declined payment is recorded all the same and answered 402 "
                + "`payment-declined`, with the payment's `id` and `position`.",
            tags: ["orders"],
            body: .object(properties: ["amountCents": .integer(format: .int64, minimum: (0, false))]),
            creates: true,
            problems: [
                400: ["invalid-field"],
                402: ["payment-declined"],
                404: ["not-found"],
                422: ["already-paid", "order-cancelled", "order-not-confirmed", "wrong-amount"],
            ]
        )
        documentation.parameters.insert(id("id", of: "order"), at: 0)
        return documentation
    }()

    // MARK: Queries

    static let order = RouteDocumentation.query(
        "getOrder",
        summary: "An order, as the shop's view holds it",
        tags: ["orders"],
        parameters: [id("id", of: "order")],
        result: APIComponents.schema("OrderDetails"),
        problems: [400: ["invalid-field"], 404: ["not-found"]]
    )
    .linking("Pay", to: "payOrder", parameters: ["id": "$request.path.id"], body: ["amountCents": "$response.body#/totalCents"])

    static let customerOrders = RouteDocumentation.query(
        "listCustomerOrders",
        summary: "A customer's orders",
        tags: ["customers"],
        parameters: [id("id", of: "customer")],
        result: .array(items: APIComponents.schema("CustomerOrder")),
        problems: [400: ["invalid-field"]]
    )

    static let dailySales = RouteDocumentation.query(
        "getDailySales",
        summary: "Paid orders and their total, by day",
        tags: ["reports"],
        result: .array(items: APIComponents.schema("DailySales"))
    )
}
