//! Fact files → RDF quads: entities with labels, plain triples for asserted facts, and a
//! claim or observation node carrying the quote and source of every fact.

use super::dates::{parse_period, FactDate};
use super::{has_cjk, is_valid_id, FactFile, Problem, Scalar, Severity};
use crate::schema::Schema;
use crate::vocab::{self, sg, std_terms::*};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// What the loader needs to know beyond the files themselves.
pub struct LowerContext<'a> {
    /// The ontology the files' class and property names resolve against.
    pub schema: &'a Schema,
    /// For an entity id the target store already holds, the id it names there: itself, or
    /// the id an earlier `same_as` merged it into. `None` for an id the store lacks.
    pub known_entity: &'a dyn Fn(&str) -> Option<String>,
    /// What to do with tables `draft` wrote and nobody has confirmed.
    pub drafts: DraftPolicy,
}

/// What lowering does with a table marked `draft = true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DraftPolicy {
    /// `check`: each draft is listed as a warning, and so is what is still wrong in it.
    #[default]
    Report,
    /// `load`: each draft is an error, and nothing is written.
    Refuse,
    /// `load --allow-draft`: drafts are lowered like any table (their errors are errors)
    /// and their nodes marked `sg:isDraft true`.
    Allow,
}

/// Where the claim or observation node of one fact came from, so that a later finding about
/// the node (a conflict with another source) can be located in the file.
#[derive(Debug, Clone)]
pub struct FactNode {
    pub node: NamedNode,
    pub file: usize,
    pub span: Range<usize>,
}

/// The result of lowering a set of fact files.
#[derive(Debug, Default)]
pub struct Lowered {
    pub quads: Vec<Quad>,
    pub n_entities: usize,
    pub n_facts: usize,
    /// Every quote with the source it cites, for verification against the source text.
    pub quotes: Vec<QuoteUse>,
    /// Sources declared in these files, by id: (file index, local text path).
    pub sources: BTreeMap<String, (usize, Option<Spanned<String>>)>,
    /// Warnings that do not stop a load.
    pub warnings: Vec<Problem>,
    /// The tables marked `draft = true`.
    pub drafts: usize,
    /// Every claim and observation node made, with the table it came from.
    pub fact_nodes: Vec<FactNode>,
}

/// One quote and where it is, for `check`.
#[derive(Debug, Clone)]
pub struct QuoteUse {
    pub source: String,
    pub quote: String,
    pub file: usize,
    pub span: Range<usize>,
}

/// Lowers `files` together: ids are shared across them. Returns every error found, not just
/// the first, so `check` can list them all.
pub fn lower(files: &[FactFile], context: &LowerContext<'_>) -> Result<Lowered, Vec<Problem>> {
    let mut lowering = Lowering {
        files,
        context,
        out: Lowered::default(),
        errors: Vec::new(),
        declared: BTreeMap::new(),
        same_as: BTreeMap::new(),
        in_draft: false,
        suggestions_left: MAX_SUGGESTIONS,
    };
    lowering.collect_ids();
    for (index, file) in files.iter().enumerate() {
        lowering.lower_file(index, file);
    }
    if lowering.errors.is_empty() {
        Ok(lowering.out)
    } else {
        let mut errors = lowering.errors;
        errors.extend(lowering.out.warnings);
        Err(errors)
    }
}

struct Lowering<'a> {
    files: &'a [FactFile],
    context: &'a LowerContext<'a>,
    out: Lowered,
    errors: Vec<Problem>,
    /// Ids declared in these files: id → (file index, span) of the first declaration.
    declared: BTreeMap<String, (usize, Range<usize>)>,
    /// Entities declared with `same_as`: id → the id it names.
    same_as: BTreeMap<String, String>,
    /// True while a table marked `draft = true` is lowered.
    in_draft: bool,
    /// How many more unknown ids get a "did you mean": each costs a pass over the declared
    /// ids, so a file of thousands of dangling references stays linear.
    suggestions_left: usize,
}

/// The unknown ids per batch of files that get suggestions.
const MAX_SUGGESTIONS: usize = 100;

