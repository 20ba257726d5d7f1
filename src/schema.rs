//! What the ontology in a store says: classes, properties, relation groups, labels and
//! colours, read once from the store so the rest of the code holds no list of terms.

use crate::vocab::{self, sg, std_terms::*};
use oxigraph::model::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use std::collections::{BTreeMap, BTreeSet};

/// Labels of one term in the two languages the project speaks.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub en: Option<String>,
    pub zh: Option<String>,
    pub comment: Option<String>,
}

impl Labels {
    /// The label in `lang`, falling back to the other language.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::En => self.en.as_deref().or(self.zh.as_deref()),
            Lang::Zh => self.zh.as_deref().or(self.en.as_deref()),
        }
    }
}

/// A label language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// Which way a hierarchical property points (`sg:hierarchy`): `Up` when the edge goes
/// from a part to its whole, `Down` for the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Hierarchy {
    Up,
    Down,
}

/// A class of the ontology.
#[derive(Debug, Clone, Default)]
pub struct ClassInfo {
    pub labels: Labels,
    pub colour: Option<String>,
    pub parents: Vec<String>,
    /// `sg:cueSuffix`: words that, ending a name, suggest this class (for `draft`).
    pub cue_suffixes: Vec<String>,
    /// `sg:cueFollower`: words that, right after a phrase, suggest the phrase names a thing of
    /// this class (a speaker before 认为).
    pub cue_followers: Vec<String>,
}

/// A property of the ontology.
#[derive(Debug, Clone, Default)]
pub struct PropertyInfo {
    pub labels: Labels,
    /// The relation group key, inherited through `rdfs:subPropertyOf` when not stated.
    pub group: Option<String>,
    pub bookkeeping: bool,
    pub symmetric: bool,
    pub parents: Vec<String>,
    /// `sg:hierarchy`: which way the property points in a part-of hierarchy.
    pub hierarchy: Option<Hierarchy>,
    /// `sg:cueWord`: words that, between two mentions, suggest this property (for `draft`).
    pub cue_words: Vec<String>,
    /// `sg:cueWordInverse`: the same, with the object mentioned first.
    pub cue_words_inverse: Vec<String>,
}

/// A relation group declared in the ontology.
#[derive(Debug, Clone, Default)]
pub struct GroupInfo {
    pub iri: String,
    pub labels: Labels,
    pub aliases: Vec<String>,
}

/// The ontology as the code uses it.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub classes: BTreeMap<String, ClassInfo>,
    pub properties: BTreeMap<String, PropertyInfo>,
    /// Relation groups by key (`organization`, `supply`, ...).
    pub groups: BTreeMap<String, GroupInfo>,
}

impl Schema {
    /// Reads the ontology terms present in a local graph.
    pub fn from_graph(store: &Graph) -> Schema {
        let mut schema = Schema::default();
        let class_types = [OWL_CLASS, RDFS_CLASS];
        for class_type in class_types {
            for iri in subjects_of_type(store, class_type) {
                schema.classes.entry(iri).or_default();
            }
        }
        let property_types = [
            OWL_OBJECT_PROPERTY,
            OWL_DATATYPE_PROPERTY,
            OWL_ANNOTATION_PROPERTY,
            OWL_SYMMETRIC_PROPERTY,
            RDF_PROPERTY,
            sg::BOOKKEEPING_PROPERTY,
        ];
        for property_type in property_types {
            for iri in subjects_of_type(store, property_type) {
                let info = schema.properties.entry(iri).or_default();
                if property_type == sg::BOOKKEEPING_PROPERTY {
                    info.bookkeeping = true;
                }
                if property_type == OWL_SYMMETRIC_PROPERTY {
                    info.symmetric = true;
                }
            }
        }
        for iri in subjects_of_type(store, sg::RELATION_GROUP) {
            let node = NamedNodeRef::new_unchecked(&iri);
            let labels = labels_of(store, node);
            let key =
                first_literal(store, node, sg::GROUP_KEY).or_else(|| labels.en.clone()).unwrap_or_else(|| iri.clone());
            let aliases = literals(store, node, SKOS_ALT_LABEL);
            schema.groups.insert(key, GroupInfo { iri: iri.clone(), labels, aliases });
        }
        let group_by_iri: BTreeMap<String, String> =
            schema.groups.iter().map(|(key, info)| (info.iri.clone(), key.clone())).collect();
        for triple in store.triples_for_predicate(sg::IN_GROUP) {
            if let (NamedOrBlankNodeRef::NamedNode(p), TermRef::NamedNode(g)) = (triple.subject, triple.object) {
                let info = schema.properties.entry(p.as_str().to_owned()).or_default();
                info.group = group_by_iri.get(g.as_str()).cloned();
            }
        }
        for (iri, info) in &mut schema.classes {
            let node = NamedNodeRef::new_unchecked(iri);
            info.labels = labels_of(store, node);
            info.colour = first_literal(store, node, sg::COLOUR);
            info.parents = objects(store, node, RDFS_SUB_CLASS_OF);
            info.cue_suffixes = literals(store, node, sg::CUE_SUFFIX);
            info.cue_followers = literals(store, node, sg::CUE_FOLLOWER);
        }
        for (iri, info) in &mut schema.properties {
            let node = NamedNodeRef::new_unchecked(iri);
            info.labels = labels_of(store, node);
            info.parents = objects(store, node, RDFS_SUB_PROPERTY_OF);
            info.cue_words = literals(store, node, sg::CUE_WORD);
            info.cue_words_inverse = literals(store, node, sg::CUE_WORD_INVERSE);
            info.hierarchy = match first_literal(store, node, sg::HIERARCHY).as_deref() {
                Some("up") => Some(Hierarchy::Up),
                Some("down") => Some(Hierarchy::Down),
                _ => None,
            };
        }
        schema.inherit_groups();
        schema
    }

