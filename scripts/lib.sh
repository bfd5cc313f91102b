# Sourced (not run) by the other scripts: one place for the repository root, PATH and stage headers.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

# Trunk finds wasm-bindgen (cargo install) and wasm-opt (npm binaryen) only on PATH; anything missing
# there it would try to download from GitHub.
export PATH="$HOME/.cargo/bin:$root/.tools/node_modules/.bin:$PATH"
# Otherwise Trunk asks the network for a newer release on every run.
export TRUNK_SKIP_VERSION_CHECK=true
# Trunk reports errors through anyhow, which prints a long stack trace when RUST_BACKTRACE is set; the
# error chain alone says what failed. (Panics in tests still get their backtraces.)
export RUST_LIB_BACKTRACE=0

# A visible header per stage, with the seconds since the script started, so a CI log shows where time goes.
stage() { printf '\n==> [%4ss] %s\n' "$SECONDS" "$*"; }
