//! Hostile and ordinary spreadsheets through the bounded reader.

use std::io::Write as _;

use super::*;

const WORKBOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// An .xlsx made of the given sheet XML and shared strings XML.
pub(crate) fn book(sheet: &[u8], shared: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn sheet_xml(dimension: &str, rows: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}</sheetData></worksheet>"#
    )
    .into_bytes()
}

const SST: &[u8] = br#"<sst uniqueCount="2"><si><t>a &amp; b</t></si><si><r><t>x</t></r><r><t>y</t></r><rPh><t>ignored</t></rPh></si></sst>"#;

fn read_all(bytes: &[u8], limits: &XlsxLimits) -> Result<Vec<(usize, Vec<Cell>)>, AppError> {
    let mut rows = Vec::new();
    read_first_sheet(bytes, limits, |line, cells| {
        rows.push((line, cells));
        Ok(())
    })?;
    Ok(rows)
}

fn message(err: &AppError) -> String {
    err.fields().first().map(|f| f.message.clone()).unwrap_or_default()
}

#[test]
fn ordinary_sheets_read_cell_by_cell() {
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
        <row r="3"><c r="A3"><v>13800138000</v></c><c r="B3" t="inlineStr"><is><t>张&#19977;</t></is></c><c r="C3" t="b"><v>1</v></c></row>
        <row r="4"><c r="A4"/></row>"#;
    let bytes = book(&sheet_xml(r#"<dimension ref="A1:C4"/>"#, rows), SST);
    let read = read_all(&bytes, &XlsxLimits::default()).unwrap();
    assert_eq!(
        read,
        vec![
            (1, vec![Cell::Text("a & b".into()), Cell::Empty, Cell::Text("xy".into())]),
            (3, vec![Cell::Number(13_800_138_000.0), Cell::Text("张三".into()), Cell::Bool(true)]),
        ]
    );
}

#[test]
fn rust_xlsxwriter_files_read_with_their_dates() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "入会日期").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_number_with_format(1, 0, 46_350.0, &date).unwrap();
    sheet.write_number(2, 0, 7.0).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let read = read_all(&bytes, &XlsxLimits::default()).unwrap();
    assert_eq!(read[0].1, vec![Cell::Text("入会日期".into())]);
    assert_eq!(read[1].1, vec![Cell::Date(46_350.0)]);
    assert_eq!(read[2].1, vec![Cell::Number(7.0)]);
    assert!(is_date_format("yyyy/m/d") && !is_date_format("#,##0.00") && !is_date_format("[Red]0"));
}

#[test]
fn a_declared_extent_to_the_last_cell_is_refused_before_reading() {
    let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    let bytes = book(&sheet_xml(r#"<dimension ref="A1:XFD1048576"/>"#, rows), SST);
    let mut called = 0;
    let err = read_first_sheet(&bytes, &XlsxLimits::default(), |_, _| {
        called += 1;
        Ok(())
    })
    .unwrap_err();
    assert_eq!(called, 0, "no row is read");
    assert!(message(&err).contains("50000 行"), "{}", message(&err));
    // Without the dimension, the far cell itself is refused (no allocation by extent).
    let bytes = book(&sheet_xml("", rows), SST);
    assert!(message(&read_all(&bytes, &XlsxLimits::default()).unwrap_err()).contains("列"));
}

#[test]
fn an_absurd_unique_count_is_refused_before_reading_strings() {
    let sst = br#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
    let bytes = book(&sheet_xml("", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), sst);
    let err = read_all(&bytes, &XlsxLimits::default()).unwrap_err();
    assert!(message(&err).contains("不同文本"), "{}", message(&err));
    // A file that lies low is still stopped at the limit.
    let many: String = (0..20).map(|i| format!("<si><t>{i}</t></si>")).collect();
    let sst = format!(r#"<sst uniqueCount="1">{many}</sst>"#);
    let limits = XlsxLimits { max_shared_strings: 10, ..XlsxLimits::default() };
    assert!(read_all(&book(&sheet_xml("", ""), sst.as_bytes()), &limits).is_err());
}

#[test]
fn rows_past_the_limit_stop_the_read() {
    let rows: String =
        (1..=30).map(|r| format!(r#"<row r="{r}"><c><v>{r}</v></c></row>"#)).collect();
    let bytes = book(&sheet_xml("", &rows), SST);
    let limits = XlsxLimits { max_rows: 10, ..XlsxLimits::default() };
    let mut seen = 0;
    let err = read_first_sheet(&bytes, &limits, |_, _| {
        seen += 1;
        Ok(())
    })
    .unwrap_err();
    assert_eq!(seen, 11, "header and ten data rows, then the refusal");
    assert!(message(&err).contains("10 行"));
}

#[test]
fn decompression_past_the_limit_and_giant_elements_are_refused() {
    let padding = " ".repeat(4 * 1024 * 1024);
    let bytes = book(&sheet_xml("", &format!("<row r=\"1\"><c><v>1</v></c></row>{padding}")), SST);
    assert!(bytes.len() < 64 * 1024, "a small file that unpacks large");
    let limits = XlsxLimits { max_unpacked_bytes: 1024 * 1024, ..XlsxLimits::default() };
    assert!(message(&read_all(&bytes, &limits).unwrap_err()).contains("解压后"));
    let giant = "x".repeat(3 * 1024 * 1024);
    let rows = format!(r#"<row r="1"><c t="inlineStr"><is><t>{giant}</t></is></c></row>"#);
    assert!(read_all(&book(&sheet_xml("", &rows), SST), &XlsxLimits::default()).is_err());
}

#[test]
fn non_workbooks_are_refused_plainly() {
    assert_eq!(
        read_all(b"not a zip", &XlsxLimits::default()).unwrap_err().fields()[0].field,
        "file"
    );
    let rows = br#"<worksheet><sheetData><row r="2"><c><v>1</v></c></row><row r="1"><c><v>1</v></c></row>"#;
    let bytes = book(rows, SST);
    assert!(read_all(&bytes, &XlsxLimits::default()).is_err());
}