    fn inherit_groups(&mut self) {
        let snapshot = self.properties.clone();
        for info in self.properties.values_mut() {
            if info.group.is_some() {
                continue;
            }
            let mut seen = BTreeSet::new();
            let mut stack = info.parents.clone();
            while let Some(parent) = stack.pop() {
                if !seen.insert(parent.clone()) {
                    continue;
                }
                if let Some(parent_info) = snapshot.get(&parent) {
                    if let Some(group) = &parent_info.group {
                        info.group = Some(group.clone());
                        break;
                    }
                    stack.extend(parent_info.parents.iter().cloned());
                }
            }
        }
    }

    /// Resolves a class name as fact files write it: `Platform`, `sg:Platform`,
    /// `schema:Person` or a full IRI. Errors carry the closest names.
    pub fn resolve_class(&self, name: &str) -> Result<String, Vec<String>> {
        resolve_term(name, self.classes.keys())
    }

    /// Resolves a property name as fact files write it.
    pub fn resolve_property(&self, name: &str) -> Result<String, Vec<String>> {
        resolve_term(name, self.properties.keys())
    }

    /// True when `property` carries labels, literals or provenance rather than a relation.
    pub fn is_bookkeeping(&self, property: &str) -> bool {
        self.properties.get(property).is_some_and(|p| p.bookkeeping)
    }

    /// The relation group of a property, when the ontology gives one.
    pub fn group_of(&self, property: &str) -> Option<&str> {
        self.properties.get(property)?.group.as_deref()
    }

    /// The label of a property's relation group in `lang`, when it has a group.
    pub fn group_label(&self, property: &str, lang: Lang) -> Option<String> {
        let group = self.group_of(property)?;
        Some(self.groups.get(group).and_then(|g| g.labels.get(lang)).unwrap_or(group).to_owned())
    }

    /// Which way a property points in a part-of hierarchy, when the ontology says.
    pub fn hierarchy_of(&self, property: &str) -> Option<Hierarchy> {
        self.properties.get(property)?.hierarchy
    }

    /// The label of a class or property in `lang`, or its compact name.
    pub fn term_label(&self, iri: &str, lang: Lang) -> String {
        let labels = self.properties.get(iri).map(|p| &p.labels).or_else(|| self.classes.get(iri).map(|c| &c.labels));
        labels.and_then(|l| l.get(lang)).map(str::to_owned).unwrap_or_else(|| short_name(iri))
    }

    /// The colour of a class, inherited from its nearest coloured parent.
    pub fn class_colour(&self, iri: &str) -> Option<&str> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![iri.to_owned()];
        while let Some(class) = stack.pop() {
            if !seen.insert(class.clone()) {
                continue;
            }
            if let Some(info) = self.classes.get(&class) {
                if let Some(colour) = &info.colour {
                    return Some(colour);
                }
                stack.extend(info.parents.iter().rev().cloned());
            }
        }
        None
    }

    /// Finds a relation group by key, label (en or zh) or alias.
    pub fn find_group(&self, name: &str) -> Option<&str> {
        let wanted = name.trim().to_lowercase();
        self.groups.iter().find_map(|(key, info)| {
            let matches = key.to_lowercase() == wanted
                || info.labels.en.as_deref().is_some_and(|l| l.to_lowercase() == wanted)
                || info.labels.zh.as_deref() == Some(name.trim())
                || info.aliases.iter().any(|a| a.to_lowercase() == wanted);
            matches.then_some(key.as_str())
        })
    }
}

/// The compact form of an IRI: `prefix:local` or the part after the last `#` or `/`.
pub fn short_name(iri: &str) -> String {
    vocab::compact(iri).unwrap_or_else(|| iri.rsplit(['#', '/']).find(|s| !s.is_empty()).unwrap_or(iri).to_owned())
}

