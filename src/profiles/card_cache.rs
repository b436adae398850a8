//! In-memory helpers of the card surfaces, one set per server: today's counted viewers
//! (so a share burst writes once per viewer, not once per view), resolved public cards
//! (kept while no write has happened since, see [`crate::db::Db::generation`]) and
//! rendered share images (kept until what they show changes).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use parking_lot::Mutex;

use super::card_view::PublicCard;

/// How many (card, viewer) pairs are remembered per day before the memory starts over
/// (the database's unique index still counts each viewer once).
const SEEN_CAP: usize = 200_000;
/// How many share images are kept.
const IMAGES_CAP: usize = 512;
/// How many resolved cards are kept (the map starts over when full).
const RESOLVED_CAP: usize = 20_000;
/// How long (by the injectable clock) a resolved card is reused at most, even without
/// a write: the bound for what no write of this process announces — listings passing
/// their end date, writes by another process.
pub const RESOLVED_SECONDS: i64 = 5;

/// The day remembered and its (card, viewer) pairs.
type Seen = (Option<NaiveDate>, HashSet<(i64, String)>);

/// Today's viewers already counted.
#[derive(Debug, Default)]
pub struct SeenViews {
    inner: Mutex<Seen>,
}

impl SeenViews {
    /// True the first time (card, viewer) is met on `day` in this process.
    pub fn first_today(&self, card_id: i64, viewer: &str, day: NaiveDate) -> bool {
        let mut guard = self.inner.lock();
        let (current, set) = &mut *guard;
        if *current != Some(day) || set.len() >= SEEN_CAP {
            *current = Some(day);
            set.clear();
        }
        set.insert((card_id, viewer.to_owned()))
    }
}

/// A rendered image: the fingerprint of what it shows, and the PNG.
type Rendered = (String, Arc<Vec<u8>>);

/// Rendered share images by card id.
#[derive(Debug, Default)]
pub struct ShareImages {
    inner: Mutex<HashMap<i64, Rendered>>,
}

impl ShareImages {
    /// The cached image of `card_id` when it was rendered from `fingerprint`.
    pub fn get(&self, card_id: i64, fingerprint: &str) -> Option<Arc<Vec<u8>>> {
        let guard = self.inner.lock();
        guard.get(&card_id).filter(|(f, _)| f == fingerprint).map(|(_, png)| png.clone())
    }

    /// Keeps `png` for `card_id` (the oldest half is dropped when full).
    pub fn put(&self, card_id: i64, fingerprint: String, png: Arc<Vec<u8>>) {
        let mut guard = self.inner.lock();
        if guard.len() >= IMAGES_CAP && !guard.contains_key(&card_id) {
            let drop: Vec<i64> = guard.keys().take(IMAGES_CAP / 2).copied().collect();
            for id in drop {
                guard.remove(&id);
            }
        }
        guard.insert(card_id, (fingerprint, png));
    }
}

/// A shared card as resolved: (card id, owner's user id, the public card).
pub type Resolved = Arc<(i64, i64, PublicCard)>;

/// When and at which database generation a card was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// [`crate::db::Db::generation`] read before the card was.
    pub generation: u64,
    /// The clock then (UTC).
    pub at: NaiveDateTime,
}

impl Stamp {
    /// Whether a card resolved at `self` may still be shown at `now`.
    fn fresh_at(self, now: Stamp) -> bool {
        let age = (now.at - self.at).num_seconds();
        self.generation == now.generation && now.at >= self.at && age < RESOLVED_SECONDS
    }
}

/// Resolved public cards by slug. Live stays live: every write transaction of this
/// process changes the generation, so the first view after any edit (card, profile,
/// roll, enterprise, listing, certificate, style, setting) resolves again.
#[derive(Debug, Default)]
pub struct ResolvedCards {
    inner: Mutex<HashMap<String, (Stamp, Resolved)>>,
}

impl ResolvedCards {
    /// The card shared under `slug` if it was resolved at a stamp still fresh at `now`.
    pub fn get(&self, slug: &str, now: Stamp) -> Option<Resolved> {
        let guard = self.inner.lock();
        guard.get(slug).filter(|(stamp, _)| stamp.fresh_at(now)).map(|(_, card)| card.clone())
    }

    /// Keeps the card shared under `slug`, resolved at `stamp`.
    pub fn put(&self, slug: String, stamp: Stamp, card: Resolved) {
        let mut guard = self.inner.lock();
        if guard.len() >= RESOLVED_CAP && !guard.contains_key(&slug) {
            guard.clear();
        }
        guard.insert(slug, (stamp, card));
    }
}

/// The card helpers of one server.
#[derive(Debug, Default)]
pub struct CardCaches {
    /// Counted viewers.
    pub seen: SeenViews,
    /// Resolved public cards.
    pub resolved: ResolvedCards,
    /// Share images.
    pub images: ShareImages,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_is_new_once_a_day() {
        let seen = SeenViews::default();
        let d1 = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let d2 = d1.succ_opt().unwrap();
        assert!(seen.first_today(1, "a1", d1));
        assert!(!seen.first_today(1, "a1", d1));
        assert!(seen.first_today(2, "a1", d1));
        assert!(seen.first_today(1, "a1", d2));
    }

    #[test]
    fn resolved_cards_last_until_a_write_or_a_few_seconds() {
        let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap().naive_utc();
        let stamp = Stamp { generation: 7, at };
        let cache = ResolvedCards::default();
        assert!(cache.get("s", stamp).is_none());
        let style = crate::profiles::card_store::StyleRow {
            id: 1,
            kind: "layout".into(),
            code: "classic".into(),
            name: "经典".into(),
            builtin: true,
            colors: String::new(),
            image_file_id: None,
            enabled: true,
            sort_order: 0,
        };
        let resolved = crate::profiles::card_view::resolve(
            &crate::profiles::card_model::Choices::default(),
            &crate::profiles::card_view::ProfileValues::default(),
            &style,
            &style,
            crate::profiles::card_view::Blocks::default(),
        );
        let public = PublicCard {
            slug: "s".into(),
            url: String::new(),
            share_image_url: String::new(),
            qr_url: String::new(),
            vcard_url: String::new(),
            card: resolved,
        };
        let card: Resolved = Arc::new((1, 2, public));
        cache.put("s".into(), stamp, card);
        assert!(cache.get("s", stamp).is_some());
        let later = |secs| Stamp { generation: 7, at: at + chrono::Duration::seconds(secs) };
        assert!(cache.get("s", later(RESOLVED_SECONDS - 1)).is_some());
        assert!(cache.get("s", later(RESOLVED_SECONDS)).is_none(), "too old");
        assert!(cache.get("s", later(-1)).is_none(), "clock went back");
        assert!(cache.get("s", Stamp { generation: 8, at }).is_none(), "a write happened");
        assert!(cache.get("t", stamp).is_none());
    }

    #[test]
    fn images_follow_their_fingerprint() {
        let images = ShareImages::default();
        images.put(1, "v1".into(), Arc::new(vec![1]));
        assert!(images.get(1, "v1").is_some());
        assert!(images.get(1, "v2").is_none());
    }
}
