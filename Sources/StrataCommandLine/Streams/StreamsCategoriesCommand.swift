//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata streams categories`: every category with its last event.
struct StreamsCategoriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "categories",
        abstract: "List categories in name order: the position and time of each one's last event."
    )

    /// Categories read a page at a time.
    static let pageSize = 1000

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print one JSON object per category and line instead of a table.")
    var json = false

    func run() async throws {
        let location = try storeOptions.location()
        try await location.withStore { store in
            guard let catalog = store as? any StreamCatalog else { throw CLIError.badInput("this store cannot list its categories") }
            var rows: [[String]] = []
            var after: String?
            let encoder = JSONLineEncoder()
            while true {
                let page = try await catalog.listCategories(after: after, limit: Self.pageSize)
                if json {
                    try StandardOutput.write(try encoder.lines(page.map(Line.init)))
                } else {
                    rows += page.map { [$0.name, "\($0.lastPosition.value)", $0.lastRecordedAt.iso8601Timestamp] }
                }
                guard page.count == Self.pageSize, let last = page.last else { break }
                after = last.name
            }
            if !json {
                let text = rows.isEmpty ? "no events\n" : TextTable.render(["CATEGORY", "LAST POSITION", "LAST EVENT"], rows)
                try StandardOutput.write(Data(text.utf8))
            }
        }
    }

    /// One category as a JSON line.
    struct Line: Encodable {
        var category: String
        var lastPosition: UInt64
        var lastRecordedAt: String

        init(_ summary: CategorySummary) {
            category = summary.name
            lastPosition = summary.lastPosition.value
            lastRecordedAt = summary.lastRecordedAt.iso8601Timestamp
        }
    }
}
