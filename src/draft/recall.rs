//! How much of a curated fact file a draft of the same article recovers: the share of its
//! entities the draft names (as a mention or a candidate), the share of its quotes that lie
//! inside a sentence the draft proposes a relation or figure from, and how many of the
//! draft's relations join two entities the curated file relates. `measure draft-recall`
//! prints these; BENCHMARKS.md reports them for the built-in article.

use super::Draft;
use crate::facts::FactFile;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The recall and precision figures.
#[derive(Debug, Clone, Serialize)]
pub struct Recall {
    pub curated_entities: usize,
    /// Curated entities one of whose names is exactly a mention's or candidate's name.
    pub entities_named: usize,
    pub entity_recall: f64,
    /// ... leaving out the candidates that are plain words seen once.
    pub entities_named_without_plain: usize,
    pub entity_recall_without_plain: f64,
    /// Curated entities with a name overlapping a candidate's (one contains the other).
    pub entities_overlapping: usize,
    pub entity_recall_overlapping: f64,
    pub curated_quotes: usize,
    /// Curated quotes lying inside a sentence the draft proposes a relation or figure from.
    pub quotes_in_candidate_sentences: usize,
    pub quote_recall: f64,
    pub candidate_entities: usize,
    /// ... of which plain words seen once.
    pub candidate_entities_plain: usize,
    pub candidate_relations: usize,
    /// Candidate relations whose two ends the curated file relates (either way round).
    pub relations_pair_correct: usize,
    pub relation_precision_pair: f64,
    /// ... with the same property, the same way round.
    pub relations_property_correct: usize,
    pub relation_precision_property: f64,
    /// The curated entities no mention or candidate names exactly: id and names.
    pub missed: Vec<(String, Vec<String>)>,
}

fn normal(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64 * 1000.0).round() / 1000.0
    }
}

/// Scores `draft` against the curated files of the same article.
pub fn score(draft: &Draft, curated: &[FactFile]) -> Recall {
    // Each curated entity's names.
    let mut names_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in curated {
        for entity in &file.doc.entity {
            let e = entity.get_ref();
            let names = names_of.entry(e.id.get_ref().clone()).or_default();
            for label in [&e.en, &e.zh].into_iter().flatten() {
                names.push(normal(label.get_ref()));
            }
            names.extend(e.aliases.iter().map(|a| normal(a)));
            names.retain(|n| !n.is_empty());
        }
    }
    // What the draft names: candidate id → name, and the known ids it mentions.
    let drafted: Vec<(String, String)> = draft
        .candidates
        .iter()
        .map(|c| (c.id.clone(), normal(&c.name)))
        .chain(draft.mentions.iter().map(|m| (m.id.clone(), normal(&m.name))))
        .collect();
    let drafted_names: BTreeSet<&str> = drafted.iter().map(|(_, n)| n.as_str()).collect();
    let strong_list: Vec<String> = draft.candidates.iter().filter(|c| !c.plain).map(|c| normal(&c.name)).collect();
    let strong_names: BTreeSet<&str> = strong_list.iter().map(String::as_str).collect();
    let mut named_without_plain = 0;
    let mentioned_ids: BTreeSet<&str> = draft.mentions.iter().map(|m| m.id.as_str()).collect();
    let mut named = 0;
    let mut overlapping = 0;
    let mut missed = Vec::new();
    // Draft id → the curated ids it names.
    let mut curated_for: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (id, names) in &names_of {
        let exact = mentioned_ids.contains(id.as_str()) || names.iter().any(|n| drafted_names.contains(n.as_str()));
        let overlap = exact
            || names.iter().any(|n| {
                n.chars().count() >= 2
                    && drafted
                        .iter()
                        .any(|(_, d)| d.chars().count() >= 2 && (d.contains(n.as_str()) || n.contains(d.as_str())))
            });
        named += usize::from(exact);
        named_without_plain +=
            usize::from(mentioned_ids.contains(id.as_str()) || names.iter().any(|n| strong_names.contains(n.as_str())));
        if !exact {
            missed.push((id.clone(), names.clone()));
        }
        overlapping += usize::from(overlap);
        for (draft_id, draft_name) in &drafted {
            if names.contains(draft_name) || draft_id == id {
                curated_for.entry(draft_id.as_str()).or_default().insert(id.as_str());
            }
        }
    }
    // Quotes.
    let sentences: BTreeSet<String> = draft
        .relations
        .iter()
        .map(|r| normal(&r.sentence))
        .chain(draft.figures.iter().map(|f| normal(&f.sentence)))
        .collect();
    let mut quotes = Vec::new();
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    let mut triples: BTreeSet<(String, String, String)> = BTreeSet::new();
    for file in curated {
        for relation in &file.doc.relation {
            let r = relation.get_ref();
            quotes.extend(r.quote.as_ref().map(|q| normal(q.get_ref())));
            let (s, o) = (r.subject.get_ref().clone(), r.object.get_ref().clone());
            let p = r.property.get_ref().trim_start_matches("sg:").to_owned();
            pairs.insert((s.clone(), o.clone()));
            pairs.insert((o.clone(), s.clone()));
            triples.insert((s, p, o));
        }
        quotes
            .extend(file.doc.attribute.iter().filter_map(|a| a.get_ref().quote.as_ref().map(|q| normal(q.get_ref()))));
        quotes.extend(file.doc.figure.iter().filter_map(|f| f.get_ref().quote.as_ref().map(|q| normal(q.get_ref()))));
    }
    let found_quotes = quotes.iter().filter(|q| sentences.iter().any(|s| s.contains(q.as_str()))).count();
    // Relations.
    let empty = BTreeSet::new();
    let ends = |id: &str| curated_for.get(id).unwrap_or(&empty).clone();
    let mut pair_correct = 0;
    let mut property_correct = 0;
    for relation in &draft.relations {
        let (subjects, objects) = (ends(&relation.subject), ends(&relation.object));
        let pair = subjects.iter().any(|s| objects.iter().any(|o| pairs.contains(&((*s).to_owned(), (*o).to_owned()))));
        let same = relation.property.as_ref().is_some_and(|p| {
            subjects
                .iter()
                .any(|s| objects.iter().any(|o| triples.contains(&((*s).to_owned(), p.clone(), (*o).to_owned()))))
        });
        pair_correct += usize::from(pair);
        property_correct += usize::from(same);
    }
    Recall {
        curated_entities: names_of.len(),
        entities_named: named,
        entity_recall: share(named, names_of.len()),
        entities_named_without_plain: named_without_plain,
        entity_recall_without_plain: share(named_without_plain, names_of.len()),
        entities_overlapping: overlapping,
        entity_recall_overlapping: share(overlapping, names_of.len()),
        curated_quotes: quotes.len(),
        quotes_in_candidate_sentences: found_quotes,
        quote_recall: share(found_quotes, quotes.len()),
        candidate_entities: draft.candidates.len(),
        candidate_entities_plain: draft.candidates.iter().filter(|c| c.plain).count(),
        candidate_relations: draft.relations.len(),
        relations_pair_correct: pair_correct,
        relation_precision_pair: share(pair_correct, draft.relations.len()),
        relations_property_correct: property_correct,
        relation_precision_property: share(property_correct, draft.relations.len()),
        missed,
    }
}
