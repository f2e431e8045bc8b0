#!/bin/sh
# Build leakgate from this checkout and install it; optionally install its git hooks in a repo.
#
#   ./install.sh                      # installs to ~/.cargo/bin/leakgate
#   ./install.sh --prefix /usr/local  # installs to /usr/local/bin/leakgate
#   ./install.sh --hook path/to/repo  # ... and runs `leakgate install` in that repository
#
# Needs a Rust toolchain (cargo). LEAKGATE_PREFIX sets the default prefix.
set -eu

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

prefix=${LEAKGATE_PREFIX:-${CARGO_HOME:-$HOME/.cargo}}
hook_repo=
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
              prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --hook) [ $# -ge 2 ] || { echo "install.sh: --hook needs a repository path" >&2; exit 2; }
            hook_repo=$2; shift 2 ;;
    --hook=*) hook_repo=${1#--hook=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! command -v cargo >/dev/null 2>&1; then
  echo "install.sh: cargo was not found; install a Rust toolchain first (https://rustup.rs)" >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
echo "install.sh: building leakgate (release) into $prefix/bin ..."
cargo install --quiet --locked --force --path "$here" --root "$prefix"
bin="$prefix/bin/leakgate"
"$bin" --version

if [ -n "$hook_repo" ]; then
  (cd "$hook_repo" && "$bin" install)
fi

case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install.sh: note: $prefix/bin is not on PATH: run $bin, or add it to PATH" \
       "(export PATH=\"$prefix/bin:\$PATH\"); hooks it installs run it from there anyway" >&2 ;;
esac
