//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Hummingbird
import OpenAPIKit
import ServiceLifecycle
import Strata
import StrataCommandLine
import StrataHTTP
import StrataShop

/// The example shop as a Strata application: what `strata serve` runs.
public struct ShopApplication: StrataApplication {
    public static let summary = "the example shop (customers, orders, payments)"
    public static let commandName = "strata"

    @Option(
        name: .customLong("payment-timeout"),
        help: ArgumentHelp("How long a confirmed order may stay unpaid before it is cancelled: 1800, 30m, 2h.", valueName: "duration")
    )
    public var paymentTimeout = DurationArgument(.seconds(1_800))

    @Option(
        name: .customLong("cached-aggregates"),
        help: ArgumentHelp("Orders (and payments) kept in memory between commands; 0 loads each from the store every time.", valueName: "count")
    )
    public var cachedAggregates: Int = 10_000

    public init() {}

    public var personalDataRules: [PersonalDataRule] { Shop.personalDataRules }

    public var projections: [any Projection] { [ShopViews()] }

    public func services(in runtime: StrataRuntime) -> [any Service] {
        let shop = Shop(store: runtime.store, cachedAggregates: cachedAggregates)
        var configuration = ProcessManagerRunner<OrderPaymentProcess>.Configuration()
        configuration.logger = runtime.logger
        return [
            ProcessManagerRunner(
                OrderPaymentProcess(paymentTimeout: paymentTimeout.duration),
                store: runtime.store,
                storage: runtime.processManagerStore,
                configuration: configuration,
                dispatch: shop.dispatch
            )
        ]
    }

    public func addRoutes(to routes: StrataRoutes, runtime: StrataRuntime) {
        ShopRoutes(shop: Shop(store: runtime.store, cachedAggregates: cachedAggregates), runtime: runtime).add(to: routes)
    }

    public var openAPIInfo: OpenAPI.Document.Info {
        OpenAPI.Document.Info(
            title: "Strata example shop",
            description: "Customers, orders and payments on Strata: commands, queries with read-your-writes, the event "
                + "log, projections and the service's health.",
            version: "1.0.0"
        )
    }

    public var problems: ProblemMapping {
        ProblemMapping { error in
            guard let invalid = error as? InvalidField else { return nil }
            return HTTPProblem(
                .badRequest,
                code: "invalid-field",
                title: "Invalid field",
                detail: invalid.description,
                members: ["field": .string(invalid.field)]
            )
        }
    }
}
