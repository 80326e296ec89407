# Shared by the benchmarks (eng/bench-oci.sh, eng/bench-s3.sh, eng/bench-transfer.sh): sourced, not run. Expects WORK (a scratch
# folder), BYTES and RUNS to be set by the caller.

# publish_cli: the ReadyToRun CLI users get from `dotnet tool install`, published for this machine into $WORK/tool;
# sets CLI.
publish_cli() {
  local rid
  case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
  dotnet publish src/ModelManifest.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -nodeReuse:false -o "$WORK/tool" >/dev/null
  CLI=("$WORK/tool/ModelManifest.Cli")
}

# server_cpu <pid>: CPU ticks (user + system) used so far by a server process and its children (nginx's workers).
# On two cores the server's CPU is taken from the client, so every row also says what serving the bytes cost.
server_cpu() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# row <label> <server-pid> <command>: one row of the next measure_rows; the command is a string run by sh -c.
LABELS=(); SERVERS=(); COMMANDS=()
row() { LABELS+=("$1"); SERVERS+=("$2"); COMMANDS+=("$3"); }

# measure_rows: RUNS runs of every row, each into an empty $WORK/cache, interleaved (run 1 of every row, then run 2,
# ...) so that a slow spell of the virtual disk hits every row rather than one. A caller's before_run function, when
# defined, runs before every run (outside the timing). Prints per row
# "label  median-s  MB/s  peak-rss-MB  client CPU (user + system) per run  server CPU per run" and leaves each row's
# median in MEDIANS.
measure_rows() {
  local run i before after ticks
  ticks=$(getconf CLK_TCK)
  for i in "${!LABELS[@]}"; do : >"$WORK/times.$i"; echo 0 >"$WORK/cpu.$i"; done
  for run in $(seq "$RUNS"); do
    for i in "${!LABELS[@]}"; do
      rm -rf "$WORK/cache"
      if declare -F before_run >/dev/null; then before_run; fi
      before=$(server_cpu "${SERVERS[$i]}")
      /usr/bin/time -f "%e %M %U %S" -o "$WORK/time1" sh -c "${COMMANDS[$i]}" >"$WORK/last.log" 2>&1 \
        || { cat "$WORK/last.log"; exit 1; }
      after=$(server_cpu "${SERVERS[$i]}")
      cat "$WORK/time1" >>"$WORK/times.$i"
      echo $(( $(cat "$WORK/cpu.$i") + after - before )) >"$WORK/cpu.$i"
    done
  done
  MEDIANS=()
  for i in "${!LABELS[@]}"; do
    MEDIANS+=("$(sort -n "$WORK/times.$i" | awk '{ t[NR]=$1 } END { print t[int((NR+1)/2)] }')")
    sort -n "$WORK/times.$i" | awk -v label="${LABELS[$i]}" -v bytes="$BYTES" \
      -v cpu="$(( $(cat "$WORK/cpu.$i") * 100 / ticks / RUNS ))" \
      '{ t[NR]=$1; if ($2>rss) rss=$2; client+=$3+$4 } END { m=t[int((NR+1)/2)]; printf "%-52s median %6.2f s  %7.1f MB/s   (runs: %d)   peak RSS %5.0f MB   CPU/run: client %5.2f s, server %5.2f s\n", label, m, bytes/1e6/m, NR, rss/1024, client/NR, cpu/100 }'
  done
  LABELS=(); SERVERS=(); COMMANDS=()
}
