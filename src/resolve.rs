//! ENTITY → IRI: the one resolver every command uses. It accepts an IRI, a prefixed name, a
//! fact-file id, an English or Chinese label or an alias, and suggests the closest names.

use crate::backend::Backend;
use crate::error::Error;
use crate::facts::has_cjk;
use crate::schema::Lang;
use crate::schema::Schema;
use crate::vocab::{self, std_terms::*};
use oxigraph::model::TermRef;
use serde::Serialize;
use std::collections::BTreeMap;

/// An entity's names, as the index knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EntityNames {
    pub iri: String,
    pub en: Option<String>,
    pub zh: Option<String>,
    pub aliases: Vec<String>,
}

impl EntityNames {
    /// The label in `lang`, falling back to the other language, then the IRI's short form.
    pub fn label(&self, lang: Lang) -> String {
        let preferred = match lang {
            Lang::En => self.en.as_ref().or(self.zh.as_ref()),
            Lang::Zh => self.zh.as_ref().or(self.en.as_ref()),
        };
        preferred.cloned().unwrap_or_else(|| crate::schema::short_name(&self.iri))
    }

    fn names(&self) -> impl Iterator<Item = (&str, MatchKind)> {
        self.en
            .iter()
            .chain(self.zh.iter())
            .map(|n| (n.as_str(), MatchKind::Label))
            .chain(self.aliases.iter().map(|a| (a.as_str(), MatchKind::Alias)))
    }
}

/// How a search hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    Label,
    Alias,
}

/// One search hit.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Hit {
    pub iri: String,
    pub en: Option<String>,
    pub zh: Option<String>,
    /// The name that matched.
    pub matched: String,
    /// `exact`, `prefix`, `contains` or `fuzzy`.
    pub how: &'static str,
    /// 1.0 for an exact match, lower for weaker ones.
    pub score: f64,
}

