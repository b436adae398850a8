//! Articles in the workbench (信息发布, `editor` role and up): the list with search and
//! filters, the form with the rich-text editor (wangEditor, vendored), preview, publish
//! now or at a time, back to draft.

use actix_web::{HttpResponse, web};

use serde::Deserialize;

use super::error::PageError;
use super::pager::{Pager, pager};
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::content::articles;
use crate::content::model::{ArticleInput, ArticleRow, CategoryRow, audience, state_label};
use crate::content::store::ArticleFilter;
use crate::error::{AppError, FieldError};
use crate::kernel::clock::display_minutes;
use crate::kernel::page::PAGE_SIZE;
use crate::kernel::search::SearchQuery;
use crate::membership::model::PositionRow;

/// A list row.
#[derive(Debug, Clone)]
pub struct ArticleRowView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Category name.
    pub category: String,
    /// 草稿 / 定时发布 / 已发布.
    pub state: &'static str,
    /// Audience label.
    pub audience: &'static str,
    /// Pinned.
    pub pinned: bool,
    /// Views.
    pub view_count: i64,
    /// Visible from, formatted.
    pub publish_at: String,
    /// Updated, formatted.
    pub updated: String,
}

/// `GET /admin/articles`.
#[derive(askama::Template)]
#[template(path = "web/articles/index.html")]
pub struct ArticlesPage {
    /// Layout.
    pub chrome: Chrome,
    /// Rows.
    pub rows: Vec<ArticleRowView>,
    /// Filters as typed.
    pub query: ArticlesQuery,
    /// Categories for the filter.
    pub categories: Vec<CategoryRow>,
    /// Pages.
    pub pager: Pager,
}

/// List filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticlesQuery {
    /// Words in the title or summary.
    #[serde(default)]
    pub q: String,
    /// Category id or blank.
    #[serde(default)]
    pub category_id: String,
    /// `draft`, `scheduled`, `published` or blank.
    #[serde(default)]
    pub state: String,
    /// Page.
    pub page: Option<i64>,
}

impl ArticlesQuery {
    /// Whether `id` is the chosen category.
    pub fn is_category(&self, id: &i64) -> bool {
        self.category_id == id.to_string()
    }
}

/// `GET /admin/articles`.
pub async fn list_articles(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<ArticlesQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/articles", "信息发布").await?;
    let tz = state.association_settings().await?.time_zone;
    let query = query.into_inner();
    let filter = ArticleFilter {
        q: SearchQuery::parse(query.q.trim()),
        category_id: query.category_id.trim().parse().ok(),
        state: Some(query.state.clone()).filter(|s| !s.is_empty()),
        pinned: None,
    };
    let page_no = query.page.unwrap_or(1);
    let page = articles::staff_list(&state.db, &state.clock, filter, page_no).await?;
    let filters = [
        ("q", query.q.clone()),
        ("category_id", query.category_id.clone()),
        ("state", query.state.clone()),
    ];
    let pager = pager("/admin/articles", &filters, page_no, page.total, PAGE_SIZE);
    let categories = crate::content::categories(&state.db).await?;
    let now = state.clock.now_naive();
    let rows = page
        .rows
        .into_iter()
        .map(|r| ArticleRowView {
            id: r.id,
            category: categories
                .iter()
                .find(|c| c.id == r.category_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            title: r.title,
            state: state_label(&r.status, r.publish_at, now),
            audience: audience::label(&r.audience),
            pinned: r.pinned,
            view_count: r.view_count,
            publish_at: r.publish_at.map(|t| display_minutes(t, tz)).unwrap_or_default(),
            updated: display_minutes(r.updated_at, tz),
        })
        .collect();
    render(&ArticlesPage { chrome, rows, query, categories, pager })
}

/// The article form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ArticleForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Category id.
    #[serde(default)]
    pub category_id: String,
    /// Cover file id (blank: none).
    #[serde(default)]
    pub cover_file_id: String,
    /// Summary.
    #[serde(default)]
    pub summary: String,
    /// Body from the editor.
    #[serde(default)]
    pub body_html: String,
    /// Attachment file ids, separated by commas.
    #[serde(default)]
    pub attachment_file_ids: String,
    /// Author.
    #[serde(default)]
    pub author: String,
    /// Checkbox.
    pub pinned: Option<String>,
    /// See `audience`.
    #[serde(default)]
    pub audience: String,
    /// Audience `position`.
    #[serde(default)]
    pub min_position_id: String,
}

impl ArticleForm {
    fn of(row: &ArticleRow) -> Self {
        let f = &row.fields;
        Self {
            title: f.title.clone(),
            category_id: f.category_id.to_string(),
            cover_file_id: f.cover_file_id.map(|i| i.to_string()).unwrap_or_default(),
            summary: f.summary.clone(),
            body_html: f.body_html.clone(),
            attachment_file_ids: row
                .attachments()
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            author: f.author.clone(),
            pinned: f.pinned.then(|| "on".into()),
            audience: f.audience.clone(),
            min_position_id: f.min_position_id.map(|i| i.to_string()).unwrap_or_default(),
        }
    }

