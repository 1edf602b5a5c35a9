#!/usr/bin/env bash
# What the `mock` feature costs a dependent's clean debug build (the profile its tests build in), runs paired:
#   default    this crate with default features (no mocks at all);
#   httpmock   the same, beside httpmock 0.9 (hand-built mocks, as before the feature);
#   mock       this crate with `mock` (httpmock through `stytch_connected_apps::mock::httpmock`), one typed mock.
# Prints each run, the medians and the ratios mock/default and mock/httpmock.
#
#   benches/mock-build.sh [ROUNDS]
#
# Needs crates.io. Writes only under ${BUILD_BENCH_DIR:-/tmp/stytch-mock-build}.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-2}
[ "$rounds" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a number of at least 1" >&2; exit 2; }
dir=${BUILD_BENCH_DIR:-/tmp/stytch-mock-build}
rm -rf "$dir" && mkdir -p "$dir"

# make_crate, build, median
source "$repo/benches/build-lib.sh"

client='let client = stytch_connected_apps::Client::new("project-test-00000000-0000-0000-0000-000000000000", "secret-test").unwrap();'
make_crate default "stytch-connected-apps = { path = \"$repo\" }" "$client println!(\"{client:?}\");"
make_crate httpmock "stytch-connected-apps = { path = \"$repo\" }
httpmock = { version = \"0.9\", default-features = false }" \
  "$client let server = httpmock::MockServer::start(); server.mock(|when, then| { when.path(\"/\"); then.status(200); }); println!(\"{client:?}\");"
make_crate mock "stytch-connected-apps = { path = \"$repo\", features = [\"mock\"] }" \
  'use stytch_connected_apps::mock::{self, MockServerExt, SdkRequest};
    let server = mock::httpmock::MockServer::start();
    let client = mock::client_builder(&server).build().unwrap();
    server.api_organization_v1_connected_apps(|when, then| {
        when.sent_by(&client).organization_id("organization-x");
        then.ok(&stytch_connected_apps::models::OrganizationConnectedAppsResponse::example());
    });'

crates=(default httpmock mock)
for crate in "${crates[@]}"; do (cd "$dir/$crate" && cargo fetch -q); done

printf 'machine: %s cores, %s; rustc %s\n' "$(nproc)" "$(uname -m)" "$(rustc --version | cut -d' ' -f2)"
for round in $(seq "$rounds"); do
  for crate in "${crates[@]}"; do
    read -r seconds units peak < <(build "$crate" "")
    echo "$seconds" >>"$dir/$crate.debug"
    printf '%-8s round %s: %6.1f s, %s packages compiled, peak memory %s MiB\n' "$crate" "$round" "$seconds" "$units" "$peak"
  done
done
default=$(median <"$dir/default.debug"); httpmock=$(median <"$dir/httpmock.debug"); mocked=$(median <"$dir/mock.debug")
printf 'median: default %.1f s, httpmock %.1f s, mock %.1f s\n' "$default" "$httpmock" "$mocked"
printf 'ratio mock/default %.3f, mock/httpmock %.3f\n' "$(echo "$mocked / $default" | bc -l)" "$(echo "$mocked / $httpmock" | bc -l)"
