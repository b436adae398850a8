//! The one bounded .xlsx reader: every spreadsheet upload (member import now, later
//! imports too) is read here. It opens the zip parts itself and streams their XML, so
//! nothing is allocated from what a file *declares*: the sheet's declared dimension and
//! the shared strings' `uniqueCount` are checked before any cell is read, rows stream to
//! the caller one by one, and a meter stops reading past the decompressed-size limit or
//! a single oversized element.

mod parts;

use std::cell::Cell as StdCell;
use std::io::{BufReader, Read};
use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};

use crate::error::AppError;
pub use parts::is_date_format;

/// Limits applied to every spreadsheet read.
#[derive(Debug, Clone, Copy)]
pub struct XlsxLimits {
    /// Data rows (after the header) a sheet may hold.
    pub max_rows: usize,
    /// Columns a sheet may use.
    pub max_columns: usize,
    /// Decompressed bytes read from all parts together.
    pub max_unpacked_bytes: u64,
    /// Distinct shared strings.
    pub max_shared_strings: usize,
}

impl Default for XlsxLimits {
    fn default() -> Self {
        Self {
            max_rows: 50_000,
            max_columns: 256,
            max_unpacked_bytes: 256 * 1024 * 1024,
            max_shared_strings: 1_000_000,
        }
    }
}

/// Longest single XML element or text (a cell holds at most 32,767 characters).
const MAX_EVENT_BYTES: u64 = 1024 * 1024;
/// Zip entries an .xlsx may have.
const MAX_ENTRIES: usize = 10_000;

/// A cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (shared, inline or a formula's text result).
    Text(String),
    /// A number.
    Number(f64),
    /// A number formatted as a date: days since 1899-12-30.
    Date(f64),
    /// TRUE / FALSE.
    Bool(bool),
}

/// A refusal of the file, as a field error on `file`.
fn refuse(message: impl Into<String>) -> AppError {
    AppError::field("file", message)
}

fn broken() -> AppError {
    refuse("无法读取文件，请上传由模板填写的 .xlsx 文件")
}

/// Counts decompressed bytes: in total (against the limit) and since the last XML
/// event (against [`MAX_EVENT_BYTES`]).
#[derive(Debug)]
struct Meter {
    total: StdCell<u64>,
    since_event: StdCell<u64>,
    max_total: u64,
}

impl Meter {
    fn event_done(&self) {
        self.since_event.set(0);
    }
    fn exceeded(&self) -> bool {
        self.total.get() > self.max_total
    }
}

struct Metered<R> {
    inner: R,
    meter: Rc<Meter>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let m = &self.meter;
        m.total.set(m.total.get() + n as u64);
        m.since_event.set(m.since_event.get() + n as u64);
        if m.total.get() > m.max_total || m.since_event.get() > MAX_EVENT_BYTES {
            return Err(std::io::Error::other("xlsx part over its limit"));
        }
        Ok(n)
    }
}

/// An XML stream over one metered zip part.
struct Xml<R: Read> {
    reader: quick_xml::Reader<BufReader<Metered<R>>>,
    buf: Vec<u8>,
    meter: Rc<Meter>,
    limit_message: String,
}

impl<R: Read> Xml<R> {
    fn new(part: R, meter: Rc<Meter>, limit_message: String) -> Self {
        let reader = quick_xml::Reader::from_reader(BufReader::new(Metered {
            inner: part,
            meter: meter.clone(),
        }));
        Self { reader, buf: Vec::new(), meter, limit_message }
    }

    /// The next event (owned, so the caller may keep reading).
    fn next(&mut self) -> Result<Event<'static>, AppError> {
        self.buf.clear();
        self.meter.event_done();
        match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => Ok(event.into_owned()),
            Err(_) if self.meter.exceeded() => Err(refuse(self.limit_message.clone())),
            Err(_) if self.meter.since_event.get() > MAX_EVENT_BYTES => {
                Err(refuse("文件中有超长的单元格或内容，无法导入"))
            }
            Err(_) => Err(broken()),
        }
    }
}

