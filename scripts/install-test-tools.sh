#!/usr/bin/env bash
# Installs the real AWS-compatible servers and linters the integration tests run against, into
# .tools/ at the repository root: a Python venv with moto server and cfn-lint, and kinesalite from npm.
# Idempotent and quick when already installed; the build calls it before the integration tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
moto_version="5.2.5"
cfn_lint_version="1.58.0"
kinesalite_version="3.3.3"
stamp="$tools/installed-moto-$moto_version-cfnlint-$cfn_lint_version-kinesalite-$kinesalite_version"

if [ -f "$stamp" ]; then
  exit 0
fi
mkdir -p "$tools"
python3 -m venv "$tools/venv"
"$tools/venv/bin/pip" install --quiet --disable-pip-version-check \
  "moto[server]==$moto_version" "cfn-lint==$cfn_lint_version"
mkdir -p "$tools/node"
(cd "$tools/node" && npm install --silent --no-audit --no-fund --prefix . "kinesalite@$kinesalite_version" >/dev/null)
touch "$stamp"
echo "test tools installed in $tools"
