//! The names of every entity laid out for search: each name normalized once, all of them in
//! one text, one per line, with the entity and the slot (label, alias, id) each belongs to.
//! A search is one SIMD substring scan of that text (`memchr::memmem`), which finds the exact,
//! prefix and substring matches together, and a fuzzy pass only when those leave room; the
//! table is kept on disk as a view (`views`) and read back as a few contiguous blocks, so a
//! one-shot `search` or label lookup on a big store neither rebuilds nor decodes an index
//! of a million names. It answers exactly what `EntityIndex::search` answers: the hits'
//! names are then read for those entities only (`Session::labels_for`).

use crate::resolve::{comparable, normalize_into, EntityIndex, Hit};
use crate::vocab;
use serde::{Deserialize, Serialize};

/// Where a name sits in its entity's names.
const SLOT_EN: u8 = 0;
const SLOT_ZH: u8 = 1;
/// The fact-file id (the IRI's local name), matched as an alias.
const SLOT_ID: u8 = 255;
/// Aliases are slots `SLOT_ALIAS..SLOT_ID`; an entity's 253rd alias and later are not searched.
const SLOT_ALIAS: u8 = 2;

/// One entity's best match: its name's number, score and kind.
type Best = (u32, f64, &'static str);

/// The search table of an entity index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NameTable {
    /// Every name normalized (`resolve::normalize_into`), each followed by a newline, in the
    /// order of their entities (by IRI) and, within one, label, Chinese label, aliases, id.
    names: String,
    /// Where each name starts in `names`, and one more: the end of the text.
    starts: Vec<u32>,
    /// The entity (its position in `iri_starts`) of each name.
    owners: Vec<u32>,
    /// The slot of each name in its entity.
    slots: Vec<u8>,
    /// The entities' IRIs, each followed by a newline.
    iris: String,
    /// Where each IRI starts in `iris`, and one more.
    iri_starts: Vec<u32>,
}

/// What a name table keeps on disk: the same blocks, the numbers as little-endian bytes.
#[derive(Serialize, Deserialize)]
pub struct StoredTable {
    names: String,
    #[serde(with = "serde_bytes")]
    starts: Vec<u8>,
    #[serde(with = "serde_bytes")]
    owners: Vec<u8>,
    #[serde(with = "serde_bytes")]
    slots: Vec<u8>,
    iris: String,
    #[serde(with = "serde_bytes")]
    iri_starts: Vec<u8>,
}

/// A match found in the table, before its entity's names are read.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub iri: String,
    /// The slot of the name that matched: read it with [`matched_name`].
    slot: u8,
    pub how: &'static str,
    pub score: f64,
}

/// How a name resolves through the table.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    One(String),
    Unknown,
    Many(Vec<String>),
}

impl NameTable {
    /// The table of `index`'s names.
    pub fn build(index: &EntityIndex) -> NameTable {
        let mut table = NameTable::default();
        let mut buffer = String::new();
        let mut add = |table: &mut NameTable, owner: u32, slot: u8, name: &str| {
            normalize_into(name, &mut buffer);
            if buffer.is_empty() {
                return;
            }
            table.starts.push(table.names.len() as u32);
            table.names.push_str(&buffer);
            table.names.push('\n');
            table.owners.push(owner);
            table.slots.push(slot);
        };
        for (owner, entity) in index.entities().iter().enumerate() {
            let owner = owner as u32;
            table.iri_starts.push(table.iris.len() as u32);
            table.iris.push_str(&entity.iri);
            table.iris.push('\n');
            if let Some(en) = &entity.en {
                add(&mut table, owner, SLOT_EN, en);
            }
            if let Some(zh) = &entity.zh {
                add(&mut table, owner, SLOT_ZH, zh);
            }
            for (k, alias) in entity.aliases.iter().enumerate().take(usize::from(SLOT_ID - SLOT_ALIAS)) {
                add(&mut table, owner, SLOT_ALIAS + k as u8, alias);
            }
            add(&mut table, owner, SLOT_ID, vocab::entity_id(&entity.iri).unwrap_or(""));
        }
        table.starts.push(table.names.len() as u32);
        table.iri_starts.push(table.iris.len() as u32);
        table
    }

