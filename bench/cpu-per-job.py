#!/usr/bin/env python3
"""CPU per job while a throughput run processes: the benchmark's process tree and PostgreSQL's backends, by process.

Usage (from the repository root, PostgreSQL running from PGDATA):
  python3 bench/cpu-per-job.py PGDATA LABEL -- dotnet artifacts/cli/worcr.dll bench throughput --jobs 20000 --postgres URL --redis URL
  python3 bench/cpu-per-job.py PGDATA LABEL -- node peers/graphile.mjs throughput --concurrency 64 --variant batched

It samples /proc every 50 ms: the command itself (for `worcr bench`, the node and the producer), its children (the
worker process) and every child of PostgreSQL's postmaster. The processing window ends at the last sample in which
PostgreSQL was busy (over 30 % of a core) and spans the job count over the rate the command printed
(`process_jobs_per_s` in its last JSON line), so the enqueue phases before it are left out.
"""
import json
import os
import subprocess
import sys
import threading
import time

pgdata, label = sys.argv[1], sys.argv[2]
command = sys.argv[sys.argv.index('--') + 1:]
postmaster = int(open(os.path.join(pgdata, 'postmaster.pid')).readline())
tick = os.sysconf('SC_CLK_TCK')


def processes():
    """pid -> (parent pid, user + system ticks) for every process."""
    found = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            try:
                fields = open(f'/proc/{name}/stat').read().rsplit(')', 1)[1].split()
                found[int(name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
            except OSError:
                pass
    return found


run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
output = []
reader = threading.Thread(target=lambda: output.append(run.stdout.read()))
reader.start()
last_seen = {}  # (role, pid) -> ticks; a process that exited keeps its last figure
samples = []
while run.poll() is None:
    table = processes()
    children = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)

    def tree(root):
        return table.get(root, (0, 0))[1] + sum(tree(child) for child in children.get(root, []))

    for pid in children.get(postmaster, []):
        last_seen[('postgres', pid)] = table[pid][1]
    for pid in children.get(run.pid, []):
        last_seen[('children', pid)] = tree(pid)
    if run.pid in table:
        last_seen[('command', run.pid)] = table[run.pid][1]
    samples.append((time.time(), *(sum(v for (role, _), v in last_seen.items() if role == r) for r in ('command', 'children', 'postgres'))))
    time.sleep(0.05)
reader.join()

result = json.loads([line for line in output[0].splitlines() if line.startswith('{') and 'process_jobs_per_s' in line][-1])
metrics = result.get('metrics') or result
rate = metrics['process_jobs_per_s']
jobs = (result.get('params') or {}).get('n') or result.get('jobs') or 20000
busy = [i for i in range(1, len(samples)) if (samples[i][3] - samples[i - 1][3]) / tick / (samples[i][0] - samples[i - 1][0]) > 0.3]
end = samples[busy[-1]]
start = min(samples, key=lambda s: abs(s[0] - (end[0] - jobs / rate)))
span = end[0] - start[0]
per_job = lambda ticks: ticks / tick * 1e6 / (rate * span)
command_us, children_us, postgres_us = (per_job(end[i] - start[i]) for i in (1, 2, 3))
print(f"{label}\tjobs_per_s={rate:.0f}\twindow_s={span:.2f}\tcommand_us={command_us:.1f}\tchildren_us={children_us:.1f}"
      f"\tpostgres_us={postgres_us:.1f}\ttotal_us={command_us + children_us + postgres_us:.1f}"
      f"\tcores_busy={(end[1] + end[2] + end[3] - start[1] - start[2] - start[3]) / tick / span:.2f}", flush=True)
