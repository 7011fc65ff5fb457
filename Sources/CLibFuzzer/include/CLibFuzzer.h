//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_CLIBFUZZER_H
#define STRATA_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver, for a binary that has a `main` of its own (see scripts/fuzz.sh). Defined by the fuzzer
/// runtime that `-sanitize=fuzzer` links; referenced only by builds made with STRATA_FUZZING.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
