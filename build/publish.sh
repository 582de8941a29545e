#!/usr/bin/env bash
# An installation folder that runs on a machine without .NET: build/publish.sh OUT [RUNTIME]
#   OUT/ModularEmr.Host            the host, self-contained (.NET and ASP.NET Core included)
#   OUT/modules/<id>/              each shipped module: module.json, its assembly and its private dependencies
#   OUT/modules.json               the three modules, by those folders
# Run it with the two settings a production start needs (docs/operations.md, "Installing"):
#   Emr__PublicOrigin=https://emr.example.org OUT/ModularEmr.Host --urls http://127.0.0.1:5000 --data /var/lib/modularemr --modules OUT/modules.json
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:?usage: build/publish.sh OUT [RUNTIME, default linux-x64]}")
rid=${2:-linux-x64}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Builds go to a folder of their own: a module's build/EmrModule.props output is its bin/, which a source
# checkout's modules.json (and a running test suite) loads; a Release build must not overwrite it.
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

dotnet publish host/ModularEmr.Host -c Release -r "$rid" --self-contained -o "$out" -p:OutputPath="$build/host/" -nologo -v quiet
entries=()
for folder in modules/OAuth2 modules/Fhir modules/Rest; do
  id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$folder/module.json")
  # Framework-dependent on purpose: a module runs on the host's .NET, and must not carry the sdk or
  # ASP.NET Core (build/EmrModule.props leaves them out), or the host would load a second copy.
  dotnet publish "$folder" -c Release -o "$out/modules/$id" -p:OutputPath="$build/$id/" -nologo -v quiet
  cp "$folder/module.json" "$out/modules/$id/"
  entries+=("{ \"id\": \"$id\", \"path\": \"modules/$id\", \"enabled\": true }")
done
{ echo '{'; echo '  "modules": ['
  for i in "${!entries[@]}"; do sep=,; [ "$i" -eq $((${#entries[@]} - 1)) ] && sep=; echo "    ${entries[$i]}$sep"; done
  echo '  ]'; echo '}'; } >"$out/modules.json"
echo "published to $out"