impl Lowering<'_> {
    fn error(&mut self, file: usize, span: Range<usize>, message: String, hint: Option<String>) {
        // What is still missing in an unconfirmed draft is the reader's to-do, not a fault:
        // the draft itself is what a load refuses.
        if self.in_draft && self.context.drafts != DraftPolicy::Allow {
            self.warn(file, span, format!("in a draft: {message}"), hint);
            return;
        }
        let problem = self.files[file].problem_at(span, message, hint);
        self.errors.push(problem);
    }

    /// Starts a table: notes whether it is a draft, and what the policy makes of that.
    fn begin_table(&mut self, file: usize, span: Range<usize>, draft: Option<&Spanned<bool>>, kind: &str) {
        self.in_draft = draft.is_some_and(|d| *d.get_ref());
        if !self.in_draft {
            return;
        }
        self.out.drafts += 1;
        match self.context.drafts {
            DraftPolicy::Report => self.warn(
                file,
                span,
                format!("unconfirmed draft {kind}"),
                Some("check it against the source, correct it, then delete its `draft = true`".into()),
            ),
            DraftPolicy::Refuse => {
                let problem = self.files[file].problem_at(
                    span,
                    format!("unconfirmed draft {kind}"),
                    Some("confirm it by deleting its `draft = true`, or load with --allow-draft".into()),
                );
                self.errors.push(problem);
            }
            DraftPolicy::Allow => {}
        }
    }

    /// The id `name` finally names, following `same_as` declarations of these files.
    fn canonical<'n>(&'n self, name: &'n str) -> &'n str {
        let mut current = name;
        for _ in 0..32 {
            match self.same_as.get(current) {
                Some(next) if next != name => current = next,
                _ => break,
            }
        }
        current
    }

    /// True when following `same_as` from `id` comes back to it.
    fn same_as_cycle(&self, id: &str) -> bool {
        let mut current = id;
        for _ in 0..32 {
            match self.same_as.get(current) {
                Some(next) if next == id => return true,
                Some(next) => current = next,
                None => return false,
            }
        }
        true
    }

    /// The IRI an id names, here or in the store, after `same_as`; `None` when unknown.
    fn known_iri(&self, name: &str) -> Option<NamedNode> {
        let name = self.canonical(name);
        if self.declared.contains_key(name) && !self.same_as.contains_key(name) {
            return Some(NamedNode::new_unchecked(vocab::entity_iri(name)));
        }
        (self.context.known_entity)(name).map(|id| NamedNode::new_unchecked(vocab::entity_iri(&id)))
    }

    fn warn(&mut self, file: usize, span: Range<usize>, message: String, hint: Option<String>) {
        let mut problem = self.files[file].problem_at(span, message, hint);
        problem.severity = Severity::Warning;
        self.out.warnings.push(problem);
    }

    fn collect_ids(&mut self) {
        for (index, file) in self.files.iter().enumerate() {
            let ids = file
                .doc
                .source
                .iter()
                .map(|s| (&s.get_ref().id, true))
                .chain(file.doc.entity.iter().map(|e| (&e.get_ref().id, false)));
            for (id, is_source) in ids {
                let name = id.get_ref().clone();
                if !is_valid_id(&name) {
                    self.error(
                        index,
                        id.span(),
                        format!("`{name}` is not a valid id"),
                        Some("use lowercase ascii letters, digits and hyphens".into()),
                    );
                    continue;
                }
                if let Some((first_file, first_span)) = self.declared.get(&name).cloned() {
                    // One entity declared by several files (one per source) is one entity:
                    // `lower_entity` merges the declarations. Within one file, or for a
                    // source, a second declaration is a mistake.
                    let first_is_entity =
                        self.files[first_file].doc.entity.iter().any(|e| e.get_ref().id.span() == first_span);
                    if first_file != index && !is_source && first_is_entity {
                        continue;
                    }
                    let (line, column) = super::line_column(&self.files[first_file].text, first_span.start);
                    let first = format!("{}:{line}:{column}", self.files[first_file].name);
                    self.error(
                        index,
                        id.span(),
                        format!("duplicate id `{name}`, first declared at {first}"),
                        Some("give each entity and source its own id".into()),
                    );
                } else {
                    self.declared.insert(name, (index, id.span()));
                }
            }
            for entity in &file.doc.entity {
                let e = entity.get_ref();
                if let Some(target) = &e.same_as {
                    self.same_as.insert(e.id.get_ref().clone(), target.get_ref().clone());
                }
            }
        }
    }

    /// Checks that `id` names an entity or source, here or in the store, and gives its IRI.
    fn reference(&mut self, file: usize, id: &Spanned<String>, role: &str) -> Option<NamedNode> {
        let name = id.get_ref();
        if let Some(iri) = self.known_iri(name) {
            return Some(iri);
        }
        if self.same_as.contains_key(name) {
            // Its `same_as` names an unknown id: that is reported where it is written.
            return None;
        }
        let hint = if self.suggestions_left == 0 {
            Some(format!("declare it in an [[entity]] table (suggestions stop after {MAX_SUGGESTIONS} unknown ids)"))
        } else {
            self.suggestions_left -= 1;
            // Only ids of about the same length can be near: a cheap filter before the score.
            let length = name.chars().count();
            let best = self
                .declared
                .keys()
                .filter(|k| k.len().abs_diff(name.len()) <= 4 + length / 4)
                .map(|k| (strsim::jaro_winkler(name, k), k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
            match best {
                Some((_, best)) => Some(format!("did you mean `{best}`?")),
                None => Some("declare it in an [[entity]] table".into()),
            }
        };
        self.error(file, id.span(), format!("unknown {role} id `{name}`"), hint);
        None
    }

    fn property(&mut self, file: usize, name: &Spanned<String>) -> Option<NamedNode> {
        match self.context.schema.resolve_property(name.get_ref()) {
            Ok(iri) => Some(NamedNode::new_unchecked(iri)),
            Err(close) => {
                let hint = if close.is_empty() {
                    "declare it in an ontology file loaded with the facts".to_owned()
                } else {
                    format!("did you mean {}?", close.join(", "))
                };
                self.error(file, name.span(), format!("unknown property `{}`", name.get_ref()), Some(hint));
                None
            }
        }
    }

    fn date(&mut self, file: usize, text: &Spanned<String>) -> Option<Literal> {
        match FactDate::parse(text.get_ref()) {
            Ok(date) => Some(date.to_literal()),
            Err(message) => {
                self.error(file, text.span(), message, Some("write YYYY, YYYY-MM or YYYY-MM-DD".into()));
                None
            }
        }
    }

    /// An end before its start is an error at the end (partial dates compare by the widest
    /// span they may mean: `2024` to `2024-03` is fine).
    fn check_order(&mut self, file: usize, start: Option<&Spanned<String>>, end: Option<&Spanned<String>>) {
        let (Some(start), Some(end)) = (start, end) else { return };
        let (Ok(from), Ok(to)) = (FactDate::parse(start.get_ref()), FactDate::parse(end.get_ref())) else { return };
        if to.last_day() < from.first_day() {
            self.error(
                file,
                end.span(),
                format!("the end `{}` is before the start `{}`", end.get_ref(), start.get_ref()),
                Some("swap them, or correct the one that is wrong".into()),
            );
        }
    }

    fn push(&mut self, subject: &NamedNode, predicate: impl Into<NamedNode>, object: impl Into<Term>) {
        self.out.quads.push(Quad::new(subject.clone(), predicate.into(), object.into(), GraphName::DefaultGraph));
    }

    fn lower_file(&mut self, index: usize, file: &FactFile) {
        let default_source = match file.doc.source.as_slice() {
            [only] => Some(only.get_ref().id.get_ref().clone()),
            _ => None,
        };
        for source in &file.doc.source {
            self.lower_source(index, source.get_ref());
        }
        for entity in &file.doc.entity {
            self.begin_table(index, entity.span(), entity.get_ref().draft.as_ref(), "entity");
            self.lower_entity(index, entity);
        }
        for relation in &file.doc.relation {
            let r = relation.get_ref();
            self.begin_table(index, relation.span(), r.draft.as_ref(), "relation");
            let subject = self.reference(index, &r.subject, "subject");
            let property = self.property(index, &r.property);
            let object = self.reference(index, &r.object, "object");
            let start = r.start.as_ref().and_then(|d| self.date(index, d));
            let end = r.end.as_ref().and_then(|d| self.date(index, d));
            self.check_order(index, r.start.as_ref(), r.end.as_ref());
            let (Some(subject), Some(property), Some(object)) = (subject, property, object) else {
                continue;
            };
            let mut extra = Vec::new();
            if let Some(start) = start {
                extra.push((SCHEMA_START_DATE.into_owned(), Term::from(start)));
            }
            if let Some(end) = end {
                extra.push((SCHEMA_END_DATE.into_owned(), Term::from(end)));
            }
            let fact = SourcedFact {
                span: relation.span(),
                quote: r.quote.as_ref(),
                source: r.source.as_ref(),
                claimed_by: r.claimed_by.as_ref(),
                note: r.note.as_deref(),
            };
            self.lower_statement(index, &default_source, fact, subject, property, object.into(), extra);
        }
        for attribute in &file.doc.attribute {
            let a = attribute.get_ref();
            self.begin_table(index, attribute.span(), a.draft.as_ref(), "attribute");
            let subject = self.reference(index, &a.subject, "subject");
            let property = self.property(index, &a.property);
            let value = scalar_literal(a.value.get_ref());
            let (Some(subject), Some(property)) = (subject, property) else {
                continue;
            };
            let value = match value {
                Ok(value) => value,
                Err(message) => {
                    self.error(index, a.value.span(), message, None);
                    continue;
                }
            };
            let fact = SourcedFact {
                span: attribute.span(),
                quote: a.quote.as_ref(),
                source: a.source.as_ref(),
                claimed_by: a.claimed_by.as_ref(),
                note: a.note.as_deref(),
            };
            self.lower_statement(index, &default_source, fact, subject, property, value.into(), Vec::new());
        }
        for figure in &file.doc.figure {
            self.begin_table(index, figure.span(), figure.get_ref().draft.as_ref(), "figure");
            self.lower_figure(index, &default_source, figure);
        }
        self.in_draft = false;
    }

    fn lower_source(&mut self, index: usize, source: &super::SourceDecl) {
        let id = source.id.get_ref();
        let node = NamedNode::new_unchecked(vocab::entity_iri(id));
        self.out.sources.insert(id.clone(), (index, source.text.clone()));
        self.push(&node, RDF_TYPE, sg::SOURCE_DOCUMENT);
        let title_lang = if has_cjk(&source.title) { "zh" } else { "en" };
        self.push(&node, SCHEMA_NAME, lang_literal(&source.title, title_lang));
        self.push(&node, RDFS_LABEL, lang_literal(&source.title, title_lang));
        if let Some(title_en) = &source.title_en {
            self.push(&node, RDFS_LABEL, lang_literal(title_en, "en"));
        }
        for (field, predicate) in [(&source.author, SCHEMA_AUTHOR), (&source.publisher, SCHEMA_PUBLISHER)] {
            let Some(value) = field else { continue };
            let name = value.get_ref();
            if is_valid_id(name) && self.declared.contains_key(name) {
                self.push(&node, predicate, NamedNode::new_unchecked(vocab::entity_iri(name)));
            } else {
                self.push(&node, predicate, Literal::new_simple_literal(name));
            }
        }
        if let Some(date) = &source.date {
            if let Some(date) = self.date(index, date) {
                self.push(&node, SCHEMA_DATE_PUBLISHED, date);
            }
        }
        if let Some(url) = &source.url {
            match NamedNode::new(url) {
                Ok(url) => self.push(&node, SCHEMA_URL, url),
                Err(_) => self.push(&node, SCHEMA_URL, Literal::new_simple_literal(url)),
            }
        }
        if let Some(language) = &source.language {
            self.push(&node, SCHEMA_IN_LANGUAGE, Literal::new_simple_literal(language));
        }
    }

    fn lower_entity(&mut self, index: usize, entity: &Spanned<super::EntityDecl>) {
        let e = entity.get_ref();
        let id = e.id.get_ref();
        if !is_valid_id(id) {
            return;
        }
        if let Some(target) = &e.same_as {
            self.lower_same_as(index, entity, target);
            return;
        }
        let first = self.declared.get(id).cloned();
        let merged_into = first.as_ref().filter(|(file, _)| *file != index).map(|(file, span)| {
            let (line, column) = super::line_column(&self.files[*file].text, span.start);
            (*file, format!("{}:{line}:{column}", self.files[*file].name))
        });
        if let Some((_, at)) = &merged_into {
            self.warn(
                index,
                e.id.span(),
                format!("entity `{id}` is also declared at {at}; the declarations are merged into one entity"),
                Some("this is right when each source's file must stand alone; otherwise refer to it by id".into()),
            );
        } else {
            self.out.n_entities += 1;
        }
        if (self.context.known_entity)(id).is_some() {
            self.warn(
                index,
                e.id.span(),
                format!("entity `{id}` is already in the store; these labels and classes are added to it"),
                Some("refer to it by id without redeclaring it, unless each source's file must stand alone".into()),
            );
        }
        let node = NamedNode::new_unchecked(vocab::entity_iri(id));
        if self.in_draft {
            self.push(&node, sg::IS_DRAFT, Literal::from(true));
        }
        // A later file's label that differs from the first declaration's is kept as an alias:
        // an entity has one preferred label per language.
        let first_labels = merged_into.as_ref().and_then(|(file, _)| {
            self.files[*file].doc.entity.iter().find(|d| d.get_ref().id.get_ref() == id).map(|d| {
                let d = d.get_ref();
                (
                    d.en.as_ref().map(|l| l.get_ref().trim().to_owned()),
                    d.zh.as_ref().map(|l| l.get_ref().trim().to_owned()),
                )
            })
        });
        for class in e.class.get_ref().items() {
            match self.context.schema.resolve_class(class) {
                Ok(iri) => self.push(&node, RDF_TYPE, NamedNode::new_unchecked(iri)),
                Err(close) => {
                    let hint = if close.is_empty() {
                        "see `stratagraph query` on owl:Class for the classes".to_owned()
                    } else {
                        format!("did you mean {}?", close.join(", "))
                    };
                    self.error(index, e.class.span(), format!("unknown class `{class}`"), Some(hint));
                }
            }
        }
        match (&e.en, &e.zh) {
            (None, None) => self.error(
                index,
                e.id.span(),
                format!("entity `{id}` has no label"),
                Some("give it `en` and `zh` labels".into()),
            ),
            (None, Some(_)) => self.warn(
                index,
                e.id.span(),
                format!("entity `{id}` has no English label"),
                Some("add `en = \"...\"`".into()),
            ),
            (Some(_), None) => self.warn(
                index,
                e.id.span(),
                format!("entity `{id}` has no Chinese label"),
                Some("add `zh = \"...\"`".into()),
            ),
            _ => {}
        }
        for (label, lang) in [(&e.en, "en"), (&e.zh, "zh")] {
            let Some(label) = label else { continue };
            let text = label.get_ref().trim();
            if text.is_empty() {
                self.error(index, label.span(), format!("empty `{lang}` label"), None);
                continue;
            }
            if let Some((first_en, first_zh)) = &first_labels {
                let first = if lang == "en" { first_en } else { first_zh };
                if first.as_deref().is_some_and(|f| f != text) {
                    self.push(&node, SKOS_ALT_LABEL, lang_literal(text, lang));
                    continue;
                }
            }
            self.push(&node, RDFS_LABEL, lang_literal(text, lang));
            self.push(&node, SKOS_PREF_LABEL, lang_literal(text, lang));
        }
        for alias in &e.aliases {
            let lang = if has_cjk(alias) { "zh" } else { "en" };
            self.push(&node, SKOS_ALT_LABEL, lang_literal(alias.trim(), lang));
        }
        if let Some(description) = &e.description {
            let lang = if has_cjk(description) { "zh" } else { "en" };
            self.push(&node, SCHEMA_DESCRIPTION, lang_literal(description, lang));
        }
    }

    /// An entity declared `same_as` another: its names and classes go to that entity, and
    /// `<id> owl:sameAs <target>` keeps the id resolvable. An id the store already holds
    /// facts under cannot be merged this way (its facts would stay apart).
    fn lower_same_as(&mut self, index: usize, entity: &Spanned<super::EntityDecl>, target: &Spanned<String>) {
        let e = entity.get_ref();
        let id = e.id.get_ref();
        if self.same_as_cycle(id) {
            self.error(
                index,
                target.span(),
                format!("`same_as` of `{id}` leads back to `{id}`"),
                Some("name the other entity's id".into()),
            );
            return;
        }
        if (self.context.known_entity)(id).is_some() {
            self.error(
                index,
                e.id.span(),
                format!("`{id}` is already an entity in the store, so it cannot be merged by `same_as`"),
                Some(format!("state its facts with `{}` instead", target.get_ref())),
            );
            return;
        }
        let Some(canonical) = self.reference(index, target, "same_as") else {
            return;
        };
        let alias = NamedNode::new_unchecked(vocab::entity_iri(id));
        self.push(&alias, OWL_SAME_AS, canonical.clone());
        for class in e.class.get_ref().items() {
            match self.context.schema.resolve_class(class) {
                Ok(iri) => self.push(&canonical, RDF_TYPE, NamedNode::new_unchecked(iri)),
                Err(_) => self.error(index, e.class.span(), format!("unknown class `{class}`"), None),
            }
        }
        let names = [&e.en, &e.zh].into_iter().flatten().map(|l| l.get_ref().trim().to_owned());
        for name in names.chain(e.aliases.iter().map(|a| a.trim().to_owned())).filter(|n| !n.is_empty()) {
            let lang = if has_cjk(&name) { "zh" } else { "en" };
            self.push(&canonical, SKOS_ALT_LABEL, lang_literal(&name, lang));
        }
    }

    /// Writes a plain triple (unless it is only a claim) and its claim node.
    #[allow(clippy::too_many_arguments)]
    fn lower_statement(
        &mut self,
        index: usize,
        default_source: &Option<String>,
        fact: SourcedFact<'_>,
        subject: NamedNode,
        property: NamedNode,
        object: Term,
        extra: Vec<(NamedNode, Term)>,
    ) {
        let Some(provenance) = self.provenance(index, default_source, &fact) else {
            return;
        };
        self.out.n_facts += 1;
        if provenance.speaker.is_none() {
            self.push(&subject, property.clone(), object.clone());
        }
        let key = [
            subject.as_str(),
            property.as_str(),
            &object.to_string(),
            &provenance.source_id,
            &provenance.quote,
            &extra.iter().map(|(p, o)| format!("{p}={o}")).collect::<Vec<_>>().join(";"),
        ];
        let claim = NamedNode::new_unchecked(format!("{}claim/{}", vocab::ENTITY, hash_hex(&key)));
        self.out.fact_nodes.push(FactNode { node: claim.clone(), file: index, span: fact.span.clone() });
        if self.in_draft {
            self.push(&claim, sg::IS_DRAFT, Literal::from(true));
        }
        self.push(&claim, RDF_TYPE, sg::CLAIM);
        self.push(&claim, RDF_SUBJECT, subject);
        self.push(&claim, RDF_PREDICATE, property);
        self.push(&claim, RDF_OBJECT, object);
        for (predicate, value) in extra {
            self.push(&claim, predicate, value);
        }
        self.write_provenance(&claim, provenance);
    }

    fn lower_figure(&mut self, index: usize, default_source: &Option<String>, figure: &Spanned<super::FigureDecl>) {
        let f = figure.get_ref();
        let subject = self.reference(index, &f.subject, "subject");
        let metric = self.reference(index, &f.metric, "metric");
        let context = f.context.as_ref().and_then(|c| self.reference(index, c, "context"));
        let value = match f.value.get_ref() {
            Scalar::Integer(_) | Scalar::Float(_) => scalar_literal(f.value.get_ref()).ok(),
            _ => {
                self.error(
                    index,
                    f.value.span(),
                    "a figure's value must be a number".into(),
                    Some("write 207 for 207 %, and put the unit in `unit`".into()),
                );
                None
            }
        };
        let mut dates: Vec<(NamedNode, Term)> = Vec::new();
        if let Some(date) = &f.date {
            if let Some(date) = self.date(index, date) {
                dates.push((sg::DATE.into_owned(), date.into()));
            }
        }
        self.check_order(index, f.start.as_ref(), f.end.as_ref());
        for (field, predicate) in [(&f.start, sg::PERIOD_START), (&f.end, sg::PERIOD_END)] {
            if let Some(date) = field.as_ref().and_then(|d| self.date(index, d)) {
                dates.push((predicate.into_owned(), date.into()));
            }
        }
        if let Some(period) = &f.period {
            match parse_period(period.get_ref()) {
                Ok((start, end)) => {
                    dates.push((sg::PERIOD.into_owned(), Literal::new_simple_literal(period.get_ref()).into()));
                    dates.push((sg::PERIOD_START.into_owned(), start.to_literal().into()));
                    dates.push((sg::PERIOD_END.into_owned(), end.to_literal().into()));
                }
                Err(message) => self.error(index, period.span(), message, None),
            }
        }
        let qualifier = match &f.qualifier {
            Some(q) if !matches!(q.get_ref().as_str(), "exact" | "about" | "over" | "under") => {
                self.error(
                    index,
                    q.span(),
                    format!("unknown qualifier `{}`", q.get_ref()),
                    Some("use exact, about, over or under".into()),
                );
                None
            }
            Some(q) if q.get_ref() != "exact" => Some(q.get_ref().clone()),
            _ => None,
        };
        let fact = SourcedFact {
            span: figure.span(),
            quote: f.quote.as_ref(),
            source: f.source.as_ref(),
            claimed_by: f.claimed_by.as_ref(),
            note: f.note.as_deref(),
        };
        let provenance = self.provenance(index, default_source, &fact);
        let (Some(subject), Some(metric), Some(value), Some(provenance)) = (subject, metric, value, provenance) else {
            return;
        };
        self.out.n_facts += 1;
        let key = [
            subject.as_str(),
            metric.as_str(),
            &value.to_string(),
            f.unit.as_deref().unwrap_or(""),
            &dates.iter().map(|(p, o)| format!("{p}={o}")).collect::<Vec<_>>().join(";"),
            context.as_ref().map_or("", |c| c.as_str()),
            &provenance.source_id,
            &provenance.quote,
        ];
        let node = NamedNode::new_unchecked(format!("{}obs/{}", vocab::ENTITY, hash_hex(&key)));
        self.out.fact_nodes.push(FactNode { node: node.clone(), file: index, span: figure.span() });
        if self.in_draft {
            self.push(&node, sg::IS_DRAFT, Literal::from(true));
        }
        self.push(&node, RDF_TYPE, sg::METRIC_OBSERVATION);
        self.push(&node, sg::OBSERVATION_OF, subject);
        self.push(&node, sg::METRIC_PROP, metric);
        self.push(&node, sg::VALUE, value);
        if let Some(unit) = &f.unit {
            self.push(&node, sg::UNIT, Literal::new_simple_literal(unit));
        }
        for (predicate, date) in dates {
            self.push(&node, predicate, date);
        }
        if let Some(context) = context {
            self.push(&node, sg::CONTEXT, context);
        }
        if let Some(qualifier) = qualifier {
            self.push(&node, sg::QUALIFIER, Literal::new_simple_literal(qualifier));
        }
        self.write_provenance(&node, provenance);
    }

    fn provenance(
        &mut self,
        index: usize,
        default_source: &Option<String>,
        fact: &SourcedFact<'_>,
    ) -> Option<ResolvedProvenance> {
        let source_id = match (fact.source, default_source) {
            (Some(source), _) => {
                let name = source.get_ref();
                let is_source =
                    self.files.iter().any(|f| f.doc.source.iter().any(|s| s.get_ref().id.get_ref() == name));
                if !is_source && (self.context.known_entity)(name).is_none() {
                    self.error(
                        index,
                        source.span(),
                        format!("unknown source `{name}`"),
                        Some("declare it in a [[source]] table".into()),
                    );
                    return None;
                }
                name.clone()
            }
            (None, Some(default)) => default.clone(),
            (None, None) => {
                self.error(
                    index,
                    fact.span.clone(),
                    "fact has no source".into(),
                    Some("add `source = \"ID\"`, or declare exactly one [[source]] in the file".into()),
                );
                return None;
            }
        };
        let quote = match fact.quote {
            Some(quote) if !quote.get_ref().trim().is_empty() => quote,
            Some(quote) => {
                self.error(index, quote.span(), "empty quote".into(), None);
                return None;
            }
            None => {
                self.error(
                    index,
                    fact.span.clone(),
                    "fact has no quote".into(),
                    Some("add `quote = \"...\"` with the sentence it comes from, verbatim".into()),
                );
                return None;
            }
        };
        self.out.quotes.push(QuoteUse {
            source: source_id.clone(),
            quote: quote.get_ref().clone(),
            file: index,
            span: quote.span(),
        });
        let speaker = match fact.claimed_by {
            Some(speaker) => Some(self.reference(index, speaker, "speaker")?),
            None => None,
        };
        Some(ResolvedProvenance {
            source_id,
            quote: quote.get_ref().trim().to_owned(),
            speaker,
            note: fact.note.map(str::to_owned),
        })
    }

    fn write_provenance(&mut self, node: &NamedNode, provenance: ResolvedProvenance) {
        let lang = if has_cjk(&provenance.quote) { "zh" } else { "en" };
        self.push(node, sg::QUOTE, lang_literal(&provenance.quote, lang));
        self.push(node, PROV_WAS_DERIVED_FROM, NamedNode::new_unchecked(vocab::entity_iri(&provenance.source_id)));
        if let Some(speaker) = provenance.speaker {
            self.push(node, PROV_WAS_ATTRIBUTED_TO, speaker);
        }
        if let Some(note) = provenance.note {
            self.push(node, sg::NOTE, lang_literal(&note, "en"));
        }
    }
}

struct SourcedFact<'a> {
    span: Range<usize>,
    quote: Option<&'a Spanned<String>>,
    source: Option<&'a Spanned<String>>,
    claimed_by: Option<&'a Spanned<String>>,
    note: Option<&'a str>,
}