/// The label predicates, in the order of precedence: an earlier predicate's label wins.
const LABEL_PREDICATES: [oxigraph::model::NamedNodeRef<'static>; 3] = [RDFS_LABEL, SKOS_PREF_LABEL, SKOS_ALT_LABEL];

/// Gathers entities' names from label triples read in any order, and chooses them the same
/// way whatever the order: per predicate (in `LABEL_PREDICATES` order) and language, the
/// smallest label; alternative labels become aliases, sorted.
#[derive(Default)]
struct NameCollector {
    /// Per predicate (by its position), per IRI: English, Chinese, aliases.
    found: [BTreeMap<String, (Option<String>, Option<String>, Vec<String>)>; 3],
}

impl NameCollector {
    fn add(&mut self, iri: &str, predicate: oxigraph::model::NamedNodeRef<'_>, object: TermRef<'_>) {
        let TermRef::Literal(label) = object else { return };
        if is_vocabulary_iri(iri) {
            return;
        }
        let Some(position) = LABEL_PREDICATES.iter().position(|p| *p == predicate) else { return };
        let (en, zh, aliases) = self.found[position].entry(iri.to_owned()).or_default();
        let value = label.value().to_owned();
        let is_zh = label.language().map_or_else(|| has_cjk(&value), |l| l.starts_with("zh"));
        if predicate == SKOS_ALT_LABEL {
            aliases.push(value);
        } else {
            let slot = if is_zh { zh } else { en };
            if slot.as_ref().is_none_or(|old| value < *old) {
                *slot = Some(value);
            }
        }
    }

    fn finish(self, schema: &Schema) -> EntityIndex {
        let mut by_iri: BTreeMap<String, EntityNames> = BTreeMap::new();
        for found in self.found {
            for (iri, (en, zh, mut aliases)) in found {
                let names = by_iri.entry(iri.clone()).or_insert_with(|| EntityNames { iri, ..EntityNames::default() });
                if names.en.is_none() {
                    names.en = en;
                }
                if names.zh.is_none() {
                    names.zh = zh;
                }
                aliases.sort();
                for alias in aliases {
                    if !names.aliases.contains(&alias) {
                        names.aliases.push(alias);
                    }
                }
            }
        }
        // An alias that repeats a label (a second source's file redeclaring the entity) is
        // no second name.
        for names in by_iri.values_mut() {
            let (en, zh) = (names.en.clone(), names.zh.clone());
            names.aliases.retain(|alias| Some(alias) != en.as_ref() && Some(alias) != zh.as_ref());
        }
        // Ontology terms typed in the data are not entities.
        let mut entities: Vec<EntityNames> = by_iri.into_values().collect();
        entities.retain(|e| !schema.classes.contains_key(&e.iri) && !schema.properties.contains_key(&e.iri));
        EntityIndex { entities }
    }
}

/// A name that names its entity outright (an IRI, a prefixed name, a fact-file id), resolved
/// with one ASK and no index; `None` when the name needs the index (a label, an alias, or
/// an unknown name, whose error suggests close names). It agrees with `EntityIndex::resolve`.
pub fn resolve_explicit(backend: &Backend, text: &str) -> Result<Option<String>, Error> {
    let text = text.trim();
    if let Some(iri) = explicit_iri(text) {
        if let Some(merged) = same_as_target(backend, &iri)? {
            return Ok(Some(merged));
        }
        return Ok(backend.mentions(&iri)?.then_some(iri));
    }
    if crate::facts::is_valid_id(text) {
        let iri = vocab::entity_iri(text);
        let labelled = backend.ask(&format!(
            "ASK {{ VALUES ?p {{ rdfs:label skos:prefLabel skos:altLabel }} <{iri}> ?p ?l FILTER(isLiteral(?l)) }}"
        ))?;
        if labelled {
            return Ok(Some(iri));
        }
        return same_as_target(backend, &iri);
    }
    Ok(None)
}

/// The entity an id was merged into by a fact file's `same_as` (`<iri> owl:sameAs <target>`
/// with the target named in the data), when it was.
pub fn same_as_target(backend: &Backend, iri: &str) -> Result<Option<String>, Error> {
    if !crate::backend::is_plain_iri(iri) || !iri.starts_with(vocab::ENTITY) {
        return Ok(None);
    }
    let rows = backend.select(&format!(
        "SELECT ?t WHERE {{ <{iri}> owl:sameAs ?t . FILTER(isIRI(?t) && ?t != <{iri}>) ?t ?p ?o }} LIMIT 1"
    ))?;
    Ok(rows.into_iter().next().and_then(|row| match row.into_iter().next().flatten() {
        Some(oxigraph::model::Term::NamedNode(target)) => Some(target.into_string()),
        _ => None,
    }))
}

/// The IRI a name spells out: `<IRI>`, a full http(s)/urn IRI, or a prefixed name.
pub(crate) fn explicit_iri(text: &str) -> Option<String> {
    if let Some(iri) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        Some(iri.to_owned())
    } else if text.starts_with("http://") || text.starts_with("https://") || text.starts_with("urn:") {
        Some(text.to_owned())
    } else if !has_cjk(text) && !text.contains(' ') {
        vocab::expand_prefixed(text)
    } else {
        None
    }
}

/// Every labelled entity in a store, for lookup and completion.
#[derive(Debug, Clone, Default)]
pub struct EntityIndex {
    entities: Vec<EntityNames>,
}

impl EntityIndex {
    /// Reads the labels and aliases of every entity: labelled subjects that are not
    /// ontology terms, claims or observations.
    pub fn build(backend: &Backend, schema: &Schema) -> Result<EntityIndex, Error> {
        let mut names = NameCollector::default();
        for predicate in LABEL_PREDICATES {
            backend.scan_predicate(predicate, &mut |iri, object| {
                names.add(iri, predicate, object);
                Ok(())
            })?;
        }
        Ok(names.finish(schema))
    }

