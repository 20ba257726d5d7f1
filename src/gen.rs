//! `gen`: a deterministic synthetic platform ecosystem at any size, so every benchmark and
//! every peer tool runs on the same data. Groups own platforms, platforms run programs,
//! merchants sell on platforms and are supplied by tiers of factories, people head units,
//! and competition and partnership edges follow a heavy-tailed degree distribution.

use crate::error::Error;
use crate::vocab;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Output formats of `gen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// N-Triples with the ontology's classes and properties.
    Nt,
    /// A TOML fact file (with synthetic quotes) for the fact loader.
    Facts,
    /// A tab-separated edge list of entity numbers, for graph libraries.
    Edges,
}

impl GenFormat {
    /// The media type of this format.
    pub fn media_type(self) -> &'static str {
        match self {
            GenFormat::Nt => "application/n-triples",
            GenFormat::Facts => "application/toml",
            GenFormat::Edges => "text/tab-separated-values",
        }
    }
}

/// Arguments of `gen`.
#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    /// How many entities to make.
    #[arg(long, default_value_t = 1000)]
    pub entities: usize,
    /// The random seed: the same seed and size give the same file.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "nt")]
    pub format: GenFormat,
    /// Write here (whole or not at all); standard output when absent.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A small, fast, seedable generator (SplitMix64); stable across versions by design.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The kinds of generated entity, their class and share of the population (per mille).
const KINDS: &[(&str, &str, usize)] = &[
    ("group", "BusinessGroup", 10),
    ("platform", "Platform", 40),
    ("program", "Program", 50),
    ("merchant", "Merchant", 350),
    ("factory", "Merchant", 380),
    ("person", "Person", 150),
    ("market", "Market", 20),
];

const ZH_SYLLABLES: &[&str] = &[
    "华", "通", "达", "云", "海", "星", "宝", "锦", "源", "捷", "盛", "联", "创", "鑫", "优", "品", "汇", "康", "远",
    "航",
];

/// One generated relation: subject index, property (prefixed), object index.
type Edge = (usize, &'static str, usize);

/// The generated ecosystem.
pub struct Ecosystem {
    /// (kind, class) of every entity.
    pub kinds: Vec<(&'static str, &'static str)>,
    pub edges: Vec<Edge>,
}

/// Builds the ecosystem for `entities` and `seed`.
pub fn generate(entities: usize, seed: u64) -> Ecosystem {
    let mut rng = Rng(seed);
    let total_share: usize = KINDS.iter().map(|k| k.2).sum();
    let mut kinds = Vec::with_capacity(entities);
    let mut by_kind: Vec<Vec<usize>> = vec![Vec::new(); KINDS.len()];
    for (k, (name, class, share)) in KINDS.iter().enumerate() {
        let count = (entities * share / total_share).max(1);
        for _ in 0..count {
            if kinds.len() >= entities.max(KINDS.len()) {
                break;
            }
            by_kind[k].push(kinds.len());
            kinds.push((*name, *class));
        }
    }
    while kinds.len() < entities {
        by_kind[3].push(kinds.len());
        kinds.push(("merchant", "Merchant"));
    }
    let [groups, platforms, programs, merchants, factories, people, markets] =
        [0, 1, 2, 3, 4, 5, 6].map(|k| by_kind[k].clone());
    let mut edges: Vec<Edge> = Vec::new();
    let pick = |rng: &mut Rng, list: &[usize]| list[rng.below(list.len())];
    // Ownership: a tree of groups, platforms under groups.
    for (i, &group) in groups.iter().enumerate().skip(1) {
        edges.push((group, "org:subOrganizationOf", groups[rng.below(i)]));
    }
    for &platform in &platforms {
        edges.push((platform, "org:subOrganizationOf", pick(&mut rng, &groups)));
    }
    for &program in &programs {
        let platform = pick(&mut rng, &platforms);
        edges.push((platform, "sg:launched", program));
        edges.push((program, "sg:runsOn", platform));
    }
    for &person in &people {
        let unit = if rng.below(3) == 0 { pick(&mut rng, &groups) } else { pick(&mut rng, &platforms) };
        edges.push((person, "org:headOf", unit));
    }
    // Supply: factories in tiers supply each other, then merchants; merchants sell on
    // platforms and supply programs.
    let tiers = 4;
    let by_tier: Vec<Vec<usize>> = (0..tiers)
        .map(|tier| factories.iter().enumerate().filter(|(j, _)| j % tiers == tier).map(|(_, f)| *f).collect())
        .collect();
    for (i, &factory) in factories.iter().enumerate() {
        let tier = i % tiers;
        if tier + 1 < tiers {
            let next_tier = &by_tier[tier + 1];
            if !next_tier.is_empty() {
                edges.push((factory, "sg:supplies", pick(&mut rng, next_tier)));
            }
        } else {
            edges.push((factory, "sg:supplies", pick(&mut rng, &merchants)));
        }
    }
    for &merchant in &merchants {
        edges.push((merchant, "sg:sellsOn", pick(&mut rng, &platforms)));
        if rng.below(4) == 0 {
            edges.push((merchant, "sg:supplies", pick(&mut rng, &programs)));
        }
    }
    for &platform in &platforms {
        edges.push((platform, "sg:targetsMarket", pick(&mut rng, &markets)));
    }
    // Heavy tails: preferential attachment for competition among platforms and partnership
    // among merchants and platforms.
    let mut attachment: Vec<usize> = Vec::new();
    for &platform in &platforms {
        if let Some(&rival) = attachment.get(rng.below(attachment.len().max(1))).filter(|_| !attachment.is_empty()) {
            if rival != platform {
                edges.push((platform, "sg:competesWith", rival));
                attachment.push(rival);
            }
        }
        attachment.push(platform);
    }
    let mut attachment: Vec<usize> = platforms.clone();
    for &merchant in merchants.iter().step_by(3) {
        let partner = attachment[rng.below(attachment.len())];
        if partner != merchant {
            edges.push((merchant, "sg:partnersWith", partner));
            attachment.push(partner);
            attachment.push(merchant);
        }
    }
    Ecosystem { kinds, edges }
}

fn english_label(kind: &str, index: usize) -> String {
    format!("{}{} {index}", kind[..1].to_uppercase(), &kind[1..])
}

fn chinese_label(kind: &str, index: usize) -> String {
    let suffix = match kind {
        "group" => "集团",
        "platform" => "平台",
        "program" => "计划",
        "merchant" => "商家",
        "factory" => "工厂",
        "person" => "先生",
        _ => "市场",
    };
    let mut n = index;
    let mut name = String::new();
    loop {
        name.push_str(ZH_SYLLABLES[n % ZH_SYLLABLES.len()]);
        n /= ZH_SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
    format!("{name}{suffix}{index}")
}

fn expand(prefixed: &str) -> String {
    vocab::expand_prefixed(prefixed).expect("generator uses known prefixes")
}

/// Writes the ecosystem in `format`.
pub fn write_ecosystem(eco: &Ecosystem, format: GenFormat, out: &mut dyn Write) -> std::io::Result<()> {
    let id = |i: usize| format!("gen-{}-{i}", eco.kinds[i].0);
    match format {
        GenFormat::Edges => {
            for (s, _, o) in &eco.edges {
                writeln!(out, "{s}\t{o}")?;
            }
        }
        GenFormat::Nt => {
            let rdf_type = vocab::std_terms::RDF_TYPE.as_str();
            let label = vocab::std_terms::RDFS_LABEL.as_str();
            for (i, (kind, class)) in eco.kinds.iter().enumerate() {
                let iri = vocab::entity_iri(&id(i));
                writeln!(out, "<{iri}> <{rdf_type}> <{}{class}> .", vocab::SG)?;
                writeln!(out, "<{iri}> <{label}> \"{}\"@en .", english_label(kind, i))?;
                writeln!(out, "<{iri}> <{label}> \"{}\"@zh .", chinese_label(kind, i))?;
            }
            let mut expanded: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
            for (s, p, o) in &eco.edges {
                let predicate = expanded.entry(p).or_insert_with(|| expand(p));
                writeln!(out, "<{}> <{predicate}> <{}> .", vocab::entity_iri(&id(*s)), vocab::entity_iri(&id(*o)))?;
            }
        }
        GenFormat::Facts => {
            writeln!(out, "# Synthetic ecosystem made by `stratagraph gen`; every quote is synthetic.\n")?;
            writeln!(out, "[[source]]\nid = \"gen-source\"\ntitle = \"Synthetic ecosystem\"\ndate = \"2025-01-01\"\n")?;
            for (i, (kind, class)) in eco.kinds.iter().enumerate() {
                writeln!(
                    out,
                    "[[entity]]\nid = \"{}\"\nclass = \"{class}\"\nen = \"{}\"\nzh = \"{}\"\n",
                    id(i),
                    english_label(kind, i),
                    chinese_label(kind, i)
                )?;
            }
            for (n, (s, p, o)) in eco.edges.iter().enumerate() {
                // Words in both languages for the text search, and dates on every fifth
                // relation (an end on every fifteenth) for the as-of view.
                let quote = format!(
                    "synthetic fact {n}: {} and {}",
                    english_label(eco.kinds[*s].0, *s),
                    chinese_label(eco.kinds[*o].0, *o)
                );
                write!(out, "[[relation]]\nsubject = \"{}\"\nproperty = \"{p}\"\nobject = \"{}\"\n", id(*s), id(*o))?;
                if n % 5 == 0 {
                    let start = 2016 + n % 9;
                    write!(out, "start = \"{start}\"\n")?;
                    if n % 15 == 0 {
                        write!(out, "end = \"{}\"\n", start + 2)?;
                    }
                }
                writeln!(out, "quote = \"{quote}\"\n")?;
            }
        }
    }
    Ok(())
}

/// The most entities one `gen` makes (about 430M triples).
pub const MAX_ENTITIES: usize = 100_000_000;

/// Runs `gen`: a note on what was generated, and the writer of its text.
pub fn execute(args: &GenArgs) -> Result<(String, impl FnOnce(&mut dyn Write) -> Result<(), Error> + Send), Error> {
    if args.entities == 0 {
        return Err(Error::input("--entities must be at least 1", None));
    }
    // About 4.3 triples and a few hundred bytes of memory per entity: a billion entities is
    // past any machine this runs on, so larger counts are refused before anything is made.
    if args.entities > MAX_ENTITIES {
        return Err(Error::input(
            format!("--entities {} is more than the {MAX_ENTITIES} gen makes", args.entities),
            Some("generate in parts with different --seed values".to_owned()),
        ));
    }
    let eco = generate(args.entities, args.seed);
    let note = format!("generated {} entities and {} relations (seed {})", eco.kinds.len(), eco.edges.len(), args.seed);
    let format = args.format;
    Ok((note, move |out: &mut dyn Write| write_ecosystem(&eco, format, out).map_err(Error::from)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let a = generate(500, 7);
        let b = generate(500, 7);
        assert_eq!(a.edges, b.edges);
        assert_eq!(a.kinds.len(), 500);
        assert_ne!(generate(500, 8).edges, a.edges);
    }

    #[test]
    fn degrees_are_heavy_tailed() {
        let eco = generate(20_000, 1);
        let mut degree = vec![0usize; eco.kinds.len()];
        for (s, _, o) in &eco.edges {
            degree[*s] += 1;
            degree[*o] += 1;
        }
        let max = *degree.iter().max().unwrap();
        let mean = degree.iter().sum::<usize>() as f64 / degree.len() as f64;
        assert!(max as f64 > 20.0 * mean, "max {max}, mean {mean}");
    }
}
