"""Runs stratagraph and its peers on the same generated files and prints Markdown tables
of medians with ratios. Every measurement runs in its own process under /usr/bin/time, so
peak memory (RSS) is per run. Called by benches/compare.sh."""

import argparse, json, os, platform, random, shutil, statistics, subprocess, sys, tempfile, time

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
TRIPLES_PER_ENTITY = 4.31  # what `stratagraph gen` makes, measured
RDFLIB_MAX = 1_000_000     # rdflib parses ~20k triples/s: 10M would take most of an hour

PEER = r'''
import sys, time, json, itertools
mode, args = sys.argv[1], sys.argv[2:]
out = {}
if mode == "pyoxigraph-load":
    import pyoxigraph as ox
    path, where = args
    t = time.perf_counter()
    store = ox.Store() if where == "memory" else ox.Store(where)
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    n = len(store)
    out = {"triples": n, "seconds": time.perf_counter() - t}
elif mode == "pyoxigraph-parse":
    import pyoxigraph as ox
    t = time.perf_counter()
    n = sum(1 for _ in ox.parse(path=args[0], format=ox.RdfFormat.N_TRIPLES))
    out = {"triples": n, "seconds": time.perf_counter() - t}
elif mode == "rdflib-parse":
    import rdflib
    t = time.perf_counter()
    g = rdflib.Graph(); g.parse(args[0], format="nt")
    out = {"triples": len(g), "seconds": time.perf_counter() - t}
elif mode == "pyoxigraph-query":
    import pyoxigraph as ox
    t = time.perf_counter()
    store = ox.Store(); store.bulk_load(path=args[0], format=ox.RdfFormat.N_QUADS)
    rows = list(store.query(args[1]))
    out = {"rows": len(rows), "seconds": time.perf_counter() - t}
elif mode in ("networkx", "igraph", "rustworkx"):
    edges_path, pairs_path, n = args[0], args[1], int(args[2])
    # igraph's k shortest paths take seconds per pair from a million triples up: there the
    # median is over the first 10 pairs only.
    K5_PAIRS = 100 if n < 200_000 else 10
    edges = [tuple(map(int, l.split())) for l in open(edges_path)]
    pairs = [tuple(map(int, l.split())) for l in open(pairs_path)]
    def med(xs): xs = sorted(xs); return xs[len(xs)//2] * 1000 if xs else None
    sp, k5, up = [], [], []
    if mode == "networkx":
        import networkx as nx
        g = nx.Graph(); g.add_nodes_from(range(n)); g.add_edges_from(edges)
        d = nx.DiGraph(); d.add_nodes_from(range(n)); d.add_edges_from(edges)
        for s, t_ in pairs:
            a = time.perf_counter()
            try: nx.bidirectional_shortest_path(g, s, t_)
            except nx.NetworkXNoPath: pass
            sp.append(time.perf_counter() - a)
            a = time.perf_counter()
            try: list(itertools.islice(nx.shortest_simple_paths(g, s, t_), 5))
            except nx.NetworkXNoPath: pass
            k5.append(time.perf_counter() - a)
            a = time.perf_counter(); nx.ancestors(d, t_); up.append(time.perf_counter() - a)
    elif mode == "igraph":
        import igraph as ig
        g = ig.Graph(n=n, edges=edges, directed=False)
        d = ig.Graph(n=n, edges=edges, directed=True)
        for s, t_ in pairs:
            a = time.perf_counter(); g.get_shortest_paths(s, to=t_, output="vpath"); sp.append(time.perf_counter() - a)
            if len(k5) < K5_PAIRS:
                a = time.perf_counter(); g.get_k_shortest_paths(s, to=t_, k=5); k5.append(time.perf_counter() - a)
            a = time.perf_counter(); d.subcomponent(t_, mode="in"); up.append(time.perf_counter() - a)
    else:
        import rustworkx as rx
        g = rx.PyGraph(); g.add_nodes_from(range(n)); g.add_edges_from_no_data(edges)
        d = rx.PyDiGraph(); d.add_nodes_from(range(n)); d.add_edges_from_no_data(edges)
        for s, t_ in pairs:
            a = time.perf_counter(); rx.dijkstra_shortest_paths(g, s, target=t_); sp.append(time.perf_counter() - a)
            a = time.perf_counter(); rx.ancestors(d, t_); up.append(time.perf_counter() - a)
    out = {"shortest_median_ms": med(sp), "k_shortest_median_ms": med(k5), "reach_upstream_median_ms": med(up)}
print(json.dumps(out))
'''


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (stdout, wall seconds, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd, capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:3])} failed: {proc.stderr.strip()[-400:]}")
        rss = int(open(tf.name).read().strip().splitlines()[-1]) / 1024
    return proc.stdout, wall, rss


