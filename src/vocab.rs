//! Every IRI the code names, in one place: namespaces, the project's own terms and the
//! standard terms the loader writes.
//!
//! Architecture Invariant: no other module spells an IRI as a string literal; relation
//! properties, groups, labels and colours are data in the ontology, not names here.

use oxigraph::model::NamedNodeRef;

/// The ontology namespace: classes and properties of the project.
pub const SG: &str = "https://w3id.org/stratagraph/ontology#";
/// The entity namespace: every entity, claim, observation and source made from fact files.
pub const ENTITY: &str = "https://w3id.org/stratagraph/id/";
/// The path SERVICE and its terms (`sgpath:`).
pub const PATH_SERVICE: &str = "https://w3id.org/stratagraph/path#";
/// The text-search SERVICE and its terms (`sgtext:`).
pub const TEXT_SERVICE: &str = "https://w3id.org/stratagraph/text#";

/// Prefixes predeclared for SPARQL, prefixed names and compact rendering, in render order.
pub const PREFIXES: &[(&str, &str)] = &[
    ("sg", SG),
    ("entity", ENTITY),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("schema", "https://schema.org/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("sgpath", PATH_SERVICE),
    ("sgtext", TEXT_SERVICE),
];

const fn n(iri: &'static str) -> NamedNodeRef<'static> {
    NamedNodeRef::new_unchecked(iri)
}

/// RDF, RDFS, OWL and XSD terms.
pub mod std_terms {
    use super::n;
    use oxigraph::model::NamedNodeRef;
    pub const RDF_TYPE: NamedNodeRef<'static> = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
    pub const RDF_SUBJECT: NamedNodeRef<'static> = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject");
    pub const RDF_PREDICATE: NamedNodeRef<'static> = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate");
    pub const RDF_OBJECT: NamedNodeRef<'static> = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#object");
    pub const RDF_PROPERTY: NamedNodeRef<'static> = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#Property");
    pub const RDFS_LABEL: NamedNodeRef<'static> = n("http://www.w3.org/2000/01/rdf-schema#label");
    pub const RDFS_COMMENT: NamedNodeRef<'static> = n("http://www.w3.org/2000/01/rdf-schema#comment");
    pub const RDFS_CLASS: NamedNodeRef<'static> = n("http://www.w3.org/2000/01/rdf-schema#Class");
    pub const RDFS_SUB_CLASS_OF: NamedNodeRef<'static> = n("http://www.w3.org/2000/01/rdf-schema#subClassOf");
    pub const RDFS_SUB_PROPERTY_OF: NamedNodeRef<'static> = n("http://www.w3.org/2000/01/rdf-schema#subPropertyOf");
    pub const OWL_CLASS: NamedNodeRef<'static> = n("http://www.w3.org/2002/07/owl#Class");
    pub const OWL_OBJECT_PROPERTY: NamedNodeRef<'static> = n("http://www.w3.org/2002/07/owl#ObjectProperty");
    pub const OWL_DATATYPE_PROPERTY: NamedNodeRef<'static> = n("http://www.w3.org/2002/07/owl#DatatypeProperty");
    pub const OWL_ANNOTATION_PROPERTY: NamedNodeRef<'static> = n("http://www.w3.org/2002/07/owl#AnnotationProperty");
    pub const OWL_SAME_AS: NamedNodeRef<'static> = n("http://www.w3.org/2002/07/owl#sameAs");
    pub const OWL_SYMMETRIC_PROPERTY: NamedNodeRef<'static> = n("http://www.w3.org/2002/07/owl#SymmetricProperty");
    pub const SKOS_PREF_LABEL: NamedNodeRef<'static> = n("http://www.w3.org/2004/02/skos/core#prefLabel");
    pub const SKOS_ALT_LABEL: NamedNodeRef<'static> = n("http://www.w3.org/2004/02/skos/core#altLabel");
    pub const PROV_WAS_DERIVED_FROM: NamedNodeRef<'static> = n("http://www.w3.org/ns/prov#wasDerivedFrom");
    pub const PROV_WAS_ATTRIBUTED_TO: NamedNodeRef<'static> = n("http://www.w3.org/ns/prov#wasAttributedTo");
    pub const SCHEMA_NAME: NamedNodeRef<'static> = n("https://schema.org/name");
    pub const SCHEMA_DESCRIPTION: NamedNodeRef<'static> = n("https://schema.org/description");
    pub const SCHEMA_URL: NamedNodeRef<'static> = n("https://schema.org/url");
    pub const SCHEMA_AUTHOR: NamedNodeRef<'static> = n("https://schema.org/author");
    pub const SCHEMA_PUBLISHER: NamedNodeRef<'static> = n("https://schema.org/publisher");
    pub const SCHEMA_DATE_PUBLISHED: NamedNodeRef<'static> = n("https://schema.org/datePublished");
    pub const SCHEMA_IN_LANGUAGE: NamedNodeRef<'static> = n("https://schema.org/inLanguage");
    pub const SCHEMA_START_DATE: NamedNodeRef<'static> = n("https://schema.org/startDate");
    pub const SCHEMA_END_DATE: NamedNodeRef<'static> = n("https://schema.org/endDate");
    pub const XSD_STRING: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#string");
    pub const XSD_INTEGER: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#integer");
    pub const XSD_DECIMAL: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#decimal");
    pub const XSD_DOUBLE: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#double");
    pub const XSD_DATE: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#date");
    pub const XSD_G_YEAR: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#gYear");
    pub const XSD_G_YEAR_MONTH: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#gYearMonth");
    pub const XSD_DATE_TIME: NamedNodeRef<'static> = n("http://www.w3.org/2001/XMLSchema#dateTime");
}

/// The project's own ontology terms that the code itself reads or writes.
pub mod sg {
    use super::n;
    use oxigraph::model::NamedNodeRef;
    pub const CLAIM: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#Claim");
    pub const METRIC_OBSERVATION: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#MetricObservation");
    pub const SOURCE_DOCUMENT: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#SourceDocument");
    pub const RELATION_GROUP: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#RelationGroup");
    pub const BOOKKEEPING_PROPERTY: NamedNodeRef<'static> =
        n("https://w3id.org/stratagraph/ontology#BookkeepingProperty");
    pub const METRIC: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#Metric");
    pub const IN_GROUP: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#inGroup");
    pub const GROUP_KEY: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#groupKey");
    pub const HIERARCHY: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#hierarchy");
    pub const COLOUR: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#colour");
    pub const QUOTE: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#quote");
    pub const NOTE: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#note");
    pub const OBSERVATION_OF: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#observationOf");
    pub const METRIC_PROP: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#metric");
    pub const VALUE: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#value");
    pub const UNIT: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#unit");
    pub const DATE: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#date");
    pub const PERIOD: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#period");
    pub const PERIOD_START: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#periodStart");
    pub const PERIOD_END: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#periodEnd");
    pub const CONTEXT: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#context");
    pub const QUALIFIER: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#qualifier");
    pub const CUE_WORD: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#cueWord");
    pub const CUE_WORD_INVERSE: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#cueWordInverse");
    pub const CUE_SUFFIX: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#cueSuffix");
    pub const CUE_FOLLOWER: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#cueFollower");
    pub const IS_DRAFT: NamedNodeRef<'static> = n("https://w3id.org/stratagraph/ontology#isDraft");
}

/// Expands `prefix:local` with the predeclared prefixes.
pub fn expand_prefixed(name: &str) -> Option<String> {
    let (prefix, local) = name.split_once(':')?;
    if local.starts_with("//") {
        return None;
    }
    PREFIXES.iter().find(|(p, _)| *p == prefix).map(|(_, ns)| format!("{ns}{local}"))
}

/// Shortens an IRI to `prefix:local` when a predeclared prefix matches and the rest is a
/// plain name.
pub fn compact(iri: &str) -> Option<String> {
    PREFIXES.iter().find_map(|(prefix, ns)| {
        let local = iri.strip_prefix(ns)?;
        let plain = !local.is_empty()
            && local.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
            && !local.ends_with('.');
        plain.then(|| format!("{prefix}:{local}"))
    })
}

/// The IRI of the entity with fact-file id `id`.
pub fn entity_iri(id: &str) -> String {
    format!("{ENTITY}{id}")
}

/// The fact-file id of an entity IRI, when it is in the entity namespace.
pub fn entity_id(iri: &str) -> Option<&str> {
    iri.strip_prefix(ENTITY)
}

/// The IRI that stands for blank node `label` of an input identified by `salt`, when data is
/// pushed to a remote engine (so a second push of the same input names the same nodes).
pub fn skolem_iri(salt: &str, label: &str) -> String {
    format!("{ENTITY}.well-known/genid/{salt}-{label}")
}
