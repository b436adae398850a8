//! The audit log (`/admin/audit`, admins and secretaries): every recorded action with
//! its zh-CN label, who did it, on what (linked to its page), and what changed — field
//! by field where the action kept before/after values. Filters live in the query
//! string (bookmarkable, kept by the pager and the Excel export).

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use super::error::PageError;
use super::pager::{Pager, pager, query_string};
use super::render::{Chrome, render};
use super::session::{RequireRole, Secretaries};
use crate::app::AppState;
use crate::kernel::audit::{self, AuditFilter, AuditRow};
use crate::kernel::audit_actions::{self, ACTIONS, SUBJECTS};
use crate::kernel::clock::display_minutes;
use crate::kernel::page::{PAGE_SIZE, PageRequest};

/// Most rows one export holds.
const EXPORT_MAX: i64 = 50_000;

/// One entry as shown.
#[derive(Debug, Clone)]
pub struct AuditListRow {
    /// Id.
    pub id: i64,
    /// When, local time.
    pub at: String,
    /// Who, in words.
    pub actor: String,
    /// What, in words.
    pub action_label: String,
    /// The code.
    pub action: String,
    /// On what, in words.
    pub subject: String,
    /// Its page.
    pub subject_link: Option<String>,
    /// What changed or was noted.
    pub changes: Vec<String>,
    /// Client address.
    pub ip: String,
}

/// `?actor=&action=&subject=&subject_id=&from=&to=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// `staff:3`, `user:5`, `staff`, `user`, `system` or empty.
    #[serde(default)]
    pub actor: String,
    /// An action code.
    #[serde(default)]
    pub action: String,
    /// A subject type.
    #[serde(default)]
    pub subject: String,
    /// One subject's id.
    #[serde(default)]
    pub subject_id: String,
    /// First day (YYYY-MM-DD), association time.
    #[serde(default)]
    pub from: String,
    /// Last day (YYYY-MM-DD), inclusive.
    #[serde(default)]
    pub to: String,
    /// Page.
    pub page: Option<i64>,
}

fn day_start(day: &str, tz: chrono_tz::Tz) -> Option<chrono::NaiveDateTime> {
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    date.and_hms_opt(0, 0, 0)?.and_local_timezone(tz).earliest().map(|t| t.naive_utc())
}

impl AuditQuery {
    fn filter(&self, tz: chrono_tz::Tz) -> AuditFilter {
        let actor = self.actor.trim();
        let (kind, id) = match actor.split_once(':') {
            Some((kind, id)) => (kind, id.parse().ok()),
            None => (actor, None),
        };
        let known_kind = ["staff", "user", "system"].contains(&kind);
        let action = self.action.trim();
        let subject = self.subject.trim();
        AuditFilter {
            actor_kind: known_kind.then(|| kind.to_owned()),
            actor_id: if known_kind { id } else { None },
            action: audit_actions::label(action).map(|_| action.to_owned()),
            subject_type: SUBJECTS.iter().any(|(s, _, _)| *s == subject).then(|| subject.into()),
            subject_id: self.subject_id.trim().parse().ok(),
            from: day_start(&self.from, tz),
            until: NaiveDate::parse_from_str(self.to.trim(), "%Y-%m-%d")
                .ok()
                .and_then(|d| d.succ_opt())
                .and_then(|d| day_start(&d.format("%Y-%m-%d").to_string(), tz)),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("actor", self.actor.trim().to_owned()),
            ("action", self.action.trim().to_owned()),
            ("subject", self.subject.trim().to_owned()),
            ("subject_id", self.subject_id.trim().to_owned()),
            ("from", self.from.trim().to_owned()),
            ("to", self.to.trim().to_owned()),
        ]
    }
}

fn short(value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Null => "（空）".into(),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

/// The details as lines: `field：before → after` for the fields that changed when the
/// action kept both versions, else `key：value`.
pub fn changes(details: &str) -> Vec<String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(details) else { return Vec::new() };
    if let (Some(Value::Object(before)), Some(Value::Object(after))) =
        (map.get("before"), map.get("after"))
    {
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        return keys
            .into_iter()
            .filter(|k| before.get(*k) != after.get(*k))
            .map(|k| {
                let old = before.get(k).map_or_else(|| "（无）".into(), short);
                let new = after.get(k).map_or_else(|| "（无）".into(), short);
                format!("{k}：{old} → {new}")
            })
            .collect();
    }
    map.iter().map(|(k, v)| format!("{k}：{}", short(v))).collect()
}

struct Names(Vec<(i64, String)>);

impl Names {
    fn actor(&self, kind: &str, id: Option<i64>) -> String {
        match (kind, id) {
            ("staff", Some(id)) => match self.0.iter().find(|(s, _)| *s == id) {
                Some((_, name)) => format!("员工 {name}"),
                None => format!("员工 #{id}"),
            },
            ("user", Some(id)) => format!("用户 #{id}"),
            _ => "系统".into(),
        }
    }
}

