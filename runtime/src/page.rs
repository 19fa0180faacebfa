//! One page of a list operation: the items with Laravel-style pagination `meta` and `links`
//! (`api.yaml: pagination`). Decodes straight from the list envelope, whose other keys
//! (`success`, `message`) it ignores. The generated models check at compile time that these
//! fields match the spec.

use serde::{Deserialize, Serialize};

/// The items of one page and where it sits among the others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page (the envelope's `data`).
    #[serde(rename = "data")]
    pub items: Vec<T>,
    /// Position and size of the page.
    pub meta: PageMeta,
    /// URLs of the neighbouring pages.
    pub links: PageLinks,
}

/// `meta` of a list response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageMeta {
    /// The page returned.
    pub current_page: i64,
    /// Items per page.
    pub per_page: i64,
    /// Items across all pages.
    pub total: i64,
    /// The last page number (1 when there are no items).
    pub last_page: i64,
    /// Position of the first item of the page, null when empty.
    #[serde(default)]
    pub from: Option<i64>,
    /// Position of the last item of the page, null when empty.
    #[serde(default)]
    pub to: Option<i64>,
}

/// `links` of a list response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLinks {
    /// URL of the first page.
    pub first: String,
    /// URL of the last page.
    pub last: String,
    /// URL of the previous page, null on the first.
    #[serde(default)]
    pub prev: Option<String>,
    /// URL of the next page, null on the last.
    #[serde(default)]
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.meta.current_page < self.meta.last_page
    }

    /// The number of the next page, if any, for the `page` query parameter.
    pub fn next_page(&self) -> Option<u32> {
        if !self.has_next() {
            return None;
        }
        u32::try_from(self.meta.current_page + 1).ok()
    }

    /// Maps the items, keeping the pagination.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            meta: self.meta,
            links: self.links,
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_list_envelope() {
        let json = r#"{
            "success": true, "message": "Groups retrieved successfully",
            "data": [1, 2],
            "meta": {"current_page": 1, "per_page": 2, "total": 3, "last_page": 2, "from": 1, "to": 2},
            "links": {"first": "/groups?page=1", "last": "/groups?page=2", "prev": null, "next": "/groups?page=2"}
        }"#;
        let page: Page<i64> = serde_json::from_str(json).unwrap();
        assert_eq!(page.items, [1, 2]);
        assert_eq!(page.next_page(), Some(2));
        assert_eq!(page.links.prev, None);
        assert_eq!(
            page.map(|n| n * 10).into_iter().collect::<Vec<_>>(),
            [10, 20]
        );
    }
}
