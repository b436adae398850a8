//! The parts around a worksheet: which part is the first sheet, the shared strings
//! (their declared count checked first) and which cell styles are dates.

use std::io::{Read, Seek};
use std::rc::Rc;

use quick_xml::events::Event;

use super::{Meter, XlsxLimits, Xml, attr, broken, push_reference, refuse};
use crate::error::AppError;

type Zip<'b> = zip::ZipArchive<std::io::Cursor<&'b [u8]>>;

/// Where the parts of the first sheet are.
#[derive(Debug)]
pub(super) struct Layout {
    pub sheet: String,
    pub shared_strings: Option<String>,
    pub styles: Option<String>,
}

fn open<'z, 'b, R: Read + Seek>(
    zip: &'z mut zip::ZipArchive<R>,
    name: &str,
    meter: &Rc<Meter>,
    too_big: &str,
) -> Result<Option<Xml<zip::read::ZipFile<'z, R>>>, AppError> {
    match zip.by_name(name) {
        Ok(part) => Ok(Some(Xml::new(part, meter.clone(), too_big.to_owned()))),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(_) => Err(broken()),
    }
}

/// A relationship target, relative to `xl/`, as a zip entry name.
fn part_name(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("xl/{}", target.trim_start_matches("./")),
    }
}

/// The first sheet (by the workbook's order) and the shared strings and styles parts.
pub(super) fn layout(
    zip: &mut Zip<'_>,
    meter: &Rc<Meter>,
    too_big: &str,
) -> Result<Layout, AppError> {
    let mut first_sheet_rel = None;
    if let Some(mut xml) = open(zip, "xl/workbook.xml", meter, too_big)? {
        loop {
            match xml.next()? {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                    first_sheet_rel = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "id")
                        .and_then(|a| {
                            quick_xml::escape::unescape(&a.value).ok().map(|v| v.into_owned())
                        });
                    break;
                }
                _ => {}
            }
        }
    }
    let mut layout = Layout {
        sheet: "xl/worksheets/sheet1.xml".into(),
        shared_strings: Some("xl/sharedStrings.xml".into()),
        styles: Some("xl/styles.xml".into()),
    };
    if let Some(mut xml) = open(zip, "xl/_rels/workbook.xml.rels", meter, too_big)? {
        let (mut shared, mut styles) = (None, None);
        loop {
            match xml.next()? {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                    let (Some(id), Some(kind), Some(target)) =
                        (attr(&e, "Id"), attr(&e, "Type"), attr(&e, "Target"))
                    else {
                        continue;
                    };
                    if first_sheet_rel.as_deref() == Some(id.as_str()) {
                        layout.sheet = part_name(&target);
                    } else if kind.ends_with("/sharedStrings") {
                        shared = Some(part_name(&target));
                    } else if kind.ends_with("/styles") {
                        styles = Some(part_name(&target));
                    }
                }
                _ => {}
            }
        }
        layout.shared_strings = shared;
        layout.styles = styles;
    }
    Ok(layout)
}

/// The shared strings, packed in one buffer.
#[derive(Debug, Default)]
pub(super) struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    /// String `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }
}

/// Reads the shared strings; refuses a declared `uniqueCount` over the limit before
/// reading one, and stops at the limit whatever the file declares.
pub(super) fn shared_strings(
    zip: &mut Zip<'_>,
    name: &str,
    meter: &Rc<Meter>,
    too_big: &str,
    limits: &XlsxLimits,
) -> Result<SharedStrings, AppError> {
    let too_many =
        || refuse(format!("文件中的不同文本超过 {} 个，无法导入", limits.max_shared_strings));
    let mut out = SharedStrings::default();
    let Some(mut xml) = open(zip, name, meter, too_big)? else { return Ok(out) };
    let (mut in_item, mut in_text, mut in_phonetic) = (false, false, false);
    loop {
        match xml.next()? {
            Event::Eof => return Ok(out),
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sst" => {
                let declared = attr(&e, "uniqueCount").and_then(|c| c.parse::<u64>().ok());
                if declared.is_some_and(|n| n > limits.max_shared_strings as u64) {
                    return Err(too_many());
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                if out.ends.len() >= limits.max_shared_strings {
                    return Err(too_many());
                }
                in_item = true;
            }
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                if out.ends.len() >= limits.max_shared_strings {
                    return Err(too_many());
                }
                out.ends.push(out.text.len());
            }
            Event::End(e) if e.local_name().as_ref() == "si" => {
                if in_item {
                    out.ends.push(out.text.len());
                }
                in_item = false;
            }
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = in_item,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) if in_text && !in_phonetic => out.text.push_str(&t.xml10_content()),
            Event::CData(t) if in_text && !in_phonetic => {
                out.text.push_str(&t);
            }
            Event::GeneralRef(r) if in_text && !in_phonetic => push_reference(&mut out.text, &r),
            _ => {}
        }
    }
}

/// Built-in number formats that show dates or times.
fn builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// True when a custom number format shows a date or time (letters d, m, y, h, s
/// outside quoted text and `[…]` sections such as colours).
pub fn is_date_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' if !quoted && !bracket => {
                return true;
            }
            _ => {}
        }
    }
    false
}

/// For each cell style (`s` index), whether it formats numbers as dates.
pub(super) fn date_styles(
    zip: &mut Zip<'_>,
    name: &str,
    meter: &Rc<Meter>,
    too_big: &str,
) -> Result<Vec<bool>, AppError> {
    const MAX_STYLES: usize = 65_536;
    let Some(mut xml) = open(zip, name, meter, too_big)? else { return Ok(Vec::new()) };
    let mut custom: Vec<(u32, bool)> = Vec::new();
    let mut styles = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match xml.next()? {
            Event::Eof => return Ok(styles),
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" if custom.len() < MAX_STYLES => {
                    if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode"))
                        && let Ok(id) = id.parse()
                    {
                        custom.push((id, is_date_format(&code)));
                    }
                }
                "cellXfs" => in_cell_xfs = true,
                "xf" if in_cell_xfs && styles.len() < MAX_STYLES => {
                    let id = attr(&e, "numFmtId").and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
                    let date = custom
                        .iter()
                        .find(|(c, _)| *c == id)
                        .map_or_else(|| builtin_date(id), |(_, d)| *d);
                    styles.push(date);
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            _ => {}
        }
    }
}