    /// The form kept on disk.
    pub fn to_stored(&self) -> StoredTable {
        let bytes = |numbers: &[u32]| numbers.iter().flat_map(|n| n.to_le_bytes()).collect::<Vec<u8>>();
        StoredTable {
            names: self.names.clone(),
            starts: bytes(&self.starts),
            owners: bytes(&self.owners),
            slots: self.slots.clone(),
            iris: self.iris.clone(),
            iri_starts: bytes(&self.iri_starts),
        }
    }

    /// The table back from disk; `None` when its blocks do not fit together.
    pub fn from_stored(stored: StoredTable) -> Option<NameTable> {
        let numbers = |bytes: &[u8]| -> Option<Vec<u32>> {
            (bytes.len() % 4 == 0)
                .then(|| bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
        };
        let table = NameTable {
            names: stored.names,
            starts: numbers(&stored.starts)?,
            owners: numbers(&stored.owners)?,
            slots: stored.slots,
            iris: stored.iris,
            iri_starts: numbers(&stored.iri_starts)?,
        };
        table.fits().then_some(table)
    }

    /// Whether the blocks agree: offsets rising within their texts, one owner and slot per
    /// name, owners that are entities. (A broken file must not make a search panic.)
    fn fits(&self) -> bool {
        let rising = |starts: &[u32], text: &str| {
            starts.first() == Some(&0)
                && starts.last().is_some_and(|&end| end as usize == text.len())
                && starts.windows(2).all(|w| w[0] < w[1] && text.as_bytes()[w[1] as usize - 1] == b'\n')
                && starts.iter().all(|&s| text.is_char_boundary(s as usize))
        };
        let names = self.starts.len().saturating_sub(1);
        let entities = self.iri_starts.len().saturating_sub(1);
        rising(&self.starts, &self.names)
            && rising(&self.iri_starts, &self.iris)
            && self.owners.len() == names
            && self.slots.len() == names
            && self.owners.iter().all(|&o| (o as usize) < entities)
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.iri_starts.len().saturating_sub(1)
    }

    /// Whether the table has no entity.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `n`th name, normalized, without its newline.
    fn name(&self, n: usize) -> &str {
        &self.names[self.starts[n] as usize..self.starts[n + 1] as usize - 1]
    }

    fn iri(&self, entity: u32) -> &str {
        let entity = entity as usize;
        &self.iris[self.iri_starts[entity] as usize..self.iri_starts[entity + 1] as usize - 1]
    }

    /// The entities whose names match `text`, best first (score, then IRI), at most `limit`:
    /// the ranking of `EntityIndex::search`.
    pub fn search(&self, text: &str, limit: usize) -> Vec<Found> {
        let mut wanted = String::new();
        normalize_into(text, &mut wanted);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut found = self.found(self.matches(&wanted, true, limit));
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.iri.cmp(&b.iri)));
        found.truncate(limit);
        found
    }

    /// The entities one of whose names is exactly `text` (normalized).
    pub fn resolve(&self, text: &str) -> Resolved {
        let mut wanted = String::new();
        normalize_into(text, &mut wanted);
        if wanted.is_empty() {
            return Resolved::Unknown;
        }
        let mut exact: Vec<String> = self
            .found(self.matches(&wanted, false, usize::MAX))
            .into_iter()
            .filter(|f| f.how == "exact")
            .map(|f| f.iri)
            .collect();
        match exact.len() {
            0 => Resolved::Unknown,
            1 => Resolved::One(exact.remove(0)),
            _ => Resolved::Many(exact),
        }
    }

    fn found(&self, best: Vec<(u32, Best)>) -> Vec<Found> {
        best.into_iter()
            .map(|(owner, (name, score, how))| Found {
                iri: self.iri(owner).to_owned(),
                slot: self.slots[name as usize],
                how,
                score: (score * 1000.0).round() / 1000.0,
            })
            .collect()
    }

    /// Per matching entity (in entity order), its best name. The exact, prefix and substring
    /// matches come from one scan for `wanted` over the whole text (a name's first occurrence
    /// decides, as `starts_with` before `contains` does); the fuzzy pass, when asked and when
    /// those leave fewer than `limit` strong hits, compares the names of the other entities.
    fn matches(&self, wanted: &str, fuzzy: bool, limit: usize) -> Vec<(u32, Best)> {
        let wanted_len = wanted.chars().count();
        let penalty = |slot: u8| if slot == SLOT_EN || slot == SLOT_ZH { 0.0 } else { 0.01 };
        // (entity, best) in entity order: names come in entity order, so the scan only ever
        // updates the last entry or appends.
        let mut best: Vec<(u32, Best)> = Vec::new();
        let keep = |best: &mut Vec<(u32, Best)>, owner: u32, candidate: Best| match best.last_mut() {
            Some((last, current)) if *last == owner => {
                if candidate.1 > current.1 {
                    *current = candidate;
                }
            }
            _ => best.push((owner, candidate)),
        };
        let mut last_name = usize::MAX;
        for at in memchr::memmem::find_iter(self.names.as_bytes(), wanted.as_bytes()) {
            let n = self.starts.partition_point(|&s| s as usize <= at) - 1;
            if n == last_name {
                continue;
            }
            last_name = n;
            let start = self.starts[n] as usize;
            let name = self.name(n);
            let slot = self.slots[n];
            let (base, how) = if at == start && name.len() == wanted.len() {
                (1.0, "exact")
            } else {
                let coverage = wanted_len as f64 / name.chars().count() as f64;
                if at == start {
                    (0.8 + 0.1 * coverage, "prefix")
                } else {
                    (0.6 + 0.1 * coverage, "contains")
                }
            };
            keep(&mut best, self.owners[n], (n as u32, base - penalty(slot), how));
        }
        let strong = best.iter().filter(|(_, (_, score, _))| *score >= 0.7).count();
        if !fuzzy || strong >= limit {
            return best;
        }
        // The fuzzy pass: every entity without a strong match, merged with what the scan found.
        let bound = JaroBound::new(wanted);
        let scanned = std::mem::take(&mut best);
        let mut scanned = scanned.into_iter().peekable();
        let names = self.starts.len() - 1;
        let mut n = 0;
        while n < names {
            let owner = self.owners[n];
            let mut end = n;
            while end < names && self.owners[end] == owner {
                end += 1;
            }
            let mut current: Option<Best> = None;
            while let Some((entity, _)) = scanned.peek() {
                if *entity < owner {
                    let (entity, found) = scanned.next().expect("peeked");
                    best.push((entity, found));
                } else {
                    if *entity == owner {
                        current = scanned.next().map(|(_, found)| found);
                    }
                    break;
                }
            }
            if current.is_none_or(|(_, score, _)| score < 0.7) {
                for m in n..end {
                    let candidate = self.name(m);
                    if candidate.contains(wanted) || !comparable(wanted_len, candidate.chars().count()) {
                        continue;
                    }
                    if !bound.could_reach(candidate, 0.8) {
                        continue;
                    }
                    let similarity = strsim::jaro_winkler(wanted, candidate);
                    if similarity >= 0.8 {
                        let score = similarity * 0.7 - penalty(self.slots[m]);
                        if current.is_none_or(|(_, s, _)| score > s) {
                            current = Some((m as u32, score, "fuzzy"));
                        }
                    }
                }
            }
            if let Some(found) = current {
                best.push((owner, found));
            }
            n = end;
        }
        best.extend(scanned);
        best
    }
}

