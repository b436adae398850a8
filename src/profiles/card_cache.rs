//! In-memory helpers of the card surfaces, one set per server: today's counted viewers
//! (so a share burst writes once per viewer, not once per view) and rendered share
//! images (kept until what they show changes).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use parking_lot::Mutex;

/// How many (card, viewer) pairs are remembered per day before the memory starts over
/// (the database's unique index still counts each viewer once).
const SEEN_CAP: usize = 200_000;
/// How many share images are kept.
const IMAGES_CAP: usize = 512;

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

/// The card helpers of one server.
#[derive(Debug, Default)]
pub struct CardCaches {
    /// Counted viewers.
    pub seen: SeenViews,
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
    fn images_follow_their_fingerprint() {
        let images = ShareImages::default();
        images.put(1, "v1".into(), Arc::new(vec![1]));
        assert!(images.get(1, "v1").is_some());
        assert!(images.get(1, "v2").is_none());
    }
}
