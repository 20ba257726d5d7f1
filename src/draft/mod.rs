//! `draft`: a new article read into a fact file for a person to finish. It finds the
//! entities the store already knows (by any label or alias, longest match first), proposes
//! new ones (Latin names in Chinese text, quoted terms, nouns and the ontology's class
//! suffixes), proposes a relation for each sentence naming two or more entities (the property
//! from the ontology's cue words), and normalises the dates and figures it meets. Every
//! table it writes is marked `draft = true`: `check` lists them, `load` refuses them until a
//! person has confirmed each one.

pub mod article;
pub mod numbers;
pub mod recall;

use crate::schema::Schema;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use numbers::{DateMention, FigureMention, Published};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

/// An entity of the store, with every name it goes by.
#[derive(Debug, Clone)]
pub struct KnownEntity {
    pub id: String,
    pub names: Vec<String>,
    /// True for an entity of class Metric: a figure's metric, not its subject.
    pub is_metric: bool,
}

/// The ontology's drafting cues: words suggesting a property, suffixes suggesting a class.
#[derive(Debug, Clone, Default)]
pub struct Cues {
    /// (cue word, property as a fact file names it, true when the object comes first).
    pub words: Vec<(String, String, bool)>,
    /// (suffix, class as a fact file names it).
    pub suffixes: Vec<(String, String)>,
}

impl Cues {
    /// The cues the ontology declares (`sg:cueWord`, `sg:cueWordInverse`, `sg:cueSuffix`).
    pub fn from_schema(schema: &Schema) -> Cues {
        let mut cues = Cues::default();
        for (iri, info) in &schema.properties {
            let name = fact_name(iri);
            for word in &info.cue_words {
                cues.words.push((word.clone(), name.clone(), false));
            }
            for word in &info.cue_words_inverse {
                cues.words.push((word.clone(), name.clone(), true));
            }
        }
        for (iri, info) in &schema.classes {
            for suffix in &info.cue_suffixes {
                cues.suffixes.push((suffix.clone(), fact_name(iri)));
            }
        }
        // Longest first, so 事业群 wins over 群 and 优势品类 over 品类.
        cues.words.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.cmp(b)));
        cues.suffixes.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.cmp(b)));
        cues
    }

    /// The class a name's ending suggests, with the suffix.
    fn class_of(&self, name: &str) -> Option<(&str, &str)> {
        self.suffixes.iter().find_map(|(suffix, class)| {
            let fits = if suffix.is_ascii() {
                let lower = name.to_ascii_lowercase();
                let suffix_lower = suffix.to_ascii_lowercase();
                lower.ends_with(&format!(" {suffix_lower}")) || lower == suffix_lower
            } else {
                name.ends_with(suffix.as_str())
            };
            fits.then_some((class.as_str(), suffix.as_str()))
        })
    }

    fn is_suffix(&self, name: &str) -> bool {
        self.suffixes.iter().any(|(suffix, _)| suffix.eq_ignore_ascii_case(name))
    }
}

/// How a term is written in a fact file: `launched` for the project's own terms, `org:headOf`.
fn fact_name(iri: &str) -> String {
    let compact = crate::vocab::compact(iri).unwrap_or_else(|| iri.to_owned());
    compact.strip_prefix("sg:").map(str::to_owned).unwrap_or(compact)
}

/// What the user said about the source.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub source_id: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    /// The article's path as the fact file should name it (relative to the fact file).
    pub text_path: Option<String>,
}

/// The `[[source]]` block of the draft.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DraftSource {
    pub id: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub language: String,
    pub text: Option<String>,
}

/// An entity the store knows, as the article names it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Mention {
    pub id: String,
    /// The name as the article writes it.
    pub name: String,
    /// In how many sentences it is named.
    pub count: usize,
    /// The first sentence naming it.
    pub sentence: String,
}

/// A name that may be a new entity.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    /// The suggested class, as a fact file names it.
    pub class: String,
    /// Why: the class suffix, the word's tag, or how it was written (quoted, Latin).
    pub why: String,
    pub count: usize,
    pub sentence: String,
}

