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

/// Where a name sits in its entity's names.
const SLOT_EN: u8 = 0;
const SLOT_ZH: u8 = 1;
/// The fact-file id (the IRI's local name), matched as an alias.
const SLOT_ID: u8 = 255;
/// Aliases are slots `SLOT_ALIAS..SLOT_ID`; an entity's 253rd alias and later are not searched.
const SLOT_ALIAS: u8 = 2;

/// One entity's best match: its name's number, score and kind.
type Best = (u32, f64, &'static str);

/// The search table of an entity index: one block of bytes, built in memory or mapped from
/// its view file, read in place. Its layout (numbers little-endian `u32`):
/// `names` `entities` `names_len` `iris_len`, then `starts` (where each name starts in
/// `names`, and one more: the end), `owners` (the entity of each name), `iri_starts` (where
/// each IRI starts in `iris`, and one more), `slots` (one byte per name), `names` (every
/// name normalized with `resolve::normalize_into`, each followed by a newline, in the order
/// of their entities by IRI and, within one, label, Chinese label, aliases, id) and `iris`
/// (each followed by a newline).
pub struct NameTable {
    bytes: Block,
    names: usize,
    entities: usize,
    starts_at: usize,
    owners_at: usize,
    iri_starts_at: usize,
    slots_at: usize,
    names_at: usize,
    iris_at: usize,
    end: usize,
}

/// Where a table's bytes live.
enum Block {
    Owned(Vec<u8>),
    /// A view file mapped read-only; the table starts at the offset.
    Mapped(memmap2::Mmap, usize),
}

impl Block {
    fn bytes(&self) -> &[u8] {
        match self {
            Block::Owned(bytes) => bytes,
            Block::Mapped(map, offset) => map.get(*offset..).unwrap_or_default(),
        }
    }
}

impl PartialEq for NameTable {
    fn eq(&self, other: &NameTable) -> bool {
        self.bytes() == other.bytes()
    }
}

impl std::fmt::Debug for NameTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameTable").field("names", &self.names).field("entities", &self.entities).finish()
    }
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

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 4).map_or(u32::MAX, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl NameTable {
    /// The table of `index`'s names.
    pub fn build(index: &EntityIndex) -> NameTable {
        let mut names = String::new();
        let mut starts: Vec<u32> = Vec::new();
        let mut owners: Vec<u32> = Vec::new();
        let mut slots: Vec<u8> = Vec::new();
        let mut iris = String::new();
        let mut iri_starts: Vec<u32> = Vec::new();
        let mut buffer = String::new();
        let mut add = |owner: u32, slot: u8, name: &str| {
            normalize_into(name, &mut buffer);
            if buffer.is_empty() {
                return;
            }
            starts.push(names.len() as u32);
            names.push_str(&buffer);
            names.push('\n');
            owners.push(owner);
            slots.push(slot);
        };
        for (owner, entity) in index.entities().iter().enumerate() {
            let owner = owner as u32;
            iri_starts.push(iris.len() as u32);
            iris.push_str(&entity.iri);
            iris.push('\n');
            if let Some(en) = &entity.en {
                add(owner, SLOT_EN, en);
            }
            if let Some(zh) = &entity.zh {
                add(owner, SLOT_ZH, zh);
            }
            for (k, alias) in entity.aliases.iter().enumerate().take(usize::from(SLOT_ID - SLOT_ALIAS)) {
                add(owner, SLOT_ALIAS + k as u8, alias);
            }
            add(owner, SLOT_ID, vocab::entity_id(&entity.iri).unwrap_or(""));
        }
        starts.push(names.len() as u32);
        iri_starts.push(iris.len() as u32);
        let mut bytes = Vec::with_capacity(
            16 + 4 * (starts.len() + owners.len() + iri_starts.len()) + slots.len() + names.len() + iris.len(),
        );
        for number in [owners.len(), iri_starts.len() - 1, names.len(), iris.len()] {
            bytes.extend_from_slice(&(number as u32).to_le_bytes());
        }
        for numbers in [&starts, &owners, &iri_starts] {
            for n in numbers {
                bytes.extend_from_slice(&n.to_le_bytes());
            }
        }
        bytes.extend_from_slice(&slots);
        bytes.extend_from_slice(names.as_bytes());
        bytes.extend_from_slice(iris.as_bytes());
        NameTable::from_block(Block::Owned(bytes)).expect("a table just built fits")
    }

    /// The bytes kept on disk.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.bytes()
    }

    /// The table in `bytes` (as [`NameTable::bytes`] gave them); `None` when they do not
    /// fit together.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<NameTable> {
        NameTable::from_block(Block::Owned(bytes))
    }

    /// The table in a mapped view file, from `offset` on.
    pub fn from_map(map: memmap2::Mmap, offset: usize) -> Option<NameTable> {
        NameTable::from_block(Block::Mapped(map, offset))
    }

    fn from_block(block: Block) -> Option<NameTable> {
        let bytes = block.bytes();
        let [names, entities, names_len, iris_len] = [0, 4, 8, 12].map(|at| read_u32(bytes, at) as usize);
        let starts_at = 16usize;
        let owners_at = starts_at.checked_add(names.checked_add(1)?.checked_mul(4)?)?;
        let iri_starts_at = owners_at.checked_add(names.checked_mul(4)?)?;
        let slots_at = iri_starts_at.checked_add(entities.checked_add(1)?.checked_mul(4)?)?;
        let names_at = slots_at.checked_add(names)?;
        let iris_at = names_at.checked_add(names_len)?;
        let end = iris_at.checked_add(iris_len)?;
        let table = NameTable {
            names,
            entities,
            starts_at,
            owners_at,
            iri_starts_at,
            slots_at,
            names_at,
            iris_at,
            end,
            bytes: block,
        };
        (table.bytes().len() == end && table.fits()).then_some(table)
    }

    /// Whether the blocks start and end where the counts say. The rest is checked where it
    /// is read, not here (a one-shot search on a large store reads a few names and IRIs of
    /// a mapped table, and checking every offset at open cost it more than the search):
    /// an offset, owner or name a broken file gets wrong reads as an empty name, an empty
    /// IRI or a match that ranks oddly, never as a panic.
    fn fits(&self) -> bool {
        let bytes = self.bytes();
        let ends = |at: usize, count: usize, text: &[u8]| {
            read_u32(bytes, at) == 0 && read_u32(bytes, at + 4 * count) as usize == text.len()
        };
        ends(self.starts_at, self.names, self.names_text()) && ends(self.iri_starts_at, self.entities, self.iris_text())
    }

    fn names_text(&self) -> &[u8] {
        &self.bytes()[self.names_at..self.iris_at]
    }

    fn iris_text(&self) -> &[u8] {
        &self.bytes()[self.iris_at..self.end]
    }

    fn start(&self, n: usize) -> usize {
        read_u32(self.bytes(), self.starts_at + 4 * n) as usize
    }

    fn owner(&self, n: usize) -> u32 {
        read_u32(self.bytes(), self.owners_at + 4 * n)
    }

    fn slot(&self, n: usize) -> u8 {
        self.bytes()[self.slots_at + n]
    }

    /// The number of entities.
    pub fn len(&self) -> usize {
        self.entities
    }

    /// Whether the table has no entity.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `n`th name, normalized, without its newline.
    fn name(&self, n: usize) -> &str {
        let text = self.names_text();
        text.get(self.start(n)..self.start(n + 1).saturating_sub(1))
            .and_then(|name| std::str::from_utf8(name).ok())
            .unwrap_or_default()
    }

    fn iri(&self, entity: u32) -> &str {
        let entity = entity as usize;
        let at = |i: usize| read_u32(self.bytes(), self.iri_starts_at + 4 * i) as usize;
        self.iris_text()
            .get(at(entity)..at(entity + 1).saturating_sub(1))
            .and_then(|iri| std::str::from_utf8(iri).ok())
            .unwrap_or_default()
    }

    /// The name holding byte `at` of the names' text.
    fn name_at(&self, at: usize) -> usize {
        // The last name starting at or before `at`.
        let (mut low, mut high) = (0usize, self.names);
        while low + 1 < high {
            let middle = (low + high) / 2;
            if self.start(middle) <= at {
                low = middle;
            } else {
                high = middle;
            }
        }
        low
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
                slot: self.slot(name as usize),
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
        // The names the scan found, in order: they contain `wanted`, so the fuzzy pass skips them.
        let mut containing: Vec<usize> = Vec::new();
        for at in memchr::memmem::find_iter(self.names_text(), wanted.as_bytes()) {
            let n = self.name_at(at);
            if n == last_name {
                continue;
            }
            last_name = n;
            containing.push(n);
            let start = self.start(n);
            let name = self.name(n);
            let slot = self.slot(n);
            let (base, how) = if at == start && name.len() == wanted.len() {
                (1.0, "exact")
            } else {
                let coverage = wanted_len as f64 / name.chars().count().max(1) as f64;
                if at == start {
                    (0.8 + 0.1 * coverage, "prefix")
                } else {
                    (0.6 + 0.1 * coverage, "contains")
                }
            };
            keep(&mut best, self.owner(n), (n as u32, base - penalty(slot), how));
        }
        let strong = best.iter().filter(|(_, (_, score, _))| *score >= 0.7).count();
        if !fuzzy || strong >= limit {
            return best;
        }
        // The fuzzy pass: every entity without a strong match, merged with what the scan found.
        // Only the first `limit` hits are kept (by rounded score, then IRI), so a name whose
        // bound rounds below the `limit`-th best final score so far cannot be among them and
        // is not compared: the strong hits count from the start (their entities skip this
        // pass), every other entity once its best is final. The columns are taken once, so
        // that the loop over every name reads plain slices.
        let bound = JaroBound::new(wanted);
        let mut top = TopScores::new(limit);
        for (_, (_, score, _)) in &best {
            if *score >= 0.7 {
                top.offer(*score);
            }
        }
        let pass = FuzzyPass { columns: self.fuzzy_columns(), wanted, wanted_len, bound };
        let scanned = std::mem::take(&mut best);
        let names = pass.columns.names;
        // A large table is compared in two halves at once, split where an entity's names
        // end; each half keeps its own `limit` best (a lower bar than the whole's, so it
        // skips no name the whole would compare), and the halves come back in entity order.
        let split = (names >= PARALLEL_NAMES
            && std::thread::available_parallelism().is_ok_and(|cores| cores.get() > 1))
        .then(|| pass.columns.split_point(names / 2))
        .filter(|split| *split > 0 && *split < names);
        let Some(split) = split else {
            return pass.run(0..names, scanned, containing, top);
        };
        let split_owner = pass.columns.owner(split);
        let (first_scanned, second_scanned): (Vec<_>, Vec<_>) =
            scanned.into_iter().partition(|(entity, _)| *entity < split_owner);
        let (first_containing, second_containing): (Vec<_>, Vec<_>) = containing.into_iter().partition(|n| *n < split);
        let second_top = top.clone();
        let pass = &pass;
        std::thread::scope(|scope| {
            let second = scope.spawn(move || pass.run(split..names, second_scanned, second_containing, second_top));
            let mut first = pass.run(0..split, first_scanned, first_containing, top);
            match second.join() {
                Ok(second) => first.extend(second),
                Err(payload) => std::panic::resume_unwind(payload),
            }
            first
        })
    }
}

