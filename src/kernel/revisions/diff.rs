//! The reviewer's diff: a reviewed item's fields, live beside pending, changed fields
//! marked, text diffed word by word (each Chinese character counts as a word, Latin
//! words and numbers as one), images side by side. Pure; the diff algorithm is `similar`'s.

use similar::{Algorithm, DiffTag, capture_diff_slices};

/// A field's value as the reviewer compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// One line of text.
    Text(String),
    /// Several lines (introductions, achievements): shown with line breaks.
    LongText(String),
    /// Tags, shown joined.
    Tags(Vec<String>),
    /// Label/value lines, e.g. 软件名称：信易通.
    Lines(Vec<(String, String)>),
    /// Image file ids, shown as thumbnails.
    Images(Vec<i64>),
}

impl FieldValue {
    /// The value as text (images: empty).
    fn as_text(&self) -> String {
        match self {
            Self::Text(t) | Self::LongText(t) => t.clone(),
            Self::Tags(tags) => tags.join("、"),
            Self::Lines(lines) => {
                lines.iter().map(|(l, v)| format!("{l}：{v}")).collect::<Vec<_>>().join("\n")
            }
            Self::Images(_) => String::new(),
        }
    }
}

/// One field of a snapshot, labelled for the reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// zh-CN label.
    pub label: &'static str,
    /// Value.
    pub value: FieldValue,
}

impl Field {
    /// A field.
    pub fn new(label: &'static str, value: FieldValue) -> Self {
        Self { label, value }
    }
}

/// How a piece of text or an image compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// On both sides.
    Same,
    /// Only live (removed by the edit).
    Removed,
    /// Only pending (added by the edit).
    Added,
}

impl Mark {
    /// CSS class: `same`, `del`, `ins`.
    pub fn class(self) -> &'static str {
        match self {
            Self::Same => "same",
            Self::Removed => "del",
            Self::Added => "ins",
        }
    }
}

/// A run of text with its mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Text (may contain line breaks).
    pub text: String,
    /// Mark.
    pub mark: Mark,
}

/// One field compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    /// zh-CN label.
    pub label: &'static str,
    /// Whether pending differs from live (always true for a new item's non-empty field).
    pub changed: bool,
    /// Whether the field holds images (then the `*_images` are used, else the segments).
    pub is_images: bool,
    /// Whether text keeps line breaks.
    pub multiline: bool,
    /// The live value with removed words marked.
    pub live: Vec<Segment>,
    /// The pending value with added words marked.
    pub pending: Vec<Segment>,
    /// Live images with removed ones marked.
    pub live_images: Vec<(i64, Mark)>,
    /// Pending images with added ones marked.
    pub pending_images: Vec<(i64, Mark)>,
}

/// Compares `pending` with `live` (None for a new item) field by field, in the order of
/// `pending`. Both lists come from the same snapshot type, so labels line up.
pub fn compare(live: Option<&[Field]>, pending: &[Field]) -> Vec<FieldDiff> {
    pending
        .iter()
        .map(|field| {
            let old = live.and_then(|l| l.iter().find(|f| f.label == field.label));
            compare_field(old.map(|f| &f.value), field)
        })
        .collect()
}

fn compare_field(old: Option<&FieldValue>, field: &Field) -> FieldDiff {
    let changed = match old {
        Some(old) => *old != field.value,
        None => !is_empty(&field.value),
    };
    let mut out = FieldDiff {
        label: field.label,
        changed,
        is_images: matches!(field.value, FieldValue::Images(_)),
        multiline: matches!(field.value, FieldValue::LongText(_) | FieldValue::Lines(_)),
        live: Vec::new(),
        pending: Vec::new(),
        live_images: Vec::new(),
        pending_images: Vec::new(),
    };
    if let FieldValue::Images(new) = &field.value {
        let old: &[i64] = match old {
            Some(FieldValue::Images(ids)) => ids,
            _ => &[],
        };
        let mark = |id: &i64, other: &[i64], missing| {
            (*id, if other.contains(id) { Mark::Same } else { missing })
        };
        out.live_images = old.iter().map(|id| mark(id, new, Mark::Removed)).collect();
        out.pending_images = new.iter().map(|id| mark(id, old, Mark::Added)).collect();
        return out;
    }
    let old_text = old.map(FieldValue::as_text).unwrap_or_default();
    let (live, pending) = word_diff(&old_text, &field.value.as_text());
    out.live = live;
    out.pending = pending;
    out
}

