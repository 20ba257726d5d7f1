//! Everything known about one entity: names, classes, relations both ways, attributes and
//! figures, each with the quote, source, dates and speaker behind it.

use crate::backend::{is_plain_iri, Backend};
use crate::error::Error;
use crate::resolve::EntityIndex;
use crate::schema::{Lang, Schema};
use crate::vocab::{sg, std_terms::*};
use oxigraph::model::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef, TripleRef};
use serde::Serialize;

/// The evidence behind one fact.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Evidence {
    pub quote: Option<String>,
    pub source: Option<String>,
    pub source_title: Option<String>,
    pub source_date: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// The speaker, when the fact is someone's claim rather than the source's statement.
    pub claimed_by: Option<String>,
    pub claimed_by_label: Option<String>,
    pub note: Option<String>,
}

/// One relation of the entity, outgoing or incoming.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RelationFact {
    pub property: String,
    pub property_label: String,
    pub group: Option<String>,
    /// The group's label in the output language.
    pub group_label: Option<String>,
    /// `out` when the entity is the subject, `in` when it is the object.
    pub direction: &'static str,
    pub other: String,
    pub other_label: String,
    /// False for a claim the source only attributes to someone.
    pub asserted: bool,
    pub evidence: Vec<Evidence>,
}

/// One literal attribute.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AttributeFact {
    pub property: String,
    pub property_label: String,
    pub value: String,
    pub asserted: bool,
    pub evidence: Vec<Evidence>,
}

/// One figure about the entity.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FigureFact {
    pub metric: String,
    pub metric_label: String,
    pub value: String,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    pub date: Option<String>,
    pub period: Option<String>,
    pub context: Option<String>,
    pub context_label: Option<String>,
    pub evidence: Evidence,
}

/// The whole description.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Description {
    pub iri: String,
    pub en: Option<String>,
    pub zh: Option<String>,
    pub aliases: Vec<String>,
    pub classes: Vec<String>,
    pub class_labels: Vec<String>,
    pub description: Option<String>,
    pub relations: Vec<RelationFact>,
    pub attributes: Vec<AttributeFact>,
    pub figures: Vec<FigureFact>,
    /// Facts about the entity that two sources give differently, both sides kept.
    pub conflicts: Vec<crate::conflicts::Conflict>,
    /// The day the graph was read as of (`--as-of`): only the facts in force then are listed.
    pub as_of: Option<String>,
}

/// What `describe` reads about one entity, in one CONSTRUCT: its triples both ways, the claim
/// and observation nodes that name it with all their properties, and the title and date of
/// each source they cite. Nothing else of the graph is read.
fn describe_query(iri: &str) -> String {
    format!(
        "CONSTRUCT {{ <{iri}> ?p1 ?o1 . ?s2 ?p2 <{iri}> . ?c ?p3 ?o3 . ?source ?p4 ?o4 }} WHERE {{
  {{ <{iri}> ?p1 ?o1 }}
  UNION {{ ?s2 ?p2 <{iri}> }}
  UNION {{ VALUES ?role {{ rdf:subject rdf:object sg:observationOf }} ?c ?role <{iri}> . ?c ?p3 ?o3 }}
  UNION {{ VALUES ?role2 {{ rdf:subject rdf:object sg:observationOf }} ?c2 ?role2 <{iri}> .
           ?c2 prov:wasDerivedFrom ?source .
           VALUES ?p4 {{ schema:name schema:datePublished }} ?source ?p4 ?o4 }}
}}"
    )
}