    /// The names of these IRIs only, read with a few CONSTRUCTs of their labels (batches of
    /// a few hundred): what one description needs, chosen exactly as `build` chooses. (The
    /// predicates are a FILTER, not a second VALUES: oxigraph joins two VALUES blocks with a
    /// pattern by scanning the whole store, 0.9 s at a million triples instead of 10 ms.)
    pub fn for_iris(backend: &Backend, schema: &Schema, iris: &[String]) -> Result<EntityIndex, Error> {
        let plain: Vec<&String> = iris.iter().filter(|iri| crate::backend::is_plain_iri(iri)).collect();
        let mut names = NameCollector::default();
        for batch in plain.chunks(300) {
            let query = format!(
                "CONSTRUCT {{ ?n ?p ?l }} WHERE {{ {} ?n ?p ?l FILTER(?p IN (rdfs:label, skos:prefLabel, skos:altLabel)) }}",
                crate::backend::values_clause("n", batch)
            );
            let graph = backend.construct(&query)?;
            for predicate in LABEL_PREDICATES {
                for triple in graph.triples_for_predicate(predicate) {
                    if let oxigraph::model::NamedOrBlankNodeRef::NamedNode(subject) = triple.subject {
                        names.add(subject.as_str(), predicate, triple.object);
                    }
                }
            }
        }
        Ok(names.finish(schema))
    }

    /// The index's entries, to keep on disk (`views`).
    pub fn to_stored(&self) -> &[EntityNames] {
        &self.entities
    }

    /// The index back from its stored entries; `None` unless they are sorted by IRI.
    pub fn from_stored(entities: Vec<EntityNames>) -> Option<EntityIndex> {
        entities.windows(2).all(|w| w[0].iri < w[1].iri).then_some(EntityIndex { entities })
    }

    /// All entities, sorted by IRI.
    pub fn entities(&self) -> &[EntityNames] {
        &self.entities
    }

    /// The names of one entity.
    pub fn names(&self, iri: &str) -> Option<&EntityNames> {
        self.entities.binary_search_by(|e| e.iri.as_str().cmp(iri)).ok().map(|i| &self.entities[i])
    }

    /// The label of an IRI in `lang`, or its short form when it has none.
    pub fn label(&self, iri: &str, lang: Lang) -> String {
        self.names(iri).map(|n| n.label(lang)).unwrap_or_else(|| crate::schema::short_name(iri))
    }

