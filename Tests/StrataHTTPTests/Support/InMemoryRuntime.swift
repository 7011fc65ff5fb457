//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
import Logging
import Strata
import StrataHTTP

extension StrataRuntime {
    /// An runtime over in-memory stores running `projections`, for tests of Strata's own routes; run the
    /// returned runner beside the router when the test needs the projections to make progress.
    static func inMemory(projections: [any Projection] = []) -> (runtime: StrataRuntime, runner: ProjectionRunner) {
        let store = InMemoryEventStore()
        let readStore = InMemoryReadStore()
        let runner = ProjectionRunner(store: store, readStore: readStore, projections: projections, configuration: .init())
        let runtime = StrataRuntime(
            store: store,
            processManagerStore: store,
            readStore: readStore,
            projections: runner,
            queries: QueryHandler(readStore: readStore, progress: runner.progress, timeout: .seconds(1)),
            logger: Logger(label: "strata.test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        return (runtime, runner)
    }
}