/// Gathers the description of `iri`: one CONSTRUCT of its neighbourhood, and the names of
/// the entities in it from `names_of` (a few label queries, or the kept names: no index of
/// the whole graph is needed).
/// With `as_of`, only the facts in force on its day are read. The neighbourhood's query
/// keeps to `bounds` (the command's time left and its cancellation).
pub fn describe(
    backend: &Backend,
    schema: &Schema,
    iri: &str,
    lang: Lang,
    as_of: Option<&crate::asof::AsOfView>,
    bounds: &crate::backend::Evaluation,
    names_of: &dyn Fn(&[String]) -> Result<std::sync::Arc<EntityIndex>, Error>,
) -> Result<Description, Error> {
    if !is_plain_iri(iri) {
        return Err(Error::input(format!("`{iri}` cannot be described: it is not a plain IRI"), None));
    }
    let mut local = backend.construct_within(&describe_query(iri), bounds)?;
    if let Some(view) = as_of {
        local = local
            .iter()
            .map(oxigraph::model::Triple::from)
            .filter(|t| view.keeps(&t.subject, &t.predicate, &t.object))
            .collect();
    }
    let mut named: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    named.insert(iri.to_owned());
    for triple in local.iter() {
        if let NamedOrBlankNodeRef::NamedNode(subject) = triple.subject {
            named.insert(subject.as_str().to_owned());
        }
        if let TermRef::NamedNode(object) = triple.object {
            named.insert(object.as_str().to_owned());
        }
    }
    let named: Vec<String> = named.into_iter().collect();
    let labels = names_of(&named)?;
    let index = &*labels;
    let store = &local;
    let node = NamedNodeRef::new_unchecked(iri);
    let names = index.names(iri).cloned().unwrap_or_default();
    let mut classes = Vec::new();
    let mut description = None;
    let mut relations: Vec<RelationFact> = Vec::new();
    let mut attributes: Vec<AttributeFact> = Vec::new();
    let label_of = |term: &str| index.label(term, lang);

    let mut outgoing: Vec<TripleRef<'_>> = store.triples_for_subject(node).collect();
    outgoing.sort_by_cached_key(|t| t.to_string());
    for quad in outgoing {
        let property = quad.predicate.as_str();
        if quad.predicate == RDF_TYPE {
            if let TermRef::NamedNode(class) = &quad.object {
                classes.push(class.as_str().to_owned());
            }
            continue;
        }
        if [RDFS_LABEL, SKOS_PREF_LABEL, SKOS_ALT_LABEL].contains(&quad.predicate) {
            continue;
        }
        let evidence = evidence_in(store, index, lang, node, quad.predicate, quad.object);
        // A description without a source is the entity's own summary; a quoted one is a fact.
        if quad.predicate == SCHEMA_DESCRIPTION && evidence.is_empty() {
            if let TermRef::Literal(l) = &quad.object {
                // The output language's summary when there is one, else any other.
                let wanted = match lang {
                    Lang::En => "en",
                    Lang::Zh => "zh",
                };
                let fits = l.language().is_some_and(|t| t.starts_with(wanted));
                if description.is_none() || fits {
                    description = Some(l.value().to_owned());
                }
            }
            continue;
        }
        match &quad.object {
            TermRef::NamedNode(other) if !schema.is_bookkeeping(property) => relations.push(RelationFact {
                property: property.to_owned(),
                property_label: schema.term_label(property, lang),
                group: schema.group_of(property).map(str::to_owned),
                group_label: schema.group_label(property, lang),
                direction: "out",
                other: other.as_str().to_owned(),
                other_label: label_of(other.as_str()),
                asserted: true,
                evidence,
            }),
            TermRef::Literal(literal) => attributes.push(AttributeFact {
                property: property.to_owned(),
                property_label: schema.term_label(property, lang),
                value: literal.value().to_owned(),
                asserted: true,
                evidence,
            }),
            _ => {}
        }
    }
    for quad in store.triples_for_object(node) {
        let property = quad.predicate.as_str();
        let NamedOrBlankNodeRef::NamedNode(subject) = quad.subject else { continue };
        if schema.is_bookkeeping(property) || quad.predicate == RDF_TYPE {
            continue;
        }
        let evidence = evidence_in(store, index, lang, subject, quad.predicate, node.into());
        relations.push(RelationFact {
            property: property.to_owned(),
            property_label: schema.term_label(property, lang),
            group: schema.group_of(property).map(str::to_owned),
            group_label: schema.group_label(property, lang),
            direction: "in",
            other: subject.as_str().to_owned(),
            other_label: label_of(subject.as_str()),
            asserted: true,
            evidence,
        });
    }
    // Claims the source attributes to a speaker have no plain triple: find them by their node.
    for (role, direction) in [(RDF_SUBJECT, "out"), (RDF_OBJECT, "in")] {
        for claim in store.subjects_for_predicate_object(role, node) {
            let NamedOrBlankNodeRef::NamedNode(claim) = claim else { continue };
            let (Some(TermRef::NamedNode(subject)), Some(TermRef::NamedNode(predicate)), Some(object)) = (
                store.object_for_subject_predicate(claim, RDF_SUBJECT),
                store.object_for_subject_predicate(claim, RDF_PREDICATE),
                store.object_for_subject_predicate(claim, RDF_OBJECT),
            ) else {
                continue;
            };
            if store.contains(TripleRef::new(subject, predicate, object)) {
                continue;
            }
            let evidence = vec![claim_evidence(store, index, lang, claim)];
            let property = predicate.as_str();
            match (&object, direction) {
                (TermRef::Literal(literal), "out") => attributes.push(AttributeFact {
                    property: property.to_owned(),
                    property_label: schema.term_label(property, lang),
                    value: literal.value().to_owned(),
                    asserted: false,
                    evidence,
                }),
                (TermRef::NamedNode(object), _) => {
                    let other = if direction == "out" { object.as_str() } else { subject.as_str() };
                    relations.push(RelationFact {
                        property: property.to_owned(),
                        property_label: schema.term_label(property, lang),
                        group: schema.group_of(property).map(str::to_owned),
                        group_label: schema.group_label(property, lang),
                        direction,
                        other: other.to_owned(),
                        other_label: label_of(other),
                        asserted: false,
                        evidence,
                    });
                }
                _ => {}
            }
        }
    }
    let figures = figures_of(store, index, lang, node);
    relations.sort_by(|a, b| {
        (a.group.as_deref().unwrap_or("~"), &a.property_label, a.direction, &a.other_label).cmp(&(
            b.group.as_deref().unwrap_or("~"),
            &b.property_label,
            b.direction,
            &b.other_label,
        ))
    });
    attributes.sort_by(|a, b| (&a.property_label, &a.value).cmp(&(&b.property_label, &b.value)));
    classes.sort();
    let class_labels = classes.iter().map(|c| schema.term_label(c, lang)).collect();
    let mut conflicts = crate::conflicts::find_in(&local)?;
    for conflict in &mut conflicts {
        conflict.about_label = Some(if conflict.kind == "figure" {
            label_of(&conflict.about)
        } else {
            schema.term_label(&conflict.about, lang)
        });
        conflict.sides.sort_by(|a, b| a.source.cmp(&b.source));
        if conflict.kind == "dates" {
            // The rule names the relation's other entity by its English label or IRI.
            if let Some(other) = conflict.when.as_deref().filter(|w| w.starts_with("http")) {
                conflict.when = Some(label_of(other));
            }
        }
    }
    Ok(Description {
        iri: iri.to_owned(),
        en: names.en,
        zh: names.zh,
        aliases: names.aliases,
        classes,
        class_labels,
        description,
        relations,
        attributes,
        figures,
        conflicts,
        as_of: as_of.map(|view| crate::asof::day_text(view.day)),
    })
}

