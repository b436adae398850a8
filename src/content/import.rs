//! Importing a WeChat official-account article from its pasted HTML (公众号文章导入):
//! the text is kept, each image (WeChat's `data-src`) is fetched once from an allowed
//! host and re-hosted through the media pipeline (type checked by content), and the
//! result goes through the one sanitiser before it becomes a draft.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use crate::config::ContentConfig;
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::SharedClock;
use crate::kernel::media::links::MediaLinks;
use crate::kernel::media::{MediaStore, Uploader};

/// Largest pasted page, in bytes.
pub const MAX_PASTE_BYTES: usize = 4 * 1024 * 1024;

/// Where images stand while the page is rewritten (relative, so the first pass keeps it).
const PLACEHOLDER: &str = "/wximg/";

/// What an import produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The article's title (`og:title`, or WeChat's title heading), possibly empty.
    pub title: String,
    /// Sanitised body with re-hosted images.
    pub body_html: String,
    /// Images re-hosted.
    pub images_saved: usize,
    /// Images dropped (foreign host, fetch failed, not an image).
    pub images_dropped: usize,
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The title of a pasted WeChat page.
pub fn title_of(page: &str) -> String {
    let from_meta = page.find("property=\"og:title\"").and_then(|i| {
        let rest = &page[i..];
        let start = rest.find("content=\"")? + "content=\"".len();
        let end = rest[start..].find('"')?;
        Some(rest[start..start + end].to_owned())
    });
    let from_heading = || {
        let i = page.find("rich_media_title")?;
        let rest = &page[i..];
        let start = rest.find('>')? + 1;
        let end = rest[start..].find('<')?;
        Some(rest[start..start + end].to_owned())
    };
    let raw = from_meta.or_else(from_heading).unwrap_or_default();
    decode_entities(raw.trim()).chars().take(super::model::MAX_TITLE).collect()
}

/// The article part of a pasted page: from WeChat's `js_content` block up to the page
/// tools after it (the whole paste when it has no such block).
pub fn content_of(page: &str) -> &str {
    let Some(at) = page.find("id=\"js_content\"") else { return page };
    let start = page[..at].rfind('<').unwrap_or(at);
    let rest = &page[start..];
    let end = ["<script", "id=\"js_pc_qr_code\"", "class=\"rich_media_tool", "id=\"js_tags\""]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// First pass: every image source (WeChat's lazy `data-src` first, else `src`) is
/// replaced by a numbered placeholder, and the URLs are collected in order.
pub fn extract_images(content: &str) -> (String, Vec<String>) {
    let urls = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = urls.clone();
    let html = ammonia::Builder::default()
        .add_tags(["img"])
        .add_tag_attributes("img", ["src", "data-src"])
        .url_relative(ammonia::UrlRelative::PassThrough)
        .attribute_filter(move |element, attribute, value| match (element, attribute) {
            ("img", "src" | "data-src") => {
                let url = decode_entities(value.trim());
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return None;
                }
                let mut urls = seen.lock();
                urls.push(url);
                Some(format!("{PLACEHOLDER}{}", urls.len() - 1).into())
            }
            _ => Some(value.into()),
        })
        .clean(content)
        .to_string();
    let urls = urls.lock().clone();
    (prefer_lazy_source(&html), urls)
}

