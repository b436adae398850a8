//! The member roll (会员管理): search, filters, pagination, detail, Excel export and
//! import.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager, query_string};
use super::render::{Chrome, render, render_with};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::http::multipart::read_single_file;
use crate::kernel::blocking;
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::membership::catalog::{self, Catalogue};
use crate::membership::excel;
use crate::membership::import::{self, Duplicates, ImportFile, ImportReport};
use crate::membership::members::{self, MemberDetail, RollItem};
use crate::membership::model::status;

/// A roll row as shown.
#[derive(Debug, Clone)]
pub struct MemberListRow {
    /// Member id.
    pub id: i64,
    /// Number.
    pub number: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Company.
    pub company: String,
    /// Type.
    pub member_type: String,
    /// Position.
    pub position: String,
    /// Industry.
    pub industry: String,
    /// `active`…
    pub status: String,
    /// 正常…
    pub status_label: &'static str,
    /// Joined, formatted.
    pub joined: String,
}

fn list_row(item: RollItem, tz: chrono_tz::Tz) -> MemberListRow {
    let m = item.member;
    MemberListRow {
        id: m.id,
        status_label: status::label(&m.status),
        joined: display_minutes(m.joined_at, tz).chars().take(10).collect(),
        number: m.member_number,
        name: m.details.name,
        phone: item.phone,
        company: m.details.company,
        member_type: item.member_type,
        position: item.position,
        industry: item.industry,
        status: m.status,
    }
}

/// Roll filters in the query string.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RollQuery {
    /// Search text.
    #[serde(default)]
    pub q: String,
    /// Member type id.
    #[serde(default)]
    pub member_type: String,
    /// Position id.
    #[serde(default)]
    pub position: String,
    /// Industry id.
    #[serde(default)]
    pub industry: String,
    /// Status.
    #[serde(default)]
    pub status: String,
    /// Page.
    pub page: Option<i64>,
}

impl RollQuery {
    fn filter(&self) -> crate::membership::store::members::MemberFilter {
        let id = |s: &str| s.trim().parse::<i64>().ok();
        members::member_filter(
            Some(&self.q),
            id(&self.member_type),
            id(&self.position),
            id(&self.industry),
            Some(self.status.as_str()),
        )
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.trim().to_owned()),
            ("member_type", self.member_type.clone()),
            ("position", self.position.clone()),
            ("industry", self.industry.clone()),
            ("status", self.status.clone()),
        ]
    }
}

/// `GET /admin/members`.
#[derive(askama::Template)]
#[template(path = "web/members/index.html")]
pub struct MembersPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<MemberListRow>,
    /// Filters as typed.
    pub query: RollQuery,
    /// Choices.
    pub catalogue: Catalogue,
    /// Status choices (value, label).
    pub statuses: Vec<(&'static str, &'static str)>,
    /// Pages.
    pub pager: Pager,
    /// The filters as a query string (export link).
    pub export_query: String,
}

/// `GET /admin/members`.
pub async fn list_members(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<RollQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/members", "会员管理").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let page_no = query.page.unwrap_or(1);
    let roll = members::roll(&state.db, query.filter(), page_no).await?;
    let pairs = query.pairs();
    let page = MembersPage {
        chrome,
        rows: roll.rows.into_iter().map(|i| list_row(i, tz)).collect(),
        catalogue: catalog::catalogue(&state.db).await?,
        statuses: status::ALL.iter().map(|s| (*s, status::label(s))).collect(),
        pager: pager("/admin/members", &pairs, page_no, roll.total, PAGE_SIZE),
        export_query: query_string(&pairs),
        query,
    };
    render(&page)
}

/// `GET /admin/members/{id}`.
#[derive(askama::Template)]
#[template(path = "web/members/detail.html")]
pub struct MemberPage {
    /// Layout.
    pub chrome: Chrome,
    /// The member.
    pub row: MemberListRow,
    /// Loaded detail.
    pub detail: MemberDetail,
    /// Positions: (name, from, until).
    pub positions: Vec<(String, String, String)>,
    /// Applications: (id, kind, status, submitted, note).
    pub applications: Vec<(i64, String, String, String, String)>,
    /// The member profile, private fields included (staff see them).
    pub profile: Option<crate::profiles::member_profiles_model::MyProfileView>,
    /// The member's enterprises.
    pub enterprises: Vec<crate::profiles::enterprises_model::MyEnterpriseView>,
}

