//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser

/// `strata migrate`: brings a store's schema up to date, for operators who migrate before deploying.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create the store's tables, or bring them up to date. Safe to run again and from several machines at once."
    )

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let location = try storeOptions.location()
        // Opening a store applies its pending migrations.
        try await location.withStore { _ in }
        StandardError.writeLine("migrated \(location)")
    }
}
