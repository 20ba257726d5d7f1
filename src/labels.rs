//! The entity index's names laid out to be read in place: every entity's IRI, English and
//! Chinese label and aliases, in IRI order, in one block of columns (`columns`) kept as a
//! mapped view (`entity-labels.map`). A one-shot command on a large store that must name a
//! few hundred entities (a route, a neighbourhood, a description) looks each one up here,
//! reading a few pages, instead of asking the store for their labels; the answer is the
//! entity index's own (`EntityIndex::for_iris` chooses names exactly as `build` does).

use crate::columns::{as_bytes, read_block, write_block, Column};
use crate::resolve::{EntityIndex, EntityNames};
use std::sync::Arc;

/// `flags` bits: which labels an entity has.
const HAS_EN: u8 = 1;
const HAS_ZH: u8 = 2;

/// The columns: IRI starts and text, English and Chinese label starts and texts, flags,
/// each entity's first alias, alias starts and text.
const COLUMNS: usize = 10;

/// One text column and the starts of its pieces (one more start than pieces: the end).
struct Texts {
    starts: Column<u32>,
    text: Column<u8>,
}

impl Texts {
    fn get(&self, i: usize) -> Option<&str> {
        let (a, b) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        std::str::from_utf8(self.text.get(a as usize..b as usize)?).ok()
    }

    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
}

/// The names of every entity, read in place.
pub struct LabelTable {
    iris: Texts,
    en: Texts,
    zh: Texts,
    flags: Column<u8>,
    /// Entity `i`'s aliases are `aliases[first_alias[i]..first_alias[i + 1]]`.
    first_alias: Column<u32>,
    aliases: Texts,
}

/// Appends `text` to `out` and its end to `starts`.
fn push(out: &mut Vec<u8>, starts: &mut Vec<u32>, text: &str) {
    out.extend_from_slice(text.as_bytes());
    starts.push(out.len() as u32);
}

