//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How Strata's SQLite files keep what they hold to their owner.
enum PrivateDatabaseFile {
    /// Creates the database file readable and writable by its owner only (0600) when it does not exist yet, and
    /// its folder (and any missing parent) for its owner only (0700). SQLite gives the `-wal` and `-shm` files it
    /// creates beside it the same mode. An existing file or folder keeps the mode its owner gave it.
    static func create(at path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Makes every connection overwrite deleted content with zeros (`secure_delete`), so that a forgotten
    /// subject's key and the rows of dropped or redacted read models do not linger in free pages of the file.
    static func overwriteDeletedContent(_ configuration: inout GRDB.Configuration) {
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
    }
}