/// In each `<img>`, a `data-src` wins over `src` (WeChat's `src` is a placeholder).
fn prefer_lazy_source(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        if let Some(lazy) = attribute(tag, "data-src") {
            let mut fixed = tag.to_owned();
            if let Some(src) = attribute(tag, "src") {
                fixed = fixed.replace(&format!(" src=\"{src}\""), "");
            }
            out.push_str(
                &fixed.replace(&format!(" data-src=\"{lazy}\""), &format!(" src=\"{lazy}\"")),
            );
        } else {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Whether `url` may be fetched: http(s) on one of `hosts`.
pub fn allowed(url: &str, hosts: &[String]) -> bool {
    let Ok(parsed) = url::Url::parse(url) else { return false };
    matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
        && parsed.username().is_empty()
}

async fn fetch(client: &reqwest::Client, url: &str, max_bytes: usize) -> Option<Vec<u8>> {
    let mut res = client.get(url).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.ok()? {
        body.extend_from_slice(&chunk);
        if body.len() > max_bytes {
            return None;
        }
    }
    Some(body)
}

/// What an import needs from the application.
pub struct ImportContext<'a> {
    /// Database.
    pub db: &'a Db,
    /// Clock.
    pub clock: &'a SharedClock,
    /// The media pipeline.
    pub media: &'a MediaStore,
    /// Public media links.
    pub links: &'a MediaLinks,
    /// Allowed hosts and limits.
    pub config: &'a ContentConfig,
}

/// Imports a pasted page for `staff_id`: images re-hosted, body sanitised.
pub async fn import(
    ctx: &ImportContext<'_>,
    staff_id: i64,
    page: &str,
) -> Result<Imported, AppError> {
    if page.trim().is_empty() {
        return Err(AppError::field("html", "请粘贴公众号文章的网页源码"));
    }
    if page.len() > MAX_PASTE_BYTES {
        return Err(AppError::field("html", "粘贴的内容过大（最多 4 MB）"));
    }
    let title = title_of(page);
    let (mut html, urls) = extract_images(content_of(page));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(ctx.config.import_timeout_ms))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(AppError::internal)?;
    let max_bytes = ctx.media.limits().max_bytes;
    let (mut saved, mut dropped) = (0, 0);
    let mut fetched = 0;
    for (i, url) in urls.iter().enumerate() {
        let placeholder = format!("src=\"{PLACEHOLDER}{i}\"");
        if !html.contains(&placeholder) {
            continue;
        }
        let wanted =
            fetched < ctx.config.import_max_images && allowed(url, &ctx.config.import_image_hosts);
        fetched += usize::from(wanted);
        let stored = if wanted {
            match fetch(&client, url, max_bytes).await {
                Some(bytes) => ctx
                    .media
                    .save(ctx.db, ctx.clock, bytes, None, Uploader::Staff(staff_id))
                    .await
                    .ok()
                    .filter(|f| f.kind == "image"),
                None => None,
            }
        } else {
            None
        };
        match stored {
            Some(file) => {
                saved += 1;
                html =
                    html.replace(&placeholder, &format!("src=\"{}\"", ctx.links.urls(file.id).url));
            }
            None => dropped += 1,
        }
    }
    let body_html = crate::kernel::rich_text::clean(&html);
    Ok(Imported { title, body_html, images_saved: saved, images_dropped: dropped })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><head><meta property="og:title" content="协会召开&amp;年会" />
<script>var x = 1;</script></head><body><h1 class="rich_media_title">ignored</h1>
<div class="rich_media_content" id="js_content" style="visibility: hidden;">
<p>正文<strong>加粗</strong></p><img data-src="https://mmbiz.qpic.cn/a.png" src="data:image/gif;base64,AAA" class="rich_pages">
<p onclick="x()">二</p><img data-src="https://evil.example/b.png"></div>
<script>alert(1)</script><div id="js_pc_qr_code">扫码</div></body></html>"#;

    #[test]
    fn title_text_and_images_are_found() {
        assert_eq!(title_of(PAGE), "协会召开&年会");
        let content = content_of(PAGE);
        assert!(!content.contains("扫码") && !content.contains("alert"));
        let (html, urls) = extract_images(content);
        assert_eq!(urls, ["https://mmbiz.qpic.cn/a.png", "https://evil.example/b.png"]);
        assert!(
            html.contains("<img src=\"/wximg/0\"") && html.contains("src=\"/wximg/1\""),
            "{html}"
        );
        assert!(!html.contains("data-src") && !html.contains("data:"), "{html}");
        assert!(html.contains("<strong>加粗</strong>") && !html.contains("onclick"));
    }

    #[test]
    fn only_allowed_hosts_are_fetched() {
        let hosts = vec!["mmbiz.qpic.cn".to_owned()];
        assert!(allowed("https://mmbiz.qpic.cn/a.png", &hosts));
        assert!(!allowed("https://evil.example/a.png", &hosts));
        assert!(!allowed("file:///etc/passwd", &hosts));
        assert!(!allowed("https://user@mmbiz.qpic.cn/a.png", &hosts));
        assert!(!allowed("not a url", &hosts));
    }
}
