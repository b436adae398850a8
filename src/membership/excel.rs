//! The member roll as .xlsx: the export, and reading an import file. The export is
//! the import template: same sheet, same header, so an exported file imports again.

use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use super::members::RollItem;
use super::model::status;
use crate::error::AppError;

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

/// Writes `rows` as a workbook (an empty one is the import template).
pub fn export_xlsx(rows: &[RollItem], tz: chrono_tz::Tz) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("会员").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    for (col, column) in (0_u16..).zip(Column::ALL) {
        sheet.write_string_with_format(0, col, column.header(), &bold).map_err(xlsx_error)?;
        sheet.set_column_width(col, column.width()).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (row, item) in (1_u32..).zip(rows) {
        let m = &item.member;
        let joined = m.joined_at.and_utc().with_timezone(&tz).format("%Y-%m-%d").to_string();
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
        for (col, text) in (0_u16..).zip(cells) {
            if !text.is_empty() {
                sheet.write_string(row, col, text).map_err(xlsx_error)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
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
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) | Data::DateTimeIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        #[expect(clippy::cast_possible_truncation, reason = "whole numbers only")]
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DurationIso(_) | Data::Error(_) | Data::Empty => String::new(),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    #[expect(clippy::cast_possible_truncation, reason = "dates are small whole days")]
    let days = serial.floor() as i64;
    base.checked_add_signed(chrono::Duration::days(days))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Reads the first sheet: the header row names the columns (any order; unknown ones are
/// ignored), blank rows are skipped. A file that is not .xlsx, or lacks a required
/// column, is a field error on `file`.
pub fn read_sheet(bytes: Vec<u8>) -> Result<Vec<SheetRow>, AppError> {
    let bad_file = || AppError::field("file", "无法读取文件，请上传由模板填写的 .xlsx 文件");
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| bad_file())?;
    let range = book.worksheet_range_at(0).ok_or_else(bad_file)?.map_err(|_| bad_file())?;
    let mut rows = range.rows();
    let header = rows.next().ok_or_else(|| AppError::field("file", "文件是空的"))?;
    let columns: Vec<Option<Column>> = header
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
    let first_line = range.start().map_or(1, |(r, _)| r as usize + 1);
    let mut out = Vec::new();
    for (index, row) in rows.enumerate() {
        let cells: Vec<(Column, String)> = row
            .iter()
            .zip(&columns)
            .filter_map(|(cell, column)| column.map(|c| (c, cell_text(cell))))
            .collect();
        if cells.iter().all(|(_, v)| v.is_empty()) {
            continue;
        }
        out.push(SheetRow { line: first_line + index + 1, cells });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_with_its_header_and_no_rows() {
        let bytes = export_xlsx(&[], chrono_tz::Asia::Shanghai).unwrap();
        assert!(read_sheet(bytes).unwrap().is_empty());
        assert_eq!(read_sheet(b"not a workbook".to_vec()).unwrap_err().fields()[0].field, "file");
    }

    #[test]
    fn cells_read_as_text() {
        assert_eq!(cell_text(&Data::Float(13_800_138_000.0)), "13800138000");
        assert_eq!(cell_text(&Data::String(" 张三 ".into())), "张三");
        assert_eq!(excel_date(46_350.0), "2026-11-24");
    }
}
