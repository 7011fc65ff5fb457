//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Foundation
import Testing

@testable import Strata

private struct Note: LosslessDocument, Equatable {
    var text: String
}

private final class SharedNote: LosslessDocument, @unchecked Sendable {
    var text = ""
}

@Suite("decoded documents kept between batches")
struct DecodedDocumentsTests {
    @Test("a document is given back only for the bytes it was written as, and only as its own type")
    func givenBackForItsOwnBytes() {
        let documents = DecodedDocuments()
        let json = Data(#"{"text":"a"}"#.utf8)
        documents.remember(Note(text: "a"), json: json, key: "k", collection: "c")
        #expect(documents.document(Note.self, key: "k", collection: "c", storedAs: json) == Note(text: "a"))
        #expect(documents.document(Note.self, key: "k", collection: "c", storedAs: Data(#"{"text":"b"}"#.utf8)) == nil)
        #expect(documents.document(Note.self, key: "k", collection: "other", storedAs: json) == nil)
        #expect(documents.document(String.self, key: "k", collection: "c", storedAs: json) == nil)
    }

    @Test("classes and documents that are not lossless are never remembered")
    func onlyLosslessValues() {
        let documents = DecodedDocuments()
        let json = Data(#"{"text":""}"#.utf8)
        documents.remember(SharedNote(), json: json, key: "k", collection: "c")
        #expect(documents.document(SharedNote.self, key: "k", collection: "c", storedAs: json) == nil)
        documents.remember(["text": ""], json: json, key: "d", collection: "c")
        #expect(documents.document([String: String].self, key: "d", collection: "c", storedAs: json) == nil)
    }

    @Test("past the byte limit everything is forgotten; a document larger than the limit is never kept, nor forgets the others")
    func bounded() {
        let documents = DecodedDocuments()
        let half = Data(repeating: 0x20, count: DecodedDocuments.maximumBytes / 2)
        documents.remember(Note(text: "1"), json: half, key: "1", collection: "c")
        documents.remember(Note(text: "1 again"), json: half, key: "1", collection: "c")
        documents.remember(Note(text: "2"), json: half, key: "2", collection: "c")
        #expect(documents.document(Note.self, key: "1", collection: "c", storedAs: half) == Note(text: "1 again"), "a replaced document counts once")
        documents.remember(Note(text: "3"), json: half + Data([0x20]), key: "3", collection: "c")
        #expect(documents.document(Note.self, key: "1", collection: "c", storedAs: half) == nil)
        #expect(documents.document(Note.self, key: "3", collection: "c", storedAs: half + Data([0x20])) == Note(text: "3"))
        let huge = Data(repeating: 0x20, count: DecodedDocuments.maximumBytes + 1)
        documents.remember(Note(text: "huge"), json: huge, key: "4", collection: "c")
        #expect(documents.document(Note.self, key: "4", collection: "c", storedAs: huge) == nil)
        #expect(documents.document(Note.self, key: "3", collection: "c", storedAs: half + Data([0x20])) == Note(text: "3"))
        // Replacing a remembered document with one too large forgets the stale one.
        documents.remember(Note(text: "huge 3"), json: huge, key: "3", collection: "c")
        #expect(documents.document(Note.self, key: "3", collection: "c", storedAs: half + Data([0x20])) == nil)
    }
}
