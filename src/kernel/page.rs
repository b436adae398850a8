//! One pager for every list: which rows a page asks for ([`PageRequest`]) and the page
//! answered ([`Page`]). Page numbers are bounded, so a made-up `page=10^12` costs nothing.

/// Rows per page in workbench and API lists.
pub const PAGE_SIZE: i64 = 20;
/// The highest page number served; larger requests are clamped to it.
pub const MAX_PAGE: i64 = 100_000;
/// Large lists (the roll, the hall) count matches only up to this many: a count of
/// `COUNT_CAP + 1` means "more", shown as "10000+". Counting every one of 100,000
/// members or 50,000 listings on each page view costs more than the page itself, and
/// nobody browses past page 500 — they narrow the filter.
pub const COUNT_CAP: i64 = 10_000;

/// A 1-based page of [`PAGE_SIZE`] rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number, within `1..=MAX_PAGE`.
    pub page: i64,
}

impl PageRequest {
    /// Page `page`, clamped to `1..=MAX_PAGE`.
    pub fn new(page: i64) -> Self {
        Self { page: page.clamp(1, MAX_PAGE) }
    }

    /// Rows to skip.
    pub fn offset(self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }

    /// Rows to load.
    pub fn limit(self) -> i64 {
        PAGE_SIZE
    }

    /// The answer: these rows of `total`.
    pub fn answer<T>(self, rows: Vec<T>, total: i64) -> Page<T> {
        Page { rows, total, page: self.page }
    }
}

/// A page of rows and how many there are in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// All matching rows.
    pub total: i64,
    /// 1-based page number.
    pub page: i64,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> i64 {
        ((self.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
    }

    /// The same page with each row mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { rows: self.rows.into_iter().map(f).collect(), total: self.total, page: self.page }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_and_counted() {
        assert_eq!(PageRequest::new(0).page, 1);
        assert_eq!(PageRequest::new(i64::MAX).page, MAX_PAGE);
        assert_eq!(PageRequest::new(3).offset(), 2 * PAGE_SIZE);
        let page = PageRequest::new(2).answer(vec![1, 2], 41);
        assert_eq!((page.pages(), page.page), (3, 2));
        assert_eq!(PageRequest::new(1).answer(Vec::<i32>::new(), 0).pages(), 1);
        assert_eq!(page.map(|x| x * 10).rows, vec![10, 20]);
    }
}
