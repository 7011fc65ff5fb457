#!/usr/bin/env bash
#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Regenerates the typed client of the example shop (Sources/StrataShopClient) from the service's OpenAPI
# document, with apple/swift-openapi-generator. Run it after changing a route's contract; a test fails while the
# committed document (Sources/StrataShopClient/openapi.json) differs from what the service serves.
#
# The generated code is committed, so that building Strata does not build the generator (and a second copy of
# OpenAPIKit for the host) on every run. The generator is built once into .build-openapi-generator.
set -euo pipefail
cd "$(dirname "$0")/.."

version="1.14.3"
tool_folder=".build-openapi-generator"
client="Sources/StrataShopClient"

if [[ ! -x "$tool_folder/checkout/.build/debug/swift-openapi-generator" ]]; then
    rm -rf "$tool_folder"
    git clone --quiet --depth 1 --branch "$version" https://github.com/apple/swift-openapi-generator "$tool_folder/checkout"
    swift build --package-path "$tool_folder/checkout" --product swift-openapi-generator
fi

swift build --product strata
.build/debug/strata openapi >"$client/openapi.json"

# The client decodes every problem as one `Problem` type: the document's per-route lists of codes (an `enum` on
# `code` for each status of each operation) would each become a type of their own, for no gain to a caller who
# switches on `code` as a string.
python3 - "$client/openapi.json" "$tool_folder/client-openapi.json" <<'PYTHON'
import json, sys
document = json.load(open(sys.argv[1]))
for item in document["paths"].values():
    for operation in item.values():
        for response in operation.get("responses", {}).values():
            content = response.get("content", {})
            if "application/problem+json" in content:
                content["application/problem+json"] = {"schema": {"$ref": "#/components/schemas/Problem"}}
json.dump(document, open(sys.argv[2], "w"), indent=2, sort_keys=True)
PYTHON

rm -rf "$tool_folder/output" "$client/Generated"
"$tool_folder/checkout/.build/debug/swift-openapi-generator" generate \
    --config "$client/openapi-generator-config.yaml" \
    --output-directory "$tool_folder/output" \
    "$tool_folder/client-openapi.json"
mkdir -p "$client/Generated"
for generated in "$tool_folder"/output/*.swift; do
    # Generated code keeps the generator's layout: the project's formatter leaves it alone.
    { echo "// swift-format-ignore-file"; sed -E 's/^(@_spi\(Generated\) )?public import /\1import /' "$generated"; } \
        >"$client/Generated/$(basename "$generated")"
done
echo "regenerated $client/Generated from $client/openapi.json"
