//! Search that behaves the same on SQLite and PostgreSQL, for Chinese and Latin text.
//!
//! Decision (issue 9/10, see docs/database.md): one mechanism on both backends instead
//! of FTS5-trigram on one and `pg_trgm` on the other, because both of those need three
//! characters while Chinese names are often two, and because two mechanisms would give
//! two answers. Each indexed item's texts are cut into words (runs without white
//! space), each word into single characters and character pairs, lower-cased for ASCII
//! letters, and stored in `search_grams (scope, gram, item_id)`. A query is cut the
//! same way; an item matches when it has every gram of every query word: a word of one
//! character needs that character, a longer word each of its pairs. For words of one or
//! two characters that is exact; for longer words the pairs can in rare cases all occur
//! apart ("abab" in "aba"), so callers confirm with `lower(column) LIKE` over the few
//! candidates ([`SearchQuery::like_patterns`]). Lower-casing is ASCII only, because
//! SQLite's `lower` is; that is what "case-insensitive for Latin letters" asks.
//!
//! Owners keep the index: call [`reindex`] in the transaction that writes the item's
//! searchable texts and [`remove`] when it is deleted. Which items a search may show
//! (active, public…) is the owner's query; the index only narrows by text.

use std::collections::BTreeSet;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::search_grams;

diesel::define_sql_function!(
    /// SQL `lower`, so Latin search ignores case on both backends (ASCII on SQLite).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// Longest query text considered; the rest is ignored (a search box, not a document).
const MAX_QUERY_CHARS: usize = 64;
/// At most this many words of a query are used.
const MAX_QUERY_WORDS: usize = 8;

/// Text as the index and LIKE see it: ASCII letters lower-cased, nothing else changed.
pub fn normalise(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// `text` for `lower(column) LIKE … ESCAPE '\'`: wildcards escaped, lower-cased as
/// [`normalise`] does. The one LIKE escaper of the code base.
pub fn like_escape(text: &str) -> String {
    normalise(text).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// `%text%`, escaped by [`like_escape`]: "contains".
pub fn like_pattern(text: &str) -> String {
    format!("%{}%", like_escape(text))
}

fn words(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .map(|w| normalise(w).chars().collect())
}

/// Every gram of `texts`: each character and each adjacent pair of every word.
pub fn grams_of(texts: &[&str]) -> BTreeSet<String> {
    let mut grams = BTreeSet::new();
    for text in texts {
        for word in words(text) {
            for (i, c) in word.iter().enumerate() {
                grams.insert(c.to_string());
                if let Some(next) = word.get(i + 1) {
                    grams.insert([*c, *next].iter().collect());
                }
            }
        }
    }
    grams
}

/// A parsed search box: its words, and the grams an item must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
    grams: BTreeSet<String>,
}

impl SearchQuery {
    /// `None` for a blank query (no filter at all).
    pub fn parse(text: &str) -> Option<Self> {
        let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
        let mut grams = BTreeSet::new();
        let mut seen = Vec::new();
        for word in words(&text).take(MAX_QUERY_WORDS) {
            if word.len() == 1 {
                grams.insert(word[0].to_string());
            } else {
                for pair in word.windows(2) {
                    grams.insert(pair.iter().collect());
                }
            }
            let word: String = word.into_iter().collect();
            if !seen.contains(&word) {
                seen.push(word);
            }
        }
        (!seen.is_empty()).then_some(Self { words: seen, grams })
    }

    /// The grams an item must have; feed each to [`item_ids`].
    pub fn grams(&self) -> impl Iterator<Item = &str> {
        self.grams.iter().map(String::as_str)
    }

    /// One `%word%` pattern per word that the grams alone do not prove (three
    /// characters or more): an item matches when, for each, one of its searchable
    /// columns is `lower(column) LIKE pattern ESCAPE '\'`.
    pub fn like_patterns(&self) -> Vec<String> {
        self.words.iter().filter(|w| w.chars().count() > 2).map(|w| like_pattern(w)).collect()
    }
}

/// Ids of the items of `scope` that have `gram`: use as `table::id.eq_any(item_ids(..))`
/// once per gram of the query.
#[diesel::dsl::auto_type(no_type_alias)]
pub fn item_ids(scope: &'static str, gram: String) -> _ {
    search_grams::table
        .filter(search_grams::scope.eq(scope))
        .filter(search_grams::gram.eq(gram))
        .select(search_grams::item_id)
}

/// Replaces what the index knows of one item by the grams of `texts`.
pub fn reindex(conn: &mut DbConn, scope: &str, item_id: i64, texts: &[&str]) -> QueryResult<()> {
    remove(conn, scope, item_id)?;
    let rows: Vec<_> = grams_of(texts)
        .into_iter()
        .map(|gram| {
            (
                search_grams::scope.eq(scope.to_owned()),
                search_grams::gram.eq(gram),
                search_grams::item_id.eq(item_id),
            )
        })
        .collect();
    // Keep each statement under SQLite's bound-parameter limit.
    for chunk in rows.chunks(300) {
        crate::per_backend!(conn, |c| diesel::insert_into(search_grams::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Forgets one item.
pub fn remove(conn: &mut DbConn, scope: &str, item_id: i64) -> QueryResult<()> {
    diesel::delete(
        search_grams::table
            .filter(search_grams::scope.eq(scope))
            .filter(search_grams::item_id.eq(item_id)),
    )
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
