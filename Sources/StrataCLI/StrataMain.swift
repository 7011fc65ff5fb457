//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import StrataCommandLine
import StrataShopService

/// `strata`: the Strata tool serving the example shop.
@main
enum StrataMain {
    static func main() async {
        await StrataTool<ShopApplication>.main()
    }
}
