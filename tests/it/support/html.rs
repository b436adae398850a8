//! HTML assertions by CSS selector.

use scraper::{Html, Selector};

/// Parses a page.
pub fn parse(body: &str) -> Html {
    Html::parse_document(body)
}

/// Texts of the elements matching `selector`.
pub fn texts(body: &str, selector: &str) -> Vec<String> {
    let doc = parse(body);
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    doc.select(&sel).map(|e| e.text().collect::<String>().trim().to_owned()).collect()
}

/// How many elements match `selector`.
pub fn count(body: &str, selector: &str) -> usize {
    let doc = parse(body);
    let sel =
        Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    doc.select(&sel).count()
}

/// The value of `attr` on the first element matching `selector`.
pub fn attr(body: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = parse(body);
    let sel = Selector::parse(selector).ok()?;
    doc.select(&sel).next()?.value().attr(attr).map(str::to_owned)
}

/// The CSRF token of a page: the hidden form field, or the meta tag htmx reads.
pub fn csrf_token(body: &str) -> Option<String> {
    attr(body, "input[name=csrf_token]", "value")
        .or_else(|| attr(body, "meta[name=csrf-token]", "content"))
}