/// `GET /admin/members/{id}`.
pub async fn show_member(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/members", "会员详情").await?;
    let tz = state.association_settings().await?.time_zone;
    let detail = members::member_detail(&state.db, *id).await?;
    let positions = detail
        .positions
        .iter()
        .map(|p| {
            let until = p.ended_at.map_or_else(|| "至今".into(), |t| display_minutes(t, tz));
            (p.name.clone(), display_minutes(p.started_at, tz), until)
        })
        .collect();
    let applications = detail
        .applications
        .iter()
        .map(|a| {
            let at = display_minutes(a.submitted_at, tz);
            (a.id, a.kind_label.clone(), a.status_label.clone(), at, a.decision_note.clone())
        })
        .collect();
    let row = list_row(detail.item.clone(), tz);
    let user_id = detail.item.member.user_id;
    let profile = crate::profiles::member_profiles::profile_for_staff(&state.db, user_id).await?;
    let enterprises = crate::profiles::enterprises::of_member(&state.db, user_id).await?;
    render(&MemberPage { chrome, row, detail, positions, applications, profile, enterprises })
}

fn xlsx(bytes: Vec<u8>, name: &str) -> HttpResponse {
    super::download::xlsx(bytes, "members.xlsx", name)
}

/// `GET /admin/members/export.xlsx`: the filtered roll.
pub async fn export_members(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    query: web::Query<RollQuery>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let bytes = members::export_roll(&state.db, query.filter(), tz).await?;
    Ok(xlsx(bytes, "会员名单.xlsx"))
}

/// `GET /admin/members/template.xlsx`: the import template (the export's header).
pub async fn download_template(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    Ok(xlsx(blocking::cpu(move || excel::export_xlsx(&[], tz)).await?, "会员导入模板.xlsx"))
}

/// `GET /admin/members/import`.
#[derive(askama::Template)]
#[template(path = "web/members/import.html")]
pub struct ImportPage {
    /// Layout.
    pub chrome: Chrome,
}

/// The import's answer (htmx swaps it in).
#[derive(askama::Template)]
#[template(path = "web/members/import_report.html")]
pub struct ImportReportFragment {
    /// The report, or why the file was refused.
    pub result: Result<ImportReport, String>,
}

/// `GET /admin/members/import`.
pub async fn show_import(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/members", "导入会员").await?;
    render(&ImportPage { chrome })
}

/// How to treat members already on the roll.
#[derive(Debug, Default, Deserialize)]
pub struct ImportQuery {
    /// `skip` to import the others.
    #[serde(default)]
    pub duplicates: String,
}

/// Memory an import may take while it reads and checks a file.
const IMPORT_WORK_BYTES: u64 = 64 * 1024 * 1024;

/// Receives an import file under an upload slot, then reserves the work memory its
/// reading takes (503 when the server is at its limit).
async fn read_import(
    state: &AppState,
    multipart: actix_multipart::Multipart,
) -> Result<
    (crate::http::multipart::UploadedFile, crate::kernel::gate::WorkPermit),
    crate::error::AppError,
> {
    let upload = {
        let _slot = state.media.gate().try_upload()?;
        read_single_file(multipart, state.media.limits().max_bytes, super::files::WORKBENCH_PARTS)
            .await?
    };
    let permit = state.media.gate().try_memory(IMPORT_WORK_BYTES)?;
    Ok((upload, permit))
}

/// `POST /admin/members/import` (multipart through htmx): 200 with the count, or 422
/// with the row-level report (nothing imported).
pub async fn import_members(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<ImportQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let tz = state.association_settings().await?.time_zone;
    let duplicates = if query.duplicates == "skip" { Duplicates::Skip } else { Duplicates::Refuse };
    let result = match read_import(&state, multipart).await {
        Ok((upload, _permit)) => {
            let file = ImportFile { bytes: upload.bytes, limits: state.config.limits.xlsx() };
            import::import_members(&state.db, &state.clock, tz, staff.staff.id, file, duplicates)
                .await
        }
        Err(e) => Err(e),
    };
    let (status, result) = match result {
        Ok(report) if report.errors.is_empty() => (StatusCode::OK, Ok(report)),
        Ok(report) => (StatusCode::UNPROCESSABLE_ENTITY, Ok(report)),
        Err(e) if e.status() == StatusCode::INTERNAL_SERVER_ERROR => return Err(e.into()),
        Err(e) => {
            let message = e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone());
            (e.status(), Err(message))
        }
    };
    render_with(status, &ImportReportFragment { result })
}
