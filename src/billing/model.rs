//! Order rows and their kinds and states.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{orders, payment_refusals, payments, refunds, wechat_transactions};

/// What an order is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderKind {
    /// Membership dues of a period.
    Dues,
    /// An event's fee.
    EventFee,
    /// A course's fee.
    CourseFee,
}

impl OrderKind {
    /// Every kind.
    pub const ALL: [Self; 3] = [Self::Dues, Self::EventFee, Self::CourseFee];

    /// zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Dues => "会费",
            Self::EventFee => "活动费",
            Self::CourseFee => "课程费",
        }
    }

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dues => "dues",
            Self::EventFee => "event_fee",
            Self::CourseFee => "course_fee",
        }
    }
}

/// Order states.
pub mod status {
    /// Created, not paid.
    pub const UNPAID: &str = "unpaid";
    /// Paid.
    pub const PAID: &str = "paid";
    /// Cancelled before payment.
    pub const CANCELLED: &str = "cancelled";
    /// Paid, then refunded in full.
    pub const REFUNDED: &str = "refunded";
    /// Every state.
    pub const ALL: [&str; 4] = [UNPAID, PAID, CANCELLED, REFUNDED];

    /// zh-CN label.
    pub fn label(status: &str) -> &'static str {
        match status {
            UNPAID => "待支付",
            PAID => "已支付",
            CANCELLED => "已取消",
            REFUNDED => "已退款",
            _ => "未知",
        }
    }
}

/// How an order was paid.
pub mod method {
    /// WeChat Pay (JSAPI).
    pub const WECHAT: &str = "wechat";
    /// Bank transfer or cash, recorded by finance.
    pub const OFFLINE: &str = "offline";

    /// zh-CN label.
    pub fn label(method: &str) -> &'static str {
        match method {
            WECHAT => "微信支付",
            OFFLINE => "线下支付",
            _ => "未知",
        }
    }
}

/// States of a WeChat Pay transaction.
pub mod txn_status {
    /// Prepaid, waiting for the payer.
    pub const OPEN: &str = "open";
    /// Paid.
    pub const PAID: &str = "paid";
    /// Closed at WeChat (timeout or cancelled order).
    pub const CLOSED: &str = "closed";
}

/// States of a refund.
pub mod refund_status {
    /// Written, not yet accepted by WeChat.
    pub const REQUESTED: &str = "requested";
    /// Accepted by WeChat, money on its way.
    pub const PROCESSING: &str = "processing";
    /// Money returned.
    pub const SUCCEEDED: &str = "succeeded";
    /// WeChat gave up (closed or abnormal); finance settles it by hand.
    pub const FAILED: &str = "failed";

    /// zh-CN label.
    pub fn label(status: &str) -> &'static str {
        match status {
            REQUESTED => "待提交",
            PROCESSING => "退款中",
            SUCCEEDED => "已退款",
            FAILED => "退款失败",
            _ => "未知",
        }
    }
}

/// zh-CN label of a refusal reason.
pub fn refusal_label(reason: &str) -> &'static str {
    match reason {
        "bad_signature" => "签名无效",
        "stale_timestamp" => "时间戳过期",
        "unknown_serial" => "平台公钥编号不符",
        "undecryptable" => "无法解密",
        "malformed" => "格式错误",
        "not_configured" => "微信支付未配置",
        "merchant_mismatch" => "商户号或 AppID 不符",
        "amount_mismatch" => "金额与订单不符",
        "unknown_order" => "订单不存在",
        "duplicate_payment" => "重复支付（需退款）",
        "refund_refused" => "微信拒绝退款",
        "refund_failed" => "退款失败",
        _ => "其他",
    }
}

/// A WeChat Pay transaction (one prepay).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wechat_transactions)]
pub struct WechatTxnRow {
    /// Id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// Our number.
    pub out_trade_no: String,
    /// WeChat's prepay id.
    pub prepay_id: String,
    /// Cents.
    pub amount_cents: i64,
    /// See [`txn_status`].
    pub status: String,
    /// When WeChat stops accepting payment.
    pub expires_at: NaiveDateTime,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
}

/// Money received for an order.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    /// Id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// See [`method`].
    pub method: String,
    /// Cents.
    pub amount_cents: i64,
    /// WeChat transaction id, or the bank/cash reference.
    pub reference: String,
    /// Who paid (openid or name).
    pub payer: String,
    /// When paid.
    pub paid_at: NaiveDateTime,
    /// Scanned voucher (offline).
    pub voucher_file_id: Option<i64>,
    /// Finance staff who recorded it (offline).
    pub staff_id: Option<i64>,
    /// Recorded.
    pub created_at: NaiveDateTime,
}

/// Money given back.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refunds)]
pub struct RefundRow {
    /// Id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// Our refund number.
    pub out_refund_no: String,
    /// Cents.
    pub amount_cents: i64,
    /// Why.
    pub reason: String,
    /// See [`refund_status`].
    pub status: String,
    /// WeChat's refund id.
    pub provider_refund_id: Option<String>,
    /// Who asked.
    pub staff_id: Option<i64>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// When the money was returned.
    pub settled_at: Option<NaiveDateTime>,
}

/// A refused notification or answer.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_refusals)]
pub struct RefusalRow {
    /// Id.
    pub id: i64,
    /// The order, when known.
    pub order_id: Option<i64>,
    /// Our number, when known.
    pub out_trade_no: Option<String>,
    /// `notify`, `query`, `refund_notify`.
    pub source: String,
    /// Stable code (see [`refusal_label`]).
    pub reason: String,
    /// What exactly.
    pub detail: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// The cents still refundable of a paid `amount` after `refunds`.
pub fn refundable(amount: i64, refunds: &[RefundRow]) -> i64 {
    let taken: i64 =
        refunds.iter().filter(|r| r.status != refund_status::FAILED).map(|r| r.amount_cents).sum();
    amount - taken
}

/// A stored order.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    /// Id.
    pub id: i64,
    /// Who owes.
    pub user_id: i64,
    /// `dues`, `event_fee`, `course_fee`.
    pub kind: String,
    /// What the user sees, e.g. 2026 年度会费.
    pub title: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// See [`status`].
    pub status: String,
    /// What it pays for (table name).
    pub subject_type: Option<String>,
    /// Its id.
    pub subject_id: Option<i64>,
    /// Dues period, e.g. `2026`.
    pub period: Option<String>,
    /// Unique key that makes creation idempotent (e.g. `dues:2026:user:5`).
    pub dedupe_key: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Updated.
    pub updated_at: NaiveDateTime,
    /// Paid.
    pub paid_at: Option<NaiveDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refund(amount: i64, status: &str) -> RefundRow {
        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        RefundRow {
            id: 1,
            order_id: 1,
            out_refund_no: "R".into(),
            amount_cents: amount,
            reason: String::new(),
            status: status.into(),
            provider_refund_id: None,
            staff_id: None,
            created_at: at,
            updated_at: at,
            settled_at: None,
        }
    }

    #[test]
    fn failed_refunds_do_not_count_against_the_payment() {
        let refunds = [refund(300, refund_status::SUCCEEDED), refund(500, refund_status::FAILED)];
        assert_eq!(refundable(1000, &refunds), 700);
        assert_eq!(refundable(1000, &[]), 1000);
    }

    #[test]
    fn every_kind_and_state_has_a_label() {
        for kind in OrderKind::ALL {
            assert_eq!(OrderKind::parse(kind.as_str()), Some(kind));
            assert!(!kind.label().is_empty());
        }
        for s in status::ALL {
            assert_ne!(status::label(s), "未知");
        }
    }
}