/// Appends the text of a character or entity reference (`&amp;`, `&#20013;`).
fn push_reference(out: &mut String, name: &str) {
    match name {
        "amp" => out.push('&'),
        "lt" => out.push('<'),
        "gt" => out.push('>'),
        "quot" => out.push('"'),
        "apos" => out.push('\''),
        _ => {
            let code = name
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse::<u32>));
            if let Some(c) = code.and_then(Result::ok).and_then(char::from_u32) {
                out.push(c);
            }
        }
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok().flatten()?;
    quick_xml::escape::unescape(&a.value).ok().map(|v| v.into_owned())
}

/// `"XFD1048576"` → (row 1048576, column 16384), 1-based; a bare column gives row 0.
fn parse_ref(r: &str) -> Option<(u64, u64)> {
    let split = r.find(|c: char| c.is_ascii_digit()).unwrap_or(r.len());
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col = 0_u64;
    for b in letters.bytes() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row = if digits.is_empty() { 0 } else { digits.parse().ok()? };
    Some((row, col))
}

/// Reads the first sheet of `bytes`, calling `on_row(line, cells)` for every row with
/// content, in order (`line` is the row number Excel shows). Refuses — before reading
/// cells where the file declares it — sheets over the row or column limits, shared
/// strings over their limit, and files that unpack past the size limit.
pub fn read_first_sheet(
    bytes: &[u8],
    limits: &XlsxLimits,
    mut on_row: impl FnMut(usize, Vec<Cell>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| broken())?;
    if zip.len() > MAX_ENTRIES {
        return Err(broken());
    }
    let meter = Rc::new(Meter {
        total: StdCell::new(0),
        since_event: StdCell::new(0),
        max_total: limits.max_unpacked_bytes,
    });
    let too_big =
        format!("文件解压后超过 {} MB，无法导入", limits.max_unpacked_bytes / (1024 * 1024));
    let layout = parts::layout(&mut zip, &meter, &too_big)?;
    let shared = match &layout.shared_strings {
        Some(name) => parts::shared_strings(&mut zip, name, &meter, &too_big, limits)?,
        None => parts::SharedStrings::default(),
    };
    let dates = match &layout.styles {
        Some(name) => parts::date_styles(&mut zip, name, &meter, &too_big)?,
        None => Vec::new(),
    };
    let part = zip.by_name(&layout.sheet).map_err(|_| broken())?;
    let xml = Xml::new(part, meter, too_big);
    SheetReader { xml, limits, shared: &shared, dates: &dates }.run(&mut on_row)
}

/// Streams one worksheet.
struct SheetReader<'a, R: Read> {
    xml: Xml<R>,
    limits: &'a XlsxLimits,
    shared: &'a parts::SharedStrings,
    dates: &'a [bool],
}

/// The cell being read.
#[derive(Default)]
struct OpenCell {
    col: usize,
    kind: String,
    date: bool,
    text: String,
    in_value: bool,
    in_phonetic: bool,
}

