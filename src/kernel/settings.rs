//! Association settings (name, logo, time zone, enterprise review): key/value rows with
//! typed access.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::settings;
use crate::error::AppError;

/// Keys of the settings table.
pub mod keys {
    /// The association's name.
    pub const ASSOCIATION_NAME: &str = "association_name";
    /// File id of the association's logo.
    pub const LOGO_FILE_ID: &str = "logo_file_id";
    /// IANA time zone in which times are shown.
    pub const TIME_ZONE: &str = "time_zone";
    /// `1` when new and edited enterprises are reviewed (absent or anything else: not).
    pub const ENTERPRISE_REVIEW: &str = "enterprise_review";
}

/// The association settings as the surfaces use them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssociationSettings {
    /// Name shown in the workbench and on posters.
    pub name: String,
    /// Logo file id.
    pub logo_file_id: Option<i64>,
    /// Time zone for showing times.
    pub time_zone: chrono_tz::Tz,
    /// New and edited enterprises wait for review (off by default).
    pub enterprise_review: bool,
}

/// Reads one setting.
pub fn get(conn: &mut DbConn, key: &str) -> Result<Option<String>, AppError> {
    Ok(settings::table.find(key).select(settings::value).first(conn).optional()?)
}

/// Writes one setting (insert or update, inside the caller's transaction).
pub fn put(
    conn: &mut DbConn,
    key: &str,
    value: &str,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let updated = diesel::update(settings::table.find(key))
        .set((settings::value.eq(value), settings::updated_at.eq(at)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value), settings::updated_at.eq(at)))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes one setting (inside the caller's transaction); absent is fine.
pub fn delete(conn: &mut DbConn, key: &str) -> Result<(), AppError> {
    diesel::delete(settings::table.find(key)).execute(conn)?;
    Ok(())
}

/// The association settings, falling back to the configured defaults.
pub fn load(
    conn: &mut DbConn,
    defaults: &crate::config::AssociationConfig,
) -> Result<AssociationSettings, AppError> {
    let rows: Vec<(String, String)> =
        settings::table.select((settings::key, settings::value)).load(conn)?;
    let value = |key: &str| rows.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let fallback_tz = defaults.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    Ok(AssociationSettings {
        name: value(keys::ASSOCIATION_NAME).unwrap_or(&defaults.name).to_owned(),
        logo_file_id: value(keys::LOGO_FILE_ID).and_then(|v| v.parse().ok()),
        time_zone: value(keys::TIME_ZONE).and_then(|v| v.parse().ok()).unwrap_or(fallback_tz),
        enterprise_review: value(keys::ENTERPRISE_REVIEW) == Some("1"),
    })
}

/// Whether new and edited enterprises are reviewed now (read in the writing
/// transaction, so a change of the setting applies to the next write at once).
pub fn enterprise_review(conn: &mut DbConn) -> Result<bool, AppError> {
    Ok(get(conn, keys::ENTERPRISE_REVIEW)?.as_deref() == Some("1"))
}

/// New association settings from the workbench.
#[derive(Debug, Clone)]
pub struct AssociationChanges {
    /// Name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Logo file id (an uploaded image), or none.
    pub logo_file_id: Option<i64>,
    /// Review new and edited enterprises.
    pub enterprise_review: bool,
}

/// Validates and stores the association settings in one transaction, audited.
pub async fn update_association(
    db: &crate::db::Db,
    clock: &crate::kernel::clock::SharedClock,
    staff_id: i64,
    changes: AssociationChanges,
) -> Result<(), AppError> {
    use crate::error::FieldError;
    let name = changes.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 60 {
        errors.push(FieldError::new("name", "协会名称须为 1–60 个字"));
    }
    if changes.time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(FieldError::new("time_zone", "时区无效"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = clock.now_naive();
    db.write(move |conn| {
        if let Some(id) = changes.logo_file_id {
            let file = crate::kernel::media::store::find(conn, id)?;
            if file.is_none_or(|f| f.kind != "image") {
                return Err(AppError::field("logo_file_id", "标志须为已上传的图片"));
            }
        }
        put(conn, keys::ASSOCIATION_NAME, &name, at)?;
        put(conn, keys::TIME_ZONE, &changes.time_zone, at)?;
        let logo = changes.logo_file_id.map(|id| id.to_string()).unwrap_or_default();
        put(conn, keys::LOGO_FILE_ID, &logo, at)?;
        let review = if changes.enterprise_review { "1" } else { "0" };
        put(conn, keys::ENTERPRISE_REVIEW, review, at)?;
        crate::kernel::audit::AuditEntry::new(
            crate::kernel::audit::Actor::Staff(staff_id),
            "settings.update",
            "settings",
            None,
        )
        .record(
            conn,
            at,
            &serde_json::json!({"name": name, "time_zone": changes.time_zone,
                "enterprise_review": changes.enterprise_review}),
        )
    })
    .await
}
