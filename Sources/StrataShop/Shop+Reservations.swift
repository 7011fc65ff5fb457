//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Strata

/// Email reservations live in streams named by a keyed digest of the address. Shops that reserved addresses
/// before keyed digests have them in streams named by a plain SHA-256; those are not moved (the address cannot be
/// recovered from its digest), but still count: an address held there is taken, and releasing an address
/// releases both streams. New reservations only ever go to the keyed stream.
extension Shop {
    /// Reserves `email` for customer `id`.
    ///
    /// - Throws: DomainError `duplicate-email` when another customer holds the address, in either stream.
    func reserve(_ email: EmailAddress, for id: String, metadata: CommandMetadata) async throws {
        let keyed = try await email.reservationStream(digester: digester)
        let unkeyed = email.unkeyedReservationStream
        if keyed != unkeyed, let holder = try await reservations.load(unkeyed).state, holder != id {
            throw DomainError("the email address is already in use", code: "duplicate-email")
        }
        _ = try await reservations.handle(.reserve(customerId: id), on: keyed, metadata: metadata)
    }

    /// Releases `email` if customer `id` holds it, in either stream.
    func release(_ email: EmailAddress, heldBy id: String, metadata: CommandMetadata) async throws {
        let keyed = try await email.reservationStream(digester: digester)
        for stream in Set([keyed, email.unkeyedReservationStream]) {
            _ = try await reservations.handle(.release(customerId: id), on: stream, metadata: metadata)
        }
    }

    /// The reservation streams customer `id` ever reserved an address in, found in the log: for when their
    /// addresses can no longer be read (their key is gone). Reads every EmailReserved event.
    func reservationStreams(everHeldBy id: String) async throws -> Set<StreamID> {
        let store = reservations.store
        var streams: Set<StreamID> = []
        var position = GlobalPosition.start
        while true {
            let page = try await store.readAll(from: position, limit: 1_000, filter: .eventTypes([EmailReserved.eventType]))
            for event in page {
                if let reserved = try reservations.decider.codec.decode(event) as? EmailReserved, reserved.customerId == id {
                    streams.insert(event.stream)
                }
            }
            guard let last = page.last, page.count == 1_000 else { return streams }
            position = last.position.next
        }
    }
}