    /// Reads the form; unreadable numbers are field errors.
    pub fn input(&self) -> Result<ArticleInput, AppError> {
        let mut errors = Vec::new();
        let mut id = |field: &str, text: &str| -> Option<i64> {
            let t = text.trim();
            if t.is_empty() {
                return None;
            }
            t.parse().map_err(|_| errors.push(FieldError::new(field, "请填写正确的编号"))).ok()
        };
        let cover_file_id = id("cover_file_id", &self.cover_file_id);
        let category_id = id("category_id", &self.category_id);
        let min_position_id = id("min_position_id", &self.min_position_id);
        let mut attachment_file_ids = Vec::new();
        for part in self.attachment_file_ids.split([',', '，', ' ']).filter(|p| !p.is_empty()) {
            match part.parse() {
                Ok(n) => attachment_file_ids.push(n),
                Err(_) => {
                    errors.push(FieldError::new(
                        "attachment_file_ids",
                        "附件请填写文件编号，用逗号分隔",
                    ));
                    break;
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(ArticleInput {
            category_id,
            title: self.title.clone(),
            cover_file_id,
            summary: self.summary.clone(),
            body_html: self.body_html.clone(),
            attachment_file_ids,
            author: self.author.clone(),
            pinned: self.pinned.is_some(),
            audience: self.audience.clone(),
            min_position_id,
        })
    }
}

/// `GET /admin/articles/new` and `/admin/articles/{id}`.
#[derive(askama::Template)]
#[template(path = "web/articles/form.html")]
pub struct ArticleFormPage {
    /// Layout.
    pub chrome: Chrome,
    /// Where the form posts.
    pub action: String,
    /// The article being edited.
    pub id: Option<i64>,
    /// Its state label.
    pub state: &'static str,
    /// Visible from, formatted.
    pub publish_at: String,
    /// The form.
    pub form: ArticleForm,
    /// Messages.
    pub errors: Vec<FieldError>,
    /// Categories.
    pub categories: Vec<CategoryRow>,
    /// Positions (audience `position`).
    pub positions: Vec<PositionRow>,
}

impl ArticleFormPage {
    /// The message for `field`.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn form_page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    row: Option<&ArticleRow>,
    form: ArticleForm,
    errors: Vec<FieldError>,
) -> Result<ArticleFormPage, PageError> {
    let title = if row.is_some() { "编辑文章" } else { "新建文章" };
    let chrome = Chrome::build(state, staff, "/admin/articles", title).await?;
    let tz = state.association_settings().await?.time_zone;
    let now = state.clock.now_naive();
    let categories = crate::content::categories(&state.db).await?;
    let positions = state.db.run(crate::membership::all_positions).await?;
    Ok(ArticleFormPage {
        chrome,
        action: row
            .map_or_else(|| "/admin/articles".into(), |r| format!("/admin/articles/{}", r.id)),
        id: row.map(|r| r.id),
        state: row.map_or("草稿", |r| state_label(&r.fields.status, r.fields.publish_at, now)),
        publish_at: row
            .and_then(|r| r.fields.publish_at)
            .map(|t| display_minutes(t, tz))
            .unwrap_or_default(),
        form,
        errors,
        categories,
        positions,
    })
}

/// `GET /admin/articles/new`.
pub async fn new_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    let form = ArticleForm { audience: audience::EVERYONE.into(), ..ArticleForm::default() };
    render(&form_page(&state, &staff, None, form, Vec::new()).await?)
}

/// `GET /admin/articles/{id}`.
pub async fn edit_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let row = articles::find(&state.db, *id).await?;
    render(&form_page(&state, &staff, Some(&row), ArticleForm::of(&row), Vec::new()).await?)
}

async fn save(
    state: &AppState,
    staff: &RequireRole<Editors>,
    id: Option<i64>,
    form: ArticleForm,
) -> Result<HttpResponse, PageError> {
    let name = staff.staff.display_name.clone();
    let result = match form.input() {
        Ok(input) => match id {
            Some(id) => articles::update(&state.db, &state.clock, staff.staff.id, &name, id, input)
                .await
                .map(|()| id),
            None => articles::create(&state.db, &state.clock, staff.staff.id, &name, input).await,
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            staff.flash("success", "文章已保存");
            Ok(redirect(&format!("/admin/articles/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let row = match id {
                Some(id) => Some(articles::find(&state.db, id).await?),
                None => None,
            };
            let errors = e.fields().to_vec();
            render_with(e.status(), &form_page(state, staff, row.as_ref(), form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/articles`: creates a draft.
pub async fn create_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<ArticleForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, None, form.into_inner()).await
}

/// `POST /admin/articles/{id}`: saves changes.
pub async fn update_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<ArticleForm>,
) -> Result<HttpResponse, PageError> {
    save(&state, &staff, Some(*id), form.into_inner()).await
}
