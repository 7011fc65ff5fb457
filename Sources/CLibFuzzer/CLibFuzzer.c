//===----------------------------------------------------------------------===//
//
// This source file is part of the Strata open source project.
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
// The module only declares libFuzzer's driver; this file gives the target a source to build.
#include "CLibFuzzer.h"