fn is_empty(value: &FieldValue) -> bool {
    match value {
        FieldValue::Text(t) | FieldValue::LongText(t) => t.trim().is_empty(),
        FieldValue::Tags(v) => v.is_empty(),
        FieldValue::Lines(v) => v.is_empty(),
        FieldValue::Images(v) => v.is_empty(),
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Splits text into words: each CJK character, each run of other letters/digits, each
/// run of spaces, each other character.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<(usize, bool)> = None;
    for (i, c) in text.char_indices() {
        let class = if c.is_alphanumeric() && !is_cjk(c) {
            Some(true)
        } else if c.is_whitespace() && c != '\n' {
            Some(false)
        } else {
            None
        };
        if let Some((s, run)) = start
            && class != Some(run)
        {
            out.push(&text[s..i]);
            start = None;
        }
        match class {
            Some(run) if start.is_none() => start = Some((i, run)),
            Some(_) => {}
            None => out.push(&text[i..i + c.len_utf8()]),
        }
    }
    if let Some((s, _)) = start {
        out.push(&text[s..]);
    }
    out
}

/// The two sides of a word diff: live with removed words marked, pending with added.
pub fn word_diff(old: &str, new: &str) -> (Vec<Segment>, Vec<Segment>) {
    let (a, b) = (words(old), words(new));
    let mut live: Vec<Segment> = Vec::new();
    let mut pending: Vec<Segment> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_text: String = a[old_range].concat();
        let new_text: String = b[new_range].concat();
        match tag {
            DiffTag::Equal => {
                push(&mut live, old_text, Mark::Same);
                push(&mut pending, new_text, Mark::Same);
            }
            DiffTag::Delete => push(&mut live, old_text, Mark::Removed),
            DiffTag::Insert => push(&mut pending, new_text, Mark::Added),
            DiffTag::Replace => {
                push(&mut live, old_text, Mark::Removed);
                push(&mut pending, new_text, Mark::Added);
            }
        }
    }
    (live, pending)
}

fn push(side: &mut Vec<Segment>, text: String, mark: Mark) {
    if text.is_empty() {
        return;
    }
    match side.last_mut() {
        Some(last) if last.mark == mark => last.text.push_str(&text),
        _ => side.push(Segment { text, mark }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(side: &[Segment]) -> String {
        side.iter()
            .map(|s| match s.mark {
                Mark::Same => s.text.clone(),
                Mark::Removed => format!("[-{}]", s.text),
                Mark::Added => format!("[+{}]", s.text),
            })
            .collect()
    }

    #[test]
    fn chinese_is_diffed_by_character_and_latin_by_word() {
        assert_eq!(words("深圳ABC 公司2026"), vec!["深", "圳", "ABC", " ", "公", "司", "2026"]);
        let (live, pending) = word_diff("深圳市示范科技有限公司", "深圳市创新科技有限公司");
        assert_eq!(marked(&live), "深圳市[-示范]科技有限公司");
        assert_eq!(marked(&pending), "深圳市[+创新]科技有限公司");
        let (live, pending) = word_diff("senior engineer at ACME", "chief engineer at ACME");
        assert_eq!(marked(&live), "[-senior] engineer at ACME");
        assert_eq!(marked(&pending), "[+chief] engineer at ACME");
    }

    #[test]
    fn fields_are_compared_one_by_one() {
        let live = vec![
            Field::new("姓名", FieldValue::Text("王工".into())),
            Field::new("照片", FieldValue::Images(vec![1, 2])),
            Field::new("领域", FieldValue::Tags(vec!["机械".into()])),
        ];
        let pending = vec![
            Field::new("姓名", FieldValue::Text("王工".into())),
            Field::new("照片", FieldValue::Images(vec![2, 3])),
            Field::new("领域", FieldValue::Tags(vec!["机械".into(), "电子".into()])),
        ];
        let diff = compare(Some(&live), &pending);
        assert_eq!(diff.iter().map(|d| d.changed).collect::<Vec<_>>(), vec![false, true, true]);
        assert_eq!(diff[1].live_images, vec![(1, Mark::Removed), (2, Mark::Same)]);
        assert_eq!(diff[1].pending_images, vec![(2, Mark::Same), (3, Mark::Added)]);
        assert_eq!(marked(&diff[2].pending), "机械[+、电子]");
    }

    #[test]
    fn a_new_item_marks_every_filled_field() {
        let pending = vec![
            Field::new("姓名", FieldValue::Text("王工".into())),
            Field::new("职称", FieldValue::Text(String::new())),
        ];
        let diff = compare(None, &pending);
        assert!(diff[0].changed && !diff[1].changed);
        assert_eq!(marked(&diff[0].pending), "[+王工]");
    }
}
