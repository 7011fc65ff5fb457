//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import PostgresNIO
import Strata

/// Raw SQL on a PostgreSQL read store, in the transaction of the access it came from.
///
/// Statements take `$1`, `$2`… placeholders; unqualified names resolve to the read store's schema. Arguments
/// are sent typed: integers as `bigint`, reals as `double precision`, text as `text`, bytes as `bytea` and `NULL`
/// untyped, so a parameter compared with or stored in a column of another type may need a cast (`$1::uuid`).
/// Columns come back as SQLValue: booleans as 0 or 1; integer types as integers; `real` and `double precision`
/// as reals; `numeric` as an integer when it is one that fits, else as a real; `bytea` as bytes; text-like types
/// (`text`, `varchar`, `json`, `jsonb`, `uuid`…) as text; dates and timestamps as ISO 8601 text. Other types
/// must be cast in the query.
struct PostgresSQLExecutor: SQLExecutor {
    let access: PostgresReadStoreAccess

    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        try access.requireWriting()
        try await access.prepareForSQL()
        try await access.execute(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(arguments)), "run a SQL statement")
    }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await access.prepareForSQL()
        let rows = try await access.rows(PostgresQuery(unsafeSQL: sql, binds: Self.bindings(arguments)), "run a SQL query")
        return try rows.map { row in
            var columns: [String] = []
            var values: [SQLValue] = []
            for cell in row {
                columns.append(cell.columnName)
                values.append(try Self.value(of: cell))
            }
            return SQLRow(columns: columns, values: values)
        }
    }

    static func bindings(_ arguments: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            if argument.isNull {
                bindings.appendNull()
            } else if let integer = argument.int64 {
                bindings.append(integer)
            } else if let double = argument.double {
                bindings.append(double)
            } else if let string = argument.string {
                bindings.append(string)
            } else {
                bindings.append(ByteBuffer(bytes: argument.data ?? Data()))
            }
        }
        return bindings
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .bool:
                return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .int2, .int4, .int8:
                return .integer(try cell.decode(Int64.self))
            case .float4, .float8:
                return .real(try cell.decode(Double.self))
            case .numeric:
                let text = try cell.decode(Decimal.self).description
                if let integer = Int64(text) { return .integer(integer) }
                return .real(Double(text) ?? .nan)
            case .bytea:
                return .blob(try cell.decode(Data.self))
            case .text, .varchar, .bpchar, .name, .char, .json, .jsonb, .uuid, .unknown:
                return .text(try cell.decode(String.self))
            case .timestamptz, .timestamp, .date:
                return .text(try cell.decode(Date.self).iso8601Timestamp)
            default:
                throw ReadStoreError(
                    .unsupported,
                    "column '\(cell.columnName)' has PostgreSQL type \(cell.dataType), which SQLValue cannot hold: cast it in the query"
                )
            }
        } catch let error as ReadStoreError {
            throw error
        } catch {
            throw ReadStoreError(.corruptData, "column '\(cell.columnName)' does not decode", underlying: error)
        }
    }
}

extension SQLDialect {
    /// PostgreSQL: `$1`, `$2`… placeholders.
    public static let postgres = SQLDialect(name: "postgres", placeholders: .numbered)
}
