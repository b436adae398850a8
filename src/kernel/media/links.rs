//! Public media links: an unguessable URL per file (`/media/{id}-{sig}`), signed with the
//! server's HMAC key, so the mini-program can load avatars, covers and logos without a
//! token. Only files of public objects are ever given a link; private files (application
//! letters) have none and are served by routes that check who asks.

use serde::Serialize;

use crate::kernel::tokens;

/// Where the public media route is mounted.
pub const PREFIX: &str = "/media";

/// Signature length kept in the URL (base64 characters, 96 bits).
const SIG_CHARS: usize = 16;

/// The URLs of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MediaUrls {
    /// The file (absolute path on this server, e.g. `/media/12-abc…`).
    pub url: String,
    /// Its thumbnail (the file itself when it has none).
    pub thumbnail_url: String,
}

/// Makes and checks media links.
#[derive(Clone)]
pub struct MediaLinks {
    key: Vec<u8>,
}

impl std::fmt::Debug for MediaLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MediaLinks(..)")
    }
}

impl MediaLinks {
    /// Links signed with `key` (the server's HMAC key).
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn signature(&self, file_id: i64) -> String {
        let mut sig = tokens::sign(&self.key, format!("media:{file_id}").as_bytes());
        sig.truncate(SIG_CHARS);
        sig
    }

    /// The public URLs of file `file_id`.
    pub fn urls(&self, file_id: i64) -> MediaUrls {
        let url = format!("{PREFIX}/{file_id}-{}", self.signature(file_id));
        MediaUrls { thumbnail_url: format!("{url}/thumbnail"), url }
    }

    /// The file id a link's last segment (`{id}-{sig}`) names, when the signature holds.
    pub fn verify(&self, segment: &str) -> Option<i64> {
        let (id, sig) = segment.split_once('-')?;
        let id: i64 = id.parse().ok()?;
        tokens::constant_time_eq(sig, &self.signature(id)).then_some(id)
    }

    /// Fills every image reference in an API answer: any JSON object with a `file_id`
    /// and a `url` that is still `null` gets its URLs. Views build image references
    /// from file ids alone (`ImageRef::of`); the API edge turns them into links here.
    pub fn fill(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                let id = match (map.get("file_id"), map.get("url")) {
                    (Some(Value::Number(id)), Some(Value::Null)) => id.as_i64(),
                    _ => None,
                };
                if let Some(id) = id {
                    let urls = self.urls(id);
                    map.insert("url".into(), Value::String(urls.url));
                    map.insert("thumbnail_url".into(), Value::String(urls.thumbnail_url));
                }
                map.values_mut().for_each(|v| self.fill(v));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.fill(v)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_verify_and_forgeries_do_not() {
        let links = MediaLinks::new(b"k".to_vec());
        let urls = links.urls(42);
        let segment = urls.url.trim_start_matches("/media/");
        assert_eq!(links.verify(segment), Some(42));
        assert_eq!(urls.thumbnail_url, format!("{}/thumbnail", urls.url));
        let sig = segment.split_once('-').unwrap().1;
        assert_eq!(links.verify(&format!("43-{sig}")), None);
        assert_eq!(MediaLinks::new(b"other".to_vec()).verify(segment), None);
        assert_eq!(links.verify("42"), None);
    }

    #[test]
    fn image_references_are_filled_anywhere_in_an_answer() {
        let links = MediaLinks::new(b"k".to_vec());
        let mut v = serde_json::json!({"items": [{"photo": {"file_id": 7, "url": null,
            "thumbnail_url": null}}], "file_id": 3});
        links.fill(&mut v);
        assert_eq!(v["items"][0]["photo"]["url"], links.urls(7).url);
        assert!(v.get("url").is_none(), "objects without a url slot stay as they are");
    }
}
