//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import Strata

/// `strata subjects`: the data subjects whose personal data the store holds encrypted.
struct SubjectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subjects",
        abstract: "Manage the data subjects of crypto-shredded personal data.",
        subcommands: [ForgetSubjectCommand.self]
    )
}

/// `strata subjects forget SUBJECT`: deletes a subject's key for good (GDPR erasure).
struct ForgetSubjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Forget a data subject: delete its key, so its personal data reads as redacted everywhere.",
        discussion: """
            The events stay in the log with their order and versions; only the subject's encrypted fields become \
            unreadable. Snapshots of the stream named like the subject are deleted. Rebuild projections that hold \
            the subject's data (projections rebuild NAME) to drop it from read models.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The subject, such as customer-42 (by default a subject is the stream its data is in).")
    var subject: String

    func run() async throws {
        let location = try storeOptions.location()
        let hadKey = try await location.withStore { store in
            guard let keys = store as? any SubjectKeyStore else {
                throw CLIError.badInput("the store at \(location) keeps no subject keys")
            }
            return try await keys.forgetSubject(subject)
        }
        let message = hadKey ? "forgot subject \(subject)" : "subject \(subject) had no key; it is remembered as forgotten"
        try StandardOutput.write(Data((message + "\n").utf8))
    }
}
