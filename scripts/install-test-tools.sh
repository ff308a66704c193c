#!/usr/bin/env bash
# Installs the real AWS-compatible servers, linters and browser the integration tests run against, into
# .tools/ at the repository root: a Python venv with moto server and cfn-lint, kinesalite from npm, and
# headless Chromium from Debian's packages. Idempotent and quick when already installed (one stamp file
# per part, so adding a part does not reinstall the others); the build calls it before the integration
# tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"

# Headless Chromium for the HTML report's browser test (HtmlReportBrowserIT). The Debian package and
# those of its dependencies the machine lacks are unpacked into .tools/chromium with dpkg -x, not
# installed: nothing outside the repository changes and root is not needed. The wrapper
# .tools/chromium/headless-shell runs the browser with the unpacked libraries on its library path.
chromium_dir="$tools/chromium"
chromium_stamp="$chromium_dir/installed"
install_chromium() {
  local downloads packages
  # apt-get -s lists the dependencies missing here (recommends are not needed); the browser's own two
  # packages are unpacked even when the machine has them installed.
  packages="$( (apt-get -s install --no-install-recommends chromium-headless-shell 2>/dev/null \
    | awk '/^Inst /{print $2}'; echo chromium-headless-shell chromium-common) | tr ' ' '\n' | sort -u)"
  downloads="$(mktemp -d)"
  # shellcheck disable=SC2086 # one word per package name
  if ! (cd "$downloads" && apt-get download -q $packages >/dev/null 2>&1); then
    rm -rf "$downloads"
    return 1
  fi
  rm -rf "$chromium_dir"
  mkdir -p "$chromium_dir/root"
  for deb in "$downloads"/*.deb; do
    dpkg -x "$deb" "$chromium_dir/root"
  done
  rm -rf "$downloads"
  cat > "$chromium_dir/headless-shell" <<'WRAPPER'
#!/usr/bin/env bash
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LD_LIBRARY_PATH="$here/root/usr/lib/x86_64-linux-gnu:$here/root/usr/lib/x86_64-linux-gnu/pulseaudio:$here/root/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$here/root/usr/lib/chromium/chromium-headless-shell" "$@"
WRAPPER
  chmod +x "$chromium_dir/headless-shell"
}
if [ ! -f "$chromium_stamp" ]; then
  # Stale package lists name versions the mirror no longer has; refresh them once when allowed.
  if ! install_chromium; then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -q >/dev/null
      install_chromium
    else
      echo "cannot download chromium-headless-shell; run 'apt-get update' as root, then the build again" >&2
      exit 1
    fi
  fi
  "$chromium_dir/headless-shell" --version >/dev/null
  touch "$chromium_stamp"
  echo "headless Chromium installed in $chromium_dir"
fi
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
