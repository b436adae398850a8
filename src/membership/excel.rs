//! The member roll as .xlsx: the export, and reading an import file. The export is
//! the import template: same sheet, same header, so an exported file imports again.

use rust_xlsxwriter::{Format, Workbook};

use super::members::RollItem;
use super::model::status;
use crate::error::AppError;
use crate::kernel::xlsx::{self, Cell, XlsxLimits};

/// The columns of the roll, in sheet order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 会员编号 (optional on import: given numbers are kept, blank ones assigned).
    Number,
    /// 姓名.
    Name,
    /// 手机号.
    Phone,
    /// 会员类型.
    MemberType,
    /// 职务.
    Position,
    /// 行业.
    Industry,
    /// 企业名称.
    Company,
    /// 企业职务.
    Title,
    /// 状态.
    Status,
    /// 入会日期.
    JoinedOn,
}

impl Column {
    /// Every column, in sheet order.
    pub const ALL: [Self; 10] = [
        Self::Number,
        Self::Name,
        Self::Phone,
        Self::MemberType,
        Self::Position,
        Self::Industry,
        Self::Company,
        Self::Title,
        Self::Status,
        Self::JoinedOn,
    ];

    /// The header text.
    pub fn header(self) -> &'static str {
        match self {
            Self::Number => "会员编号",
            Self::Name => "姓名",
            Self::Phone => "手机号",
            Self::MemberType => "会员类型",
            Self::Position => "职务",
            Self::Industry => "行业",
            Self::Company => "企业名称",
            Self::Title => "企业职务",
            Self::Status => "状态",
            Self::JoinedOn => "入会日期",
        }
    }

    fn width(self) -> f64 {
        match self {
            Self::Company => 30.0,
            Self::Industry => 24.0,
            Self::Phone | Self::Number | Self::JoinedOn => 14.0,
            _ => 12.0,
        }
    }
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// Writes the roll row by row in rust_xlsxwriter's constant-memory mode: rows go to a
/// temporary file as they are written, so a large roll never sits in memory as cells.
pub struct RollWriter {
    workbook: Workbook,
    tz: chrono_tz::Tz,
    next_row: u32,
}

