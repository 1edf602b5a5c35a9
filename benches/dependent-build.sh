#!/usr/bin/env bash
# Times a clean build of a hello-world that depends on this crate against one that depends on the official
# `stytch` crate (crates.io), debug and release, runs paired A B A B. Dependencies are fetched first, so the
# figures are compile time only. Prints each run (with its peak memory when GNU time is installed), the medians and
# the ratio ours / official.
#
#   benches/dependent-build.sh [ROUNDS] [EXTRA CARGO FEATURE ARGS FOR OURS...]
#
# e.g. `benches/dependent-build.sh 2` or `benches/dependent-build.sh 1 --no-default-features --features rustls-ring`.
# Needs crates.io. Writes only under ${BUILD_BENCH_DIR:-/tmp/stytch-dependent-build}.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-2}
shift || true
ours_features=("$@")
[ "$rounds" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a number of at least 1" >&2; exit 2; }
dir=${BUILD_BENCH_DIR:-/tmp/stytch-dependent-build}
official_version=${OFFICIAL_STYTCH_VERSION:-11.1.0}
rm -rf "$dir" && mkdir -p "$dir"

# make_crate, build, median
source "$repo/benches/build-lib.sh"

feature_toml=""
if [ ${#ours_features[@]} -gt 0 ]; then
  # Turn `--no-default-features --features a,b` into Cargo.toml keys.
  default=true; features=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --no-default-features) default=false ;;
      --features) shift; features="$1" ;;
    esac
    shift
  done
  feature_toml=", default-features = $default, features = [$(sed 's/[^,][^,]*/"&"/g' <<<"$features")]"
fi
make_crate ours "stytch-connected-apps = { path = \"$repo\"$feature_toml }" \
  'let client = stytch_connected_apps::Client::new("project-test-00000000-0000-0000-0000-000000000000", "secret-test"); println!("{}", client.is_ok());'
make_crate official "stytch = \"=$official_version\"" \
  'let client = stytch::b2b::client::Client::new("project-test-00000000-0000-0000-0000-000000000000", "secret-test"); println!("{}", client.is_ok());'

for crate in ours official; do (cd "$dir/$crate" && cargo fetch -q); done

printf 'machine: %s cores, %s; rustc %s\n' "$(nproc)" "$(uname -m)" "$(rustc --version | cut -d' ' -f2)"
for profile in "" "--release"; do
  name=${profile:---debug}; name=${name#--}
  : >"$dir/ours.$name" ; : >"$dir/official.$name"
  for round in $(seq "$rounds"); do
    for crate in ours official; do
      read -r seconds units peak < <(build "$crate" "$profile")
      echo "$seconds" >>"$dir/$crate.$name"
      printf '%-8s %-8s round %s: %6.1f s, %s packages compiled, peak memory %s MiB\n' \
        "$name" "$crate" "$round" "$seconds" "$units" "$peak"
    done
  done
  ours=$(median <"$dir/ours.$name"); official=$(median <"$dir/official.$name")
  printf '%-8s median: ours %.1f s, official %.1f s, ratio ours/official %.3f\n' "$name" "$ours" "$official" "$(echo "$ours / $official" | bc -l)"
done