/// A sentence naming two entities, as a relation to confirm.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CandidateRelation {
    pub subject: String,
    /// The suggested property; none when no cue word stands between the two.
    pub property: Option<String>,
    pub object: String,
    pub cue: Option<String>,
    /// The shortest run of clauses holding both mentions, verbatim.
    pub quote: String,
    pub sentence: String,
    pub dates: Vec<DateMention>,
    pub figures: Vec<FigureMention>,
}

/// A number in a sentence, as a figure to confirm.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CandidateFigure {
    pub subject: Option<String>,
    pub metric: Option<String>,
    pub figure: FigureMention,
    pub date: Option<DateMention>,
    pub quote: String,
    pub sentence: String,
}

/// Everything `draft` read from an article.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Draft {
    pub source: DraftSource,
    pub sentences: usize,
    pub mentions: Vec<Mention>,
    pub candidates: Vec<Candidate>,
    pub relations: Vec<CandidateRelation>,
    pub figures: Vec<CandidateFigure>,
}

static JIEBA: LazyLock<jieba_rs::Jieba> = LazyLock::new(jieba_rs::Jieba::new);

static LATIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9][A-Za-z0-9&'+.\-]*(?: [A-Za-z0-9][A-Za-z0-9&'+.\-]*)*").expect("valid"));

static QUOTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[“「『《【"]([^“”「」『』《》【】"，。！？,!?]{2,16})[”」』》】"]"#).expect("valid")
});

static CAPITALISED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z][A-Za-z0-9&'.\-]*(?: (?:of |and |for |the |de )?[A-Z][A-Za-z0-9&'.\-]*)*").expect("valid")
});

/// Words that open English sentences and are no names.
const ENGLISH_OPENERS: &[&str] = &[
    "A",
    "An",
    "The",
    "In",
    "On",
    "At",
    "By",
    "For",
    "But",
    "And",
    "Or",
    "It",
    "Its",
    "This",
    "That",
    "These",
    "Those",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "With",
    "Without",
    "From",
    "To",
    "Of",
    "We",
    "They",
    "He",
    "She",
    "His",
    "Her",
    "Their",
    "Our",
    "There",
    "Here",
    "What",
    "Which",
    "Who",
    "How",
    "Why",
    "Yet",
    "So",
    "Also",
    "Then",
    "Now",
    "Still",
    "Even",
    "Last",
    "This",
    "Next",
    "According",
];

/// Generic Chinese words that are never entities by themselves.
const CHINESE_STOPWORDS: &[&str] = &[
    "我们", "他们", "你们", "自己", "其中", "方面", "问题", "情况", "时候", "目前", "可能", "时间", "部分", "原因",
    "过程", "方式", "结果", "东西", "地方", "事情", "意义", "影响", "角度", "程度", "层面", "背景", "阶段", "本文",
    "文章", "作者",
];

