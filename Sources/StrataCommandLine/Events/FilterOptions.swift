//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Strata

/// The `--category` and `--type` options that narrow a read or a subscription of the whole log.
struct FilterOptions: ParsableArguments {
    @Option(help: "Only events of streams in this category: the part of the stream id before its first '-'.")
    var category: String?

    @Option(name: .customLong("type"), help: ArgumentHelp("Only events of this type. Repeat to accept several types.", valueName: "type"))
    var types: [String] = []

    /// Whether neither option was given.
    var isEmpty: Bool { category == nil && types.isEmpty }

    func eventFilter() throws(CLIError) -> EventFilter {
        if category?.isEmpty == true { throw .badInput("--category must not be empty") }
        if types.contains("") { throw .badInput("--type must not be empty") }
        return EventFilter(category: category, eventTypes: types.isEmpty ? nil : Set(types))
    }
}