impl LabelTable {
    /// The bytes of the table of `index`'s names, to keep as a view; `None` when a text is
    /// past the 4 GiB a `u32` offset reaches.
    pub fn bytes_of(index: &EntityIndex) -> Option<Vec<u8>> {
        let entities = index.entities();
        let (mut iris, mut en, mut zh, mut aliases) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut iri_starts, mut en_starts, mut zh_starts, mut alias_starts) = (vec![0], vec![0], vec![0], vec![0]);
        let mut flags = Vec::with_capacity(entities.len());
        let mut first_alias = vec![0u32];
        for entity in entities {
            push(&mut iris, &mut iri_starts, &entity.iri);
            push(&mut en, &mut en_starts, entity.en.as_deref().unwrap_or_default());
            push(&mut zh, &mut zh_starts, entity.zh.as_deref().unwrap_or_default());
            flags.push(if entity.en.is_some() { HAS_EN } else { 0 } | if entity.zh.is_some() { HAS_ZH } else { 0 });
            for alias in &entity.aliases {
                push(&mut aliases, &mut alias_starts, alias);
            }
            first_alias.push(u32::try_from(alias_starts.len() - 1).ok()?);
        }
        for text in [&iris, &en, &zh, &aliases] {
            u32::try_from(text.len()).ok()?;
        }
        Some(write_block(&[
            as_bytes(&iri_starts),
            &iris,
            as_bytes(&en_starts),
            &en,
            as_bytes(&zh_starts),
            &zh,
            &flags,
            as_bytes(&first_alias),
            as_bytes(&alias_starts),
            &aliases,
        ]))
    }

    /// The table kept in a mapped view file from `offset` on; `None` when its columns do not
    /// have the lengths that fit together. What is inside them is checked where it is read:
    /// a broken file gives missing names, never a panic.
    pub fn from_map(map: memmap2::Mmap, offset: usize) -> Option<LabelTable> {
        let map = Arc::new(map);
        let ranges = read_block(&map, offset, COLUMNS)?;
        let texts = |starts: usize| -> Option<Texts> {
            Some(Texts {
                starts: Column::mapped(&map, ranges[starts].clone())?,
                text: Column::mapped(&map, ranges[starts + 1].clone())?,
            })
        };
        let table = LabelTable {
            iris: texts(0)?,
            en: texts(2)?,
            zh: texts(4)?,
            flags: Column::mapped(&map, ranges[6].clone())?,
            first_alias: Column::mapped(&map, ranges[7].clone())?,
            aliases: texts(8)?,
        };
        let n = table.iris.len();
        let fits = table.en.len() == n
            && table.zh.len() == n
            && table.flags.len() == n
            && table.first_alias.len() == n + 1
            && table.first_alias.last().is_some_and(|&last| last as usize == table.aliases.len());
        fits.then_some(table)
    }

    /// The names of `iri`, when it has any.
    pub fn names(&self, iri: &str) -> Option<EntityNames> {
        let (mut low, mut high) = (0usize, self.iris.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.iris.get(middle)?.cmp(iri) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return self.entity(middle),
            }
        }
        None
    }

    fn entity(&self, i: usize) -> Option<EntityNames> {
        let flags = *self.flags.get(i)?;
        let label = |texts: &Texts, bit: u8| (flags & bit != 0).then(|| texts.get(i).map(str::to_owned)).flatten();
        let (first, end) = (*self.first_alias.get(i)? as usize, *self.first_alias.get(i + 1)? as usize);
        Some(EntityNames {
            iri: self.iris.get(i)?.to_owned(),
            en: label(&self.en, HAS_EN),
            zh: label(&self.zh, HAS_ZH),
            aliases: (first..end).filter_map(|a| self.aliases.get(a).map(str::to_owned)).collect(),
        })
    }

    /// The index of these IRIs' names: what `EntityIndex::for_iris` reads from the store.
    pub fn index_for(&self, iris: &[String]) -> EntityIndex {
        let mut found: Vec<EntityNames> = iris.iter().filter_map(|iri| self.names(iri)).collect();
        found.sort_by(|a, b| a.iri.cmp(&b.iri));
        found.dedup_by(|a, b| a.iri == b.iri);
        EntityIndex::from_stored(found).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Backend;

    fn mapped(bytes: &[u8]) -> Option<LabelTable> {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        // SAFETY: a private temporary file, not changed while mapped.
        LabelTable::from_map(unsafe { memmap2::Mmap::map(&file).unwrap() }, 0)
    }

    #[test]
    fn the_table_names_every_entity_as_the_index_does() {
        let backend = Backend::builtin(false).unwrap();
        let schema = backend.read_schema().unwrap();
        let index = EntityIndex::build(&backend, &schema).unwrap();
        let table = mapped(&LabelTable::bytes_of(&index).unwrap()).unwrap();
        for entity in index.entities() {
            assert_eq!(table.names(&entity.iri).as_ref(), Some(entity), "{}", entity.iri);
        }
        assert_eq!(table.names("urn:nobody"), None);
        let some: Vec<String> = index.entities().iter().step_by(7).map(|e| e.iri.clone()).collect();
        let asked: Vec<String> = some.iter().cloned().chain(["urn:nobody".to_owned()]).collect();
        let direct = EntityIndex::for_iris(&backend, &schema, &asked).unwrap();
        assert_eq!(table.index_for(&asked).entities(), direct.entities());
    }

    #[test]
    fn a_broken_table_is_refused_or_read_without_panic() {
        let backend = Backend::builtin(false).unwrap();
        let schema = backend.read_schema().unwrap();
        let index = EntityIndex::build(&backend, &schema).unwrap();
        let bytes = LabelTable::bytes_of(&index).unwrap();
        assert!(mapped(&bytes[..bytes.len() / 2]).is_none());
        let iri = &index.entities()[3].iri;
        for at in (0..bytes.len()).step_by(13) {
            let mut broken = bytes.clone();
            broken[at] ^= 0xa5;
            if let Some(table) = mapped(&broken) {
                let _ = table.names(iri);
                let _ = table.index_for(&[iri.clone(), "urn:x".to_owned()]);
            }
        }
    }
}
