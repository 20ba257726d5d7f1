"""Times the questions of time, routes and words (as of a day, the path and text SERVICEs,
ranked text search, inference) against their plain-SPARQL peers, on one generated store.

  python3 benches/questions.py --binary target/release/stratagraph --entities 75000 [--runs 5]

Generates a fact file with `stratagraph gen --format facts` (dated relations, quotes in both
languages), loads it into a fresh RocksDB store, and runs each command as a whole process
`--runs` times after one warm-up (the warm-up also builds the kept views), printing a
Markdown table of medians and the ratio of each command to its peer."""

import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

def run(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[:400]}")
    return elapsed, p.stdout

def median_ms(cmd, runs):
    run(cmd)  # warm-up: page cache and kept views
    return statistics.median(run(cmd)[0] for _ in range(runs)) * 1000

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/stratagraph")
    ap.add_argument("--entities", type=int, default=75000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    b = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="sg-questions-")
    try:
        facts = os.path.join(work, "gen.toml")
        store = os.path.join(work, "kb")
        subprocess.run([b, "gen", "--entities", str(args.entities), "--seed", "7", "--format", "facts", "-o", facts, "-q"], check=True)
        t = time.perf_counter()
        subprocess.run([b, "--store", store, "--bare", "load", facts, "-q"], check=True)
        load_s = time.perf_counter() - t
        import re
        text = open(facts, encoding="utf-8").read()
        factory = re.findall(r'id = "(gen-factory-\d+)"', text)[-1]
        platform = re.findall(r'id = "(gen-platform-\d+)"', text)[0]
        _, out = run([b, "--store", store, "--read-only", "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv"])
        triples = int(out.decode().split()[-1])
        s = [b, "--store", store, "--read-only"]
        q = lambda text, *extra: s + ["query", text, "--format", "csv", *extra]
        rows = [
            ("SPARQL lookup (baseline)", q("SELECT ?o WHERE { entity:{platform} ?p ?o }"), None),
            ("as of a day: the same lookup, --as-of 2020-06-30", q("SELECT ?o WHERE { entity:{platform} ?p ?o }", "--as-of", "2020-06-30"), 0),
            ("as of a day: count of supplies, --as-of", q("SELECT (COUNT(*) AS ?n) WHERE { ?s sg:supplies ?o }", "--as-of", "2020-06-30"), None),
            ("  peer: the same count, whole graph", q("SELECT (COUNT(*) AS ?n) WHERE { ?s sg:supplies ?o }"), None),
            ("describe --as-of", s + ["describe", "{platform}", "--as-of", "2020-06-30"], 0),
            ("  peer: describe, whole graph", s + ["describe", "{platform}"], 0),
            ("path --as-of", s + ["path", "{factory}", "{platform}", "--as-of", "2020-06-30"], 0),
            ("  peer: path, whole graph", s + ["path", "{factory}", "{platform}"], 0),
            ("path SERVICE, shortest route with its edges",
             q("SELECT ?i ?p WHERE { SERVICE sgpath: { [] sgpath:source entity:{factory} ; sgpath:target entity:{platform} ; sgpath:position ?i ; sgpath:edgeProperty ?p } }"), None),
            ("  peer: property-path ASK (whether, not which)",
             q("ASK { entity:{factory} (sg:supplies|^sg:supplies|sg:sellsOn|^sg:sellsOn|sg:launched|^sg:launched|sg:runsOn|^sg:runsOn|sg:competesWith|^sg:competesWith|sg:partnersWith|^sg:partnersWith|org:subOrganizationOf|^org:subOrganizationOf|org:headOf|^org:headOf|sg:targetsMarket|^sg:targetsMarket)* entity:{platform} }", "--timeout", "60"), None),
            ("search --in quotes \"Platform 1\"", s + ["search", "--in", "quotes", "Platform 1"], None),
            ("  peer: CONTAINS scan of the quotes", q("SELECT ?c WHERE { ?c sg:quote ?t FILTER(CONTAINS(?t, \"Platform 1 \")) } LIMIT 10"), None),
            ("search --in quotes (Chinese)", s + ["search", "--in", "quotes", "华集团"], None),
            ("  peer: REGEX scan of the quotes", q("SELECT ?c WHERE { ?c sg:quote ?t FILTER(REGEX(?t, \"华集团\")) } LIMIT 10"), None),
            ("--infer rdfs: ?x schema:parentOrganization ?y (count)", q("SELECT (COUNT(*) AS ?n) WHERE { ?x schema:parentOrganization ?y }", "--infer", "rdfs"), None),
            ("  peer: the stated org:subOrganizationOf (count)", q("SELECT (COUNT(*) AS ?n) WHERE { ?x org:subOrganizationOf ?y }"), None),
            ("--infer rdfs: ?x a schema:Organization (count)", q("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:Organization }", "--infer", "rdfs"), None),
        ]
        rows = [(n, [part.replace("{factory}", factory).replace("{platform}", platform) for part in c], x) for n, c, x in rows]
        results = []
        for name, cmd, _ in rows:
            results.append((name, median_ms(cmd, args.runs)))
        # Materialising what --infer answers by rewriting, for the comparison: the
        # subproperty and subclass rules written into a named graph of a copy of the store.
        copy = os.path.join(work, "kb-copy")
        shutil.copytree(store, copy)
        materialise = ("INSERT { GRAPH <urn:stratagraph:entailed> { ?s ?super ?o } } WHERE { ?p rdfs:subPropertyOf+ ?super . ?s ?p ?o } ;"
                       " INSERT { GRAPH <urn:stratagraph:entailed> { ?x a ?super } } WHERE { ?c rdfs:subClassOf+ ?super . ?x a ?c }")
        t = time.perf_counter()
        subprocess.run([b, "--store", copy, "query", "--update", materialise, "-q"], check=True, stdout=subprocess.DEVNULL)
        materialise_s = time.perf_counter() - t
        _, out = run([b, "--store", copy, "--read-only", "query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:stratagraph:entailed> { ?s ?p ?o } }", "--format", "csv"])
        entailed = int(out.decode().split()[-1])
        union = [b, "--store", copy, "--read-only", "query",
                 "SELECT (COUNT(*) AS ?n) WHERE { { ?x schema:parentOrganization ?y } UNION { GRAPH <urn:stratagraph:entailed> { ?x schema:parentOrganization ?y } } }", "--format", "csv"]
        results.append(("  materialised: the same count on the entailed graph", median_ms(union, args.runs)))
        base = results[0][1]
        print(f"{triples:,} triples ({args.entities:,} entities), loaded in {load_s:.1f} s; medians of {args.runs} runs, each a whole process\n")
        print("| command | median (ms) | × the SPARQL lookup |")
        print("|---|---:|---:|")
        for name, ms in results:
            print(f"| {name} | {ms:.0f} | {ms / base:.2f} |")
        print(f"\nMaterialising the subproperty and subclass rules: {materialise_s:.1f} s, {entailed:,} entailed triples.")
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
