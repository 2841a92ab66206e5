#!/usr/bin/env python3
"""Where a gateway run's CPU and allocation go, from a JFR recording of Caracal (see docs/benchmarks.md, issue 15).

Usage: benchmarks/scripts/jfr-stages.py RECORDING.jfr [MORE.jfr ...]   (the chunks of a JFR repository work too)

Reads jdk.ExecutionSample (CPU) and jdk.ObjectAllocationSample (allocation, by weight) with `jfr print`, keeps the
samples of the threads that serve requests (Jetty's qtp pool, the providers' clients and stream workers, the common
pool), and buckets each by the first stage below, in the list's order, that any frame of its stack names (so Jetty's
socket write under a stream's encoder counts for the encoder: stages are inclusive); a stack with none is "other
JDK". Prints each stage's share of samples and of allocated bytes, what the top frames of its CPU samples are (the
library doing the work: Jetty, Jackson, the JDK, Caracal), and the share of each thread group.
"""
import re
import subprocess
import sys
from collections import Counter

# (stage, frame prefixes) in priority order: a sample goes to the first stage that any frame of its stack matches
STAGES = [
    ("encoding and writing the client's stream", ["dev.caracal.gateway.openai.http.internal.StreamSession", "dev.caracal.gateway.anthropic.http.internal.StreamSession", "dev.caracal.gateway.openai.http.codec.ChunkStream", "dev.caracal.gateway.anthropic.http.codec.MessageStreamEncoder", "dev.caracal.core.http.EventStreamWriter"]),
    ("decoding the upstream's stream", ["dev.caracal.llm.openai.internal.ChatStream", "dev.caracal.llm.anthropic.internal.MessageStream", "dev.caracal.llm.support.SseParser", "dev.caracal.llm.support.StreamingCall", "dev.caracal.llm.support.LineSplitter"]),
    ("parsing the client's request (Jackson tree, field checks)", ["dev.caracal.gateway.openai.http.codec.ChatCompletionParser", "dev.caracal.gateway.openai.http.codec.ChatMessagesParser", "dev.caracal.gateway.openai.http.codec.GenerationFields", "dev.caracal.gateway.openai.http.codec.ToolFields", "dev.caracal.gateway.openai.http.codec.Fields", "dev.caracal.gateway.anthropic.http.codec.MessagesRequestReader", "dev.caracal.gateway.anthropic.http.codec.MessageReader", "dev.caracal.gateway.anthropic.http.codec.RequestFields", "dev.caracal.gateway.anthropic.http.codec.SamplingReader", "dev.caracal.core.json.Json.read"]),
    ("rendering the answer", ["dev.caracal.gateway.openai.http.codec.ChatCompletionRenderer", "dev.caracal.gateway.openai.http.codec.ChunkStream", "dev.caracal.gateway.anthropic.http.codec.MessagesResponseWriter", "dev.caracal.gateway.anthropic.http.codec.MessageStreamEncoder", "dev.caracal.gateway.openai.http.internal.Responses", "dev.caracal.gateway.anthropic.http.internal.ErrorResponses"]),
    ("building the upstream request", ["dev.caracal.llm.openai.internal.RequestMapper", "dev.caracal.llm.anthropic.internal.RequestMapper", "dev.caracal.llm.support.Json.write"]),
    ("parsing the upstream's answer", ["dev.caracal.llm.openai.internal.ResponseMapper", "dev.caracal.llm.anthropic.internal.ResponseMapper", "dev.caracal.llm.support.Json.tryParse"]),
    # the security filter wraps the rest of the call, so this stage takes a sample only when security code is the
    # innermost Caracal code on the stack (key checks, rate limits, audit, and the libraries they call)
    ("authentication, rate limit, audit", ["innermost:dev.caracal.security"]),
    ("the upstream exchange (HTTP client)", ["org.eclipse.jetty.client", "jdk.internal.net.http", "dev.caracal.llm.support.Jetty", "dev.caracal.llm.support.Jdk"]),
    ("Caracal's routing, filters and glue", ["dev.caracal"]),
    ("Jetty server (HTTP, servlet I/O)", ["org.eclipse.jetty", "org.ops4j.pax.web"]),
    ("Jackson (called from elsewhere)", ["com.fasterxml.jackson"]),
    ("thread hand-offs (park, unpark, signal)", ["java.util.concurrent.locks.LockSupport", "java.util.concurrent.ForkJoinPool.signalWork", "jdk.internal.misc.Unsafe.unpark", "jdk.internal.misc.Unsafe.park"]),
]
THREADS = [("Jetty server pool (qtp)", "qtp"), ("provider client", "caracal-"), ("common pool", "ForkJoinPool"),
           ("load/other", "")]