/// Reads `text` (the article) into a draft.
pub fn draft(text: &str, request: &Request, known: &[KnownEntity], cues: &Cues) -> Draft {
    let article = article::read(text);
    let date = request.date.clone().or_else(|| article.header.date.clone());
    let published = date.as_deref().and_then(Published::parse);
    let sentences: Vec<&str> = article.runs.iter().flat_map(|run| article::sentences(run)).collect();
    let prose = sentences.join("\n");

    // Known names, longest first.
    let mut names: Vec<(String, NameTarget)> = Vec::new();
    for (index, entity) in known.iter().enumerate() {
        for name in &entity.names {
            if usable_name(name) {
                names.push((name.clone(), NameTarget::Known(index)));
            }
        }
    }
    let known_lower: BTreeSet<String> = names.iter().map(|(n, _)| n.to_lowercase()).collect();

    // Candidates.
    let raw = if article.chinese { chinese_candidates(&sentences, cues) } else { english_candidates(&sentences) };
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut used_ids: BTreeSet<String> = known.iter().map(|k| k.id.clone()).collect();
    used_ids.insert(request.source_id.clone());
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for found in raw {
        let lower = found.name.to_lowercase();
        if known_lower.contains(&lower) || !seen.insert(lower) {
            continue;
        }
        let count = count_in(&prose, &found.name);
        if !found.strong && count < 2 {
            continue;
        }
        let (class, why) = match cues.class_of(&found.name) {
            Some((class, suffix)) => (class.to_owned(), format!("ends in “{suffix}”")),
            None => (found.class.unwrap_or("Organization").to_owned(), found.why.clone()),
        };
        let id = unique_id(&slug(&found.name), &mut used_ids);
        candidates.push(Candidate {
            id,
            name: found.name,
            class,
            why,
            count,
            sentence: sentences[found.sentence].to_owned(),
        });
    }
    for (index, candidate) in candidates.iter().enumerate() {
        names.push((candidate.name.clone(), NameTarget::Candidate(index)));
    }

    // Mentions, sentence by sentence.
    let matcher = NameMatcher::new(&names);
    let cue_matcher = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(cues.words.iter().map(|(w, _, _)| w.as_str()))
        .ok();
    let target_id = |target: &NameTarget| match target {
        NameTarget::Known(i) => known[*i].id.clone(),
        NameTarget::Candidate(i) => candidates[*i].id.clone(),
    };
    let is_metric = |target: &NameTarget| match target {
        NameTarget::Known(i) => known[*i].is_metric,
        NameTarget::Candidate(i) => candidates[*i].class == "Metric",
    };
    let mut mentions: BTreeMap<usize, Mention> = BTreeMap::new();
    let mut relations: Vec<CandidateRelation> = Vec::new();
    let mut figures: Vec<CandidateFigure> = Vec::new();
    let mut relation_keys: BTreeSet<(String, Option<String>, String, String)> = BTreeSet::new();
    for sentence in &sentences {
        let found = matcher.find(sentence);
        let mut named_here: BTreeSet<usize> = BTreeSet::new();
        for (range, target) in &found {
            if let NameTarget::Known(index) = target {
                let entry = mentions.entry(*index).or_insert_with(|| Mention {
                    id: known[*index].id.clone(),
                    name: sentence[range.clone()].to_owned(),
                    count: 0,
                    sentence: (*sentence).to_owned(),
                });
                if named_here.insert(*index) {
                    entry.count += 1;
                }
            }
        }
        let dates = numbers::dates(sentence, published);
        let sentence_figures = numbers::figures(sentence, &dates);
        let inside = |span: &Range<usize>, quote: &str| -> (Vec<DateMention>, Vec<FigureMention>) {
            let start = sentence.find(quote).unwrap_or(0);
            let end = start + quote.len();
            let _ = span;
            (
                dates.iter().filter(|d| d.range.start >= start && d.range.end <= end).cloned().collect(),
                sentence_figures.iter().filter(|f| f.range.start >= start && f.range.end <= end).cloned().collect(),
            )
        };
        // Relations: one per cue word standing between two mentions, else the closest pair.
        let mut here: Vec<CandidateRelation> = Vec::new();
        if let Some(cue_matcher) = &cue_matcher {
            for cue in cue_matcher.find_iter(*sentence) {
                let cue_range = cue.range();
                if found.iter().any(|(r, _)| r.start < cue_range.end && cue_range.start < r.end) {
                    continue;
                }
                let before = found.iter().rev().find(|(r, t)| r.end <= cue_range.start && !is_metric(t));
                let mut after = found.iter().find(|(r, t)| r.start >= cue_range.end && !is_metric(t));
                let mut before = before;
                if after.is_none() {
                    // "A与B竞争": the cue follows both names.
                    let prior: Vec<_> =
                        found.iter().filter(|(r, t)| r.end <= cue_range.start && !is_metric(t)).collect();
                    if let [.., first, second] = prior.as_slice() {
                        before = Some(*first);
                        after = Some(*second);
                    }
                }
                let (Some((a_range, a)), Some((b_range, b))) = (before, after) else { continue };
                let (a_id, b_id) = (target_id(a), target_id(b));
                if a_id == b_id {
                    continue;
                }
                let (_, property, inverse) = &cues.words[cue.pattern().as_usize()];
                let (subject, object) = if *inverse { (b_id, a_id) } else { (a_id, b_id) };
                let span = a_range.start..b_range.end;
                let quote = article::clause_around(sentence, span.clone()).to_owned();
                let (d, f) = inside(&span, &quote);
                here.push(CandidateRelation {
                    subject,
                    property: Some(property.clone()),
                    object,
                    cue: Some(sentence[cue_range].to_owned()),
                    quote,
                    sentence: (*sentence).to_owned(),
                    dates: d,
                    figures: f,
                });
            }
        }
        if here.is_empty() {
            let closest = found
                .windows(2)
                .filter(|pair| target_id(&pair[0].1) != target_id(&pair[1].1))
                .min_by_key(|pair| pair[1].0.start.saturating_sub(pair[0].0.end));
            if let Some(pair) = closest {
                let span = pair[0].0.start..pair[1].0.end;
                let quote = article::clause_around(sentence, span.clone()).to_owned();
                let (d, f) = inside(&span, &quote);
                here.push(CandidateRelation {
                    subject: target_id(&pair[0].1),
                    property: None,
                    object: target_id(&pair[1].1),
                    cue: None,
                    quote,
                    sentence: (*sentence).to_owned(),
                    dates: d,
                    figures: f,
                });
            }
        }
        for relation in here {
            let key =
                (relation.subject.clone(), relation.property.clone(), relation.object.clone(), relation.quote.clone());
            if relation_keys.insert(key) {
                relations.push(relation);
            }
        }
        // Figures: the nearest entity before the number is its subject, a metric named in
        // the sentence its metric.
        for figure in sentence_figures.iter() {
            let subject = found
                .iter()
                .rev()
                .find(|(r, t)| r.end <= figure.range.start && !is_metric(t))
                .or_else(|| found.iter().find(|(_, t)| !is_metric(t)));
            let metric = found.iter().find(|(_, t)| is_metric(t)).map(|(_, t)| target_id(t));
            let start = subject.map_or(figure.range.start, |(r, _)| r.start.min(figure.range.start));
            let end = subject.map_or(figure.range.end, |(r, _)| r.end.max(figure.range.end));
            let quote = article::clause_around(sentence, start..end).to_owned();
            let date = match dates.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            };
            figures.push(CandidateFigure {
                subject: subject.map(|(_, t)| target_id(t)),
                metric,
                figure: figure.clone(),
                date,
                quote,
                sentence: (*sentence).to_owned(),
            });
        }
    }
    let mut mentions: Vec<Mention> = mentions.into_values().collect();
    mentions.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.id.cmp(&b.id)));
    Draft {
        source: DraftSource {
            id: request.source_id.clone(),
            title: request.title.clone().or(article.header.title.clone()),
            date,
            url: request.url.clone().or(article.header.url.clone()),
            author: article.header.author.clone(),
            language: if article.chinese { "zh" } else { "en" }.to_owned(),
            text: request.text_path.clone(),
        },
        sentences: sentences.len(),
        mentions,
        candidates,
        relations,
        figures,
    }
}

