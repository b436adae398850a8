//! The one rich-text sanitiser (ammonia), applied once, on write, to everything staff
//! type in the workbench editor (articles; the learning module's lessons later). Its
//! allow-list keeps what the editor (wangEditor) produces — headings, lists, quotes,
//! code, tables, colours and alignment, links, images — and nothing else: no scripts,
//! no event handlers, no `javascript:` or `data:` URLs, no iframes or forms, and images
//! only from this server's media links (`/media/{id}-{sig}`), so an article never makes
//! a reader's phone load a third party's tracker.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Tags the editor produces and readers may see.
const TAGS: &[&str] = &[
    "p",
    "br",
    "span",
    "div",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "sub",
    "sup",
    "code",
    "pre",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "hr",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "colgroup",
    "col",
    "caption",
    "font",
];

/// Inline style properties the editor sets (colours, sizes, alignment, indentation).
const STYLES: &[&str] = &[
    "color",
    "background-color",
    "text-align",
    "text-indent",
    "text-decoration",
    "font-size",
    "font-weight",
    "font-style",
    "font-family",
    "line-height",
    "width",
    "height",
    "margin-left",
    "padding-left",
    "border",
    "border-collapse",
    "vertical-align",
];

static BUILDER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(TAGS.iter().copied().collect())
        .generic_attributes(["style"].into_iter().collect())
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "target", "title"])),
            ("img", HashSet::from(["src", "alt", "width", "height", "data-href"])),
            ("td", HashSet::from(["colspan", "rowspan", "width"])),
            ("th", HashSet::from(["colspan", "rowspan", "width"])),
            ("col", HashSet::from(["width"])),
            ("ol", HashSet::from(["start"])),
            ("font", HashSet::from(["color"])),
        ]))
        .tag_attribute_values(HashMap::from([(
            "a",
            HashMap::from([("target", HashSet::from(["_blank"]))]),
        )]))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .filter_style_properties(STYLES.iter().copied().collect())
        .attribute_filter(filter_attribute);
    b
});

/// Whether `src` is one of this server's public media links (or its thumbnail).
pub fn is_media_url(src: &str) -> bool {
    let Some(rest) = src.strip_prefix(crate::kernel::media::links::PREFIX) else { return false };
    let Some(rest) = rest.strip_prefix('/') else { return false };
    let token = rest.strip_suffix("/thumbnail").unwrap_or(rest);
    let Some((id, sig)) = token.split_once('-') else { return false };
    !id.is_empty()
        && id.bytes().all(|c| c.is_ascii_digit())
        && !sig.is_empty()
        && sig.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("img", "src") => is_media_url(value.trim()).then(|| value.trim().into()),
        (_, "style") => {
            let lower = value.to_ascii_lowercase();
            let hostile = ["url(", "expression", "javascript:", "\\", "@import", "behavior"];
            (!hostile.iter().any(|h| lower.contains(h))).then_some(value.into())
        }
        (_, "href") => {
            // Relative links are fine only as paths on this server, never `//host`.
            let v = value.trim();
            (!v.starts_with("//") && !v.starts_with("\\")).then_some(value.into())
        }
        _ => Some(value.into()),
    }
}

/// Sanitises editor HTML for storage: what the allow-list keeps, every link
/// `rel="noopener noreferrer"`, images only from our media links.
pub fn clean(html: &str) -> String {
    let cleaned = BUILDER.clean(html).to_string();
    // An image whose source was not ours is left without one: drop the empty shell.
    drop_sourceless_images(&cleaned)
}

/// Plain text of rich text (for summaries and the search index): tags removed,
/// entities decoded by the sanitiser's parser, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    // Block ends separate words; inline tags do not (Chinese has no spaces to lose).
    let mut spaced = html.replace("<br", " <br");
    for tag in [
        "p",
        "div",
        "li",
        "td",
        "th",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
    ] {
        spaced = spaced.replace(&format!("</{tag}>"), &format!("</{tag}> "));
    }
    let text = ammonia::Builder::empty()
        .clean_content_tags(["script", "style"].into_iter().collect())
        .clean(&spaced)
        .to_string();
    let decoded = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn drop_sourceless_images(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        if tag.contains(" src=\"") {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "rich_text_tests.rs"]
mod tests;
