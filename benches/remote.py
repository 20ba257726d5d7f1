"""The backend seam measured: push throughput to each remote engine, and one-shot
`describe`, `path` and a SPARQL lookup on the embedded store beside the same commands on
oxigraph server and Virtuoso, on the built-in data and on generated data. Every figure is a
median of whole-process wall times. Called by benches/remote.sh, which starts the engines.
"""

import argparse, os, statistics, subprocess, sys, tempfile, time

ENGINES = {
    "oxigraph server": {
        "endpoint": "http://127.0.0.1:7879/query",
        "update": "http://127.0.0.1:7879/update",
        "gsp": "http://127.0.0.1:7879/store",
        "env": {},
    },
    "virtuoso": {
        "endpoint": "http://127.0.0.1:8890/sparql",
        "update": "http://127.0.0.1:8890/sparql-auth",
        "gsp": "http://127.0.0.1:8890/sparql-graph-crud-auth",
        "env": {"STRATAGRAPH_ENDPOINT_USER": "dba", "STRATAGRAPH_ENDPOINT_PASSWORD": "dba"},
    },
}


def wall(cmd, env=None, runs=1):
    """Median wall seconds of `runs` runs of cmd (which must succeed or answer 1)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - t)
        if done.returncode not in (0, 1):
            sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--entities", type=int, default=232_000)
    parser.add_argument("--runs", type=int, default=7)
    # The views are rebuilt per process on a remote engine (the index and the projection read
    # in pages), so those runs are long: fewer of them.
    parser.add_argument("--remote-runs", type=int, default=1)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sg-remote-")
    nt = os.path.join(work, "g.nt")
    subprocess.run([args.bin, "gen", "--entities", str(args.entities), "--seed", "7", "-o", nt], check=True,
                   stderr=subprocess.DEVNULL)
    triples = 0
    platforms, people = set(), set()
    for line in open(nt, "rb"):
        triples += 1
        subject = line.split(b" ", 1)[0]
        if b"/id/gen-platform-" in subject:
            platforms.add(int(subject.rsplit(b"-", 1)[1].rstrip(b">")))
        elif b"/id/gen-person-" in subject:
            people.add(int(subject.rsplit(b"-", 1)[1].rstrip(b">")))
    # The issue's own examples at a million triples, else entities from the middle of the file.
    platform = 9078 if 9078 in platforms else sorted(platforms)[len(platforms) // 2]
    person = 203489 if 203489 in people else sorted(people)[len(people) // 2]
    store = os.path.join(work, "kb")
    t = time.perf_counter()
    subprocess.run([args.bin, "--quiet", "--store", store, "--bare", "load", nt], check=True)
    embedded_load = time.perf_counter() - t
    env = dict(os.environ)
    print(f"Generated data: {triples} triples ({args.entities} entities). Medians of {args.runs} runs.\n")
    print("| engine | push (s) | triples/s | second push (s) |")
    print("|---|---|---|---|")
    print(f"| embedded store (`load`) | {embedded_load:.1f} | {triples / embedded_load:,.0f} | |")
    scopes = {}
    for name, engine in ENGINES.items():
        graph = f"https://w3id.org/stratagraph/bench/{int(time.time())}/{name.replace(' ', '-')}"
        flags = ["--endpoint", engine["endpoint"], "--update-endpoint", engine["update"],
                 "--graph-store", engine["gsp"], "--graph", graph]
        e = dict(env, **engine["env"])
        builtin_graph = graph + "/builtin"
        builtin_flags = flags[:-1] + [builtin_graph]
        subprocess.run([args.bin, "--quiet", *builtin_flags, "push"], env=e, check=True)
        first = wall([args.bin, "--quiet", *flags, "push", nt], env=e)
        second = wall([args.bin, "--quiet", *flags, "push", nt], env=e)
        print(f"| {name} | {first:.1f} | {triples / first:,.0f} | {second:.1f} |")
        scopes[name] = (flags, builtin_flags, e)
    print()
    lookups = [
        ("describe", ["describe", "AliExpress"], ["describe", f"entity:gen-platform-{platform}"]),
        ("path", ["path", "Jiang Fan", "1688overseas"],
         ["path", f"entity:gen-person-{person}", f"entity:gen-platform-{platform}"]),
        ("SPARQL lookup", ["query", "SELECT ?p ?o WHERE { entity:aliexpress ?p ?o }"],
         ["query", f"SELECT ?p ?o WHERE {{ entity:gen-platform-{platform} ?p ?o }}"]),
    ]
    print("| command | data | embedded (ms) | oxigraph server (ms) | virtuoso (ms) |")
    print("|---|---|---|---|---|")
    for label, builtin_cmd, gen_cmd in lookups:
        row = [wall([args.bin, *builtin_cmd], env=env, runs=args.runs)]
        for name in ENGINES:
            flags, builtin_flags, e = scopes[name]
            row.append(wall([args.bin, *builtin_flags, *builtin_cmd], env=e, runs=args.runs))
        print(f"| {label} | built-in | " + " | ".join(f"{x * 1000:.0f}" for x in row) + " |")
        row = [wall([args.bin, "--store", store, "--read-only", *gen_cmd], env=env, runs=args.runs)]
        for name in ENGINES:
            flags, builtin_flags, e = scopes[name]
            row.append(wall([args.bin, *flags, *gen_cmd], env=e, runs=args.remote_runs))
        print(f"| {label} | {triples:,} generated | " + " | ".join(f"{x * 1000:.0f}" for x in row) + " |")
    for name in ENGINES:
        flags, builtin_flags, e = scopes[name]
        for scope in (flags, builtin_flags):
            graph = scope[-1]
            subprocess.run([args.bin, "--quiet", *scope, "query", "--update", f"DROP SILENT GRAPH <{graph}>"],
                           env=e, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
