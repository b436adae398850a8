//! Workbench lotteries: list and create, the lottery page (sign-in code, commitment,
//! prizes with a draw button each, winners, and after the last draw the seed and rule).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::events_qr::{PNG_PX, code_url};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::error::AppError;
use crate::events::lottery::{self, LotteryDetail};
use crate::events::lottery_model::{self, LotteryRow, RULE, status};
use crate::kernel::clock::display_minutes;
use crate::kernel::qr;

/// The create form.
#[derive(Debug, Default, Deserialize)]
pub struct LotteryForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Event id (optional).
    #[serde(default)]
    pub event_id: String,
    /// Prize lines.
    #[serde(default)]
    pub prizes: String,
}

/// `GET /admin/lotteries`.
#[derive(askama::Template)]
#[template(path = "web/events/lotteries.html")]
pub struct LotteriesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Lotteries with a status label.
    pub rows: Vec<(LotteryRow, &'static str)>,
    /// Form values.
    pub form: LotteryForm,
    /// Form errors.
    pub errors: Vec<String>,
}

fn label(status_value: &str) -> &'static str {
    match status_value {
        status::OPEN => "签到中",
        status::DRAWING => "抽奖中",
        _ => "已结束",
    }
}

async fn lotteries_page(
    state: &AppState,
    staff: &RequireRole<Secretaries>,
    form: LotteryForm,
    errors: Vec<String>,
) -> Result<LotteriesPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/lotteries", "抽奖").await?;
    let rows = lottery::list_lotteries(&state.db)
        .await?
        .into_iter()
        .map(|l| {
            let l_label = label(&l.status);
            (l, l_label)
        })
        .collect();
    Ok(LotteriesPage { chrome, rows, form, errors })
}

/// `GET /admin/lotteries`.
pub async fn list_lotteries(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    render(&lotteries_page(&state, &staff, LotteryForm::default(), Vec::new()).await?)
}

/// `POST /admin/lotteries`.
pub async fn create_lottery(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    form: web::Form<LotteryForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let event_id = match form.event_id.trim() {
        "" => Ok(None),
        text => text
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field("event_id", "活动编号须为数字")),
    };
    let created = match event_id {
        Ok(event_id) => {
            lottery::create_lottery(
                &state.db,
                &state.clock,
                staff.staff.id,
                form.title.clone(),
                event_id,
                &form.prizes,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(row) => Ok(redirect(&format!("/admin/lotteries/{}", row.id))),
        Err(AppError::Validation(fields)) => {
            let errors = fields.into_iter().map(|f| f.message).collect();
            let page = lotteries_page(&state, &staff, form, errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

/// A prize on the page.
#[derive(Debug)]
pub struct PrizeView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Places.
    pub quantity: i32,
    /// Drawn already.
    pub drawn: bool,
    /// Winners' names.
    pub winners: Vec<String>,
}

/// `GET /admin/lotteries/{id}`.
#[derive(askama::Template)]
#[template(path = "web/events/lottery.html")]
pub struct LotteryPage {
    /// Layout.
    pub chrome: Chrome,
    /// The lottery.
    pub lottery: LotteryRow,
    /// Status label.
    pub status_label: &'static str,
    /// Signed-in users.
    pub entries: i64,
    /// Prizes.
    pub prizes: Vec<PrizeView>,
    /// Seed, once finished.
    pub seed: Option<String>,
    /// The published rule.
    pub rule: &'static str,
    /// Created, formatted.
    pub created: String,
}

/// `GET /admin/lotteries/{id}`.
pub async fn show_lottery(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let LotteryDetail { lottery, prizes, entries, winners } =
        lottery::lottery_detail(&state.db, *id).await?;
    let tz = state.association_settings().await?.time_zone;
    let prizes = prizes
        .into_iter()
        .map(|p| PrizeView {
            winners: winners
                .iter()
                .filter(|w| w.1 == p.id)
                .map(|(n, _, user, name)| {
                    format!("#{n} {}", name.clone().unwrap_or_else(|| format!("用户 {user}")))
                })
                .collect(),
            id: p.id,
            name: p.name,
            quantity: p.quantity,
            drawn: p.drawn_at.is_some(),
        })
        .collect();
    let chrome = Chrome::build(&state, &staff, "/admin/lotteries", &lottery.title).await?;
    let seed = (lottery.status == status::FINISHED).then(|| lottery.seed_hex.clone());
    render(&LotteryPage {
        chrome,
        status_label: label(&lottery.status),
        created: display_minutes(lottery.created_at, tz),
        lottery,
        entries,
        prizes,
        seed,
        rule: RULE,
    })
}

/// `POST /admin/lotteries/{id}/prizes/{pid}/draw`.
pub async fn draw_prize(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, PageError> {
    let (id, pid) = path.into_inner();
    let winners = lottery::draw_prize(&state.db, &state.clock, staff.staff.id, id, pid).await?;
    staff.flash("success", format!("已抽出 {} 位中奖者", winners.len()));
    Ok(redirect(&format!("/admin/lotteries/{id}")))
}

/// `GET /admin/lotteries/{id}/qr.png`: the sign-in code.
pub async fn show_lottery_qr(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let detail = lottery::lottery_detail(&state.db, *id).await?;
    let token = lottery_model::sign_in_token(
        &state.config.hmac_key(),
        detail.lottery.id,
        detail.lottery.token_version,
    );
    let png = qr::png(&code_url(&state, &token), PNG_PX)?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}
