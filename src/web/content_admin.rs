//! The editor's uploads (images into the body, covers, attachments — through the media
//! pipeline, answered as JSON for the editor's script), WeChat article import, article
//! categories, and the mini-program home's banners, shortcuts and teaser setting.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::PageError;
use super::files::WORKBENCH_PARTS;
use super::render::{Chrome, redirect, render, render_with};
use super::session::{Editors, RequireRole};
use crate::app::AppState;
use crate::content::home::{self, SHORTCUTS};
use crate::content::home_store::{BannerFields, BannerRow};
use crate::content::import::{self, ImportContext};
use crate::content::model::{ArticleInput, CategoryRow, audience};
use crate::error::AppError;
use crate::http::multipart::read_single_file;
use crate::kernel::media::Uploader;

/// What an editor upload is for.
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    /// `image` (body, cover) or `document` (attachment).
    #[serde(default)]
    pub kind: String,
}

fn json_error(e: &AppError) -> HttpResponse {
    let message = e.fields().first().map_or_else(|| e.to_string(), |f| f.message.clone());
    HttpResponse::build(e.status()).json(serde_json::json!({"errno": 1, "message": message}))
}

/// `POST /admin/articles/uploads?kind=image|document` (multipart, CSRF header): one file
/// through the media pipeline; the kind is checked by content before anything is stored.
/// Answers in wangEditor's form: `{"errno":0,"data":{"url":…},"id":…}`.
pub async fn upload_article_file(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    query: web::Query<UploadQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let want_image = query.kind != "document";
    let _slot = match state.media.gate().try_upload() {
        Ok(slot) => slot,
        Err(e) => return Ok(json_error(&e)),
    };
    let multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let upload =
        match read_single_file(multipart, state.media.limits().max_bytes, WORKBENCH_PARTS).await {
            Ok(u) => u,
            Err(e) => return Ok(json_error(&e)),
        };
    let detected = infer::get(&upload.bytes).map(|t| t.mime_type());
    if want_image != detected.is_some_and(|m| m.starts_with("image/")) {
        let e = AppError::UnsupportedMediaType(if want_image {
            "请上传 JPG、PNG、GIF 或 WebP 图片".into()
        } else {
            "附件请上传 PDF、Word 或 Excel 文件".into()
        });
        return Ok(json_error(&e));
    }
    let saved = state
        .media
        .save(
            &state.db,
            &state.clock,
            upload.bytes,
            upload.file_name,
            Uploader::Staff(staff.staff.id),
        )
        .await;
    match saved {
        Ok(file) => {
            let url = state.media_links.urls(file.id).url;
            Ok(HttpResponse::Created().json(serde_json::json!({
                "errno": 0, "id": file.id, "kind": file.kind,
                "name": file.original_name, "data": {"url": url, "alt": "", "href": ""}
            })))
        }
        Err(e) if e.status().is_server_error() && e.status().as_u16() != 503 => Err(e.into()),
        Err(e) => Ok(json_error(&e)),
    }
}

/// `GET /admin/articles/import`.
#[derive(askama::Template)]
#[template(path = "web/articles/import.html")]
pub struct ImportPage {
    /// Layout.
    pub chrome: Chrome,
    /// Categories.
    pub categories: Vec<CategoryRow>,
    /// The message.
    pub error: Option<String>,
}

/// The import form.
#[derive(Debug, Deserialize)]
pub struct ImportForm {
    /// The pasted page.
    #[serde(default)]
    pub html: String,
    /// Category of the draft.
    #[serde(default)]
    pub category_id: String,
}

/// `GET /admin/articles/import`.
pub async fn show_import(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::build(&state, &staff, "/admin/articles", "导入公众号文章").await?;
    let categories = crate::content::categories(&state.db).await?;
    render(&ImportPage { chrome, categories, error: None })
}