/// A cheap upper bound on the Jaro-Winkler similarity of one text to many, to skip the
/// comparisons that cannot reach a threshold. Jaro counts `m` matching characters, and
/// `m` is at most the size `c` of the two texts' common multiset of characters, so
/// `jaro <= (c/|a| + c/|b| + 1) / 3`; Winkler's boost adds `0.1 * l * (1 - jaro)` for a
/// common prefix of `l <= 4` characters, which only grows with `jaro`. Characters are
/// counted in 64 buckets (by code point): a shared bucket can only over-count `c`, so the
/// bound stays an upper bound for any script.
struct JaroBound {
    counts: [u16; 64],
    chars: Vec<char>,
}

impl JaroBound {
    fn new(wanted: &str) -> JaroBound {
        let mut counts = [0u16; 64];
        let chars: Vec<char> = wanted.chars().collect();
        for &c in &chars {
            counts[c as usize % 64] = counts[c as usize % 64].saturating_add(1);
        }
        JaroBound { counts, chars }
    }

    /// False only when `candidate`'s similarity is surely below `threshold`.
    fn could_reach(&self, candidate: &str, threshold: f64) -> bool {
        let mut counts = [0u16; 64];
        let mut length = 0usize;
        let mut prefix = 0usize;
        let mut in_prefix = true;
        for (i, c) in candidate.chars().enumerate() {
            counts[c as usize % 64] = counts[c as usize % 64].saturating_add(1);
            length += 1;
            if in_prefix && i < 4 && self.chars.get(i) == Some(&c) {
                prefix += 1;
            } else {
                in_prefix = false;
            }
        }
        let common: usize = self.counts.iter().zip(&counts).map(|(a, b)| usize::from(*a.min(b))).sum();
        if common == 0 || self.chars.is_empty() || length == 0 {
            return false;
        }
        let common = common as f64;
        let jaro = ((common / self.chars.len() as f64).min(1.0) + (common / length as f64).min(1.0) + 1.0) / 3.0;
        let best = jaro + 0.1 * prefix as f64 * (1.0 - jaro);
        best >= threshold - 1e-9
    }
}

