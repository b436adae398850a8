//! What API answers and pages show of listings: the owner's full view (phone included),
//! and the public summary and detail, which have no phone field at all — the phone
//! leaves the server only through the contact reveal.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::catalog_store;
use super::model::{ListingFields, ListingKind, ListingRow, price_label};
use crate::db::DbConn;
use crate::error::AppError;
use crate::kernel::clock::serialize_utc_opt;
use crate::membership::PublicMemberSummary;
use crate::membership::members::NamedRef;
use crate::profiles::reviewed::ImageRef;

/// Category and industry names, loaded once per answer.
#[derive(Debug, Default)]
pub struct Names {
    categories: HashMap<i64, String>,
    industries: HashMap<i64, Option<String>>,
}

impl Names {
    /// Loads the categories (a short list staff keep).
    pub fn load(conn: &mut DbConn) -> Result<Self, AppError> {
        let categories =
            catalog_store::categories(conn)?.into_iter().map(|c| (c.id, c.name)).collect();
        Ok(Self { categories, industries: HashMap::new() })
    }

    /// The category's reference.
    pub fn category(&self, id: Option<i64>) -> Option<NamedRef> {
        let id = id?;
        self.categories.get(&id).map(|name| NamedRef { id, name: name.clone() })
    }

    /// The industry's reference.
    pub fn industry(
        &mut self,
        conn: &mut DbConn,
        id: Option<i64>,
    ) -> Result<Option<NamedRef>, AppError> {
        let Some(id) = id else { return Ok(None) };
        let name = match self.industries.entry(id) {
            std::collections::hash_map::Entry::Occupied(known) => known.get().clone(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(crate::membership::industry_name(conn, id)?).clone()
            }
        };
        Ok(name.map(|name| NamedRef { id, name }))
    }

    /// (category, industry) names for the reviewer ("" when none).
    pub fn labels(
        &mut self,
        conn: &mut DbConn,
        f: &ListingFields,
    ) -> Result<(String, String), AppError> {
        let category = self.category(f.category_id).map(|c| c.name).unwrap_or_default();
        let industry = self.industry(conn, f.industry_id)?.map(|i| i.name).unwrap_or_default();
        Ok((category, industry))
    }
}

/// A listing's fields as its owner (and staff) see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListingView {
    /// Supply or demand.
    pub kind: ListingKind,
    /// 供应 / 需求.
    pub kind_label: &'static str,
    /// 标题.
    pub title: String,
    /// Sanitised rich text.
    pub description_html: String,
    /// 分类.
    pub category: Option<NamedRef>,
    /// 行业.
    pub industry: Option<NamedRef>,
    /// Cents; null = 面议.
    pub price_cents: Option<i64>,
    /// `¥12.50/台` or 面议.
    pub price_label: String,
    /// 单位.
    pub unit: String,
    /// 所在地.
    pub location: String,
    /// 联系人.
    pub contact_name: String,
    /// 联系电话 (only in the owner's answers).
    pub contact_phone: String,
    /// Images in order.
    pub images: Vec<ImageRef>,
    /// The last day shown (`YYYY-MM-DD`), null = 长期.
    pub ends_on: Option<String>,
}

impl ListingView {
    /// The owner's view of `f`.
    pub fn build(conn: &mut DbConn, names: &mut Names, f: ListingFields) -> Result<Self, AppError> {
        Ok(Self {
            kind: f.kind,
            kind_label: f.kind.label(),
            category: names.category(f.category_id),
            industry: names.industry(conn, f.industry_id)?,
            price_label: price_label(f.price_cents, &f.unit),
            images: f.image_refs(),
            ends_on: f.ends_on.map(|d| d.to_string()),
            title: f.title,
            description_html: f.description_html,
            price_cents: f.price_cents,
            unit: f.unit,
            location: f.location,
            contact_name: f.contact_name,
            contact_phone: f.contact_phone,
        })
    }
}