def peer(python, mode, *args):
    try:
        out, wall, rss = timed([python, "-c", PEER, mode, *map(str, args)])
        result = json.loads(out)
        result["rss_mib"] = rss
        return result
    except Exception as error:  # a missing or failing peer leaves an empty column
        print(f"  {mode}: {error}", file=sys.stderr)
        return None


def ratio(ours, theirs, higher_is_better):
    if not ours or not theirs:
        return "–"
    return f"{(ours / theirs if higher_is_better else theirs / ours):.2f}×"


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--sizes", nargs="+", default=["10k"])
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    python = sys.executable
    work = tempfile.mkdtemp(prefix="stratagraph-bench-")
    versions = {"stratagraph": subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip(),
                "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    for module in ["pyoxigraph", "rdflib", "networkx", "igraph", "rustworkx"]:
        out = subprocess.run([python, "-c", f"import {module}; print({module}.__version__)"], capture_output=True, text=True)
        versions[module] = out.stdout.strip() or "not installed"
    print("## Versions\n")
    for key, value in versions.items():
        print(f"- {key}: {value}")
    load_rows, path_rows, start_rows, report_rows = [], [], [], []
    for size in args.sizes:
        target = SIZES[size]
        entities = max(100, int(target / TRIPLES_PER_ENTITY))
        nt, edges, pairs = (os.path.join(work, f"{size}.{ext}") for ext in ("nt", "edges", "pairs"))
        subprocess.run([binary, "gen", "--entities", str(entities), "--seed", "7", "-o", nt, "-q"], check=True)
        subprocess.run([binary, "gen", "--entities", str(entities), "--seed", "7", "--format", "edges", "-o", edges, "-q"], check=True)
        rng = random.Random(11)
        with open(pairs, "w") as f:
            for _ in range(100):
                f.write(f"{rng.randrange(entities)}\t{rng.randrange(entities)}\n")
        triples = sum(1 for _ in open(nt))
        print(f"\n### {size}: {triples:,} triples, {entities:,} entities", file=sys.stderr)
        # 1. Loads: each run `repeats` times, ours and the peer's alternating, median kept.
        repeats = 1 if args.smoke or triples > 2_000_000 else 3
        disk = os.path.join(work, f"{size}-store")
        pydisk = os.path.join(work, f"{size}-pystore")
        runs = {key: [] for key in ("ours_mem", "ours_disk", "ours_parse", "py_mem", "py_disk", "py_parse")}
        rss_disk = 0
        for _ in range(repeats):
            runs["ours_mem"].append(json.loads(timed([binary, "measure", "load", nt])[0]))
            shutil.rmtree(disk, ignore_errors=True)
            out, _, rss_disk = timed([binary, "measure", "load", nt, "--into", disk])
            runs["ours_disk"].append(json.loads(out))
            runs["ours_parse"].append(json.loads(timed([binary, "measure", "load", nt, "--parse-only"])[0]))
            runs["py_mem"].append(peer(python, "pyoxigraph-load", nt, "memory"))
            shutil.rmtree(pydisk, ignore_errors=True)
            runs["py_disk"].append(peer(python, "pyoxigraph-load", nt, pydisk))
            runs["py_parse"].append(peer(python, "pyoxigraph-parse", nt))
        def median_run(key):
            done = [r for r in runs[key] if r]
            return sorted(done, key=lambda r: r["seconds"])[len(done) // 2] if done else None
        ours_mem, ours_disk, ours_parse = median_run("ours_mem"), median_run("ours_disk"), median_run("ours_parse")
        py_mem, py_disk, py_parse = median_run("py_mem"), median_run("py_disk"), median_run("py_parse")
        rdflib = peer(python, "rdflib-parse", nt) if triples <= RDFLIB_MAX and not args.smoke else None
        rate = lambda r: r["triples"] / r["seconds"] if r else None
        load_rows.append((size, triples, rate(ours_mem), rate(py_mem), rate(ours_disk), rate(py_disk), rate(ours_parse), rate(py_parse), rate(rdflib), rss_disk, py_disk["rss_mib"] if py_disk else None))
        # 2. Fact files (at the two smallest sizes: the TOML files grow large).
        if target <= 100_000:
            facts = os.path.join(work, f"{size}.toml")
            subprocess.run([binary, "gen", "--entities", str(entities), "--seed", "7", "--format", "facts", "-o", facts, "-q"], check=True)
            n_facts = sum(1 for l in open(facts) if l.startswith("[[relation]]"))
            _, wall, rss = timed([binary, "--bare", "-q", "load", facts])
            report_rows.append((size, "fact-file load (facts/s)", n_facts / wall, rss))
        # 4-5. Projection and paths.
        out, _, rss_paths = timed([binary, "--bare", "measure", "paths", "--nt", nt, "--pairs", pairs])
        ours = json.loads(out)
        peers = {name: peer(python, name, edges, pairs, entities) for name in ("networkx", "igraph", "rustworkx")}
        path_rows.append((size, ours, peers, rss_paths))
        # 6. Reports on the store of this size: a grouped count over every entity, and the
        # data-quality checks (OPTIONALs and FILTER NOT EXISTS over every entity and claim).
        for report in ("entities-per-class", "data-quality"):
            _, wall, rss = timed([binary, "--store", disk, "--read-only", "-q", "report", "run", report, "--format", "csv"])
            report_rows.append((size, f"report {report} (s)", wall, rss))
    # 3. Start-up on the built-in data.
    query = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) LIMIT 5"
    dump = os.path.join(work, "builtin.nq")
    subprocess.run([binary, "dump", "-o", dump, "-q"], check=True)
    runs = 5 if args.smoke else 21
    for name, cmd in [("query", [binary, "query", query, "--format", "csv"]), ("describe", [binary, "describe", "AliExpress"])]:
        walls, rsss = [], []
        for _ in range(runs):
            _, wall, rss = timed(cmd)
            walls.append(wall); rsss.append(rss)
        start_rows.append((f"stratagraph {name}", statistics.median(walls) * 1000, max(rsss)))
    walls, rsss = [], []
    for _ in range(runs):
        r = peer(python, "pyoxigraph-query", dump, query)
        if r is None:
            break
        _, wall, rss = timed([python, "-c", PEER, "pyoxigraph-query", dump, query])
        walls.append(wall); rsss.append(rss)
    if walls:
        start_rows.append(("pyoxigraph (python start, import, load dump, query)", statistics.median(walls) * 1000, max(rsss)))

    print("\n## Bulk load (triples per second; ratio = stratagraph / peer)\n")
    print("| size | triples | memory: stratagraph | pyoxigraph | ratio | RocksDB: stratagraph | pyoxigraph | ratio | parse: stratagraph | pyoxigraph | rdflib | RSS MiB (RocksDB) ours / py |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, n, om, pm, od, pd, op, pp, rl, rss_o, rss_p in load_rows:
        print(f"| {size} | {n:,} | {fmt(om,0)} | {fmt(pm,0)} | {ratio(om, pm, True)} | {fmt(od,0)} | {fmt(pd,0)} | {ratio(od, pd, True)} | {fmt(op,0)} | {fmt(pp,0)} | {fmt(rl,0)} | {fmt(rss_o,0)} / {fmt(rss_p,0)} |")
    print("\n## Projection and path queries (medians over 100 fixed pairs; ratio = peer time / stratagraph time)\n")
    print("| size | nodes | edges | projection edges/s | bytes/edge | shortest ms: ours | networkx | igraph | rustworkx | 5 shortest ms: ours | networkx | igraph | reach ms: ours | networkx | SPARQL ASK ms | RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, o, p, rss in path_rows:
        g = lambda name, key: (p.get(name) or {}).get(key)
        s, k, r = o["shortest_median_ms"], o["k_shortest_median_ms"], o["reach_upstream_median_ms"]
        print(f"| {size} | {o['nodes']:,} | {o['edges']:,} | {fmt(o['edges_per_second'],0)} | {fmt(o['bytes_per_edge'])} | {s:.4f} | {fmt(g('networkx','shortest_median_ms'),4)} ({ratio(s, g('networkx','shortest_median_ms'), False)}) | {fmt(g('igraph','shortest_median_ms'),4)} ({ratio(s, g('igraph','shortest_median_ms'), False)}) | {fmt(g('rustworkx','shortest_median_ms'),4)} ({ratio(s, g('rustworkx','shortest_median_ms'), False)}) | {k:.4f} | {fmt(g('networkx','k_shortest_median_ms'),4)} ({ratio(k, g('networkx','k_shortest_median_ms'), False)}) | {fmt(g('igraph','k_shortest_median_ms'),4)} ({ratio(k, g('igraph','k_shortest_median_ms'), False)}) | {r:.4f} | {fmt(g('networkx','reach_upstream_median_ms'),4)} | {fmt(o.get('sparql_ask_median_ms'),3)} | {fmt(rss,0)} |")
    print("\n## Start-up on the built-in data (median wall ms)\n")
    print("| command | median ms | peak RSS MiB |")
    print("|---|---|---|")
    for name, ms, rss in start_rows:
        print(f"| {name} | {ms:.1f} | {rss:.0f} |")
    print("\n## Fact files and reports\n")
    print("| size | measure | value | RSS MiB |")
    print("|---|---|---|---|")
    for size, name, value, rss in report_rows:
        print(f"| {size} | {name} | {value:,.3f} | {rss:.0f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