fn row(r: AuditRow, names: &Names, tz: chrono_tz::Tz) -> AuditListRow {
    let subject = match r.subject_id {
        Some(id) => format!("{} #{id}", audit_actions::subject_label(&r.subject_type)),
        None => audit_actions::subject_label(&r.subject_type).to_owned(),
    };
    AuditListRow {
        id: r.id,
        at: display_minutes(r.created_at, tz),
        actor: names.actor(&r.actor_kind, r.actor_id),
        action_label: audit_actions::label(&r.action).unwrap_or(&r.action).to_owned(),
        subject_link: audit_actions::subject_link(&r.subject_type, r.subject_id),
        subject,
        changes: changes(&r.details),
        ip: r.ip.unwrap_or_default(),
        action: r.action,
    }
}

async fn names(state: &AppState) -> Result<Names, PageError> {
    let staff = crate::accounts::list_staff(&state.db).await?;
    Ok(Names(staff.into_iter().map(|s| (s.id, s.display_name)).collect()))
}

/// `GET /admin/audit`.
#[derive(askama::Template)]
#[template(path = "web/audit/index.html")]
pub struct AuditPage {
    /// Layout.
    pub chrome: Chrome,
    /// Entries.
    pub rows: Vec<AuditListRow>,
    /// The filters as given.
    pub query: AuditQuery,
    /// (value, label) of the actor filter: every staff account, then kinds.
    pub actors: Vec<(String, String)>,
    /// Every action.
    pub actions: &'static [(&'static str, &'static str)],
    /// Every subject type.
    pub subjects: Vec<(&'static str, &'static str)>,
    /// The export link.
    pub export_href: String,
    /// Pages.
    pub pager: Pager,
}

/// `GET /admin/audit`.
pub async fn list_audit(
    state: web::Data<AppState>,
    staff: RequireRole<Secretaries>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let tz = state.association_settings().await?.time_zone;
    let filter = query.filter(tz);
    let request = PageRequest::new(query.page.unwrap_or(1));
    let (rows, total) = state
        .db
        .run(move |conn| audit::page(conn, &filter, request.offset(), request.limit()))
        .await?;
    let names = names(&state).await?;
    let mut actors: Vec<(String, String)> =
        names.0.iter().map(|(id, name)| (format!("staff:{id}"), format!("员工 {name}"))).collect();
    actors.extend([
        ("staff".into(), "全部员工".into()),
        ("user".into(), "小程序用户".into()),
        ("system".into(), "系统".into()),
    ]);
    let pairs = query.pairs();
    let chrome = Chrome::build(&state, &staff, "/admin/audit", "操作日志").await?;
    render(&AuditPage {
        chrome,
        rows: rows.into_iter().map(|r| row(r, &names, tz)).collect(),
        actors,
        actions: ACTIONS,
        subjects: SUBJECTS.iter().map(|(s, l, _)| (*s, *l)).collect(),
        export_href: format!("/admin/audit.xlsx?{}", query_string(&pairs)),
        pager: pager("/admin/audit", &pairs, request.page, total, PAGE_SIZE),
        query,
    })
}

/// `GET /admin/audit.xlsx`: the filtered log (newest first, at most 50,000 rows).
pub async fn export_audit(
    state: web::Data<AppState>,
    _staff: RequireRole<Secretaries>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let tz = state.association_settings().await?.time_zone;
    let filter = query.filter(tz);
    let (rows, _) = state.db.run(move |conn| audit::page(conn, &filter, 0, EXPORT_MAX)).await?;
    let names = names(&state).await?;
    let rows: Vec<AuditListRow> = rows.into_iter().map(|r| row(r, &names, tz)).collect();
    let bytes = crate::kernel::blocking::cpu(move || export(&rows)).await?;
    Ok(super::download::xlsx(bytes, "audit-log.xlsx", "操作日志.xlsx"))
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> crate::error::AppError {
    crate::error::AppError::internal(anyhow::anyhow!("xlsx: {e}"))
}

/// The rows as a workbook: time, actor, action, subject, changes, address.
fn export(rows: &[AuditListRow]) -> Result<Vec<u8>, crate::error::AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("操作日志").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let header = ["编号", "时间", "操作人", "操作", "操作代码", "对象", "变更内容", "IP"];
    for (col, title) in (0_u16..).zip(header) {
        sheet.write_string_with_format(0, col, title, &bold).map_err(xlsx_error)?;
        sheet.set_column_width(col, if col == 6 { 60 } else { 16 }).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    for (line, r) in (1_u32..).zip(rows) {
        let id = r.id.to_string();
        let changes = r.changes.join("\n");
        let cells = [&id, &r.at, &r.actor, &r.action_label, &r.action, &r.subject, &changes, &r.ip];
        for (col, text) in (0_u16..).zip(cells) {
            if !text.is_empty() {
                sheet.write_string(line, col, text.as_str()).map_err(xlsx_error)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::changes;

    #[test]
    fn before_and_after_show_only_what_changed() {
        let details = r#"{"before":{"name":"王伟","title":"总经理","phone":"1"},
                          "after":{"name":"王伟","title":"董事长","phone":"1"}}"#;
        assert_eq!(changes(details), vec!["title：总经理 → 董事长".to_owned()]);
        assert_eq!(changes(r#"{"revision_id":7}"#), vec!["revision_id：7".to_owned()]);
        assert!(changes("null").is_empty());
    }
}
