#!/usr/bin/env bash
# npm run test:slurm: a study's sweep through the generated Slurm job array on a real one-node
# Slurm cluster started here on loopback, compared with the same sweep run locally.
#
#  1. installs Debian's slurm-wlm and munge when they are missing (apt-get; root only);
#  2. writes a munge key and a slurm.conf for this host (hostname, CPUs from nproc, RealMemory
#     from /proc/meminfo, one partition, select/cons_tres, proctrack/linuxproc, no cgroups, no
#     accounting), every file in a temporary folder; starts munged, slurmctld and slurmd;
#  3. waits until sinfo shows the node idle;
#  4. `npx ganrl reproduce gail <tiny sweep> --slurm <dir> --out <dir> --submit`, waits for the
#     array and its tables job, checks every job COMPLETED, every run has its result file, no
#     missing-runs list was written;
#  5. deletes one run's result and resubmits the array (a requeue): only that run is re-run,
#     the others' files are untouched, the tables job passes again;
#  6. runs the same sweep locally into another folder and checks the two tables are the same
#     bytes;
#  7. stops what it started (always: a trap), cancels its jobs if they are still there.
#
# Exit status: 0 passed; 1 failed; 77 skipped (Slurm could not be installed or its daemons
# could not start here: the reason is printed, with the daemons' last log lines).
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
SKIP=77
T0=$(date +%s)
PHASE_T=$T0
PHASE=""
SWEEP=(gail --protocol quick --seeds 1 --sizes 1 --steps 2048)
TABLE=gail-table-quick.csv

