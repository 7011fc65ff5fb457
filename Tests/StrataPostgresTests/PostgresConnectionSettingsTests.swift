//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata
import StrataPostgres
import Testing

@Suite("PostgreSQL store URLs", .timeLimit(.minutes(10)))
struct PostgresConnectionSettingsTests {
    @Test("a full URL sets user, password, host, port, database and schema")
    func fullURL() throws {
        let settings = try PostgresConnectionSettings(url: "postgres://app:s%40cret@db.example:6543/shop?schema=orders&sslmode=disable")
        #expect(settings.client.username == "app")
        #expect(settings.client.password == "s@cret")
        #expect(settings.client.host == "db.example")
        #expect(settings.client.port == 6543)
        #expect(settings.client.database == "shop")
        #expect(settings.schema == "orders")
    }

    @Test("a minimal URL takes the defaults")
    func defaults() throws {
        let settings = try PostgresConnectionSettings(url: "postgresql://localhost")
        #expect(settings.client.username == "postgres")
        #expect(settings.client.password == nil)
        #expect(settings.client.port == 5432)
        #expect(settings.client.database == "postgres")
        #expect(settings.schema == nil)
    }

    @Test("pool and timeout options are read")
    func options() throws {
        let settings = try PostgresConnectionSettings(url: "postgres://u@h/d?connect_timeout=3&max_connections=7&sslmode=require")
        #expect(settings.client.options.connectTimeout == .seconds(3))
        #expect(settings.client.options.maximumConnections == 7)
    }

    @Test(
        "malformed URLs are rejected with a clear error",
        arguments: ["mysql://h/d", "postgres:///d", "postgres://h/d?sslmode=sometimes", "postgres://h/d?connect_timeout=soon", "not a url"]
    )
    func malformed(_ url: String) {
        let error = #expect(throws: EventStoreError.self) { try PostgresConnectionSettings(url: url) }
        #expect(error?.code == .invalidArgument)
    }

    @Test("passwords are hidden in messages")
    func redaction() {
        #expect(PostgresConnectionSettings.redacted("postgres://u:pw@h/d") == "postgres://u:***@h/d")
    }
}