struct ResolvedProvenance {
    source_id: String,
    quote: String,
    speaker: Option<NamedNode>,
    note: Option<String>,
}

fn lang_literal(text: &str, lang: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, lang)
}

/// The literal for an attribute value: dates typed, numbers typed, text language-tagged.
fn scalar_literal(value: &Scalar) -> Result<Literal, String> {
    Ok(match value {
        Scalar::Integer(v) => Literal::new_typed_literal(v.to_string(), XSD_INTEGER),
        Scalar::Float(v) if v.is_finite() => Literal::new_typed_literal(format_decimal(*v), XSD_DECIMAL),
        Scalar::Float(v) => return Err(format!("`{v}` is not a usable number")),
        Scalar::Bool(v) => Literal::from(*v),
        Scalar::Text(text) => {
            let looks_like_date = !text.is_empty()
                && text.len() <= 10
                && text.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                && text.bytes().take(4).all(|b| b.is_ascii_digit());
            if looks_like_date {
                FactDate::parse(text)?.to_literal()
            } else {
                lang_literal(text, if has_cjk(text) { "zh" } else { "en" })
            }
        }
    })
}

fn format_decimal(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('.') || text.contains('e') {
        if text.contains('e') {
            format!("{value:.}")
        } else {
            text
        }
    } else {
        format!("{text}.0")
    }
}

/// FNV-1a over the fields, separated: a stable name for claim and observation nodes.
fn hash_hex(fields: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for field in fields {
        for byte in field.bytes().chain(std::iter::once(0x1f)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