/// Tables with at least this many names have their fuzzy pass split across two threads
/// (in tests, small ones too, so that the tests' tables take both paths).
const PARALLEL_NAMES: usize = if cfg!(test) { 1_000 } else { 200_000 };

/// Names shorter than this many characters have their least common count kept per length.
const NEEDS: usize = 64;

/// What the fuzzy pass compares every name with.
struct FuzzyPass<'t> {
    columns: FuzzyColumns<'t>,
    wanted: &'t str,
    wanted_len: usize,
    bound: JaroBound,
}

impl FuzzyPass<'_> {
    /// The best match of every entity whose names lie in `range`: the scan's (`scanned`,
    /// those entities only, in order) or a fuzzy one when that is weak. `containing`: the
    /// names in `range` the scan found, which are not compared again.
    fn run(
        &self,
        range: std::ops::Range<usize>,
        scanned: Vec<(u32, Best)>,
        containing: Vec<usize>,
        mut top: TopScores,
    ) -> Vec<(u32, Best)> {
        let (columns, wanted, wanted_len) = (&self.columns, self.wanted, self.wanted_len);
        let mut best = Vec::new();
        let mut scanned = scanned.into_iter().peekable();
        let mut containing = containing.into_iter().peekable();
        let mut needs: Vec<Option<usize>> = vec![None; 2 * NEEDS];
        let mut needs_bar = top.lowest();
        let names = range.end;
        let mut n = range.start;
        while n < names {
            let owner = columns.owner(n);
            let mut end = n + 1;
            while end < names && columns.owner(end) == owner {
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
                    while containing.next_if(|c| *c < m).is_some() {}
                    if containing.next_if_eq(&m).is_some() {
                        continue;
                    }
                    let raw = columns.name(m);
                    // Characters are the bytes that do not continue one (the text is checked
                    // as UTF-8 below, before any comparison).
                    let ascii = raw.is_ascii();
                    let length = if ascii { raw.len() } else { raw.iter().filter(|b| (**b as i8) >= -64).count() };
                    let penalty = penalty(columns.slot(m));
                    // The fewest common characters that can still pass, kept per length and
                    // penalty while the bar stays where it is.
                    if top.lowest() != needs_bar {
                        needs.fill(None);
                        needs_bar = top.lowest();
                    }
                    let need = if length < NEEDS {
                        let key = usize::from(penalty > 0.0) * NEEDS + length;
                        *needs[key].get_or_insert_with(|| self.bound.need(length, penalty, &top))
                    } else {
                        self.bound.need(length, penalty, &top)
                    };
                    if need == usize::MAX || !comparable(wanted_len, length) {
                        continue;
                    }
                    let upper = if ascii {
                        self.bound.upper_ascii(raw, need)
                    } else {
                        let Ok(candidate) = std::str::from_utf8(raw) else { continue };
                        self.bound.upper_needing(candidate, length, need)
                    };
                    if upper < 0.8 - 1e-9 || top.beats((upper + 1e-9) * 0.7 - penalty) {
                        continue;
                    }
                    let Ok(candidate) = std::str::from_utf8(raw) else { continue };
                    let similarity = strsim::jaro_winkler(wanted, candidate);
                    if similarity >= 0.8 {
                        let score = similarity * 0.7 - penalty;
                        if current.is_none_or(|(_, s, _)| score > s) {
                            current = Some((m as u32, score, "fuzzy"));
                        }
                    }
                }
                if let Some((_, score, _)) = current {
                    top.offer(score);
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

/// What a name in `slot` loses against the labels (aliases and ids rank just below).
fn penalty(slot: u8) -> f64 {
    if slot == SLOT_EN || slot == SLOT_ZH {
        0.0
    } else {
        0.01
    }
}

/// The columns the fuzzy pass reads for every name, as plain slices (empty where the table
/// does not hold them whole, so that a broken table reads as one without names).
struct FuzzyColumns<'t> {
    names: usize,
    text: &'t [u8],
    starts: &'t [u8],
    owners: &'t [u8],
    slots: &'t [u8],
}

impl FuzzyColumns<'_> {
    fn word(column: &[u8], i: usize) -> u32 {
        read_u32(column, 4 * i)
    }

    fn owner(&self, n: usize) -> u32 {
        FuzzyColumns::word(self.owners, n)
    }

    fn slot(&self, n: usize) -> u8 {
        self.slots.get(n).copied().unwrap_or(u8::MAX)
    }

    /// The first name at or after `n` that starts an entity's names.
    fn split_point(&self, n: usize) -> usize {
        let mut n = n.max(1);
        while n < self.names && self.owner(n) == self.owner(n - 1) {
            n += 1;
        }
        n
    }

    fn name(&self, n: usize) -> &[u8] {
        let (start, end) =
            (FuzzyColumns::word(self.starts, n) as usize, FuzzyColumns::word(self.starts, n + 1) as usize);
        self.text.get(start..end.saturating_sub(1)).unwrap_or_default()
    }
}

impl NameTable {
    fn fuzzy_columns(&self) -> FuzzyColumns<'_> {
        let bytes = self.bytes();
        let column = |at: usize, length: usize| at.checked_add(length).and_then(|end| bytes.get(at..end));
        let words = self.names.checked_mul(4);
        match (
            words.and_then(|w| column(self.starts_at, w.checked_add(4)?)),
            words.and_then(|w| column(self.owners_at, w)),
            column(self.slots_at, self.names),
        ) {
            (Some(starts), Some(owners), Some(slots)) => {
                FuzzyColumns { names: self.names, text: self.names_text(), starts, owners, slots }
            }
            _ => FuzzyColumns { names: 0, text: &[], starts: &[], owners: &[], slots: &[] },
        }
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
    /// `1 / n` for the lengths names mostly have: the bounds are taken for every name, and
    /// a division is much slower than a product.
    reciprocals: [f64; 64],
}

impl JaroBound {
    fn new(wanted: &str) -> JaroBound {
        let mut counts = [0u16; 64];
        let chars: Vec<char> = wanted.chars().collect();
        for &c in &chars {
            counts[c as usize % 64] = counts[c as usize % 64].saturating_add(1);
        }
        let mut reciprocals = [0.0; 64];
        for (n, reciprocal) in reciprocals.iter_mut().enumerate().skip(1) {
            *reciprocal = 1.0 / n as f64;
        }
        JaroBound { counts, chars, reciprocals }
    }

    fn reciprocal(&self, n: usize) -> f64 {
        self.reciprocals.get(n).copied().unwrap_or_else(|| 1.0 / n as f64)
    }

    /// False only when `candidate`'s similarity is surely below `threshold`.
    #[cfg(test)]
    fn could_reach(&self, candidate: &str, threshold: f64) -> bool {
        let upper =
            if candidate.is_ascii() { self.upper_ascii(candidate.as_bytes(), 0) } else { self.upper(candidate) };
        upper >= threshold - 1e-9
    }

    /// An upper bound on `candidate`'s similarity (0 when they share no character). The
    /// common count grows as the candidate's characters come, one bucket at a time: a
    /// character counts while its bucket holds fewer of the candidate's than of `wanted`'s.
    #[cfg(test)]
    fn upper(&self, candidate: &str) -> f64 {
        self.upper_of(candidate.chars(), candidate.chars().count(), 0)
    }

    /// [`JaroBound::upper`] of a text of `length` characters, all of its bytes ASCII, or 0
    /// as soon as fewer than `need` of its characters can be common with `wanted`.
    fn upper_ascii(&self, candidate: &[u8], need: usize) -> f64 {
        self.upper_of(candidate.iter().map(|byte| char::from(*byte)), candidate.len(), need)
    }

    /// [`JaroBound::upper`] of a text of `length` characters, or 0 as soon as fewer than
    /// `need` of them can be common with `wanted`.
    fn upper_needing(&self, candidate: &str, length: usize, need: usize) -> f64 {
        self.upper_of(candidate.chars(), length, need)
    }

    fn upper_of(&self, candidate: impl Iterator<Item = char>, length: usize, need: usize) -> f64 {
        let mut seen = [0u16; 64];
        let (mut common, mut prefix, mut in_prefix) = (0usize, 0usize, true);
        for (i, c) in candidate.enumerate() {
            let bucket = c as usize % 64;
            common += usize::from(seen[bucket] < self.counts[bucket]);
            seen[bucket] = seen[bucket].saturating_add(1);
            if common + length.saturating_sub(i + 1) < need {
                return 0.0;
            }
            if in_prefix && i < 4 && self.chars.get(i) == Some(&c) {
                prefix += 1;
            } else {
                in_prefix = false;
            }
        }
        self.bound_of(common, length, prefix)
    }

    /// The bound for a text of `length` characters, `common` of them shared with `wanted`
    /// and its first `prefix` equal to `wanted`'s: it grows with `common` and `prefix`.
    fn bound_of(&self, common: usize, length: usize, prefix: usize) -> f64 {
        if common == 0 || self.chars.is_empty() || length == 0 {
            return 0.0;
        }
        let common = common as f64;
        let jaro =
            ((common * self.reciprocal(self.chars.len())).min(1.0) + (common * self.reciprocal(length)).min(1.0) + 1.0)
                * (1.0 / 3.0);
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    }

    /// The fewest common characters a text of `length` characters needs for its bound to
    /// pass 0.8 and the bar of `top` (with `penalty`); `usize::MAX` when no count can (at
    /// most the shorter length can be common, so this is the bound by length too).
    fn need(&self, length: usize, penalty: f64, top: &TopScores) -> usize {
        (1..=self.chars.len().min(length))
            .find(|&common| {
                let bound = self.bound_of(common, length, common.min(4));
                bound >= 0.8 - 1e-9 && !top.beats((bound + 1e-9) * 0.7 - penalty)
            })
            .unwrap_or(usize::MAX)
    }
}

/// The `limit` best final scores seen, as the hits will show them (rounded to thousandths):
/// a score that rounds below the lowest of them, once there are `limit`, cannot be shown.
#[derive(Clone)]
struct TopScores {
    limit: usize,
    kept: std::collections::BinaryHeap<std::cmp::Reverse<i64>>,
}

impl TopScores {
    fn new(limit: usize) -> TopScores {
        TopScores { limit, kept: std::collections::BinaryHeap::new() }
    }

    fn rounded(score: f64) -> i64 {
        (score * 1000.0).round() as i64
    }

    /// Counts one entity's final score.
    fn offer(&mut self, score: f64) {
        if self.limit == 0 || self.limit == usize::MAX {
            return;
        }
        let score = TopScores::rounded(score);
        if self.kept.len() < self.limit {
            self.kept.push(std::cmp::Reverse(score));
        } else if self.kept.peek().is_some_and(|lowest| score > lowest.0) {
            self.kept.pop();
            self.kept.push(std::cmp::Reverse(score));
        }
    }

    /// The bar: the lowest kept score once `limit` are kept.
    fn lowest(&self) -> Option<i64> {
        if self.limit == 0 || self.kept.len() < self.limit {
            return None;
        }
        self.kept.peek().map(|lowest| lowest.0)
    }

    /// True when a score of at most `bound` is surely beaten by `limit` entities already.
    fn beats(&self, bound: f64) -> bool {
        self.kept.len() >= self.limit
            && self.limit > 0
            && self.kept.peek().is_some_and(|lowest| TopScores::rounded(bound) < lowest.0)
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
        let back = NameTable::from_bytes(table.bytes().to_vec()).expect("the stored table fits");
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
    fn a_broken_stored_table_is_refused_or_read_without_panic() {
        let backend = Backend::builtin(false).unwrap();
        let schema = backend.read_schema().unwrap();
        let table = NameTable::build(&EntityIndex::build(&backend, &schema).unwrap());
        let good = table.bytes().to_vec();
        // One byte short, one byte more.
        assert!(NameTable::from_bytes(good[..good.len() - 1].to_vec()).is_none());
        assert!(NameTable::from_bytes([good.as_slice(), b"x"].concat()).is_none());
        // A name's start moved past the next one's, an owner that is no entity: read where
        // they are used, they give odd answers but no panic.
        let mut broken = good.clone();
        broken[16 + 4 * 4] = 0xff;
        let owners_at = 16 + 4 * (table.names + 1);
        broken[owners_at..owners_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let broken = NameTable::from_bytes(broken).expect("the ends still fit");
        for text in ["AliExpress", "速卖通", "aidc", "zzz", "a"] {
            let _ = broken.search(text, 10);
            let _ = broken.resolve(text);
        }
        // Every byte of the offsets and owners flipped in turn: still no panic.
        for at in 16..owners_at + 4 * table.names {
            let mut flipped = good.clone();
            flipped[at] ^= 0x5a;
            if let Some(flipped) = NameTable::from_bytes(flipped) {
                let _ = flipped.search("AliExpress", 5);
            }
        }
        // Counts that overflow.
        let mut broken = good;
        broken[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(NameTable::from_bytes(broken).is_none());
    }
}