/// `POST /admin/articles/import`: re-hosts the images, sanitises, saves a draft.
pub async fn import_article(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<ImportForm>,
) -> Result<HttpResponse, PageError> {
    let ctx = ImportContext {
        db: &state.db,
        clock: &state.clock,
        media: &state.media,
        links: &state.media_links,
        config: &state.config.content,
    };
    // The category is checked before any image is fetched, so a refusal stores nothing.
    let categories = crate::content::categories(&state.db).await?;
    let category = form
        .category_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| categories.iter().any(|c| c.id == *id));
    let imported = match category {
        Some(_) => import::import(&ctx, staff.staff.id, &form.html).await,
        None => Err(AppError::field("category_id", "请选择分类")),
    };
    let result = match imported {
        Ok(imported) => {
            let input = ArticleInput {
                category_id: category,
                title: if imported.title.is_empty() {
                    "公众号文章".into()
                } else {
                    imported.title
                },
                body_html: imported.body_html,
                audience: audience::EVERYONE.into(),
                ..ArticleInput::default()
            };
            let name = staff.staff.display_name.clone();
            crate::content::articles::create(&state.db, &state.clock, staff.staff.id, &name, input)
                .await
                .map(|id| (id, imported.images_saved, imported.images_dropped))
        }
        Err(e) => Err(e),
    };
    match result {
        Ok((id, saved, dropped)) => {
            staff.flash(
                "success",
                format!("已导入为草稿：{saved} 张图片已转存，{dropped} 张未能转存"),
            );
            Ok(redirect(&format!("/admin/articles/{id}")))
        }
        Err(e @ AppError::Validation(_)) => {
            let chrome = Chrome::build(&state, &staff, "/admin/articles", "导入公众号文章").await?;
            let categories = crate::content::categories(&state.db).await?;
            let error = e.fields().first().map(|f| f.message.clone());
            render_with(e.status(), &ImportPage { chrome, categories, error })
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /admin/content-home`: banners, shortcuts, categories, the teaser setting.
#[derive(askama::Template)]
#[template(path = "web/articles/home.html")]
pub struct HomeSettingsPage {
    /// Layout.
    pub chrome: Chrome,
    /// Banners in order.
    pub banners: Vec<(BannerRow, String)>,
    /// (key, label, enabled).
    pub shortcuts: Vec<(&'static str, &'static str, bool)>,
    /// Categories.
    pub categories: Vec<CategoryRow>,
    /// Visitors see locked teasers.
    pub teasers: bool,
    /// A message for the last form.
    pub error: Option<String>,
}

async fn home_page(
    state: &AppState,
    staff: &RequireRole<Editors>,
    error: Option<String>,
) -> Result<HomeSettingsPage, PageError> {
    let chrome = Chrome::build(state, staff, "/admin/content-home", "首页与栏目").await?;
    let banners = home::banners(&state.db)
        .await?
        .into_iter()
        .map(|b| {
            let url = state.media_links.urls(b.fields.image_file_id).thumbnail_url;
            (b, url)
        })
        .collect();
    let (enabled, teasers) = state
        .db
        .run(|conn| Ok((home::enabled_shortcuts(conn)?, crate::content::locked_teasers(conn)?)))
        .await?;
    let shortcuts = SHORTCUTS
        .iter()
        .map(|(key, label, _)| (*key, *label, enabled.iter().any(|k| k == key)))
        .collect();
    let categories = crate::content::categories(&state.db).await?;
    Ok(HomeSettingsPage { chrome, banners, shortcuts, categories, teasers, error })
}

/// `GET /admin/content-home`.
pub async fn show_content_home(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
) -> Result<HttpResponse, PageError> {
    render(&home_page(&state, &staff, None).await?)
}

async fn answer(
    state: &AppState,
    staff: &RequireRole<Editors>,
    result: Result<(), AppError>,
    done: &str,
) -> Result<HttpResponse, PageError> {
    match result {
        Ok(()) => {
            staff.flash("success", done);
            Ok(redirect("/admin/content-home"))
        }
        Err(e @ AppError::Validation(_)) => {
            let message = e.fields().first().map(|f| f.message.clone());
            render_with(e.status(), &home_page(state, staff, message).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The banner form.
#[derive(Debug, Deserialize)]
pub struct BannerForm {
    /// Image file id.
    #[serde(default)]
    pub image_file_id: String,
    /// Caption.
    #[serde(default)]
    pub title: String,
    /// Target kind.
    #[serde(default)]
    pub target_kind: String,
    /// Target id.
    #[serde(default)]
    pub target_id: String,
    /// Target URL.
    #[serde(default)]
    pub target_url: String,
    /// Order.
    #[serde(default)]
    pub sort_order: String,
}

/// `POST /admin/content-home/banners`.
pub async fn create_banner(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<BannerForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let result = match f.image_file_id.trim().parse::<i64>() {
        Err(_) => Err(AppError::field("image_file_id", "请填写横幅图片的文件编号")),
        Ok(image_file_id) => {
            let fields = BannerFields {
                image_file_id,
                title: f.title,
                target_kind: f.target_kind,
                target_id: f.target_id.trim().parse().ok(),
                target_url: f.target_url,
                sort_order: f.sort_order.trim().parse().unwrap_or(0),
            };
            home::add_banner(&state.db, &state.clock, staff.staff.id, fields).await
        }
    };
    answer(&state, &staff, result, "横幅已添加").await
}

/// The order form.
#[derive(Debug, Deserialize)]
pub struct OrderForm {
    /// Order.
    #[serde(default)]
    pub sort_order: String,
}

/// `POST /admin/content-home/banners/{id}/move`.
pub async fn move_banner(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
    form: web::Form<OrderForm>,
) -> Result<HttpResponse, PageError> {
    let order =
        form.sort_order.trim().parse().map_err(|_| AppError::field("sort_order", "排序请填写整数"));
    let result = match order {
        Ok(n) => home::move_banner(&state.db, &state.clock, staff.staff.id, *id, n).await,
        Err(e) => Err(e),
    };
    answer(&state, &staff, result, "顺序已更新").await
}

/// `POST /admin/content-home/banners/{id}/delete`.
pub async fn delete_banner(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let result = home::delete_banner(&state.db, &state.clock, staff.staff.id, *id).await;
    answer(&state, &staff, result, "横幅已删除").await
}

/// `POST /admin/content-home/shortcuts`: the checked keys, in catalogue order.
pub async fn update_shortcuts(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let keys =
        form.into_inner().into_iter().filter(|(k, _)| k == "shortcut").map(|(_, v)| v).collect();
    let result = home::set_shortcuts(&state.db, &state.clock, staff.staff.id, keys).await;
    answer(&state, &staff, result, "快捷入口已更新").await
}

/// The teaser setting.
#[derive(Debug, Deserialize)]
pub struct TeaserForm {
    /// Checkbox.
    pub teasers: Option<String>,
}

/// `POST /admin/content-home/teasers`.
pub async fn update_teasers(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<TeaserForm>,
) -> Result<HttpResponse, PageError> {
    let on = form.teasers.is_some();
    let result =
        crate::content::set_locked_teasers(&state.db, &state.clock, staff.staff.id, on).await;
    answer(&state, &staff, result, "设置已保存").await
}

/// The category form.
#[derive(Debug, Deserialize)]
pub struct CategoryForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Order.
    #[serde(default)]
    pub sort_order: String,
}

/// `POST /admin/content-home/categories`.
pub async fn create_article_category(
    state: web::Data<AppState>,
    staff: RequireRole<Editors>,
    form: web::Form<CategoryForm>,
) -> Result<HttpResponse, PageError> {
    let order = form.sort_order.trim().parse().unwrap_or(0);
    let result =
        crate::content::add_category(&state.db, &state.clock, staff.staff.id, &form.name, order)
            .await;
    answer(&state, &staff, result, "分类已添加").await
}
