//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import CLibFuzzer
import Foundation

#if STRATA_FUZZING
    /// What libFuzzer calls with each input. Its own `main` would call it by this name; ours hands it to
    /// `LLVMFuzzerRunDriver` instead, and the symbol keeps a link that pulls libFuzzer's `main` in satisfied.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        FuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
#endif

/// `strata-fuzz`: feeds inputs to ``FuzzTarget``.
///
/// Built with `-sanitize=fuzzer -DSTRATA_FUZZING` (scripts/fuzz.sh), it runs libFuzzer's driver, which takes
/// libFuzzer's arguments (a corpus folder, `-max_total_time=60`, …). Built plainly, as `swift build` does, it
/// replays the files and folders it is given, so that the committed corpus stays a regression test.
@main
enum StrataFuzz {
    static func main() {
        #if STRATA_FUZZING
            var argc = CommandLine.argc
            var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
            exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
            replay(CommandLine.arguments.dropFirst())
        #endif
    }

    private static func replay(_ paths: ArraySlice<String>) {
        var replayed = 0
        for path in paths {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                FuzzTarget.run(Array(data))
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs")
    }

    private static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }
    }
}
