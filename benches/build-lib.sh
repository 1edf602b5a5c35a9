# Shared by the build benchmarks (dependent-build.sh, mock-build.sh): sourced, with `$dir` set to their work
# directory. Each build is clean (its target directory removed) and offline (dependencies fetched beforehand).

make_crate() { # name, dependency lines, main body
  mkdir -p "$dir/$1/src"
  printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n%s\n\n[workspace]\n' "$1" "$2" >"$dir/$1/Cargo.toml"
  printf 'fn main() {\n    %s\n}\n' "$3" >"$dir/$1/src/main.rs"
}

# GNU time, when installed, gives the build's peak memory: the largest resident set of any one process (rustc).
timer=()
if /usr/bin/time -f %M true >/dev/null 2>&1; then timer=(/usr/bin/time -o "$dir/peak-kib" -f %M); fi

build() { # crate, profile flag -> seconds, the number of units compiled, peak memory (MiB, or "?")
  local crate=$1 profile=$2 start end units peak="?"
  rm -rf "$dir/$crate/target" "$dir/peak-kib"
  start=$(date +%s.%N)
  units=$(cd "$dir/$crate" && "${timer[@]}" cargo build --offline $profile 2>&1 | grep -c '^ *Compiling ')
  end=$(date +%s.%N)
  [ -s "$dir/peak-kib" ] && peak=$(( $(tail -1 "$dir/peak-kib") / 1024 ))
  printf '%s %s %s\n' "$(echo "$end - $start" | bc)" "$units" "$peak"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