fn resolve_term<'a>(name: &str, known: impl Iterator<Item = &'a String> + Clone) -> Result<String, Vec<String>> {
    let name = name.trim();
    let candidates: Vec<String> = if let Some(iri) = name.strip_prefix('<').and_then(|n| n.strip_suffix('>')) {
        vec![iri.to_owned()]
    } else if name.starts_with("http://") || name.starts_with("https://") {
        vec![name.to_owned()]
    } else if let Some(iri) = vocab::expand_prefixed(name) {
        vec![iri]
    } else {
        vec![format!("{}{name}", vocab::SG)]
    };
    for candidate in &candidates {
        if known.clone().any(|k| k == candidate) {
            return Ok(candidate.clone());
        }
    }
    let local = name.rsplit([':', '#', '/']).next().unwrap_or(name).to_lowercase();
    let mut scored: Vec<(f64, String)> = known
        .map(|iri| {
            let short = short_name(iri);
            let short_local = short.rsplit(':').next().unwrap_or(&short).to_lowercase();
            (strsim::jaro_winkler(&local, &short_local), short)
        })
        .filter(|(score, _)| *score > 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Err(scored.into_iter().take(3).map(|(_, s)| s).collect())
}

/// The types whose members the schema is read from: classes, properties, relation groups.
pub const SCHEMA_TYPES: &[NamedNodeRef<'static>] = &[
    OWL_CLASS,
    RDFS_CLASS,
    OWL_OBJECT_PROPERTY,
    OWL_DATATYPE_PROPERTY,
    OWL_ANNOTATION_PROPERTY,
    OWL_SYMMETRIC_PROPERTY,
    RDF_PROPERTY,
    sg::BOOKKEEPING_PROPERTY,
    sg::RELATION_GROUP,
];

/// The properties of those terms the schema uses.
pub const SCHEMA_PROPERTIES: &[NamedNodeRef<'static>] = &[
    RDF_TYPE,
    RDFS_LABEL,
    RDFS_COMMENT,
    SKOS_ALT_LABEL,
    sg::GROUP_KEY,
    sg::COLOUR,
    RDFS_SUB_CLASS_OF,
    RDFS_SUB_PROPERTY_OF,
    sg::HIERARCHY,
    sg::IN_GROUP,
    sg::CUE_WORD,
    sg::CUE_WORD_INVERSE,
    sg::CUE_SUFFIX,
    sg::CUE_FOLLOWER,
];

/// The CONSTRUCT that fetches what the schema is read from: the members of `SCHEMA_TYPES`
/// and every subject of `sg:inGroup`, with their `SCHEMA_PROPERTIES`.
pub fn schema_query() -> String {
    let list = |terms: &[NamedNodeRef<'_>]| terms.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ");
    format!(
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ {{ ?s a ?type . VALUES ?type {{ {types} }} }} UNION {{ ?s <{in_group}> ?group }} }} }}
  ?s ?p ?o .
  VALUES ?p {{ {properties} }}
}}",
        types = list(SCHEMA_TYPES),
        in_group = sg::IN_GROUP.as_str(),
        properties = list(SCHEMA_PROPERTIES)
    )
}

fn subjects_of_type(store: &Graph, class: NamedNodeRef<'_>) -> Vec<String> {
    let mut out: Vec<String> = store
        .subjects_for_predicate_object(RDF_TYPE, class)
        .filter_map(|s| match s {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n.as_str().to_owned()),
            NamedOrBlankNodeRef::BlankNode(_) => None,
        })
        .collect();
    out.sort();
    out
}

fn objects(store: &Graph, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Vec<String> {
    let mut out: Vec<String> = store
        .objects_for_subject_predicate(subject, predicate)
        .filter_map(|o| match o {
            TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

fn literals(store: &Graph, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Vec<String> {
    let mut out: Vec<String> = store
        .objects_for_subject_predicate(subject, predicate)
        .filter_map(|o| match o {
            TermRef::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

fn first_literal(store: &Graph, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Option<String> {
    literals(store, subject, predicate).into_iter().next()
}

/// The English and Chinese `rdfs:label` and the `rdfs:comment` of a node.
pub fn labels_of(store: &Graph, subject: NamedNodeRef<'_>) -> Labels {
    let mut labels = Labels::default();
    let mut found: Vec<_> = store.objects_for_subject_predicate(subject, RDFS_LABEL).collect();
    found.sort_by_key(|o| o.to_string());
    for object in found {
        if let TermRef::Literal(l) = object {
            match l.language() {
                Some(lang) if lang.starts_with("zh") => {
                    labels.zh.get_or_insert_with(|| l.value().to_owned());
                }
                Some(lang) if lang.starts_with("en") => {
                    labels.en.get_or_insert_with(|| l.value().to_owned());
                }
                None => {
                    labels.en.get_or_insert_with(|| l.value().to_owned());
                }
                Some(_) => {}
            }
        }
    }
    labels.comment = first_literal(store, subject, RDFS_COMMENT);
    labels
}

impl Schema {
    /// Adds the terms of `other` (an ontology loaded in the same batch) to this schema.
    pub fn merge(&mut self, other: Schema) {
        for (iri, info) in other.classes {
            self.classes.entry(iri).or_insert(info);
        }
        for (iri, info) in other.properties {
            let entry = self.properties.entry(iri).or_default();
            entry.bookkeeping |= info.bookkeeping;
            entry.symmetric |= info.symmetric;
            if entry.group.is_none() {
                entry.group = info.group;
            }
            if entry.labels.en.is_none() && entry.labels.zh.is_none() {
                entry.labels = info.labels;
            }
        }
        for (key, info) in other.groups {
            self.groups.entry(key).or_insert(info);
        }
    }
}