fn literal_of(store: &Graph, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Option<String> {
    let mut values: Vec<String> = store
        .objects_for_subject_predicate(subject, predicate)
        .filter_map(|o| match o {
            TermRef::Literal(l) => Some(l.value().to_owned()),
            TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    values.sort();
    values.into_iter().next()
}

/// The evidence of every claim node about the triple `subject predicate object`: one
/// CONSTRUCT of those claims and their sources.
pub fn evidence_for(
    backend: &Backend,
    schema: &Schema,
    lang: Lang,
    subject: NamedNodeRef<'_>,
    predicate: NamedNodeRef<'_>,
    object: TermRef<'_>,
) -> Result<Vec<Evidence>, Error> {
    let (s, p) = (subject.as_str(), predicate.as_str());
    if !is_plain_iri(s) || !is_plain_iri(p) {
        return Ok(Vec::new());
    }
    let object_text = match object {
        TermRef::NamedNode(n) if is_plain_iri(n.as_str()) => n.to_string(),
        TermRef::Literal(l) => l.to_string(),
        _ => return Ok(Vec::new()),
    };
    let query = format!(
        "CONSTRUCT {{ ?c ?p ?o . ?source ?sp ?so }} WHERE {{
  ?c rdf:subject <{s}> ; rdf:predicate <{p}> ; rdf:object {object_text} .
  {{ ?c ?p ?o }} UNION {{ ?c prov:wasDerivedFrom ?source . VALUES ?sp {{ schema:name schema:datePublished }} ?source ?sp ?so }}
}}"
    );
    let local = backend.construct(&query)?;
    // The speakers of the claims, to name them.
    let speakers: Vec<String> = local
        .triples_for_predicate(PROV_WAS_ATTRIBUTED_TO)
        .filter_map(|t| match t.object {
            TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    let index = EntityIndex::for_iris(backend, schema, &speakers)?;
    Ok(evidence_in(&local, &index, lang, subject, predicate, object))
}

/// The most triples whose evidence one CONSTRUCT asks for.
const EVIDENCE_BATCH: usize = 256;

/// The evidence of each of these `(subject, predicate, object)` triples, as
/// [`evidence_for`] gives it for one, with one CONSTRUCT per few hundred triples instead of
/// one per triple (a neighbourhood of hundreds of relations).
pub fn evidence_for_each(
    backend: &Backend,
    schema: &Schema,
    lang: Lang,
    triples: &[(NamedNodeRef<'_>, NamedNodeRef<'_>, TermRef<'_>)],
) -> Result<Vec<Vec<Evidence>>, Error> {
    let mut local = Graph::new();
    let rows: Vec<String> = triples
        .iter()
        .filter_map(|(subject, predicate, object)| {
            let (s, p) = (subject.as_str(), predicate.as_str());
            let object = match object {
                TermRef::NamedNode(n) if is_plain_iri(n.as_str()) => n.to_string(),
                TermRef::Literal(l) => l.to_string(),
                _ => return None,
            };
            (is_plain_iri(s) && is_plain_iri(p)).then(|| format!("(<{s}> <{p}> {object})"))
        })
        .collect();
    for chunk in rows.chunks(EVIDENCE_BATCH) {
        let query = format!(
            "CONSTRUCT {{ ?c ?p ?o . ?source ?sp ?so }} WHERE {{
  VALUES (?es ?ep ?eo) {{ {} }}
  ?c rdf:subject ?es ; rdf:predicate ?ep ; rdf:object ?eo .
  {{ ?c ?p ?o }} UNION {{ ?c prov:wasDerivedFrom ?source . VALUES ?sp {{ schema:name schema:datePublished }} ?source ?sp ?so }}
}}",
            chunk.join(" ")
        );
        local.extend(backend.construct(&query)?.iter());
    }
    let speakers: Vec<String> = local
        .triples_for_predicate(PROV_WAS_ATTRIBUTED_TO)
        .filter_map(|t| match t.object {
            TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    let index = EntityIndex::for_iris(backend, schema, &speakers)?;
    Ok(triples.iter().map(|(s, p, o)| evidence_in(&local, &index, lang, *s, *p, *o)).collect())
}

/// The evidence of every claim node in `store` about the triple `subject predicate object`.
fn evidence_in(
    store: &Graph,
    index: &EntityIndex,
    lang: Lang,
    subject: NamedNodeRef<'_>,
    predicate: NamedNodeRef<'_>,
    object: TermRef<'_>,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    for claim in store.subjects_for_predicate_object(RDF_SUBJECT, subject) {
        let NamedOrBlankNodeRef::NamedNode(claim) = claim else { continue };
        let same = store.contains(TripleRef::new(claim, RDF_PREDICATE, predicate))
            && store.contains(TripleRef::new(claim, RDF_OBJECT, object));
        if same {
            out.push(claim_evidence(store, index, lang, claim));
        }
    }
    out.sort_by(|a, b| (&a.source, &a.quote).cmp(&(&b.source, &b.quote)));
    out
}

/// The evidence recorded on one claim or observation node.
fn claim_evidence(store: &Graph, index: &EntityIndex, lang: Lang, node: NamedNodeRef<'_>) -> Evidence {
    let source = literal_of(store, node, PROV_WAS_DERIVED_FROM);
    let (source_title, source_date) = match &source {
        Some(source) => {
            let source_node = NamedNodeRef::new_unchecked(source);
            (literal_of(store, source_node, SCHEMA_NAME), literal_of(store, source_node, SCHEMA_DATE_PUBLISHED))
        }
        None => (None, None),
    };
    let claimed_by = literal_of(store, node, PROV_WAS_ATTRIBUTED_TO);
    let claimed_by_label = claimed_by.as_deref().map(|s| index.label(s, lang));
    Evidence {
        quote: literal_of(store, node, sg::QUOTE),
        source,
        source_title,
        source_date,
        start: literal_of(store, node, SCHEMA_START_DATE),
        end: literal_of(store, node, SCHEMA_END_DATE),
        claimed_by,
        claimed_by_label,
        note: literal_of(store, node, sg::NOTE),
    }
}

fn figures_of(store: &Graph, index: &EntityIndex, lang: Lang, node: NamedNodeRef<'_>) -> Vec<FigureFact> {
    let mut figures = Vec::new();
    for obs in store.subjects_for_predicate_object(sg::OBSERVATION_OF, node) {
        let NamedOrBlankNodeRef::NamedNode(obs) = obs else { continue };
        let metric = literal_of(store, obs, sg::METRIC_PROP).unwrap_or_default();
        let context = literal_of(store, obs, sg::CONTEXT);
        let date = literal_of(store, obs, sg::DATE);
        let period = literal_of(store, obs, sg::PERIOD).or_else(|| {
            let start = literal_of(store, obs, sg::PERIOD_START);
            let end = literal_of(store, obs, sg::PERIOD_END);
            match (start, end) {
                (Some(s), Some(e)) => Some(format!("{s}/{e}")),
                (Some(s), None) => Some(format!("{s}/")),
                (None, Some(e)) => Some(format!("/{e}")),
                _ => None,
            }
        });
        figures.push(FigureFact {
            metric_label: index.label(&metric, lang),
            metric,
            value: literal_of(store, obs, sg::VALUE).unwrap_or_default(),
            unit: literal_of(store, obs, sg::UNIT),
            qualifier: literal_of(store, obs, sg::QUALIFIER),
            date,
            period,
            context_label: context.as_deref().map(|c| index.label(c, lang)),
            context,
            evidence: claim_evidence(store, index, lang, obs),
        });
    }
    figures.sort_by(|a, b| {
        (&a.metric_label, &a.date, &a.period, &a.value).cmp(&(&b.metric_label, &b.date, &b.period, &b.value))
    });
    figures
}
