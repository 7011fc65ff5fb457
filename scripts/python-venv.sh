#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Sourced by the test scripts that need Python packages from PyPI.
#
# make_venv DIR PACKAGE...: creates a throwaway virtual environment in DIR and installs the packages into it
# (pinned by the caller), installing Debian's python3-venv first when the system Python leaves venv out.

make_venv() {
    local dir="$1"
    shift
    if ! python3 -m venv "$dir" >/dev/null 2>&1; then
        # Debian's python3 leaves venv to a package of its own.
        if [[ "$(id -u)" = 0 ]] && command -v apt-get >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        fi
        rm -rf "$dir"
        python3 -m venv "$dir"
    fi
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
}
