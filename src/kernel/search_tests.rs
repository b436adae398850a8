//! Unit tests of `kernel::search`: grams, query parsing, the LIKE escaper.

use super::*;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn texts_give_characters_and_pairs_per_word() {
    assert_eq!(grams_of(&["张三"]), set(&["张", "三", "张三"]));
    assert_eq!(grams_of(&["Ab c"]), set(&["a", "b", "ab", "c"]));
    assert_eq!(grams_of(&["", "  "]), set(&[]));
}

#[test]
fn queries_need_pairs_of_long_words_and_characters_of_short_ones() {
    let q = SearchQuery::parse(" 腾讯科技  A ").unwrap();
    assert_eq!(
        q.grams().collect::<Vec<_>>(),
        vec!["a", "技", "科技", "腾讯", "讯科"]
            .into_iter()
            .filter(|g| *g != "技")
            .collect::<Vec<_>>()
    );
    assert_eq!(q.like_patterns(), vec!["%腾讯科技%".to_owned()]);
    assert!(SearchQuery::parse("   ").is_none());
    assert_eq!(SearchQuery::parse("ACME").unwrap(), SearchQuery::parse("acme").unwrap());
}

#[test]
fn like_patterns_escape_wildcards() {
    assert_eq!(like_pattern("50%_a\\B"), "%50\\%\\_a\\\\b%");
}

#[test]
fn long_queries_are_cut() {
    let q = SearchQuery::parse(&"字".repeat(1000)).unwrap();
    assert_eq!(q.like_patterns(), vec![format!("%{}%", "字".repeat(MAX_QUERY_CHARS))]);
}
