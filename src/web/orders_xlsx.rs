//! The order list as an Excel workbook (CPU work: run it through `web::block`).

use rust_xlsxwriter::{Format, Workbook};

use super::orders::OrderListRow;
use crate::error::AppError;

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

const HEADER: [&str; 10] = [
    "订单号",
    "类型",
    "名称",
    "会员编号",
    "付款人",
    "金额",
    "状态",
    "会费期间",
    "下单时间",
    "支付时间",
];

/// Writes `rows` as a workbook.
pub fn export(rows: &[OrderListRow]) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("订单").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    for (col, title) in (0_u16..).zip(HEADER) {
        sheet.write_string_with_format(0, col, title, &bold).map_err(xlsx_error)?;
        sheet.set_column_width(col, if col == 2 { 30 } else { 14 }).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (line, r) in (1_u32..).zip(rows) {
        let id = r.id.to_string();
        let cells: [&str; 10] = [
            &id,
            r.kind_label,
            &r.title,
            &r.number,
            &r.payer,
            &r.amount,
            r.status_label,
            &r.period,
            &r.created,
            &r.paid,
        ];
        for (col, text) in (0_u16..).zip(cells) {
            if !text.is_empty() {
                sheet.write_string(line, col, text).map_err(xlsx_error)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}
