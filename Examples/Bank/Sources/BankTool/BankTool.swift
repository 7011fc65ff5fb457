//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Bank
import StrataCommandLine

/// `bank`: Strata's tool for the bank. `bank serve` serves it; `bank events read --all`, `bank streams list`,
/// `bank projections status` and the rest inspect its stores.
@main
enum BankTool {
    static func main() async { await StrataTool<BankApplication>.main() }
}