REQUEST_THREADS = ("qtp", "caracal-", "ForkJoinPool.commonPool")


def events(path, name):
    """Yields (thread, frames, weight) for each event `name` in the recording."""
    out = subprocess.run(["jfr", "print", "--events", name, "--stack-depth", "128", path],
                         capture_output=True, text=True, check=False).stdout
    for block in out.split(name + " {")[1:]:
        thread = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', block)
        weight = re.search(r"weight = ([\d.]+) ([kMG]?B)", block)
        w = 1.0
        if weight:
            w = float(weight.group(1)) * {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[weight.group(2)]
        frames = re.findall(r"^\s+([\w.$<>]+)\(", block.split("stackTrace = [", 1)[-1], re.M)
        yield (thread.group(1) if thread else "?"), frames, w


def stage_of(frames):
    innermost = next((f for f in frames if f.startswith("dev.caracal")), "")
    for stage, prefixes in STAGES:
        for p in prefixes:
            if p.startswith("innermost:"):
                if innermost.startswith(p[len("innermost:"):]):
                    return stage
            elif any(frame.startswith(p) for frame in frames):
                return stage
    return "other JDK (NIO, collections, ...)"


LIBRARIES = [("Jetty", "org.eclipse.jetty"), ("Jackson", "com.fasterxml.jackson"), ("Caracal", "dev.caracal")]


def library_of(frames):
    """The library of the top frame that is not the JDK's own, or the JDK when the top frames all are."""
    for frame in frames[:8]:
        for label, prefix in LIBRARIES:
            if frame.startswith(prefix):
                return label
    return "JDK"


def table(path_list, name):
    by_stage, by_thread, total = Counter(), Counter(), 0.0
    libraries = {}
    for path in path_list:
        for thread, frames, w in events(path, name):
            if not thread.startswith(REQUEST_THREADS):
                continue
            stage = stage_of(frames)
            by_stage[stage] += w
            libraries.setdefault(stage, Counter())[library_of(frames)] += w
            by_thread[next(label for label, prefix in THREADS if thread.startswith(prefix))] += w
            total += w
    return by_stage, by_thread, total, libraries


def main():
    paths = sys.argv[1:]
    if not paths:
        print(__doc__)
        sys.exit(2)
    cpu, cpu_threads, cpu_total, libraries = table(paths, "jdk.ExecutionSample")
    alloc, _, alloc_total, _ = table(paths, "jdk.ObjectAllocationSample")
    print(f"{int(cpu_total)} CPU samples and {alloc_total / 1e6:.0f} MB of sampled allocation on request threads\n")
    print("| stage | CPU samples | allocation | CPU by top frame |\n|---|---:|---:|---|")
    for stage, n in sorted(cpu.items(), key=lambda kv: -kv[1]):
        split = ", ".join(f"{lib} {100 * k / n:.0f}%" for lib, k in libraries[stage].most_common())
        print(f"| {stage} | {100 * n / cpu_total:.0f}% | {100 * alloc.get(stage, 0) / max(alloc_total, 1):.0f}% "
              f"| {split} |")
    for stage in alloc:
        if stage not in cpu:
            print(f"| {stage} | 0% | {100 * alloc[stage] / alloc_total:.0f}% | |")
    print("\nCPU samples by thread: " + ", ".join(
        f"{label} {100 * n / cpu_total:.0f}%" for label, n in cpu_threads.most_common()))


if __name__ == "__main__":
    main()
