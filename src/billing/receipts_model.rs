//! Receipts (收据) and invoice requests (发票): rows, states, and the amount in Chinese
//! capital numerals that a receipt carries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{invoice_requests, receipts};

/// States of an invoice request.
pub mod invoice_status {
    /// The member asked; finance has not issued it yet.
    pub const REQUESTED: &str = "requested";
    /// Finance issued it (with its number).
    pub const ISSUED: &str = "issued";
    /// Every state.
    pub const ALL: [&str; 2] = [REQUESTED, ISSUED];

    /// zh-CN label.
    pub fn label(status: &str) -> &'static str {
        match status {
            REQUESTED => "待开具",
            ISSUED => "已开具",
            _ => "未知",
        }
    }
}

/// A paid order's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = receipts)]
pub struct ReceiptRow {
    /// The order.
    pub order_id: i64,
    /// `2026-000001`: year of payment, then a number without gaps within the year.
    pub number: String,
    /// When it was issued (the payment was recorded).
    pub issued_at: NaiveDateTime,
}

/// A member's request for an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = invoice_requests)]
pub struct InvoiceRow {
    /// Id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// Who asked.
    pub user_id: i64,
    /// 发票抬头: a person's or a company's name.
    pub title: String,
    /// 税号 (companies).
    pub tax_number: Option<String>,
    /// Where to send an electronic invoice.
    pub email: Option<String>,
    /// See [`invoice_status`].
    pub status: String,
    /// The invoice's number, once issued.
    pub invoice_number: Option<String>,
    /// Asked.
    pub requested_at: NaiveDateTime,
    /// Issued.
    pub issued_at: Option<NaiveDateTime>,
    /// Finance staff who issued it.
    pub issued_by_staff_id: Option<i64>,
}

/// The receipt number: the year, then six digits.
pub fn receipt_number(year: i32, n: i64) -> String {
    format!("{year}-{n:06}")
}

/// An amount in Chinese capital numerals as receipts write it (大写金额):
/// ¥10,050.30 → 壹万零伍拾元叁角整, ¥10,000.01 → 壹万元零壹分, ¥0 → 零元整.
pub fn capital_yuan(cents: i64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    let negative = cents < 0;
    let cents = cents.unsigned_abs();
    let (yuan, jiao, fen) = (cents / 100, (cents / 10 % 10) as usize, (cents % 10) as usize);
    let mut text = String::new();
    if yuan == 0 {
        text.push_str(if jiao == 0 && fen == 0 { "零元" } else { "" });
    } else {
        // Groups of four digits, highest first; a zero run becomes one 零.
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push(rest % 10_000);
            rest /= 10_000;
        }
        let mut pending_zero = false;
        for (gi, &group) in groups.iter().enumerate().rev() {
            if group == 0 {
                pending_zero = true;
                continue;
            }
            if !text.is_empty() && (pending_zero || group < 1000) {
                text.push('零');
            }
            pending_zero = false;
            let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
            let mut zero = false;
            for (i, &d) in digits.iter().enumerate() {
                if d == 0 {
                    zero = true;
                    continue;
                }
                let started = digits[..i].iter().any(|&x| x != 0);
                if zero && started {
                    text.push('零');
                }
                zero = false;
                text.push(DIGITS[d as usize]);
                text.push_str(UNITS[3 - i]);
            }
            text.push_str(GROUPS[gi.min(3)]);
            if digits[3] == 0 {
                pending_zero = true;
            }
        }
        text.push('元');
    }
    match (jiao, fen) {
        (0, 0) => text.push('整'),
        (j, 0) => {
            text.push(DIGITS[j]);
            text.push_str("角整");
        }
        (j, f) => {
            if j > 0 {
                text.push(DIGITS[j]);
                text.push('角');
            } else if yuan > 0 {
                text.push('零');
            }
            text.push(DIGITS[f]);
            text.push('分');
        }
    }
    if negative { format!("负{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capital_numerals_read_as_on_a_receipt() {
        for (cents, text) in [
            (0, "零元整"),
            (5_000, "伍拾元整"),
            (1_250, "壹拾贰元伍角整"),
            (100_000, "壹仟元整"),
            (1_005_030, "壹万零伍拾元叁角整"),
            (1_000_001, "壹万元零壹分"),
            (10_000_000, "壹拾万元整"),
            (100_010_000, "壹佰万零壹佰元整"),
            (2_000_000_000, "贰仟万元整"),
            (10_000_000_000, "壹亿元整"),
            (30, "叁角整"),
            (7, "柒分"),
            (-5_000, "负伍拾元整"),
        ] {
            assert_eq!(capital_yuan(cents), text, "{cents}");
        }
    }

    #[test]
    fn numbers_have_the_year_and_six_digits() {
        assert_eq!(receipt_number(2026, 42), "2026-000042");
    }
}
