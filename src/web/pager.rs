//! Pagination links for workbench tables that keep the list's filters in the query
//! string (so a filtered list can be bookmarked, reloaded and paged).

use crate::kernel::page::COUNT_CAP;

/// Where a table stands and how to move.
#[derive(Debug, Clone)]
pub struct Pager {
    /// Current page (1-based).
    pub page: i64,
    /// Number of pages (at least 1).
    pub pages: i64,
    /// Matching rows, as shown: "10000+" past [`COUNT_CAP`].
    pub total: String,
    /// Link to the previous page.
    pub prev: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

/// Builds `path?filters&page=n` links; `filters` are (name, value) pairs, blanks dropped.
pub fn pager(
    path: &str,
    filters: &[(&str, String)],
    page: i64,
    total: i64,
    per_page: i64,
) -> Pager {
    let shown = total.min(COUNT_CAP);
    let pages = ((shown + per_page - 1) / per_page).max(1);
    let page = page.clamp(1, pages);
    let link = |n: i64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
            query.append_pair(name, value);
        }
        query.append_pair("page", &n.to_string());
        format!("{path}?{}", query.finish())
    };
    Pager {
        page,
        pages,
        total: if total > COUNT_CAP { format!("{COUNT_CAP}+") } else { total.to_string() },
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

/// The same filters as a query string (for export links).
pub fn query_string(filters: &[(&str, String)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(name, value);
    }
    query.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters() {
        let p = pager("/admin/x", &[("kind", "join".into()), ("q", String::new())], 2, 45, 20);
        assert_eq!((p.page, p.pages), (2, 3));
        assert_eq!(p.prev.as_deref(), Some("/admin/x?kind=join&page=1"));
        assert_eq!(p.next.as_deref(), Some("/admin/x?kind=join&page=3"));
        assert_eq!(pager("/a", &[], 9, 0, 20).page, 1);
        assert_eq!(p.total, "45");
    }

    #[test]
    fn a_capped_count_reads_as_more() {
        let p = pager("/a", &[], 1, COUNT_CAP + 1, 20);
        assert_eq!(p.total, "10000+");
        assert_eq!(p.pages, COUNT_CAP / 20);
    }
}
