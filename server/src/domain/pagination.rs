//! Keyset pagination shared by every growing list: `first` items after an opaque
//! cursor, ordered by id, so pages stay stable while rows are added.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Result};

pub const DEFAULT_PAGE_SIZE: i64 = 25;
pub const MAX_PAGE_SIZE: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub first: i64,
    pub after_id: Option<i64>,
}

impl PageRequest {
    pub fn new(first: Option<i32>, after: Option<&str>) -> Result<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (1..=MAX_PAGE_SIZE as i32).contains(&n) => i64::from(n),
            Some(_) => {
                return Err(Error::invalid(
                    "first",
                    format!("must be between 1 and {MAX_PAGE_SIZE}"),
                ));
            }
        };
        let after_id = after.map(decode_cursor).transpose()?;
        Ok(PageRequest { first, after_id })
    }

    /// Rows to fetch: one more than asked, to learn whether another page exists.
    pub fn limit(&self) -> i64 {
        self.first + 1
    }

    pub fn after(&self) -> i64 {
        self.after_id.unwrap_or(i64::MIN)
    }
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub nodes: Vec<T>,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
    pub total_count: i64,
}

impl<T> Page<T> {
    /// Builds a page from up to `request.limit()` rows fetched in id order.
    pub fn from_rows(
        request: PageRequest,
        mut rows: Vec<T>,
        total_count: i64,
        id_of: impl Fn(&T) -> i64,
    ) -> Self {
        let has_next_page = rows.len() as i64 > request.first;
        rows.truncate(request.first as usize);
        let end_cursor = rows.last().map(|row| encode_cursor(id_of(row)));
        Page {
            nodes: rows,
            has_next_page,
            end_cursor,
            total_count,
        }
    }

    /// A page of a list that is sorted in memory (e.g. by Composer's version order), where
    /// the cursor is a position rather than an id.
    pub fn from_offset(request: PageRequest, all: Vec<T>) -> Self {
        let total_count = all.len() as i64;
        let start = request
            .after_id
            .map_or(0, |position| position.max(0) as usize);
        let nodes: Vec<T> = all
            .into_iter()
            .skip(start)
            .take(request.first as usize)
            .collect();
        let end = start + nodes.len();
        Page {
            has_next_page: (end as i64) < total_count,
            end_cursor: (!nodes.is_empty()).then(|| encode_cursor(end as i64)),
            nodes,
            total_count,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            nodes: self.nodes.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            end_cursor: self.end_cursor,
            total_count: self.total_count,
        }
    }
}

pub fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

fn decode_cursor(cursor: &str) -> Result<i64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("id:")?.parse().ok())
        .ok_or_else(|| Error::invalid("after", "not a cursor returned by this API"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_rejected() {
        let request = PageRequest::new(Some(2), Some(&encode_cursor(41))).unwrap();
        assert_eq!(request.after_id, Some(41));
        assert_eq!(request.limit(), 3);
        assert_eq!(
            PageRequest::new(None, Some("garbage")).unwrap_err().field(),
            Some("after")
        );
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(101), None).is_err());
    }

    #[test]
    fn one_extra_row_means_another_page() {
        let request = PageRequest::new(Some(2), None).unwrap();
        let page = Page::from_rows(request, vec![1, 2, 3], 3, |id| *id);
        assert_eq!(page.nodes, vec![1, 2]);
        assert!(page.has_next_page);
        assert_eq!(page.end_cursor, Some(encode_cursor(2)));
        let last = Page::from_rows(request, vec![3], 3, |id| *id);
        assert!(!last.has_next_page);
    }
}
