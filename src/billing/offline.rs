//! Offline payments (bank transfer, cash) recorded by finance: one order, one amount.

use chrono::{NaiveDate, NaiveTime};

use super::pay::{PaymentFacts, check_payable};
use super::store;
use crate::db::Db;
use crate::error::{AppError, FieldError};
use crate::kernel::audit::Actor;
use crate::kernel::clock::SharedClock;

/// What finance enters.
#[derive(Debug, Clone)]
pub struct OfflinePayment {
    /// Cents received; must equal the order's amount.
    pub amount_cents: Option<i64>,
    /// Day received (association time zone).
    pub paid_on: Option<NaiveDate>,
    /// Who paid (name or company).
    pub payer: String,
    /// Bank reference or receipt number.
    pub reference: String,
    /// Scanned voucher (an uploaded image), optional.
    pub voucher_file_id: Option<i64>,
}

/// Records an offline payment of an unpaid order. A wrong amount, a future date or a
/// paid or cancelled order is refused and nothing is written.
pub async fn record_offline_payment(
    db: &Db,
    clock: &SharedClock,
    tz: chrono_tz::Tz,
    staff_id: i64,
    order_id: i64,
    input: OfflinePayment,
) -> Result<(), AppError> {
    let at = clock.now_naive();
    let today = at.and_utc().with_timezone(&tz).date_naive();
    db.write(move |conn| {
        let order = store::lock(conn, order_id)?.ok_or_else(|| AppError::not_found("订单"))?;
        check_payable(&order)?;
        let mut errors = Vec::new();
        match input.amount_cents {
            Some(c) if c == order.amount_cents => {}
            _ => errors.push(FieldError::new(
                "amount",
                format!(
                    "金额须与订单金额一致（{}），不接受部分付款",
                    crate::kernel::money::format_cents(order.amount_cents)
                ),
            )),
        }
        let paid_on = match input.paid_on {
            Some(d) if d <= today => d,
            _ => {
                errors.push(FieldError::new("paid_on", "请填写收款日期（不能晚于今天）"));
                today
            }
        };
        let payer = input.payer.trim().to_owned();
        if payer.is_empty() || payer.chars().count() > 60 {
            errors.push(FieldError::new("payer", "请填写付款人（不超过 60 字）"));
        }
        let reference = input.reference.trim().to_owned();
        if reference.is_empty() || reference.chars().count() > 60 {
            errors.push(FieldError::new("reference", "请填写流水号或收据号（不超过 60 字）"));
        }
        if let Some(id) = input.voucher_file_id {
            let file = crate::kernel::media::store::find(conn, id)?;
            if file.is_none_or(|f| f.kind != "image") {
                errors.push(FieldError::new("voucher_file_id", "凭证须为已上传的图片"));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let local_noon = paid_on.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
        let paid_at = local_noon.and_local_timezone(tz).single().map_or(at, |d| d.naive_utc());
        let facts = PaymentFacts {
            method: super::model::method::OFFLINE,
            amount_cents: order.amount_cents,
            reference,
            payer,
            paid_at,
            voucher_file_id: input.voucher_file_id,
            actor: Actor::Staff(staff_id),
        };
        super::record_payment(conn, at, &order, &facts)
    })
    .await
}