/// The name of `found` among its entity's names (read with `Session::labels_for`), as the
/// entity index gives it; the normalized IRI's id when the slot is the id.
pub fn hit(found: &Found, names: &EntityIndex) -> Hit {
    let entity = names.names(&found.iri);
    let matched = entity
        .and_then(|e| match found.slot {
            SLOT_EN => e.en.clone(),
            SLOT_ZH => e.zh.clone(),
            SLOT_ID => vocab::entity_id(&e.iri).map(str::to_owned),
            alias => e.aliases.get(usize::from(alias - SLOT_ALIAS)).cloned(),
        })
        .or_else(|| (found.slot == SLOT_ID).then(|| vocab::entity_id(&found.iri).map(str::to_owned)).flatten())
        .unwrap_or_default();
    Hit {
        iri: found.iri.clone(),
        en: entity.and_then(|e| e.en.clone()),
        zh: entity.and_then(|e| e.zh.clone()),
        matched,
        how: found.how,
        score: found.score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Backend;

    #[test]
    fn the_table_answers_what_the_index_answers() {
        let backend = Backend::builtin(false).unwrap();
        let schema = backend.read_schema().unwrap();
        let index = EntityIndex::build(&backend, &schema).unwrap();
        let table = NameTable::build(&index);
        assert_eq!(table.len(), index.entities().len());
        let back = NameTable::from_stored(table.to_stored()).expect("the stored table fits");
        assert_eq!(back, table);
        let texts = [
            "速卖通",
            "aliexpress",
            "AliExpress",
            "国际版淘宝",
            "速卖",
            "淘",
            "Aliexpres",
            "Taotian Overseas",
            "Taotain Overseas",
            "taobao",
            "淘宝",
            "a",
            "e",
            "Temu",
            "temu",
            "Alibaba",
            "阿里",
            "Jiang Fan",
            "jiang",
            "choice",
            "1688",
            "Shein",
            "sheen",
            "Amazon",
            "amazn",
            "platform",
            "  Tao   bao ",
            "x",
            "zzzz",
            "集团",
        ];
        for text in texts {
            for limit in [1, 3, 10, 1000] {
                let expected = index.search(text, limit);
                let got: Vec<Hit> = table.search(text, limit).iter().map(|f| hit(f, &index)).collect();
                let simple = |hits: &[Hit]| -> Vec<(String, String, &'static str, f64)> {
                    hits.iter().map(|h| (h.iri.clone(), h.matched.clone(), h.how, h.score)).collect()
                };
                assert_eq!(simple(&got), simple(&expected), "search {text:?} limit {limit}");
            }
        }
        assert_eq!(table.resolve("速卖通"), Resolved::One(vocab::entity_iri("aliexpress")));
        assert_eq!(table.resolve("AliExpress "), Resolved::One(vocab::entity_iri("aliexpress")));
        assert_eq!(table.resolve("nobody at all"), Resolved::Unknown);
    }

    /// Many made-up entities whose names share words, digits and characters, so that every
    /// kind of match, ties and the fuzzy pass all occur.
    #[test]
    fn the_table_answers_what_the_index_answers_on_many_names() {
        let mut state: u64 = 7;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let words = ["Platform", "Group", "Tao", "Express", "Global", "Choice", "Mall", "Seller"];
        let zh = ["平台", "集团", "淘", "速卖通", "全球", "精选", "商城", "卖家"];
        let mut entities: Vec<crate::resolve::EntityNames> = (0..4000)
            .map(|i| {
                let (a, b) = (next(8) as usize, next(8) as usize);
                let number = next(500);
                crate::resolve::EntityNames {
                    iri: vocab::entity_iri(&format!("made-{i}")),
                    en: (next(10) > 0).then(|| format!("{} {} {number}", words[a], words[b])),
                    zh: (next(3) > 0).then(|| format!("{}{}{number}", zh[a], zh[b])),
                    aliases: (0..next(3)).map(|k| format!("{}{k} {}", words[b], number % 7)).collect(),
                }
            })
            .collect();
        entities.sort_by(|a, b| a.iri.cmp(&b.iri));
        let index = EntityIndex::from_stored(entities).unwrap();
        let table = NameTable::build(&index);
        let texts = [
            "platform",
            "Platform Group 12",
            "group 1",
            "tao",
            "淘",
            "速卖通全球",
            "精选4",
            "Seler",
            "Choise Mall",
            "mall seller 499",
            "express0 3",
            "made-17",
            "made-1",
            "1",
            "平台平台",
            "Glbal Tao 7",
            "zzz",
            "e",
        ];
        for text in texts {
            for limit in [1, 5, 20, 100_000] {
                let expected = index.search(text, limit);
                let got: Vec<Hit> = table.search(text, limit).iter().map(|f| hit(f, &index)).collect();
                let simple = |hits: &[Hit]| -> Vec<(String, String, &'static str, f64)> {
                    hits.iter().map(|h| (h.iri.clone(), h.matched.clone(), h.how, h.score)).collect()
                };
                assert_eq!(simple(&got), simple(&expected), "search {text:?} limit {limit}");
            }
        }
    }

    #[test]
    fn the_jaro_bound_never_skips_a_match() {
        let names = [
            "platform 9078",
            "platform 7089",
            "platform 1234",
            "taotian overseas",
            "taotain overseas",
            "速卖通",
            "速卖通全球",
            "淘宝",
            "a",
            "abcd",
            "dcba",
            "jiang fan",
            "jiang fang",
            "fan jiang",
            "平台9078",
            "远鑫达通平台9078",
        ];
        for wanted in names {
            let bound = JaroBound::new(wanted);
            for candidate in names {
                let similarity = strsim::jaro_winkler(wanted, candidate);
                for threshold in [0.5, 0.7, 0.8, 0.9, similarity] {
                    if similarity >= threshold && threshold > 0.0 {
                        assert!(bound.could_reach(candidate, threshold), "{wanted} / {candidate} at {threshold}");
                    }
                }
            }
        }
        assert!(!JaroBound::new("platform 9078").could_reach("周雪梅", 0.8));
    }

    #[test]
    fn a_broken_stored_table_is_refused() {
        let backend = Backend::builtin(false).unwrap();
        let schema = backend.read_schema().unwrap();
        let table = NameTable::build(&EntityIndex::build(&backend, &schema).unwrap());
        let mut stored = table.to_stored();
        stored.owners.pop();
        assert!(NameTable::from_stored(stored).is_none());
        let mut stored = table.to_stored();
        stored.names.push('x');
        assert!(NameTable::from_stored(stored).is_none());
        let mut stored = table.to_stored();
        stored.starts[4] = 0xff;
        assert!(NameTable::from_stored(stored).is_none());
    }
}