impl<R: Read> SheetReader<'_, R> {
    fn too_many_rows(&self) -> AppError {
        refuse(format!("文件超过 {} 行数据的上限，请分批导入", self.limits.max_rows))
    }

    fn too_many_columns(&self) -> AppError {
        refuse(format!("文件超过 {} 列的上限", self.limits.max_columns))
    }

    /// Refuses a declared extent over the limits before any row is read.
    fn check_dimension(&self, e: &BytesStart<'_>) -> Result<(), AppError> {
        let Some(range) = attr(e, "ref") else { return Ok(()) };
        let last = range.rsplit(':').next().unwrap_or(&range);
        let Some((row, col)) = parse_ref(last) else { return Ok(()) };
        if row > self.limits.max_rows as u64 + 1 {
            return Err(self.too_many_rows());
        }
        if col > self.limits.max_columns as u64 {
            return Err(self.too_many_columns());
        }
        Ok(())
    }

    fn run(
        mut self,
        on_row: &mut impl FnMut(usize, Vec<Cell>) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let mut line = 0_usize;
        let mut rows_seen = 0_usize;
        let mut cells: Vec<Cell> = Vec::new();
        let mut cell: Option<OpenCell> = None;
        loop {
            match self.xml.next()? {
                Event::Eof => return Ok(()),
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "dimension" => {
                    self.check_dimension(&e)?;
                }
                Event::Start(e) if e.local_name().as_ref() == "row" => {
                    line = match attr(&e, "r").and_then(|r| r.parse::<usize>().ok()) {
                        Some(r) if r > line && r <= 1_048_576 => r,
                        Some(_) => return Err(broken()),
                        None => line + 1,
                    };
                    cells.clear();
                }
                Event::End(e) if e.local_name().as_ref() == "row" => {
                    if cells.iter().any(|c| *c != Cell::Empty) {
                        rows_seen += 1;
                        if rows_seen > self.limits.max_rows + 1 {
                            return Err(self.too_many_rows());
                        }
                        on_row(line, std::mem::take(&mut cells))?;
                    }
                }
                Event::Start(e) if e.local_name().as_ref() == "c" => {
                    cell = Some(self.open_cell(&e, cells.len())?);
                }
                Event::Empty(e) if e.local_name().as_ref() == "c" => {
                    self.open_cell(&e, cells.len())?;
                }
                Event::End(e) if e.local_name().as_ref() == "c" => {
                    if let Some(done) = cell.take() {
                        let value = self.value_of(done.kind.as_str(), done.date, done.text);
                        cells.resize(done.col, Cell::Empty);
                        cells.push(value);
                    }
                }
                Event::Start(e) => {
                    if let Some(c) = cell.as_mut() {
                        match e.local_name().as_ref() {
                            "v" | "t" => c.in_value = true,
                            "rPh" => c.in_phonetic = true,
                            _ => {}
                        }
                    }
                }
                Event::End(e) => {
                    if let Some(c) = cell.as_mut() {
                        match e.local_name().as_ref() {
                            "v" | "t" => c.in_value = false,
                            "rPh" => c.in_phonetic = false,
                            _ => {}
                        }
                    }
                }
                Event::Text(t) => {
                    if let Some(c) = cell.as_mut().filter(|c| c.in_value && !c.in_phonetic) {
                        c.text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some(c) = cell.as_mut().filter(|c| c.in_value && !c.in_phonetic) {
                        c.text.push_str(&t);
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(c) = cell.as_mut().filter(|c| c.in_value && !c.in_phonetic) {
                        push_reference(&mut c.text, &r);
                    }
                }
                _ => {}
            }
        }
    }

    /// A new cell at its column (0-based), which must lie right of the previous one.
    fn open_cell(&self, e: &BytesStart<'_>, next_col: usize) -> Result<OpenCell, AppError> {
        let col = match attr(e, "r").as_deref().and_then(parse_ref) {
            Some((_, col)) => usize::try_from(col).map_err(|_| broken())?.saturating_sub(1),
            None => next_col,
        };
        if col >= self.limits.max_columns {
            return Err(self.too_many_columns());
        }
        if col < next_col {
            return Err(broken());
        }
        let style = attr(e, "s").and_then(|s| s.parse::<usize>().ok()).unwrap_or(0);
        Ok(OpenCell {
            col,
            kind: attr(e, "t").unwrap_or_default(),
            date: self.dates.get(style).copied().unwrap_or(false),
            ..OpenCell::default()
        })
    }

    fn value_of(&self, kind: &str, date: bool, text: String) -> Cell {
        match kind {
            "s" => text
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| self.shared.get(i))
                .map_or(Cell::Empty, |s| Cell::Text(s.to_owned())),
            "inlineStr" | "str" | "d" => Cell::Text(text),
            "b" => Cell::Bool(text.trim() == "1"),
            "e" => Cell::Empty,
            _ => match text.trim().parse::<f64>() {
                Ok(n) if date => Cell::Date(n),
                Ok(n) => Cell::Number(n),
                Err(_) if text.trim().is_empty() => Cell::Empty,
                Err(_) => Cell::Text(text),
            },
        }
    }
}

#[cfg(test)]
mod tests;
