#!/usr/bin/env bash
# Builds the embedded database (FerretDB v1, MongoDB wire protocol on SQLite) into tools/bin/.
# Run by `npm install` (postinstall). Idempotent: does nothing when the right version is already there.
#
# Why not plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2`: the published module
# lacks the generated build/version/version.txt, and a binary built from it panics at start-up
# ("Invalid build/version/version.txt file content"). FerretDB documents writing that file by hand,
# so we fetch the same module from the Go module proxy, add the file, and build ./cmd/ferretdb.
set -euo pipefail

VERSION=v1.24.2
root=$(cd "$(dirname "$0")/.." && pwd)
bin_dir="$root/tools/bin"
target="$bin_dir/ferretdb"

if [ -n "${MONGODB_URI:-}" ]; then
  echo "install-ferretdb: MONGODB_URI is set; building the embedded database anyway for tests and fallback."
fi
# Output captured first: piping into `grep -q`/`head` can end the writer with SIGPIPE, which pipefail
# would turn into a failed install.
installed=$("$target" --version 2>/dev/null || true)
if [ -x "$target" ] && [[ "$installed" == *"version: $VERSION"* ]]; then
  echo "install-ferretdb: FerretDB $VERSION already in tools/bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  cat <<MSG
install-ferretdb: Go is not installed, so the embedded database (FerretDB $VERSION) was not built.
  Either install Go (https://go.dev/dl/) and run \`npm run install:db\`, or point the app at your own
  MongoDB with MONGODB_URI=mongodb://host:27017/ai_trainer_exam (a \`mongod\` on PATH also works).
MSG
  exit 0
fi

echo "install-ferretdb: building FerretDB $VERSION (first time takes about a minute)..."
src=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$src" ] || [ ! -d "$src" ]; then
  echo "install-ferretdb: could not download github.com/FerretDB/FerretDB@$VERSION from the Go module proxy" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
echo "$VERSION" > "$work/build/version/version.txt"
mkdir -p "$bin_dir"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -o "$target.tmp" ./cmd/ferretdb)
mv "$target.tmp" "$target"
built=$("$target" --version)
echo "install-ferretdb: built ${built%%$'\n'*}"

