//! In-process benchmarks (criterion): bulk load, fact-file load, projection build, path
//! queries and a one-shot query on the built-in data, on generated data of a fixed size.
//! Peer tools are compared by benches/compare.sh; this measures our own costs in isolation.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use oxigraph::io::RdfFormat;
use oxigraph::store::Store;
use stratagraph::backend::{Backend, LoadContents, LoadInput};
use stratagraph::exec::execute;
use stratagraph::gen::{generate, write_ecosystem, GenFormat};
use stratagraph::paths::algo::{self, Walk};
use stratagraph::paths::{EdgeFilter, Projection};
use stratagraph::schema::Schema;
use stratagraph::session::{Session, Settings};

const ENTITIES: usize = 20_000;

fn data(format: GenFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_ecosystem(&generate(ENTITIES, 7), format, &mut bytes).expect("in-memory write");
    bytes
}

fn loads(c: &mut Criterion) {
    let nt = data(GenFormat::Nt);
    let triples = nt.iter().filter(|b| **b == b'\n').count() as u64;
    let mut group = c.benchmark_group("load");
    group.sample_size(10).throughput(Throughput::Elements(triples));
    group.bench_function("ntriples into memory", |b| {
        b.iter(|| {
            let store = Store::new().unwrap();
            let mut loader = store.bulk_loader();
            loader.load_from_slice(RdfFormat::NTriples, &nt).unwrap();
            loader.commit().unwrap();
            store
        })
    });
    let facts = String::from_utf8(data(GenFormat::Facts)).unwrap();
    let relations = facts.matches("[[relation]]").count() as u64;
    group.throughput(Throughput::Elements(relations));
    group.bench_function("fact file into memory", |b| {
        b.iter_batched(
            || Backend::builtin(true).unwrap(),
            |graph| {
                let input =
                    LoadInput { name: "gen.toml".into(), base_dir: None, contents: LoadContents::Facts(facts.clone()) };
                graph.load(&[input], None).unwrap();
                graph
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn paths(c: &mut Criterion) {
    let nt = data(GenFormat::Nt);
    let graph = Backend::builtin(true).unwrap();
    graph.embedded().unwrap().bulk_load_ntriples(nt.as_slice()).unwrap();
    let schema = graph.read_schema().unwrap();
    let mut group = c.benchmark_group("paths");
    group.sample_size(10);
    group.bench_function("build projection", |b| b.iter(|| Projection::build(&graph, &schema).unwrap()));
    let projection = Projection::build(&graph, &schema).unwrap();
    let n = projection.graph.node_count();
    let pairs: Vec<_> = (0..100)
        .map(|i| {
            (petgraph::graph::NodeIndex::new((i * 7919) % n), petgraph::graph::NodeIndex::new((i * 104_729 + 13) % n))
        })
        .collect();
    let filter = EdgeFilter::default();
    let walk = Walk::new(&filter, false);
    group.sample_size(20);
    group.bench_function("shortest path x100", |b| {
        b.iter(|| pairs.iter().filter(|(s, t)| algo::shortest_path(&projection, *s, *t, &walk).is_some()).count())
    });
    group.bench_function("5 shortest paths x100", |b| {
        b.iter(|| pairs.iter().map(|(s, t)| algo::k_shortest_paths(&projection, *s, *t, 5, &walk).len()).sum::<usize>())
    });
    group.bench_function("reach upstream x100", |b| {
        b.iter(|| {
            pairs.iter().map(|(_, t)| algo::reach(&projection, *t, true, usize::MAX, &filter).len()).sum::<usize>()
        })
    });
    group.finish();
}

fn one_shot(c: &mut Criterion) {
    let mut group = c.benchmark_group("built-in data");
    group.sample_size(20);
    group.bench_function("open and seed the in-memory graph", |b| b.iter(|| Backend::builtin(false).unwrap()));
    group.bench_function("open, then describe AliExpress", |b| {
        b.iter(|| {
            let mut session = Session::new(Backend::builtin(false).unwrap(), Settings::default());
            let command = stratagraph::cli::Command::Describe(stratagraph::cli::DescribeArgs {
                entity: "AliExpress".into(),
                format: stratagraph::render::TextFormat::Text,
            });
            execute(&mut session, command, &Default::default()).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, loads, paths, one_shot);
criterion_main!(benches);