    /// Entities whose names match `text`: exact first, then prefix, substring and fuzzy.
    /// Only names of comparable length are compared fuzzily (one under half the other's
    /// length cannot score a fuzzy match), so a 2,000-character name costs no more than a
    /// short one.
    pub fn search(&self, text: &str, limit: usize) -> Vec<Hit> {
        let wanted = normalize(text);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut hits = self.matches(&wanted, true, limit);
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.iri.cmp(&b.iri)));
        hits.truncate(limit);
        hits
    }

    /// Every entity with a name matching the normalized `wanted`, by its best name; fuzzy
    /// matches only when asked (resolving needs exact matches only). The Jaro-Winkler pass,
    /// the costly one, runs only when the exact, prefix and substring matches leave room in
    /// the first `limit` hits (a fuzzy score never reaches 0.7, which any exact or prefix
    /// match passes), and only for entities without a better match already.
    fn matches(&self, wanted: &str, fuzzy: bool, limit: usize) -> Vec<Hit> {
        let wanted_len = wanted.chars().count();
        let mut buffer = String::new();
        // Per entity: its best (score, how, name) so far.
        let mut best: Vec<Option<(f64, &'static str, &str)>> = vec![None; self.entities.len()];
        for (i, entity) in self.entities.iter().enumerate() {
            let id = vocab::entity_id(&entity.iri).unwrap_or("");
            for (name, kind) in entity.names().chain(std::iter::once((id, MatchKind::Alias))) {
                if name.is_empty() {
                    continue;
                }
                normalize_into(name, &mut buffer);
                let candidate = buffer.as_str();
                let alias_penalty = if kind == MatchKind::Alias { 0.01 } else { 0.0 };
                let found = if candidate == wanted {
                    Some((1.0 - alias_penalty, "exact"))
                } else if candidate.starts_with(wanted) {
                    let coverage = wanted_len as f64 / candidate.chars().count() as f64;
                    Some((0.8 + 0.1 * coverage - alias_penalty, "prefix"))
                } else if candidate.contains(wanted) {
                    let coverage = wanted_len as f64 / candidate.chars().count() as f64;
                    Some((0.6 + 0.1 * coverage - alias_penalty, "contains"))
                } else {
                    None
                };
                if let Some((score, how)) = found {
                    if best[i].is_none_or(|(s, _, _)| score > s) {
                        best[i] = Some((score, how, name));
                    }
                }
            }
        }
        let strong = best.iter().flatten().filter(|(score, _, _)| *score >= 0.7).count();
        if fuzzy && strong < limit {
            for (i, entity) in self.entities.iter().enumerate() {
                if best[i].is_some_and(|(score, _, _)| score >= 0.7) {
                    continue;
                }
                let id = vocab::entity_id(&entity.iri).unwrap_or("");
                for (name, kind) in entity.names().chain(std::iter::once((id, MatchKind::Alias))) {
                    if name.is_empty() {
                        continue;
                    }
                    normalize_into(name, &mut buffer);
                    let candidate = buffer.as_str();
                    if candidate == wanted
                        || candidate.contains(wanted)
                        || !comparable(wanted_len, candidate.chars().count())
                    {
                        continue;
                    }
                    let alias_penalty = if kind == MatchKind::Alias { 0.01 } else { 0.0 };
                    let similarity = strsim::jaro_winkler(wanted, candidate);
                    if similarity >= 0.8 {
                        let score = similarity * 0.7 - alias_penalty;
                        if best[i].is_none_or(|(s, _, _)| score > s) {
                            best[i] = Some((score, "fuzzy", name));
                        }
                    }
                }
            }
        }
        let mut hits = Vec::new();
        for (entity, found) in self.entities.iter().zip(best) {
            if let Some((score, how, matched)) = found {
                hits.push(Hit {
                    iri: entity.iri.clone(),
                    en: entity.en.clone(),
                    zh: entity.zh.clone(),
                    matched: matched.to_owned(),
                    how,
                    score: (score * 1000.0).round() / 1000.0,
                });
            }
        }
        hits
    }

    /// Resolves a user's name for an entity to its IRI.
    pub fn resolve(&self, backend: &Backend, text: &str) -> Result<String, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::input("empty entity name", None));
        }
        if let Some(iri) = explicit_iri(text) {
            if let Some(merged) = same_as_target(backend, &iri)? {
                return Ok(merged);
            }
            if backend.mentions(&iri)? {
                return Ok(iri);
            }
            return Err(self.unknown(text));
        }
        if crate::facts::is_valid_id(text) {
            let iri = vocab::entity_iri(text);
            if self.names(&iri).is_some() {
                return Ok(iri);
            }
            if let Some(merged) = same_as_target(backend, &iri)? {
                return Ok(merged);
            }
        }
        let exact: Vec<Hit> =
            self.matches(&normalize(text), false, usize::MAX).into_iter().filter(|h| h.how == "exact").collect();
        match exact.as_slice() {
            [one] => Ok(one.iri.clone()),
            [] => Err(self.unknown(text)),
            many => Err(ambiguous(text, many)),
        }
    }

    fn unknown(&self, text: &str) -> Error {
        unknown(text, &self.search(text, 3))
    }
}

/// The error for a name that names no entity, with the `close` names found for it.
pub(crate) fn unknown(text: &str, close: &[Hit]) -> Error {
    let hint = if close.is_empty() {
        "try `stratagraph search TEXT` to find names".to_owned()
    } else {
        format!("did you mean {}?", close.iter().map(describe_hit).collect::<Vec<_>>().join(", "))
    };
    Error::input(format!("unknown entity `{text}`"), Some(hint))
}