#[derive(Debug, Clone, Copy)]
enum NameTarget {
    Known(usize),
    Candidate(usize),
}

/// Finds names in a sentence, longest first; a Latin name only as a whole word.
struct NameMatcher {
    automaton: Option<AhoCorasick>,
    targets: Vec<NameTarget>,
    latin: Vec<bool>,
}

impl NameMatcher {
    fn new(names: &[(String, NameTarget)]) -> NameMatcher {
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(names.iter().map(|(n, _)| n.as_str()))
            .ok();
        NameMatcher {
            automaton,
            targets: names.iter().map(|(_, t)| *t).collect(),
            latin: names.iter().map(|(n, _)| n.chars().all(|c| c.is_ascii())).collect(),
        }
    }

    fn find(&self, sentence: &str) -> Vec<(Range<usize>, NameTarget)> {
        let Some(automaton) = &self.automaton else { return Vec::new() };
        let bytes = sentence.as_bytes();
        automaton
            .find_iter(sentence)
            .filter(|m| {
                let i = m.pattern().as_usize();
                !self.latin[i]
                    || ((m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric())
                        && (m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric()))
            })
            .map(|m| (m.range(), self.targets[m.pattern().as_usize()]))
            .collect()
    }
}

/// A name worth matching: two characters at least (one Chinese character is too often a
/// word of its own).
fn usable_name(name: &str) -> bool {
    let name = name.trim();
    name.chars().count() >= 2 && name.chars().any(char::is_alphanumeric)
}

struct RawCandidate {
    name: String,
    class: Option<&'static str>,
    why: String,
    strong: bool,
    sentence: usize,
}