phase() {
  local now
  now=$(date +%s)
  [ -n "$PHASE" ] && echo "test:slurm: [$PHASE: $((now - PHASE_T)) s]"
  PHASE="$1"
  PHASE_T=$now
  [ -n "$1" ] && echo "test:slurm: $1 ..."
}
skip() {
  echo "test:slurm: SKIPPED: $*"
  exit $SKIP
}
fail() {
  echo "test:slurm: FAILED: $*"
  [ -n "${TMP:-}" ] && for f in "$TMP"/log/*.log "$TMP"/jobs/logs/*; do [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done
  exit 1
}

# ------------------------------------------------------------------------------ install
phase "install slurm-wlm and munge"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "slurm-wlm and munge are not installed and this user is not root (apt-get install slurm-wlm munge)"
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and there is no apt-get here"
  export DEBIAN_FRONTEND=noninteractive
  if ! out=$( { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurm-wlm munge; } 2>&1); then
    skip "apt-get install slurm-wlm munge failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
  fi
fi
echo "test:slurm: $(slurmctld -V) / munge $(munged --version 2>&1 | head -n 1)"

# ------------------------------------------------------------------------------ configure
phase "configure a one-node cluster"
TMP=$(mktemp -d /tmp/ganrl-slurm.XXXXXX)
chmod 700 "$TMP"
mkdir -p "$TMP"/{etc,state,spool,log,run,munge,jobs}
PIDS=()
JOBS=()
cleanup() {
  local rc=$?
  [ ${#JOBS[@]} -gt 0 ] && scancel "${JOBS[@]}" >/dev/null 2>&1
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill "${PIDS[i]}" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  # job steps left behind by a killed slurmd (only ours: their command line names our folder)
  for p in $(pgrep -f "$TMP" 2>/dev/null); do [ "$p" != $$ ] && kill "$p" 2>/dev/null; done
  if [ $rc = 0 ] || [ $rc = $SKIP ]; then rm -rf "$TMP"; else echo "test:slurm: kept $TMP for inspection"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(($(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 * 9 / 10))
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    (: </dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
  done
  echo 0
}
CTLD_PORT=$(free_port)
SLURMD_PORT=$(free_port)
[ "$CTLD_PORT" != 0 ] && [ "$SLURMD_PORT" != 0 ] && [ "$CTLD_PORT" != "$SLURMD_PORT" ] || skip "no free TCP ports on 127.0.0.1"

dd if=/dev/urandom of="$TMP/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$TMP/munge/munge.key"
SOCKET="$TMP/munge/munge.socket"
export SLURM_CONF="$TMP/etc/slurm.conf"
cat >"$SLURM_CONF" <<EOF
# ganrl test:slurm: one node on loopback, everything in $TMP
ClusterName=ganrltest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/run/slurmctld.pid
SlurmdPidFile=$TMP/run/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=ganrl Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
echo "test:slurm: node $HOST, $CPUS CPUs, RealMemory $MEM_MB MB, ports $CTLD_PORT/$SLURMD_PORT, files in $TMP"

# ------------------------------------------------------------------------------ start
phase "start munged, slurmctld, slurmd"
why_not() { # the daemons' own words for why they stopped: their fatal lines, else their last errors
  local lines
  lines=$(cd "$TMP/log" && grep -HiE "fatal|denied|permission" ./*.log 2>/dev/null | grep -v '^./[a-z]*.log:[a-z]*: ' | tail -n 3)
  [ -n "$lines" ] || lines=$(cd "$TMP/log" && grep -Hi "error" ./*.log 2>/dev/null | tail -n 3)
  echo "${lines:-no log lines}" | sed 's|^\./||' | tr '\n' ' '
}
munged --foreground --force --key-file="$TMP/munge/munge.key" --socket="$SOCKET" --pid-file="$TMP/run/munged.pid" \
  --log-file="$TMP/log/munged.log" --seed-file="$TMP/munge/munge.seed" >>"$TMP/log/munged.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$SOCKET" ] && break; sleep 0.1; done
[ -S "$SOCKET" ] || skip "munged did not start: $(why_not)"
munge --socket="$SOCKET" -n | unmunge --socket="$SOCKET" >/dev/null 2>&1 || skip "munge cannot encode and decode a credential here: $(why_not)"
slurmctld -D -i -f "$SLURM_CONF" >>"$TMP/log/slurmctld.log" 2>&1 &
PIDS+=($!)
nice -n 10 slurmd -D -f "$SLURM_CONF" -N "$HOST" >>"$TMP/log/slurmd.log" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 120); do
  for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || skip "a Slurm daemon exited at start: $(why_not)"; done
  state=$(sinfo -h -N -n "$HOST" -o '%T' 2>/dev/null | head -n 1)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || skip "the node did not become idle within 60 s (sinfo says '${state:-nothing}'): $(why_not)"
sinfo -N -o '%N %T %c %m' | sed 's/^/test:slurm:   /'

# ------------------------------------------------------------------------------ sweep on Slurm
job_states() { scontrol -o show job "$1" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | sort | uniq -c | tr -s ' \n' ' '; }
wait_jobs() { # waits until none of the jobs is pending or running (10 minutes at most)
  for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$(IFS=,; echo "$*")" -t PD,R,CG,CF 2>/dev/null)" ] && return 0
    sleep 1
  done
  return 1
}
run_ids() { find "$1/runs" -name '*.json' | sort; }

phase "submit the sweep as a job array (npx ganrl reproduce ${SWEEP[*]} --slurm --submit)"
out=$(nice -n 10 npx ganrl reproduce "${SWEEP[@]}" --slurm "$TMP/jobs" --out "$TMP/cluster" --submit 2>&1) || fail "--slurm --submit exited $?: $out"
echo "$out" | sed 's/^/test:slurm:   /'
ARRAY=$(echo "$out" | sed -nE 's/^submitted: array job ([0-9]+).*/\1/p')
TABLES=$(echo "$out" | sed -nE 's/.*tables job ([0-9]+).*/\1/p')
[ -n "$ARRAY" ] && [ -n "$TABLES" ] || fail "no job ids in the output of --submit"
# How many runs the sweep plans (the study decides: e.g. the quick protocol's control rows).
PLANNED=$(echo "$out" | sed -nE 's/^[a-z]+: ([0-9]+) runs as a job array.*/\1/p')
[ -n "$PLANNED" ] && [ "$PLANNED" -ge 2 ] || fail "no planned run count (>= 2) in the output of --slurm: $out"
JOBS+=("$ARRAY" "$TABLES")
SCRIPT=$(ls "$TMP"/jobs/*-array.sbatch)
grep -q -- '--dependency=afterany' "$TMP"/jobs/*-submit.sh || fail "the submit script has no afterany dependency"
echo "test:slurm:   $(scontrol -o show job "$TABLES" | grep -oE 'Dependency=[^ ]+')"

phase "wait for the array ($ARRAY) and the tables job ($TABLES)"
wait_jobs "$ARRAY" "$TABLES" || fail "the jobs did not finish within 10 minutes: array $(job_states "$ARRAY"), tables $(job_states "$TABLES")"
echo "test:slurm:   array: $(job_states "$ARRAY"); tables: $(job_states "$TABLES")"
ntasks=$(scontrol -o show job "$ARRAY" | grep -c 'JobState=')
[ "$ntasks" = "$PLANNED" ] || fail "the array ran $ntasks task(s); expected one per run ($PLANNED)"
scontrol -o show job "$ARRAY" | grep -v 'JobState=COMPLETED' | grep -q . && fail "an array task did not complete: $(job_states "$ARRAY")"
scontrol -o show job "$TABLES" | grep -q 'JobState=COMPLETED' || fail "the tables job did not complete: $(job_states "$TABLES")"
nruns=$(run_ids "$TMP/cluster" | wc -l)
[ "$nruns" = "$PLANNED" ] || fail "expected $PLANNED run files under $TMP/cluster/runs, found $nruns"
[ -f "$TMP/cluster/$TABLE" ] || fail "the tables job wrote no $TABLE"
ls "$TMP"/cluster/*-missing.txt >/dev/null 2>&1 && fail "a missing-runs list was written: $(cat "$TMP"/cluster/*-missing.txt)"
hosts=$(run_ids "$TMP/cluster" | xargs grep -h '"host"' | sort -u | tr -d ' \n')
echo "test:slurm:   $nruns run files ($hosts), $TABLE written by the tables job"

phase "requeue: delete one result, resubmit the array; only that run is re-run"
gone=$(run_ids "$TMP/cluster" | head -n 1)
kept=$(run_ids "$TMP/cluster" | tail -n 1)
kept_sum=$(md5sum <"$kept")
rm "$gone"
cp "$TMP/cluster/$TABLE" "$TMP/table-first.csv"
out=$(bash "$TMP"/jobs/*-submit.sh 2>&1) || fail "the submit script exited $?: $out"
echo "test:slurm:   $out"
ARRAY2=$(echo "$out" | sed -nE 's/^array job ([0-9]+).*/\1/p')
TABLES2=$(echo "$out" | sed -nE 's/.*tables job ([0-9]+).*/\1/p')
[ -n "$ARRAY2" ] && [ -n "$TABLES2" ] || fail "no job ids in the output of the submit script"
JOBS+=("$ARRAY2" "$TABLES2")
wait_jobs "$ARRAY2" "$TABLES2" || fail "the resubmitted jobs did not finish within 10 minutes"
scontrol -o show job "$ARRAY2" | grep -v 'JobState=COMPLETED' | grep -q . && fail "a resubmitted task did not complete: $(job_states "$ARRAY2")"
scontrol -o show job "$TABLES2" | grep -q 'JobState=COMPLETED' || fail "the second tables job did not complete: $(job_states "$TABLES2")"
[ -f "$gone" ] || fail "the deleted run was not re-run: no $gone"
[ "$(md5sum <"$kept")" = "$kept_sum" ] || fail "a finished run was re-run: $kept changed"
logs2=$(cat "$TMP"/jobs/logs/*-"$ARRAY2"_*.out)
echo "$logs2" | grep "runs have results" | sed 's/^ */test:slurm:   resubmitted task: /'
[ "$(echo "$logs2" | grep -c '1 run now, 0 found stored')" = 1 ] && [ "$(echo "$logs2" | grep -c '0 run now, 1 found stored')" = $((PLANNED - 1)) ] ||
  fail "the resubmitted tasks should run one run and skip the $((PLANNED - 1)) others: $(echo "$logs2" | grep 'runs have results' | tr '\n' ' ')"
cmp -s "$TMP/table-first.csv" "$TMP/cluster/$TABLE" || fail "the re-run gave another table"
echo "test:slurm:   $(basename "$gone") re-run; $(basename "$kept") untouched; same table"

# ------------------------------------------------------------------------------ local
phase "the same sweep locally (--workers 1)"
nice -n 10 npx ganrl reproduce "${SWEEP[@]}" --workers 1 --out "$TMP/local" >"$TMP/local.log" 2>&1 || fail "the local sweep exited $?: $(tail -n 5 "$TMP/local.log")"
cmp "$TMP/cluster/$TABLE" "$TMP/local/$TABLE" || fail "the cluster's $TABLE differs from the local one: $(diff "$TMP/cluster/$TABLE" "$TMP/local/$TABLE")"
echo "test:slurm:   $TABLE identical ($(wc -l <"$TMP/local/$TABLE") lines):"
sed 's/^/test:slurm:     /' "$TMP/local/$TABLE"
echo "test:slurm:   array script excerpt ($(basename "$SCRIPT")):"
grep -E '^#SBATCH --(array|time|mem|cpus)|^exec' "$SCRIPT" | sed 's/^/test:slurm:     /'

phase ""
echo "test:slurm: passed in $(($(date +%s) - T0)) s"
echo "1 passed, 0 failed"
