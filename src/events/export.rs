//! Excel exports of an event: registrations (all states, queue order) and attendance
//! (confirmed registrations with check-in and check-out times).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::model::{reg, registration_label};
use super::store::{self, RegistrationFilter, StaffRegistration};
use crate::db::Db;
use crate::error::AppError;
use crate::kernel::clock::display_minutes;
use crate::kernel::money::format_cents;

/// Which export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sheet {
    /// 报名名单.
    Registrations,
    /// 签到记录.
    Attendance,
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// The workbook bytes of `sheet` for event `id`, times shown in `tz`.
pub async fn workbook(
    db: &Db,
    id: i64,
    sheet: Sheet,
    tz: chrono_tz::Tz,
) -> Result<Vec<u8>, AppError> {
    let filter = match sheet {
        Sheet::Registrations => RegistrationFilter::default(),
        Sheet::Attendance => {
            RegistrationFilter { status: Some(reg::REGISTERED.into()), attendance: None }
        }
    };
    let (rows, _) =
        db.run(move |conn| Ok(store::registrations_of_event(conn, id, &filter, 0, None)?)).await?;
    build(&rows, sheet, tz).map_err(xlsx_error)
}

fn build(
    rows: &[StaffRegistration],
    sheet: Sheet,
    tz: chrono_tz::Tz,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    let bold = Format::new().set_bold();
    let when =
        |t: Option<chrono::NaiveDateTime>| t.map(|t| display_minutes(t, tz)).unwrap_or_default();
    let (name, headers): (&str, &[&str]) = match sheet {
        Sheet::Registrations => {
            ("报名名单", &["序号", "姓名", "手机号", "状态", "费用", "报名时间"])
        }
        Sheet::Attendance => ("签到记录", &["序号", "姓名", "手机号", "签到时间", "签退时间"]),
    };
    ws.set_name(name)?;
    for (col, header) in (0u16..).zip(headers) {
        ws.write_string_with_format(0, col, *header, &bold)?;
        ws.set_column_width(col, 18)?;
    }
    for (row, (r, nickname, phone)) in (1u32..).zip(rows) {
        ws.write_number(row, 0, f64::from(row))?;
        ws.write_string(row, 1, nickname.as_deref().unwrap_or("（未填写）"))?;
        ws.write_string(row, 2, phone.as_deref().unwrap_or(""))?;
        match sheet {
            Sheet::Registrations => {
                ws.write_string(row, 3, registration_label(&r.status))?;
                ws.write_string(row, 4, format_cents(r.fee_cents))?;
                ws.write_string(row, 5, when(Some(r.queued_at)))?;
            }
            Sheet::Attendance => {
                ws.write_string(row, 3, when(r.checked_in_at))?;
                ws.write_string(row, 4, when(r.checked_out_at))?;
            }
        }
    }
    book.save_to_buffer()
}
