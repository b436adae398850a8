//! Dues collected this period as a share of dues due, for the workbench home: the
//! dues orders of the current period (the calendar year, or every anniversary period
//! that started in the last year), paid against paid plus unpaid.

use chrono::{Months, NaiveDate};

use super::dues_model::PeriodMode;
use super::model::status;
use super::{settings, store};
use crate::db::DbConn;
use crate::error::AppError;

/// This period's dues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuesShare {
    /// `2026`, or `2025-11-25 – 2026-11-24` for anniversary periods.
    pub period: String,
    /// Orders paid.
    pub paid_orders: i64,
    /// Orders paid or still unpaid.
    pub due_orders: i64,
    /// Cents paid.
    pub paid_cents: i64,
    /// Cents paid or still unpaid (cancelled and refunded orders are not due).
    pub due_cents: i64,
}

impl DuesShare {
    /// Paid cents as a percent of due cents (0 when nothing is due), one decimal.
    pub fn percent(&self) -> f64 {
        if self.due_cents <= 0 {
            return 0.0;
        }
        // Cents of one association's dues fit an f64's 53-bit mantissa exactly.
        #[expect(clippy::cast_precision_loss, reason = "sums far below 2^53")]
        let share = self.paid_cents as f64 * 100.0 / self.due_cents as f64;
        (share * 10.0).round() / 10.0
    }
}

/// The dues share of the period containing `today` (the association's local date).
pub fn dues_share(conn: &mut DbConn, today: NaiveDate) -> Result<DuesShare, AppError> {
    let (first, last, period) = match settings::load(conn)?.period_mode {
        PeriodMode::Calendar => {
            let key = today.format("%Y").to_string();
            (key.clone(), key.clone(), key)
        }
        PeriodMode::Anniversary => {
            let start = today
                .checked_sub_months(Months::new(12))
                .and_then(|d| d.succ_opt())
                .unwrap_or(today);
            let (a, b) =
                (start.format("%Y-%m-%d").to_string(), today.format("%Y-%m-%d").to_string());
            let label = format!("{a} – {b}");
            (a, b, label)
        }
    };
    let mut share = DuesShare { period, ..DuesShare::default() };
    for (state, cents, n) in store::dues_by_status(conn, &first, &last)? {
        let total = cents.saturating_mul(n);
        if state == status::PAID {
            share.paid_orders += n;
            share.paid_cents += total;
        }
        if state == status::PAID || state == status::UNPAID {
            share.due_orders += n;
            share.due_cents += total;
        }
    }
    Ok(share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_of_due_with_one_decimal() {
        let s = DuesShare { paid_cents: 1, due_cents: 3, ..DuesShare::default() };
        assert!((s.percent() - 33.3).abs() < 1e-9);
        assert!(DuesShare::default().percent().abs() < 1e-9);
    }
}