/// The error for a name that is the exact name of each of `many` entities.
pub(crate) fn ambiguous(text: &str, many: &[Hit]) -> Error {
    Error::input(
        format!("`{text}` is ambiguous: it names {} entities", many.len()),
        Some(format!("use one of {}", many.iter().map(describe_hit).collect::<Vec<_>>().join(", "))),
    )
}

fn describe_hit(hit: &Hit) -> String {
    let id = vocab::compact(&hit.iri).unwrap_or_else(|| hit.iri.clone());
    match (&hit.en, &hit.zh) {
        (Some(en), Some(zh)) => format!("{en} ({zh}, {id})"),
        (Some(name), None) | (None, Some(name)) => format!("{name} ({id})"),
        (None, None) => id,
    }
}

fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// `text` lowercased with its runs of white space made one space, into `out` (reused
/// across the names of a search, so a scan of a million names allocates once).
pub(crate) fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

/// True for IRIs of the vocabularies the ontology describes (not entities).
fn is_vocabulary_iri(iri: &str) -> bool {
    vocab::PREFIXES.iter().filter(|(prefix, _)| *prefix != "entity").any(|(_, ns)| iri.starts_with(ns))
        || iri == vocab::SG.trim_end_matches('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> EntityIndex {
        let names = |id: &str, en: &str, zh: &str, aliases: &[&str]| EntityNames {
            iri: vocab::entity_iri(id),
            en: Some(en.into()),
            zh: Some(zh.into()),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        };
        let mut entities = vec![
            names("aliexpress", "AliExpress", "速卖通", &["国际版淘宝"]),
            names("taobao", "Taobao", "淘宝", &[]),
            names("taotian-overseas", "Taotian Overseas", "淘天海外", &[]),
        ];
        entities.sort_by(|a, b| a.iri.cmp(&b.iri));
        EntityIndex { entities }
    }

    fn check(text: &str, expected_first: &str, how: &str) {
        let hits = index().search(text, 5);
        let first = hits.first().expect("a hit");
        assert_eq!((vocab::entity_id(&first.iri).unwrap(), first.how), (expected_first, how), "{text}");
    }

    #[test]
    fn labels_read_for_a_few_iris_are_the_index_labels() {
        let backend = Backend::builtin(false).unwrap();
        let schema = backend.read_schema().unwrap();
        let full = EntityIndex::build(&backend, &schema).unwrap();
        let iris: Vec<String> = full.entities().iter().map(|e| e.iri.clone()).collect();
        let partial = EntityIndex::for_iris(&backend, &schema, &iris).unwrap();
        assert_eq!(partial.entities(), full.entities());
        let some = EntityIndex::for_iris(&backend, &schema, &[vocab::entity_iri("aliexpress")]).unwrap();
        assert_eq!(some.entities().len(), 1);
        assert_eq!(some.names(&vocab::entity_iri("aliexpress")), full.names(&vocab::entity_iri("aliexpress")));
        assert_eq!(resolve_explicit(&backend, "entity:aliexpress").unwrap(), Some(vocab::entity_iri("aliexpress")));
        assert_eq!(resolve_explicit(&backend, "aliexpress").unwrap(), Some(vocab::entity_iri("aliexpress")));
        assert_eq!(resolve_explicit(&backend, "AliExpress").unwrap(), None, "a label needs the index");
        assert_eq!(resolve_explicit(&backend, "entity:nobody-at-all").unwrap(), None);
    }

    #[test]
    fn search_ranks_exact_then_prefix_then_fuzzy() {
        check("速卖通", "aliexpress", "exact");
        check("aliexpress", "aliexpress", "exact");
        check("国际版淘宝", "aliexpress", "exact");
        check("速卖", "aliexpress", "prefix");
        check("淘", "taobao", "prefix");
        check("Aliexpres", "aliexpress", "prefix");
        check("Taotain Overseas", "taotian-overseas", "fuzzy");
    }
}

/// Whether two names' lengths allow a fuzzy match.
pub(crate) fn comparable(a: usize, b: usize) -> bool {
    a.min(b) * 2 >= a.max(b)
}