/// Candidates in Chinese prose: Latin names, quoted terms, proper nouns, noun phrases and
/// phrases ending in a class suffix.
fn chinese_candidates(sentences: &[&str], cues: &Cues) -> Vec<RawCandidate> {
    let mut out = Vec::new();
    let mut push = |name: &str, class: Option<&'static str>, why: &str, strong: bool, sentence: usize| {
        let name = name.trim().trim_matches(['.', '-', '\'', '&']);
        if !usable_name(name)
            || name.chars().all(|c| c.is_ascii_digit() || c == '.')
            || CHINESE_STOPWORDS.contains(&name)
            || (cues.is_suffix(name) && why != "quoted")
            || name.chars().count() > 16
        {
            return;
        }
        out.push(RawCandidate { name: name.to_owned(), class, why: why.to_owned(), strong, sentence });
    };
    for (index, sentence) in sentences.iter().enumerate() {
        for m in QUOTED.captures_iter(sentence) {
            let inner = m.get(1).expect("group 1").as_str();
            push(inner, None, "quoted", true, index);
        }
        for m in LATIN.find_iter(sentence) {
            let name = m.as_str();
            if !name.chars().any(|c| c.is_ascii_alphabetic()) && !name.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let rest = &sentence[m.end()..];
            // A Latin name running into a Chinese class suffix: POP商家, Choice业务, 1688平台.
            if let Some((suffix, _)) = cues.suffixes.iter().find(|(s, _)| !s.is_ascii() && rest.starts_with(s.as_str()))
            {
                push(&format!("{name}{suffix}"), None, "a Latin name with a class suffix", true, index);
            }
            if name.chars().any(|c| c.is_ascii_alphabetic()) {
                push(name, None, "a Latin name", true, index);
            }
        }
        let tags = JIEBA.tag(sentence, true);
        let nounish = |tag: &str| {
            matches!(tag, "n" | "nr" | "nrt" | "nrfg" | "ns" | "nt" | "nz" | "vn" | "j" | "eng" | "an" | "ng" | "nw")
        };
        let mut i = 0;
        while i < tags.len() {
            if !nounish(tags[i].tag) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j + 1 < tags.len() && nounish(tags[j + 1].tag) {
                j += 1;
            }
            let run = &tags[i..=j];
            for (k, token) in run.iter().enumerate() {
                let class = match token.tag {
                    "nr" | "nrt" | "nrfg" => Some("Person"),
                    "ns" => Some("Market"),
                    "nt" => Some("Company"),
                    _ => None,
                };
                let proper = matches!(token.tag, "nr" | "nrt" | "nrfg" | "ns" | "nt" | "nz" | "j" | "nw");
                if proper {
                    push(token.word, class, &format!("tagged {}", token.tag), true, index);
                } else if matches!(token.tag, "n" | "vn") && token.word.chars().count() >= 2 {
                    push(token.word, None, "a noun", false, index);
                }
                // Phrases ending in a class suffix, up to three words back.
                if cues.class_of(token.word).is_some() || cues.is_suffix(token.word) {
                    for back in 1..=3.min(k) {
                        let phrase: String = run[k - back..=k].iter().map(|t| t.word).collect();
                        push(&phrase, None, "a phrase", true, index);
                    }
                }
            }
            if run.len() >= 2 {
                let phrase: String = run.iter().map(|t| t.word).collect();
                let strong = cues.class_of(&phrase).is_some();
                push(&phrase, None, "a noun phrase", strong, index);
            }
            i = j + 1;
        }
    }
    out
}