impl RollWriter {
    /// A workbook with the header row (on its own, the import template).
    pub fn new(tz: chrono_tz::Tz) -> Result<Self, AppError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
        sheet.set_name("会员").map_err(xlsx_error)?;
        let bold = Format::new().set_bold();
        for (col, column) in (0_u16..).zip(Column::ALL) {
            sheet.set_column_width(col, column.width()).map_err(xlsx_error)?;
            sheet.write_string_with_format(0, col, column.header(), &bold).map_err(xlsx_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        Ok(Self { workbook, tz, next_row: 1 })
    }

    /// Appends one member.
    pub fn push(&mut self, item: &RollItem) -> Result<(), AppError> {
        let m = &item.member;
        let joined = m.joined_at.and_utc().with_timezone(&self.tz).format("%Y-%m-%d").to_string();
        let cells: [&str; 10] = [
            &m.member_number,
            &m.name,
            &item.phone,
            &item.member_type,
            &item.position,
            &item.industry,
            &m.company,
            &m.title,
            status::label(&m.status),
            &joined,
        ];
        let row = self.next_row;
        let sheet = self.workbook.worksheet_from_index(0).map_err(xlsx_error)?;
        for (col, text) in (0_u16..).zip(cells) {
            if !text.is_empty() {
                sheet.write_string(row, col, text).map_err(xlsx_error)?;
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// The finished file.
    pub fn finish(mut self) -> Result<Vec<u8>, AppError> {
        self.workbook.save_to_buffer().map_err(xlsx_error)
    }
}

/// Writes `rows` as a workbook (an empty one is the import template).
pub fn export_xlsx(rows: &[RollItem], tz: chrono_tz::Tz) -> Result<Vec<u8>, AppError> {
    let mut writer = RollWriter::new(tz)?;
    for item in rows {
        writer.push(item)?;
    }
    writer.finish()
}

/// One data row of an import file: its line number in Excel and its cells as text.
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// 1-based row number as Excel shows it.
    pub line: usize,
    /// Cell texts by column (missing columns are empty).
    pub cells: Vec<(Column, String)>,
}

impl SheetRow {
    /// The trimmed text of `column` ("" when absent).
    pub fn get(&self, column: Column) -> &str {
        self.cells.iter().find(|(c, _)| *c == column).map_or("", |(_, v)| v.as_str())
    }
}

/// Cell text: numbers without a trailing `.0` (phones typed as numbers), Excel dates as
/// `YYYY-MM-DD`.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.trim().to_owned(),
        #[expect(clippy::cast_possible_truncation, reason = "whole numbers only")]
        Cell::Number(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        Cell::Number(f) => f.to_string(),
        Cell::Bool(b) => b.to_string(),
        Cell::Date(d) => excel_date(*d),
        Cell::Empty => String::new(),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    if !serial.is_finite() || serial.abs() > 3_000_000.0 {
        return serial.to_string();
    }
    #[expect(clippy::cast_possible_truncation, reason = "bounded just above")]
    let days = serial.floor() as i64;
    base.checked_add_signed(chrono::Duration::days(days))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Streams the first sheet through the bounded reader: the first row with content
/// names the columns (any order; unknown ones are ignored), then every data row goes
/// to `on_row` (blank rows are skipped). Returns how many data rows there were. A file
/// that is not .xlsx, is over the limits, or lacks a required column, is a field error
/// on `file`.
pub fn read_sheet(
    bytes: &[u8],
    limits: &XlsxLimits,
    mut on_row: impl FnMut(SheetRow),
) -> Result<usize, AppError> {
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut count = 0;
    xlsx::read_first_sheet(bytes, limits, |line, cells| {
        let Some(columns) = &columns else {
            columns = Some(header_columns(&cells)?);
            return Ok(());
        };
        let cells: Vec<(Column, String)> = cells
            .iter()
            .zip(columns)
            .filter_map(|(cell, column)| column.map(|c| (c, cell_text(cell))))
            .collect();
        if !cells.iter().all(|(_, v)| v.is_empty()) {
            count += 1;
            on_row(SheetRow { line, cells });
        }
        Ok(())
    })?;
    if columns.is_none() {
        return Err(AppError::field("file", "文件是空的"));
    }
    Ok(count)
}

/// The columns named by the header row; refuses a header without a required column.
fn header_columns(cells: &[Cell]) -> Result<Vec<Option<Column>>, AppError> {
    let columns: Vec<Option<Column>> = cells
        .iter()
        .map(|cell| {
            let text = cell_text(cell);
            Column::ALL.into_iter().find(|c| c.header() == text)
        })
        .collect();
    let missing: Vec<&str> = [Column::Name, Column::Phone, Column::MemberType, Column::Position]
        .into_iter()
        .filter(|c| !columns.contains(&Some(*c)))
        .map(Column::header)
        .collect();
    if !missing.is_empty() {
        return Err(AppError::field(
            "file",
            format!("缺少列：{}（请使用导入模板）", missing.join("、")),
        ));
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_with_its_header_and_no_rows() {
        let bytes = export_xlsx(&[], chrono_tz::Asia::Shanghai).unwrap();
        let limits = XlsxLimits::default();
        assert_eq!(read_sheet(&bytes, &limits, |_| panic!("no rows")).unwrap(), 0);
        let err = read_sheet(b"not a workbook", &limits, |_| ()).unwrap_err();
        assert_eq!(err.fields()[0].field, "file");
    }

    #[test]
    fn cells_read_as_text() {
        assert_eq!(cell_text(&Cell::Number(13_800_138_000.0)), "13800138000");
        assert_eq!(cell_text(&Cell::Text(" 张三 ".into())), "张三");
        assert_eq!(excel_date(46_350.0), "2026-11-24");
    }
}
