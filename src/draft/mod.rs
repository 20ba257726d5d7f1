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
    /// (follower, class as a fact file names it): a phrase right before the word is a
    /// thing of the class (一位业内人士认为: a person).
    pub followers: Vec<(String, String)>,
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
            for follower in &info.cue_followers {
                cues.followers.push((follower.clone(), fact_name(iri)));
            }
        }
        // Longest first, so 事业群 wins over 群 and 优势品类 over 品类.
        cues.words.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.cmp(b)));
        cues.suffixes.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.cmp(b)));
        cues.followers.sort();
        cues
    }

    fn is_cue_word(&self, word: &str) -> bool {
        self.words.iter().any(|(w, _, _)| w == word)
    }

    fn follower_class(&self, word: &str) -> Option<&str> {
        self.followers.iter().find(|(w, _)| w == word).map(|(_, class)| class.as_str())
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
    /// A plain word or run of nouns seen once, with no class suffix, quotes, Latin script
    /// or proper-noun tag: the least likely kind of candidate, listed last in the fact file.
    pub plain: bool,
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

/// Capitalised words that are no names by themselves: sentence openers, months and days.
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
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
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
    let mut relates: Vec<bool> = Vec::new();
    let mut used_ids: BTreeSet<String> = known.iter().map(|k| k.id.clone()).collect();
    used_ids.insert(request.source_id.clone());
    // One candidate per name: its first sighting, strong if any sighting is (the first
    // strong sighting's reason).
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut merged: Vec<RawCandidate> = Vec::new();
    for found in raw {
        let lower = found.name.to_lowercase();
        match first.get(&lower) {
            Some(&at) => {
                let entity_like = merged[at].entity_like || found.entity_like;
                if found.strong && !merged[at].strong {
                    let sentence = merged[at].sentence;
                    merged[at] = RawCandidate { sentence, ..found };
                }
                merged[at].entity_like = entity_like;
            }
            None => {
                first.insert(lower, merged.len());
                merged.push(found);
            }
        }
    }
    for found in merged {
        let lower = found.name.to_lowercase();
        if known_lower.contains(&lower) {
            continue;
        }
        let count = count_in(&prose, &found.name);
        if !found.strong && count < 2 {
            continue;
        }
        let suffix = cues.class_of(&found.name);
        let plain = suffix.is_none()
            && count < 2
            && matches!(found.why.as_str(), "a noun" | "a noun phrase" | "a class word" | "a place word");
        let (class, why) = match suffix {
            Some((class, suffix)) => (class.to_owned(), format!("ends in “{suffix}”")),
            None => (found.class.clone().unwrap_or_else(|| "Organization".to_owned()), found.why.clone()),
        };
        let id = unique_id(&slug(&found.name), &mut used_ids);
        // A phrase seen once is too often a chance stretch of words to be matched as a
        // relation's end (and would hide the shorter names inside it).
        relates.push(found.entity_like || count >= 2 || suffix.is_some());
        candidates.push(Candidate {
            id,
            name: found.name,
            class,
            why,
            count,
            sentence: sentences[found.sentence].to_owned(),
            plain,
        });
    }
    // Names that hide a cue word written inside them (服务 in 蓝鲸仓储服务): every candidate
    // but the plain words.
    let mut hiding = names.clone();
    for (index, candidate) in candidates.iter().enumerate() {
        if relates[index] {
            names.push((candidate.name.clone(), NameTarget::Candidate(index)));
        }
        if !candidate.plain {
            hiding.push((candidate.name.clone(), NameTarget::Candidate(index)));
        }
    }

    // Mentions, sentence by sentence.
    let matcher = NameMatcher::new(&names);
    let hiding = NameMatcher::new(&hiding);
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
    // What may not be a relation's end or a figure's subject: a metric, or a plain word seen
    // once.
    let not_end = |target: &NameTarget| is_metric(target) || matches!(target, NameTarget::Candidate(i) if !relates[*i]);
    let mut mentions: BTreeMap<usize, Mention> = BTreeMap::new();
    let mut relations: Vec<CandidateRelation> = Vec::new();
    let mut figures: Vec<CandidateFigure> = Vec::new();
    let mut relation_keys: BTreeSet<(String, Option<String>, String, String)> = BTreeSet::new();
    for sentence in &sentences {
        let found = matcher.find(sentence);
        let hidden = hiding.find(sentence);
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
        // A sentence's only date, written before a relation's names, dates the relation
        // too (去年11月21日，蒋凡执掌电商事业群): the quote then runs from the date.
        let with_leading_date = |span: Range<usize>| match dates.as_slice() {
            [one] if one.range.end <= span.start => one.range.start..span.end,
            _ => span,
        };
        // Relations: one per cue word standing between two mentions, else the closest pair.
        let mut here: Vec<CandidateRelation> = Vec::new();
        if let Some(cue_matcher) = &cue_matcher {
            for cue in cue_matcher.find_iter(*sentence) {
                let cue_range = cue.range();
                if found.iter().chain(&hidden).any(|(r, _)| r.start < cue_range.end && cue_range.start < r.end) {
                    continue;
                }
                let before = found.iter().rev().find(|(r, t)| r.end <= cue_range.start && !not_end(t));
                let mut after = found.iter().find(|(r, t)| r.start >= cue_range.end && !not_end(t));
                let mut before = before;
                // "A与B竞争", "A与B的竞争": the cue follows both names, joined by a conjunction.
                let prior: Vec<_> = found.iter().filter(|(r, t)| r.end <= cue_range.start && !not_end(t)).collect();
                if let [.., first, second] = prior.as_slice() {
                    let joined = CONJUNCTIONS.contains(&sentence[first.0.end..second.0.start].trim());
                    if joined || after.is_none() {
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
                let span = with_leading_date(a_range.start..b_range.end);
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
            let ends: Vec<_> = found.iter().filter(|(_, t)| !not_end(t)).cloned().collect();
            let closest = ends
                .windows(2)
                .filter(|pair| target_id(&pair[0].1) != target_id(&pair[1].1))
                .min_by_key(|pair| pair[1].0.start.saturating_sub(pair[0].0.end));
            if let Some(pair) = closest {
                let span = with_leading_date(pair[0].0.start..pair[1].0.end);
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
                .find(|(r, t)| r.end <= figure.range.start && !not_end(t))
                .or_else(|| found.iter().find(|(_, t)| !not_end(t)));
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

/// Finds names in a sentence, longest first; a Latin name only as a whole word. The
/// entities the store knows are found first, and a candidate only where it overlaps none of
/// them, so a drafted phrase never hides a known name.
struct NameMatcher {
    passes: Vec<Pass>,
}

struct Pass {
    automaton: AhoCorasick,
    targets: Vec<NameTarget>,
    latin: Vec<bool>,
}

impl NameMatcher {
    fn new(names: &[(String, NameTarget)]) -> NameMatcher {
        type Names<'a> = Vec<&'a (String, NameTarget)>;
        let (known, drafted): (Names, Names) = names.iter().partition(|(_, t)| matches!(t, NameTarget::Known(_)));
        let passes = [known, drafted]
            .into_iter()
            .filter_map(|names| {
                let automaton = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .build(names.iter().map(|(n, _)| n.as_str()))
                    .ok()?;
                Some(Pass {
                    automaton,
                    targets: names.iter().map(|(_, t)| *t).collect(),
                    latin: names.iter().map(|(n, _)| n.is_ascii()).collect(),
                })
            })
            .collect();
        NameMatcher { passes }
    }

    fn find(&self, sentence: &str) -> Vec<(Range<usize>, NameTarget)> {
        let bytes = sentence.as_bytes();
        let mut found: Vec<(Range<usize>, NameTarget)> = Vec::new();
        for pass in &self.passes {
            let earlier = found.len();
            for m in pass.automaton.find_iter(sentence) {
                let i = m.pattern().as_usize();
                let whole = !pass.latin[i]
                    || ((m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric())
                        && (m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric()));
                let free = found[..earlier].iter().all(|(r, _)| r.end <= m.start() || m.end() <= r.start);
                if whole && free {
                    found.push((m.range(), pass.targets[i]));
                }
            }
        }
        found.sort_by_key(|(r, _)| r.start);
        found
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
    /// Found as a name is written (quoted, Latin, tagged proper, a class suffix, a list
    /// item, a speaker), not only as a plain word.
    entity_like: bool,
    class: Option<String>,
    why: String,
    strong: bool,
    sentence: usize,
}

/// Words that open a list or a clause and never begin a name, whatever jieba tags them.
const CHINESE_OPENERS: &[&str] = &[
    "诸如", "如", "例如", "比如", "像", "包括", "其中", "以及", "等", "在", "据", "而", "但", "但是", "彼时", "此前",
    "同时", "对此", "其", "则", "也", "还", "并", "且", "即",
];

/// Light verbs that never begin a name either (已有近7万商家), though a speaker may be
/// introduced by one (已有声音认为).
const CHINESE_LIGHT_VERBS: &[&str] = &["有", "已有", "是", "为", "成为", "来自", "达", "达到"];

/// `text` without the opening words it starts with (如小红书 → 小红书).
fn strip_openers(text: &str) -> &str {
    let mut text = text;
    while let Some(rest) =
        CHINESE_OPENERS.iter().chain(CHINESE_LIGHT_VERBS).find_map(|w| text.strip_prefix(w)).filter(|r| !r.is_empty())
    {
        text = rest;
    }
    text
}

/// Words joining two names as equals (速卖通与Temu).
const CONJUNCTIONS: &[&str] = &["与", "和", "跟", "同", "及", "以及", "and", "&"];

/// Words that end a speaker's phrase without being part of it (不只一位商家向我们反映).
const CHINESE_ADDRESSEES: &[&str] = &["向我们", "对我们", "向记者", "对记者", "告诉我们"];

/// Whether a jieba tag may stand inside a name phrase: nouns, verbs, adjectives and
/// distinguishing words, numbers and measure words, places, Latin words, idioms.
fn phrase_tag(tag: &str) -> bool {
    tag == "eng"
        || matches!(
            tag.as_bytes().first(),
            Some(b'n' | b'v' | b'a' | b'b' | b'j' | b'm' | b'q' | b's' | b't' | b'h' | b'k' | b'i' | b'l')
        )
}

/// The words of one sentence with what may join them into a phrase.
struct Words<'a> {
    tags: Vec<jieba_rs::Tag<'a>>,
    /// Whether word i may stand in a phrase (as its last word when it is a cue word).
    joins: Vec<bool>,
    cue: Vec<bool>,
}

impl<'a> Words<'a> {
    fn new(sentence: &'a str, cues: &Cues) -> Words<'a> {
        let tags = JIEBA.tag(sentence, true);
        let n = tags.len();
        let mut joins = vec![false; n];
        let mut cue = vec![false; n];
        for i in 0..n {
            let word = tags[i].word;
            cue[i] = cues.is_cue_word(word);
            joins[i] = if word.trim().is_empty() {
                // A space joins two Latin words (App Store).
                i > 0 && i + 1 < n && tags[i - 1].tag == "eng" && tags[i + 1].tag == "eng"
            } else {
                phrase_tag(tags[i].tag) && !CHINESE_OPENERS.contains(&word) && !CHINESE_LIGHT_VERBS.contains(&word)
            };
        }
        Words { tags, joins, cue }
    }

    fn text(&self, range: Range<usize>) -> String {
        self.tags[range].iter().map(|t| t.word).collect()
    }

    /// Where the phrase ending at word `end` may start: back over joining words (a cue word
    /// only as the last), at most `most` words.
    fn start_before(&self, end: usize, most: usize) -> usize {
        let mut start = end + 1;
        while start > 0
            && end + 1 - (start - 1) <= most
            && self.joins[start - 1]
            && (start - 1 == end || !self.cue[start - 1])
        {
            start -= 1;
        }
        start
    }

    /// Where the phrase starting at word `start` ends (exclusive), at most `most` words.
    fn end_after(&self, start: usize, most: usize) -> usize {
        let mut end = start;
        while end < self.tags.len() && end - start < most && self.joins[end] && (end == start || !self.cue[end]) {
            end += 1;
        }
        end
    }
}

/// Candidates in Chinese prose: Latin names, quoted terms, proper nouns, noun phrases,
/// phrases ending in a class suffix, the items of a list, a speaker before a verb of saying,
/// and "A的B" where B ends in a class suffix.
fn chinese_candidates(sentences: &[&str], cues: &Cues) -> Vec<RawCandidate> {
    let mut out = Vec::new();
    let mut push = |name: &str, class: Option<&str>, why: &str, strong: bool, sentence: usize| {
        let name = name.trim().trim_matches(['.', '-', '\'', '&']);
        if !usable_name(name)
            || name.chars().all(|c| c.is_ascii_digit() || c == '.')
            || CHINESE_STOPWORDS.contains(&name)
            || (cues.is_suffix(name) && why != "quoted" && why != "a class word")
            || name.chars().count() > if name.is_ascii() { 40 } else { 16 }
        {
            return;
        }
        out.push(RawCandidate {
            name: name.to_owned(),
            entity_like: why == "quoted"
                || why.starts_with("a Latin")
                || why.starts_with("tagged")
                || why.starts_with("speaks"),
            class: class.map(str::to_owned),
            why: why.to_owned(),
            strong,
            sentence,
        });
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
        let words = Words::new(sentence, cues);
        let tags = &words.tags;
        let nounish = |tag: &str| {
            matches!(tag, "n" | "nr" | "nrt" | "nrfg" | "ns" | "nt" | "nz" | "vn" | "j" | "eng" | "an" | "ng" | "nw")
        };
        for (k, token) in tags.iter().enumerate() {
            let chars = token.word.chars().count();
            let class = match token.tag {
                "nr" | "nrt" | "nrfg" => Some("Person"),
                "ns" => Some("Market"),
                "nt" => Some("Company"),
                _ => None,
            };
            if matches!(token.tag, "nr" | "nrt" | "nrfg" | "ns" | "nt" | "nz" | "j" | "nw") {
                push(token.word, class, &format!("tagged {}", token.tag), true, index);
            } else if matches!(token.tag, "n" | "vn") && chars >= 2 {
                push(token.word, None, "a noun", true, index);
                // jieba sometimes glues an opening word to a name it does not know (如小红书).
                let rest = strip_openers(token.word);
                if rest.len() < token.word.len() && rest.chars().count() >= 2 {
                    push(rest, None, "a noun", true, index);
                }
            } else if token.tag == "s" && chars >= 2 {
                // A place word (国内, 海外): a market when the article repeats it.
                push(token.word, Some("Market"), "a place word", false, index);
            }
            if cues.is_suffix(token.word) && chars >= 2 {
                // A class's own word (市场, 补贴, 营收): a name when the article repeats it.
                push(token.word, None, "a class word", false, index);
            }
            // Phrases ending in a class suffix, up to five words back.
            let start = words.start_before(k, 6);
            for from in start..=k {
                // Not from inside a number (3万商家 of 近3万商家).
                let numeric = |i: usize| matches!(tags[i].tag, "m" | "q" | "mq");
                if from > start && numeric(from) && numeric(from - 1) {
                    continue;
                }
                let phrase = words.text(from..k + 1);
                if phrase.chars().count() <= 12 && cues.class_of(&phrase).is_some() && !cues.is_suffix(&phrase) {
                    push(&phrase, None, "a phrase", true, index);
                }
            }
            // A speaker right before a verb of saying.
            if let Some(class) = cues.follower_class(token.word) {
                let mut end = k;
                let mut clause_start = k;
                while clause_start > 0 && tags[clause_start - 1].tag != "x" {
                    clause_start -= 1;
                }
                let mut phrase = words.text(clause_start..end);
                for addressee in CHINESE_ADDRESSEES {
                    if let Some(rest) = phrase.strip_suffix(addressee) {
                        phrase = rest.to_owned();
                        end = end.saturating_sub(1);
                    }
                }
                let _ = end;
                let mut trimmed = phrase.as_str();
                while let Some(rest) = CHINESE_OPENERS.iter().find_map(|w| trimmed.strip_prefix(w)) {
                    trimmed = rest;
                }
                if (2..=8).contains(&trimmed.chars().count()) && !trimmed.contains('的') {
                    push(trimmed, Some(class), &format!("speaks (before “{}”)", token.word), true, index);
                }
            }
            // The items of a list: A、B、C.
            if token.word == "、" {
                let left = words.start_before(k.saturating_sub(1), 5);
                if k > 0 && left < k {
                    push(strip_openers(&words.text(left..k)), None, "an item of a list", true, index);
                }
                let right = words.end_after(k + 1, 5);
                if right > k + 1 {
                    push(strip_openers(&words.text(k + 1..right)), None, "an item of a list", true, index);
                }
            }
            // A的B, B ending in a class suffix: 美国本土POP商家的招商.
            if token.tag == "uj" && k > 0 && k + 1 < tags.len() {
                let left = words.start_before(k - 1, 4);
                let most = words.end_after(k + 1, 3);
                // The longest B ending in a class suffix.
                let right = (k + 2..=most).rev().find(|&end| cues.class_of(&words.text(k + 1..end)).is_some());
                if let (true, Some(right)) = (left < k, right) {
                    let phrase = words.text(left..right);
                    let phrase = strip_openers(&phrase);
                    if phrase.chars().count() <= 12 {
                        push(phrase, None, "a phrase with 的", true, index);
                    }
                }
            }
        }
        // Runs of nouns.
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
            if j > i {
                let phrase = words.text(i..j + 1);
                push(&phrase, None, "a noun phrase", true, index);
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
                    entity_like: true,
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
                entity_like: true,
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

    let (strong, plain): (Vec<&Candidate>, Vec<&Candidate>) = draft.candidates.iter().partition(|c| !c.plain);
    let _ =
        writeln!(out, "\n{rule}\n# Candidate entities ({}): check the class, fill in the labels\n{rule}", strong.len());
    for (index, candidate) in strong.iter().chain(&plain).enumerate() {
        if index == strong.len() {
            let _ = writeln!(
                out,
                "\n{rule}\n# Plain words seen once ({}): less likely names; delete the ones you do not want\n{rule}",
                plain.len()
            );
        }
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