/// Candidates in English prose: capitalised phrases not opening a sentence, quoted terms.
fn english_candidates(sentences: &[&str]) -> Vec<RawCandidate> {
    let mut out = Vec::new();
    for (index, sentence) in sentences.iter().enumerate() {
        for m in QUOTED.captures_iter(sentence) {
            let inner = m.get(1).expect("group 1").as_str().trim();
            if usable_name(inner) {
                out.push(RawCandidate {
                    name: inner.to_owned(),
                    class: None,
                    why: "quoted".into(),
                    strong: true,
                    sentence: index,
                });
            }
        }
        for m in CAPITALISED.find_iter(sentence) {
            let mut name = m.as_str().trim_end_matches(['.', '\'', '-']);
            if m.start() == 0 || sentence[..m.start()].trim_end().ends_with(['"', '“']) {
                // A sentence's first word is capitalised anyway: keep the rest of the phrase.
                let first = name.split(' ').next().unwrap_or("");
                if ENGLISH_OPENERS.contains(&first) {
                    name = name[first.len()..].trim_start();
                    if let Some(rest) = ["of ", "and ", "for ", "the ", "de "].iter().find_map(|w| name.strip_prefix(w))
                    {
                        name = rest;
                    }
                }
            }
            if name.is_empty() || ENGLISH_OPENERS.contains(&name) || !usable_name(name) {
                continue;
            }
            out.push(RawCandidate {
                name: name.to_owned(),
                class: None,
                why: "a capitalised name".into(),
                strong: true,
                sentence: index,
            });
        }
    }
    out
}

/// How many times `name` occurs in `text` (ASCII case ignored).
fn count_in(text: &str, name: &str) -> usize {
    if name.is_ascii() {
        text.to_ascii_lowercase().matches(&name.to_ascii_lowercase()).count()
    } else {
        text.matches(name).count()
    }
}

/// An id from a name: Latin words lowercased, Chinese words in pinyin, joined by hyphens.
pub fn slug(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut parts: Vec<String> = Vec::new();
    for token in JIEBA.cut(name, false) {
        let mut part = String::new();
        for c in token.word.chars() {
            if c.is_ascii_alphanumeric() {
                part.push(c.to_ascii_lowercase());
            } else if let Some(p) = c.to_pinyin() {
                part.push_str(p.plain());
            } else if !part.is_empty() {
                parts.push(std::mem::take(&mut part));
            }
        }
        if !part.is_empty() {
            parts.push(part);
        }
    }
    let mut id = parts.join("-");
    if id.len() > 48 {
        id.truncate(48);
        id = id.trim_end_matches('-').to_owned();
    }
    if id.is_empty() || !crate::facts::is_valid_id(&id) {
        "entity".to_owned()
    } else {
        id
    }
}