/// A listing in the hall's list (no phone, no description).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicListingSummary {
    /// Id.
    pub id: i64,
    /// Supply or demand.
    pub kind: ListingKind,
    /// 供应 / 需求.
    pub kind_label: &'static str,
    /// 标题.
    pub title: String,
    /// 分类.
    pub category: Option<NamedRef>,
    /// 行业.
    pub industry: Option<NamedRef>,
    /// Cents; null = 面议.
    pub price_cents: Option<i64>,
    /// `¥12.50/台` or 面议.
    pub price_label: String,
    /// 所在地.
    pub location: String,
    /// The first image.
    pub cover: Option<ImageRef>,
    /// The last day shown, null = 长期.
    pub ends_on: Option<String>,
    /// Approved (UTC).
    #[serde(serialize_with = "serialize_utc_opt")]
    #[schema(value_type = Option<String>)]
    pub published_at: Option<NaiveDateTime>,
    /// Detail views.
    pub view_count: i64,
}

/// One listing in the hall: the approved fields, the publisher's public summary and
/// the counters — never the phone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicListing {
    /// The list fields.
    #[serde(flatten)]
    pub summary: PublicListingSummary,
    /// Sanitised rich text.
    pub description_html: String,
    /// 单位.
    pub unit: String,
    /// 联系人 (the phone needs `POST /api/v1/listings/{id}/contact`).
    pub contact_name: String,
    /// Images in order.
    pub images: Vec<ImageRef>,
    /// Who publishes it.
    pub publisher: Option<PublicMemberSummary>,
    /// "N 人查看了联系方式".
    pub contact_count: i64,
}

fn summary_of(
    conn: &mut DbConn,
    names: &mut Names,
    row: &ListingRow,
    f: &ListingFields,
) -> Result<PublicListingSummary, AppError> {
    Ok(PublicListingSummary {
        id: row.id,
        kind: f.kind,
        kind_label: f.kind.label(),
        category: names.category(f.category_id),
        industry: names.industry(conn, f.industry_id)?,
        price_cents: f.price_cents,
        price_label: price_label(f.price_cents, &f.unit),
        location: f.location.clone(),
        cover: f.image_file_ids.first().copied().map(ImageRef::of),
        ends_on: f.ends_on.map(|d| d.to_string()),
        published_at: row.published_at,
        view_count: row.view_count,
        title: f.title.clone(),
    })
}

/// The hall's summary of a live listing row (None when not approved).
pub fn public_summary(
    conn: &mut DbConn,
    names: &mut Names,
    row: &ListingRow,
) -> Result<Option<PublicListingSummary>, AppError> {
    let Some(f) = row.live_fields()? else { return Ok(None) };
    summary_of(conn, names, row, &f).map(Some)
}

/// The public detail of a live listing row (None when not approved).
pub fn public_listing(
    conn: &mut DbConn,
    names: &mut Names,
    row: &ListingRow,
) -> Result<Option<PublicListing>, AppError> {
    let Some(f) = row.live_fields()? else { return Ok(None) };
    let summary = summary_of(conn, names, row, &f)?;
    Ok(Some(PublicListing {
        summary,
        images: f.image_refs(),
        description_html: f.description_html,
        unit: f.unit,
        contact_name: f.contact_name,
        publisher: crate::membership::public_member_summary(conn, row.owner_user_id)?,
        contact_count: row.contact_count,
    }))
}

/// A page of the hall.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListingPage {
    /// Newest first.
    pub items: Vec<PublicListingSummary>,
    /// Matching listings in all pages, counted up to 1,000.
    pub total: i64,
    /// True when more than `total` match (show "1000+"; keep scrolling while pages are full).
    pub total_capped: bool,
    /// This page (1-based).
    pub page: i64,
    /// Page size.
    pub page_size: i64,
}

/// The revealed contact.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    /// 联系人.
    pub contact_name: String,
    /// 联系电话.
    pub contact_phone: String,
    /// Users who have revealed it, this one included.
    pub contact_count: i64,
}
