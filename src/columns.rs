//! Columns of plain numbers, held in memory or read in place from a mapped view file, and
//! the block layout that keeps several of them in one file.
//!
//! A block is `COLUMNS_MAGIC`, the column count as a little-endian `u64`, one `(offset,
//! length)` pair of `u64`s per column (bytes, from the block's start), then the columns,
//! each starting at a multiple of 8 so that any column of `u16`, `u32` or `[u32; 2]` can be
//! read in place once the block itself starts at a multiple of 8 in its map.
//!
//! Architecture Invariant: a [`Column`] never changes once made; a mapped one keeps its map
//! alive, and view files are replaced by a rename, never rewritten in place (`views`).

use bytemuck::Pod;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// Where a column's values live.
enum Owner<T> {
    Vec(#[allow(dead_code)] Vec<T>),
    Map(#[allow(dead_code)] Arc<memmap2::Mmap>),
}

/// A fixed slice of `T`: its own vector, or part of a mapped file.
pub struct Column<T: Pod> {
    /// Keeps `ptr..ptr + len` alive: a vector's heap buffer does not move when the vector
    /// does, and a map stays where it is while any `Arc` to it lives.
    owner: Owner<T>,
    ptr: *const T,
    len: usize,
}

// SAFETY: a column is read-only plain data behind an owner that is itself `Send + Sync`
// (a `Vec<T>` of `Pod` values, or an `Arc<Mmap>`); nothing writes through `ptr`.
unsafe impl<T: Pod + Sync> Send for Column<T> {}
// SAFETY: as above: shared access only ever reads.
unsafe impl<T: Pod + Sync> Sync for Column<T> {}

impl<T: Pod> From<Vec<T>> for Column<T> {
    fn from(values: Vec<T>) -> Column<T> {
        let (ptr, len) = (values.as_ptr(), values.len());
        Column { owner: Owner::Vec(values), ptr, len }
    }
}

impl<T: Pod> Default for Column<T> {
    fn default() -> Column<T> {
        Column::from(Vec::new())
    }
}

impl<T: Pod> Clone for Column<T> {
    fn clone(&self) -> Column<T> {
        match &self.owner {
            Owner::Vec(_) => Column::from(self.to_vec()),
            Owner::Map(map) => Column { owner: Owner::Map(map.clone()), ptr: self.ptr, len: self.len },
        }
    }
}

impl<T: Pod> Deref for Column<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        // SAFETY: `ptr` and `len` came from a live slice of `owner` (see `From<Vec<T>>` and
        // `Column::mapped`), which this column holds unchanged for as long as it lives.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Pod> Column<T> {
    /// The bytes `range` of `map` read as `T`s in place; `None` when the range lies outside
    /// the map, is not aligned for `T` or does not hold a whole number of them.
    pub fn mapped(map: &Arc<memmap2::Mmap>, range: Range<usize>) -> Option<Column<T>> {
        let values: &[T] = bytemuck::try_cast_slice(map.get(range)?).ok()?;
        Some(Column { owner: Owner::Map(map.clone()), ptr: values.as_ptr(), len: values.len() })
    }

    /// The bytes the values take.
    pub fn bytes(&self) -> usize {
        std::mem::size_of_val::<[T]>(self)
    }
}

/// The start of a block of columns.
const COLUMNS_MAGIC: &[u8; 8] = b"SGCOLS1\n";

fn pad_to_8(bytes: &mut Vec<u8>) {
    bytes.resize(bytes.len().next_multiple_of(8), 0);
}

/// The block holding these columns' bytes, in order.
pub fn write_block(columns: &[&[u8]]) -> Vec<u8> {
    let table = 16 + 16 * columns.len();
    let mut bytes = Vec::with_capacity(table + columns.iter().map(|c| c.len() + 8).sum::<usize>());
    bytes.extend_from_slice(COLUMNS_MAGIC);
    bytes.extend_from_slice(&(columns.len() as u64).to_le_bytes());
    bytes.resize(table, 0);
    for (i, column) in columns.iter().enumerate() {
        pad_to_8(&mut bytes);
        let at = 16 + 16 * i;
        let offset = bytes.len() as u64;
        bytes[at..at + 8].copy_from_slice(&offset.to_le_bytes());
        bytes[at + 8..at + 16].copy_from_slice(&(column.len() as u64).to_le_bytes());
        bytes.extend_from_slice(column);
    }
    bytes
}

/// Where the `count` columns of the block starting at `start` of `map` lie, as ranges of
/// the map; `None` when the block is not one of `count` columns that fit in the map.
pub fn read_block(map: &[u8], start: usize, count: usize) -> Option<Vec<Range<usize>>> {
    let block = map.get(start..)?;
    let word = |at: usize| -> Option<usize> {
        let bytes: [u8; 8] = block.get(at..at + 8)?.try_into().ok()?;
        usize::try_from(u64::from_le_bytes(bytes)).ok()
    };
    if start % 8 != 0 || !block.starts_with(COLUMNS_MAGIC) || word(8)? != count {
        return None;
    }
    (0..count)
        .map(|i| {
            let (offset, len) = (word(16 + 16 * i)?, word(24 + 16 * i)?);
            let end = offset.checked_add(len)?;
            (offset % 8 == 0 && end <= block.len()).then(|| start + offset..start + end)
        })
        .collect()
}

/// The bytes of a column of plain values, for [`write_block`].
pub fn as_bytes<T: Pod>(values: &[T]) -> &[u8] {
    bytemuck::cast_slice(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_reads_back_in_place() {
        let numbers: Vec<u32> = vec![1, 2, 3];
        let pairs: Vec<[u32; 2]> = vec![[4, 5]];
        let text = b"odd length";
        let block = write_block(&[as_bytes(&numbers), text, as_bytes(&pairs)]);
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, &block).unwrap();
        // SAFETY: a private temporary file, not changed while mapped.
        let map = Arc::new(unsafe { memmap2::Mmap::map(&file).unwrap() });
        let ranges = read_block(&map, 0, 3).unwrap();
        assert_eq!(&*Column::<u32>::mapped(&map, ranges[0].clone()).unwrap(), &numbers[..]);
        assert_eq!(&map[ranges[1].clone()], text);
        assert_eq!(&*Column::<[u32; 2]>::mapped(&map, ranges[2].clone()).unwrap(), &pairs[..]);
        assert!(read_block(&map, 0, 2).is_none(), "the count is checked");
        assert!(read_block(&map[..block.len() - 4], 0, 3).is_none(), "a cut block is refused");
        assert!(Column::<u32>::mapped(&map, 1..5).is_none(), "a misaligned column is refused");
        let clone = Column::from(numbers.clone()).clone();
        assert_eq!(&*clone, &numbers[..]);
    }
}