fn unique_id(base: &str, used: &mut BTreeSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A comment line's text: one line, no control characters.
fn comment(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A TOML number for a figure's value: an integer when it fits, else a float.
fn number(value: &str) -> String {
    if !value.contains('.') && value.parse::<i64>().is_err() {
        format!("{value}.0")
    } else {
        value.to_owned()
    }
}

/// The draft as a fact file for a person to finish.
pub fn to_toml(draft: &Draft) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Drafted by `stratagraph draft` from {} sentences.", draft.sentences);
    out.push_str(
        "# Every table marked `draft = true` is a candidate: compare it with the text, correct it,\n\
         # and delete its `draft = true` to confirm it; delete the tables you do not want.\n\
         # `stratagraph check FILE` lists what is still unconfirmed; `load` refuses unconfirmed\n\
         # tables unless told --allow-draft. `?` marks a value still to be chosen.\n\n",
    );
    let s = &draft.source;
    out.push_str("[[source]]\n");
    let _ = writeln!(out, "id = {}", quoted(&s.id));
    let _ = writeln!(out, "title = {}", quoted(s.title.as_deref().unwrap_or("?")));
    if let Some(author) = &s.author {
        let _ = writeln!(out, "author = {}", quoted(author));
    }
    if let Some(date) = &s.date {
        let _ = writeln!(out, "date = {}", quoted(date));
    }
    if let Some(url) = &s.url {
        let _ = writeln!(out, "url = {}", quoted(url));
    }
    let _ = writeln!(out, "language = {}", quoted(&s.language));
    if let Some(text) = &s.text {
        let _ = writeln!(out, "text = {}", quoted(text));
    }

    let rule = "# =====================================================================";
    let _ = writeln!(
        out,
        "\n{rule}\n# Entities the store already knows, as the article names them ({})\n{rule}",
        draft.mentions.len()
    );
    for mention in &draft.mentions {
        let _ = writeln!(
            out,
            "# {} — {} ({} sentence{}): “{}”",
            mention.id,
            comment(&mention.name),
            mention.count,
            if mention.count == 1 { "" } else { "s" },
            comment(&mention.sentence)
        );
    }

    let _ = writeln!(
        out,
        "\n{rule}\n# Candidate entities ({}): check the class, fill in the labels\n{rule}",
        draft.candidates.len()
    );
    for candidate in &draft.candidates {
        let latin = candidate.name.is_ascii();
        let _ = writeln!(out, "\n# “{}” ({}×)", comment(&candidate.sentence), candidate.count);
        out.push_str("[[entity]]\n");
        let _ = writeln!(out, "id = {}", quoted(&candidate.id));
        let _ = writeln!(out, "class = {}  # {}", quoted(&candidate.class), comment(&candidate.why));
        let _ = writeln!(out, "en = {}", quoted(if latin { &candidate.name } else { "" }));
        let _ = writeln!(out, "zh = {}", quoted(&candidate.name));
        out.push_str("draft = true\n");
    }

    let _ = writeln!(
        out,
        "\n{rule}\n# Candidate relations ({}): one per cue word between two names\n{rule}",
        draft.relations.len()
    );
    for relation in &draft.relations {
        let _ = writeln!(out, "\n# “{}”", comment(&relation.sentence));
        for date in &relation.dates {
            let _ =
                writeln!(out, "# date: {} = {}{}", comment(&date.text), date.value, qualifier_note(&date.qualifier));
        }
        for figure in &relation.figures {
            let _ = writeln!(
                out,
                "# figure: {} = {} {}{}",
                comment(&figure.text),
                figure.value,
                figure.unit,
                qualifier_note(&figure.qualifier)
            );
        }
        out.push_str("[[relation]]\n");
        let _ = writeln!(out, "subject = {}", quoted(&relation.subject));
        match (&relation.property, &relation.cue) {
            (Some(property), Some(cue)) => {
                let _ = writeln!(out, "property = {}  # cue “{}”", quoted(property), comment(cue));
            }
            _ => {
                let _ = writeln!(out, "property = \"?\"  # no cue word: choose one");
            }
        }
        let _ = writeln!(out, "object = {}", quoted(&relation.object));
        let single_dates: Vec<&DateMention> = relation.dates.iter().filter(|d| !d.value.contains(['H', 'Q'])).collect();
        if let [date] = single_dates.as_slice() {
            let _ = writeln!(out, "start = {}  # {}", quoted(&date.value), comment(&date.text));
        }
        let _ = writeln!(out, "quote = {}", quoted(&relation.quote));
        out.push_str("draft = true\n");
    }

    let _ =
        writeln!(out, "\n{rule}\n# Candidate figures ({}): pick the subject and metric\n{rule}", draft.figures.len());
    for figure in &draft.figures {
        let f = &figure.figure;
        let _ = writeln!(out, "\n# “{}”", comment(&figure.sentence));
        out.push_str("[[figure]]\n");
        let _ = writeln!(out, "subject = {}", quoted(figure.subject.as_deref().unwrap_or("?")));
        let _ = writeln!(out, "metric = {}", quoted(figure.metric.as_deref().unwrap_or("?")));
        let _ = writeln!(out, "value = {}  # {}", number(&f.value), comment(&f.text));
        let _ = writeln!(out, "unit = {}", quoted(&f.unit));
        if let Some(qualifier) = &f.qualifier {
            let _ = writeln!(out, "qualifier = {}", quoted(qualifier));
        }
        if let Some(date) = &figure.date {
            let field = if date.value.contains(['H', 'Q']) { "period" } else { "date" };
            let _ = writeln!(out, "{field} = {}  # {}", quoted(&date.value), comment(&date.text));
        }
        let _ = writeln!(out, "quote = {}", quoted(&figure.quote));
        out.push_str("draft = true\n");
    }
    out
}

fn qualifier_note(qualifier: &Option<String>) -> String {
    qualifier.as_deref().map(|q| format!(" ({q})")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_read_chinese_in_pinyin() {
        assert_eq!(slug("速卖通"), "su-mai-tong");
        assert_eq!(slug("Stone Store"), "stone-store");
        assert!(crate::facts::is_valid_id(&slug("POP商家")));
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(number("37756000000"), "37756000000");
        assert_eq!(number("123456789012345678901"), "123456789012345678901.0");
    }
}
