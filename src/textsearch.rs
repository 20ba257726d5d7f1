//! Ranked search in the words of the graph: quotes, notes, descriptions, labels and aliases,
//! in English and
//! Chinese (`search --in quotes`). Chinese is indexed by character bigrams (and single
//! characters), Latin text by lower-cased words, and a query's Latin words also match as
//! prefixes. Hits are ranked by BM25. The index is built once per store state in the session.

use crate::backend::Backend;
use crate::error::Error;
use oxigraph::model::Term;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One text of the graph.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Doc {
    /// The node the text is on (a claim, an observation, an entity).
    node: String,
    /// Which of `FIELDS` it is.
    field: u8,
    text: String,
    /// The entity the fact is about (the claim's subject, the figure's entity, the entity).
    about: Option<String>,
    /// Terms in the text.
    length: u32,
}

/// The fields indexed, in the order `Doc::field` numbers them.
const FIELDS: [&str; 5] = ["quote", "note", "description", "label", "alias"];

/// The index: term → (document, count). Kept between processes like the other views.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct TextIndex {
    docs: Vec<Doc>,
    postings: BTreeMap<String, Vec<(u32, u16)>>,
    average_length: f64,
}

/// One ranked hit.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TextHit {
    pub score: f64,
    /// `quote`, `note`, `description`, `label` or `alias`.
    pub field: String,
    pub text: String,
    /// The claim, figure or entity node the text is on.
    pub node: String,
    /// The entity the fact is about, and its label in the output language.
    pub about: Option<String>,
    pub about_label: Option<String>,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

/// The terms of a text: Latin words lower-cased, CJK runs as single characters and bigrams.
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush_run = |run: &mut Vec<char>, out: &mut Vec<String>| {
        for (i, c) in run.iter().enumerate() {
            out.push(c.to_string());
            if let Some(next) = run.get(i + 1) {
                out.push(format!("{c}{next}"));
            }
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            run.push(c);
        } else if c.is_alphanumeric() {
            flush_run(&mut run, &mut out);
            word.extend(c.to_lowercase());
        } else {
            flush_run(&mut run, &mut out);
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
        }
    }
    flush_run(&mut run, &mut out);
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The query's terms: CJK bigrams (single characters only for a one-character run), and
/// Latin words, each marked whether it may match as a prefix.
fn query_terms(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for term in terms(text) {
        let cjk = term.chars().next().is_some_and(is_cjk);
        if cjk {
            out.push((term, false));
        } else {
            out.push((term, true));
        }
    }
    // A CJK run of two or more characters is matched by its bigrams alone (its single
    // characters would rank common characters).
    let has_bigram = out.iter().any(|(t, _)| t.chars().count() == 2 && t.chars().all(is_cjk));
    if has_bigram {
        out.retain(|(t, _)| !(t.chars().count() == 1 && t.chars().all(is_cjk)));
    }
    out.sort();
    out.dedup();
    out
}

impl TextIndex {
    /// Reads every quote, note, description, label and alias of the graph.
    pub fn build(backend: &Backend) -> Result<TextIndex, Error> {
        let rows = backend.select(
            "SELECT ?node ?p ?text ?about WHERE {
               VALUES ?p { sg:quote sg:note schema:description rdfs:label skos:prefLabel skos:altLabel }
               ?node ?p ?text .
               OPTIONAL { ?node rdf:subject|sg:observationOf ?about }
             }",
        )?;
        let mut index = TextIndex::default();
        // A text on a node once, though two label properties carry it.
        let mut seen: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
        for row in rows {
            let [Some(Term::NamedNode(node)), Some(Term::NamedNode(p)), Some(Term::Literal(text)), about] =
                <[Option<Term>; 4]>::try_from(row).unwrap_or_default()
            else {
                continue;
            };
            let field = match p.as_str().rsplit(['#', '/']).next() {
                Some("quote") => 0,
                Some("note") => 1,
                Some("label") | Some("prefLabel") => 3,
                Some("altLabel") => 4,
                _ => 2,
            };
            // A claim names its subject, a figure its entity; a description is on the entity.
            let about = match about {
                Some(Term::NamedNode(n)) => Some(n.as_str().to_owned()),
                _ => Some(node.as_str().to_owned()),
            };
            if !seen.insert((node.as_str().to_owned(), text.value().to_owned())) {
                continue;
            }
            let id = index.docs.len() as u32;
            let mut counts: HashMap<String, u16> = HashMap::new();
            let all = terms(text.value());
            for term in &all {
                let count = counts.entry(term.clone()).or_default();
                *count = count.saturating_add(1);
            }
            for (term, count) in counts {
                index.postings.entry(term).or_default().push((id, count));
            }
            index.docs.push(Doc {
                node: node.as_str().to_owned(),
                field,
                text: text.value().to_owned(),
                about,
                length: all.len() as u32,
            });
        }
        let total: u64 = index.docs.iter().map(|d| u64::from(d.length)).sum();
        index.average_length = if index.docs.is_empty() { 1.0 } else { total as f64 / index.docs.len() as f64 };
        Ok(index)
    }

    /// How many texts are indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The best `limit` texts for `query`, by BM25 over its terms (a Latin word also matches
    /// the words it begins, at half weight).
    pub fn search(&self, query: &str, limit: usize) -> Vec<(f64, usize)> {
        const K1: f64 = 1.2;
        const B: f64 = 0.75;
        let n = self.docs.len() as f64;
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for (term, prefix) in query_terms(query) {
            let mut matched: Vec<(&Vec<(u32, u16)>, f64)> = Vec::new();
            if let Some(list) = self.postings.get(&term) {
                matched.push((list, 1.0));
            }
            if prefix {
                for (other, list) in self.postings.range(term.clone()..) {
                    if !other.starts_with(&term) {
                        break;
                    }
                    if *other != term {
                        matched.push((list, 0.5));
                    }
                }
            }
            for (list, weight) in matched {
                let df = list.len() as f64;
                let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                for &(doc, tf) in list {
                    let length = f64::from(self.docs[doc as usize].length);
                    let tf = f64::from(tf);
                    let part = idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.average_length));
                    *scores.entry(doc).or_default() += weight * part;
                }
            }
        }
        let mut ranked: Vec<(f64, usize)> = scores.into_iter().map(|(doc, score)| (score, doc as usize)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| self.docs[a.1].node.cmp(&self.docs[b.1].node)));
        ranked.truncate(limit);
        ranked
    }

    /// The hit for a ranked document, labelled by `label`.
    pub fn hit(&self, score: f64, doc: usize, label: impl Fn(&str) -> String) -> TextHit {
        let d = &self.docs[doc];
        TextHit {
            score: (score * 1000.0).round() / 1000.0,
            field: FIELDS.get(usize::from(d.field)).copied().unwrap_or("description").to_owned(),
            text: d.text.clone(),
            node: d.node.clone(),
            about_label: d.about.as_deref().map(&label),
            about: d.about.clone(),
        }
    }

    /// The entities the hits are about, for labelling.
    pub fn about_of(&self, docs: &[(f64, usize)]) -> Vec<String> {
        docs.iter().filter_map(|(_, d)| self.docs[*d].about.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_by_bigrams_latin_by_words() {
        assert_eq!(terms("托管业务"), vec!["托", "托管", "管", "管业", "业", "业务", "务"]);
        assert_eq!(terms("Choice托管"), vec!["choice", "托", "托管", "管"]);
        assert_eq!(query_terms("托管"), vec![("托管".to_owned(), false)]);
        assert_eq!(query_terms("Cho"), vec![("cho".to_owned(), true)]);
    }
}
