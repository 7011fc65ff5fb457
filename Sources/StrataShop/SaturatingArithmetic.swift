//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

// Folds over stored events must never trap: an event written by an older version, or appended by an operator,
// may carry numbers beyond today's limits, and a trap while loading an aggregate or applying a projection
// would take the service down on every start. Folds saturate; decisions then reject the saturated value.
extension Int {
    /// `self + other`, or the nearest bound when the sum does not fit.
    func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self * other`, or the nearest bound when the product does not fit.
    func saturatingMultiply(_ other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }
}
