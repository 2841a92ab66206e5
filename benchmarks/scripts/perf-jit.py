#!/usr/bin/env python3
"""Where a JIT-compiled Java method spends its samples, instruction by instruction, on a host without hardware counters.

`perf record -e cpu-clock` works in a VM whose processor counters are hidden; the JVM names its compiled code in a perf
map (`jcmd PID Compiler.perfmap` writes /tmp/perf-PID.map); the code itself is read back from /proc/PID/mem while the
JVM still runs, and disassembled with objdump. Each sample then lands on one instruction (on the one after a load
that stalls: read the load just above a hot line).

    perf record -a -F 2999 -o /tmp/run.data -- sleep 60      # while the JVM runs its workload
    jcmd PID Compiler.perfmap                                 # while it still runs, after the recording
    benchmarks/scripts/perf-jit.py /tmp/run.data PID 'searchLevel|greedy' [--top 40]

Prints, per compiled method whose name matches the pattern, its share of the process's samples and every instruction
with its samples (or, with --top N, only the N hottest instructions, each with the 6 instructions before it).
Needs: perf, objdump (binutils), root or ptrace rights over PID.
"""
import argparse
import collections
import re
import subprocess
import sys
import tempfile


def perf_map(pid):
    entries = []
    with open(f"/tmp/perf-{pid}.map") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3:
                entries.append((int(parts[0], 16), int(parts[1], 16), parts[2]))
    return entries


def sample_ips(data, pid):
    out = subprocess.run(["perf", "script", "-i", data, "--pid", str(pid), "-F", "ip"],
                         capture_output=True, text=True, check=True).stdout
    return collections.Counter(int(x, 16) for x in out.split())


def disassemble(pid, start, size):
    with open(f"/proc/{pid}/mem", "rb") as mem:
        mem.seek(start)
        code = mem.read(size)
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        text = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", f"--adjust-vma={start:#x}",
                               "--no-show-raw-insn", f.name], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in text.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s*(.*)", line)
        if m:
            rows.append((int(m.group(1), 16), m.group(2)))
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("pid", type=int)
    p.add_argument("pattern")
    p.add_argument("--top", type=int, default=0)
    a = p.parse_args()
    ips = sample_ips(a.data, a.pid)
    total = sum(ips.values()) or 1
    for start, size, name in perf_map(a.pid):
        if not re.search(a.pattern, name):
            continue
        n = sum(c for ip, c in ips.items() if start <= ip < start + size)
        if n == 0:
            continue
        print(f"=== {name}\n    {n} samples, {100.0 * n / total:.1f}% of the process's; code at {start:#x}, {size} bytes")
        rows = disassemble(a.pid, start, size)
        if a.top:
            hot = sorted(range(len(rows)), key=lambda i: -ips.get(rows[i][0], 0))[:a.top]
            for i in sorted(hot):
                for j in range(max(0, i - 6), i + 1):
                    ip, insn = rows[j]
                    c = ips.get(ip, 0)
                    print(f"{c:7d} {100.0 * c / n:5.1f}%  {ip:#x}: {insn}")
                print("    ...")
        else:
            for ip, insn in rows:
                c = ips.get(ip, 0)
                print(f"{c:7d} {100.0 * c / n:5.1f}%  {ip:#x}: {insn}")


if __name__ == "__main__":
    sys.exit(main())
