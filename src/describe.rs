//! Everything known about one entity: names, classes, relations both ways, attributes and
//! figures, each with the quote, source, dates and speaker behind it.

use crate::error::Error;
use crate::resolve::EntityIndex;
use crate::schema::{Lang, Schema};
use crate::vocab::{sg, std_terms::*};
use oxigraph::model::{NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef};
use oxigraph::store::Store;
use serde::Serialize;

/// The evidence behind one fact.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
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
#[derive(Debug, Clone, Serialize)]
pub struct RelationFact {
    pub property: String,
    pub property_label: String,
    pub group: Option<String>,
    /// `out` when the entity is the subject, `in` when it is the object.
    pub direction: &'static str,
    pub other: String,
    pub other_label: String,
    /// False for a claim the source only attributes to someone.
    pub asserted: bool,
    pub evidence: Vec<Evidence>,
}

/// One literal attribute.
#[derive(Debug, Clone, Serialize)]
pub struct AttributeFact {
    pub property: String,
    pub property_label: String,
    pub value: String,
    pub asserted: bool,
    pub evidence: Vec<Evidence>,
}

/// One figure about the entity.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
}

/// Gathers the description of `iri`.
pub fn describe(
    store: &Store,
    schema: &Schema,
    index: &EntityIndex,
    iri: &str,
    lang: Lang,
) -> Result<Description, Error> {
    let node = NamedNodeRef::new_unchecked(iri);
    let names = index.names(iri).cloned().unwrap_or_default();
    let mut classes = Vec::new();
    let mut description = None;
    let mut relations: Vec<RelationFact> = Vec::new();
    let mut attributes: Vec<AttributeFact> = Vec::new();
    let label_of = |term: &str| index.label(term, lang);

    for quad in store.quads_for_pattern(Some(node.into()), None, None, None) {
        let quad = quad?;
        let property = quad.predicate.as_str();
        if quad.predicate == RDF_TYPE {
            if let Term::NamedNode(class) = &quad.object {
                classes.push(class.as_str().to_owned());
            }
            continue;
        }
        if [RDFS_LABEL, SKOS_PREF_LABEL, SKOS_ALT_LABEL].contains(&quad.predicate.as_ref()) {
            continue;
        }
        let evidence = evidence_for(store, index, lang, node, quad.predicate.as_ref(), quad.object.as_ref())?;
        // A description without a source is the entity's own summary; a quoted one is a fact.
        if quad.predicate == SCHEMA_DESCRIPTION && evidence.is_empty() {
            if let Term::Literal(l) = &quad.object {
                let english = l.language().is_some_and(|t| t.starts_with("en"));
                if description.is_none() || english {
                    description = Some(l.value().to_owned());
                }
            }
            continue;
        }
        match &quad.object {
            Term::NamedNode(other) if !schema.is_bookkeeping(property) => relations.push(RelationFact {
                property: property.to_owned(),
                property_label: schema.term_label(property, lang),
                group: schema.group_of(property).map(str::to_owned),
                direction: "out",
                other: other.as_str().to_owned(),
                other_label: label_of(other.as_str()),
                asserted: true,
                evidence,
            }),
            Term::Literal(literal) => attributes.push(AttributeFact {
                property: property.to_owned(),
                property_label: schema.term_label(property, lang),
                value: literal.value().to_owned(),
                asserted: true,
                evidence,
            }),
            _ => {}
        }
    }
    for quad in store.quads_for_pattern(None, None, Some(node.into()), None) {
        let quad = quad?;
        let property = quad.predicate.as_str();
        let NamedOrBlankNodeRef::NamedNode(subject) = quad.subject.as_ref() else { continue };
        if schema.is_bookkeeping(property) || quad.predicate == RDF_TYPE {
            continue;
        }
        let evidence = evidence_for(store, index, lang, subject, quad.predicate.as_ref(), node.into())?;
        relations.push(RelationFact {
            property: property.to_owned(),
            property_label: schema.term_label(property, lang),
            group: schema.group_of(property).map(str::to_owned),
            direction: "in",
            other: subject.as_str().to_owned(),
            other_label: label_of(subject.as_str()),
            asserted: true,
            evidence,
        });
    }
    // Claims the source attributes to a speaker have no plain triple: find them by their node.
    for (role, direction) in [(RDF_SUBJECT, "out"), (RDF_OBJECT, "in")] {
        for quad in store.quads_for_pattern(None, Some(role), Some(node.into()), None) {
            let quad = quad?;
            let NamedOrBlankNodeRef::NamedNode(claim) = quad.subject.as_ref() else { continue };
            let (Some(Term::NamedNode(subject)), Some(Term::NamedNode(predicate)), Some(object)) = (
                object_of(store, claim, RDF_SUBJECT)?,
                object_of(store, claim, RDF_PREDICATE)?,
                object_of(store, claim, RDF_OBJECT)?,
            ) else {
                continue;
            };
            let asserted = store
                .quads_for_pattern(Some(subject.as_ref().into()), Some(predicate.as_ref()), Some(object.as_ref()), None)
                .next()
                .is_some();
            if asserted {
                continue;
            }
            let evidence = vec![claim_evidence(store, index, lang, claim)?];
            let property = predicate.as_str();
            match (&object, direction) {
                (Term::Literal(literal), "out") => attributes.push(AttributeFact {
                    property: property.to_owned(),
                    property_label: schema.term_label(property, lang),
                    value: literal.value().to_owned(),
                    asserted: false,
                    evidence,
                }),
                (Term::NamedNode(object), _) => {
                    let other = if direction == "out" { object.as_str() } else { subject.as_str() };
                    relations.push(RelationFact {
                        property: property.to_owned(),
                        property_label: schema.term_label(property, lang),
                        group: schema.group_of(property).map(str::to_owned),
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
    let figures = figures_of(store, index, lang, node)?;
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
    })
}

fn object_of(store: &Store, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Result<Option<Term>, Error> {
    match store.quads_for_pattern(Some(subject.into()), Some(predicate), None, None).next() {
        Some(quad) => Ok(Some(quad?.object)),
        None => Ok(None),
    }
}

fn literal_of(store: &Store, subject: NamedNodeRef<'_>, predicate: NamedNodeRef<'_>) -> Result<Option<String>, Error> {
    Ok(match object_of(store, subject, predicate)? {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        Some(Term::NamedNode(n)) => Some(n.into_string()),
        _ => None,
    })
}

/// The evidence of every claim node about the triple `subject predicate object`.
pub fn evidence_for(
    store: &Store,
    index: &EntityIndex,
    lang: Lang,
    subject: NamedNodeRef<'_>,
    predicate: NamedNodeRef<'_>,
    object: TermRef<'_>,
) -> Result<Vec<Evidence>, Error> {
    let mut out = Vec::new();
    for quad in store.quads_for_pattern(None, Some(RDF_SUBJECT), Some(subject.into()), None) {
        let quad = quad?;
        let NamedOrBlankNodeRef::NamedNode(claim) = quad.subject.as_ref() else { continue };
        let same_predicate = store
            .quads_for_pattern(Some(claim.into()), Some(RDF_PREDICATE), Some(predicate.into()), None)
            .next()
            .is_some();
        let same_object = same_predicate
            && store.quads_for_pattern(Some(claim.into()), Some(RDF_OBJECT), Some(object), None).next().is_some();
        if same_object {
            out.push(claim_evidence(store, index, lang, claim)?);
        }
    }
    out.sort_by(|a, b| (&a.source, &a.quote).cmp(&(&b.source, &b.quote)));
    Ok(out)
}

/// The evidence recorded on one claim or observation node.
pub fn claim_evidence(
    store: &Store,
    index: &EntityIndex,
    lang: Lang,
    node: NamedNodeRef<'_>,
) -> Result<Evidence, Error> {
    let source = literal_of(store, node, PROV_WAS_DERIVED_FROM)?;
    let (source_title, source_date) = match &source {
        Some(source) => {
            let source_node = NamedNodeRef::new_unchecked(source);
            (literal_of(store, source_node, SCHEMA_NAME)?, literal_of(store, source_node, SCHEMA_DATE_PUBLISHED)?)
        }
        None => (None, None),
    };
    let claimed_by = literal_of(store, node, PROV_WAS_ATTRIBUTED_TO)?;
    let claimed_by_label = claimed_by.as_deref().map(|s| index.label(s, lang));
    Ok(Evidence {
        quote: literal_of(store, node, sg::QUOTE)?,
        source,
        source_title,
        source_date,
        start: literal_of(store, node, SCHEMA_START_DATE)?,
        end: literal_of(store, node, SCHEMA_END_DATE)?,
        claimed_by,
        claimed_by_label,
        note: literal_of(store, node, sg::NOTE)?,
    })
}

fn figures_of(
    store: &Store,
    index: &EntityIndex,
    lang: Lang,
    node: NamedNodeRef<'_>,
) -> Result<Vec<FigureFact>, Error> {
    let mut figures = Vec::new();
    for quad in store.quads_for_pattern(None, Some(sg::OBSERVATION_OF), Some(node.into()), None) {
        let quad = quad?;
        let NamedOrBlankNodeRef::NamedNode(obs) = quad.subject.as_ref() else { continue };
        let metric = literal_of(store, obs, sg::METRIC_PROP)?.unwrap_or_default();
        let context = literal_of(store, obs, sg::CONTEXT)?;
        let date = literal_of(store, obs, sg::DATE)?;
        let period = literal_of(store, obs, sg::PERIOD)?.or_else(|| {
            let start = literal_of(store, obs, sg::PERIOD_START).ok().flatten();
            let end = literal_of(store, obs, sg::PERIOD_END).ok().flatten();
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
            value: literal_of(store, obs, sg::VALUE)?.unwrap_or_default(),
            unit: literal_of(store, obs, sg::UNIT)?,
            qualifier: literal_of(store, obs, sg::QUALIFIER)?,
            date,
            period,
            context_label: context.as_deref().map(|c| index.label(c, lang)),
            context,
            evidence: claim_evidence(store, index, lang, obs)?,
        });
    }
    figures.sort_by(|a, b| {
        (&a.metric_label, &a.date, &a.period, &a.value).cmp(&(&b.metric_label, &b.date, &b.period, &b.value))
    });
    Ok(figures)
}
