//! Electronic business cards (电子名片): the member edits their card (layout,
//! background, per-field tick and override) and shares it under a random slug; anyone
//! with the link sees it resolved live at each view; views are counted once per viewer
//! and day.

use chrono::{NaiveDate, NaiveDateTime};

use super::card_model::{CardInput, Choices, StyleKind, share_path, slug_well_formed};
use super::card_store::{self as store, CardRow, StyleRow};
use super::card_view::{
    Blocks, MyCardView, ProfileValues, PublicCard, ResolvedCard, StyleView, ViewCounts, my_fields,
    resolve,
};
use crate::db::{Db, DbConn};
use crate::error::{AppError, FieldError};
use crate::kernel::clock::SharedClock;

pub use super::card_visits::{Visitor, VisitorsView, count_view, visitors};

fn members_only() -> AppError {
    AppError::Refused { code: "members_only", message: "仅限正式会员".into() }
}

/// Where things are: the public base URL and today's date (association time zone).
#[derive(Debug, Clone)]
pub struct Here {
    /// `GUILDHALL_PUBLIC_BASE_URL`, without the trailing slash.
    pub base_url: String,
    /// Now (UTC).
    pub now: NaiveDateTime,
    /// Today in the association's time zone.
    pub today: NaiveDate,
    /// The association's name.
    pub association: String,
}

impl Here {
    /// The card page of `slug`.
    pub fn card_url(&self, slug: &str) -> String {
        format!("{}/c/{slug}", self.base_url)
    }
}

/// The enabled styles members may choose, layouts first.
pub async fn styles(db: &Db) -> Result<Vec<StyleView>, AppError> {
    db.run(|conn| {
        Ok(store::styles(conn)?.iter().filter(|s| s.enabled).map(StyleView::new).collect())
    })
    .await
}

fn first_enabled(styles: &[StyleRow], kind: StyleKind) -> Result<&StyleRow, AppError> {
    styles
        .iter()
        .find(|s| s.enabled && s.kind == kind.as_str())
        .or_else(|| styles.iter().find(|s| s.kind == kind.as_str()))
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no card {}", kind.as_str())))
}

fn style_or_first(styles: &[StyleRow], id: i64, kind: StyleKind) -> Result<&StyleRow, AppError> {
    match styles.iter().find(|s| s.id == id && s.kind == kind.as_str()) {
        Some(s) => Ok(s),
        None => first_enabled(styles, kind),
    }
}

/// Everything a card shows, read in one connection.
struct Loaded {
    choices: Choices,
    profile: ProfileValues,
    resolved: ResolvedCard,
}

fn load(
    conn: &mut DbConn,
    card: Option<&CardRow>,
    user_id: i64,
    here: &Here,
) -> Result<Option<Loaded>, AppError> {
    let Some((member, phone, wechat_id)) = super::member_profiles::card_source(conn, user_id)?
    else {
        return Ok(None);
    };
    let styles = store::styles(conn)?;
    let choices = match card {
        Some(c) => Choices::from_json(&c.fields)?,
        None => Choices::default(),
    };
    let layout = match card {
        Some(c) => style_or_first(&styles, c.layout_id, StyleKind::Layout)?,
        None => first_enabled(&styles, StyleKind::Layout)?,
    };
    let background = match card {
        Some(c) => style_or_first(&styles, c.background_id, StyleKind::Background)?,
        None => first_enabled(&styles, StyleKind::Background)?,
    };
    let blocks = Blocks {
        enterprises: super::enterprises::shown_of(conn, user_id)?,
        supply_items: crate::marketplace::card_items(conn, here.now, user_id)?,
        certificates: super::certificates::for_card_in(conn, user_id, here.today, &here.base_url)?,
    };
    let profile = ProfileValues { member: Some(member), phone, wechat_id };
    let resolved = resolve(&choices, &profile, layout, background, blocks);
    Ok(Some(Loaded { choices, profile, resolved }))
}

fn my_view(conn: &mut DbConn, user_id: i64, here: &Here) -> Result<MyCardView, AppError> {
    let card = store::card_of(conn, user_id)?;
    let loaded = load(conn, card.as_ref(), user_id, here)?.ok_or_else(members_only)?;
    let styles = store::styles(conn)?;
    let (layout_id, background_id) = match &card {
        Some(c) => (c.layout_id, c.background_id),
        None => (
            first_enabled(&styles, StyleKind::Layout)?.id,
            first_enabled(&styles, StyleKind::Background)?.id,
        ),
    };
    let (total, today) = match &card {
        Some(c) => store::view_counts(conn, c.id, here.today)?,
        None => (0, 0),
    };
    let slug = card.as_ref().and_then(|c| c.slug.clone());
    Ok(MyCardView {
        layout_id,
        background_id,
        fields: my_fields(&loaded.choices, &loaded.profile),
        shared: slug.is_some(),
        url: slug.as_deref().map(|s| here.card_url(s)),
        slug,
        views: ViewCounts { total, today },
        resolved: loaded.resolved,
    })
}

/// The member's card (a default one until first saved); 403 `members_only` for
/// anyone but an active member.
pub async fn my_card(db: &Db, user_id: i64, here: Here) -> Result<MyCardView, AppError> {
    db.run(move |conn| my_view(conn, user_id, &here)).await
}

fn chosen(
    styles: &[StyleRow],
    field: &str,
    id: Option<i64>,
    kind: StyleKind,
    current: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    match id {
        None => current.or_else(|| first_enabled(styles, kind).ok().map(|s| s.id)),
        Some(id) => match styles.iter().find(|s| s.id == id && s.kind == kind.as_str()) {
            Some(s) if s.enabled => Some(s.id),
            Some(_) => {
                errors.push(FieldError::new(field, format!("该{}已停用", kind.label())));
                None
            }
            None => {
                errors.push(FieldError::new(field, format!("没有这个{}", kind.label())));
                None
            }
        },
    }
}

/// Saves the member's choices; every message at once and nothing written when
/// anything is wrong (unknown field, disabled or unknown style, override too long).
pub async fn save_card(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    here: Here,
    input: CardInput,
) -> Result<MyCardView, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let member =
            crate::membership::lock_member_of_user(conn, user_id)?.ok_or_else(members_only)?;
        if !member.active {
            return Err(members_only());
        }
        let card = store::card_of(conn, user_id)?;
        let current = match &card {
            Some(c) => Choices::from_json(&c.fields)?,
            None => Choices::default(),
        };
        let styles = store::styles(conn)?;
        let mut errors = Vec::new();
        let layout = chosen(
            &styles,
            "layout_id",
            input.layout_id,
            StyleKind::Layout,
            card.as_ref().map(|c| c.layout_id),
            &mut errors,
        );
        let background = chosen(
            &styles,
            "background_id",
            input.background_id,
            StyleKind::Background,
            card.as_ref().map(|c| c.background_id),
            &mut errors,
        );
        let choices = match input.apply(&current) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e.fields().iter().cloned());
                None
            }
        };
        let (Some(layout), Some(background), Some(choices), true) =
            (layout, background, choices, errors.is_empty())
        else {
            return Err(AppError::Validation(errors));
        };
        let json = choices.to_json()?;
        match &card {
            Some(c) => store::update_card(conn, c.id, layout, background, &json, at)?,
            None => store::insert_card(conn, user_id, layout, background, &json, at)?,
        }
        my_view(conn, user_id, &here)
    })
    .await
}

/// What `onShareAppMessage` needs.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ShareAnswer {
    /// The share slug.
    pub slug: String,
    /// Share title.
    pub title: String,
    /// Mini-program page path.
    pub path: String,
    /// The share image (PNG, 5:4).
    pub image_url: String,
    /// The card page for browsers.
    pub url: String,
    /// The card link as a QR code (SVG, for printing).
    pub qr_url: String,
}

/// Shares the card: a new 128-bit slug on first share (or after unsharing); sharing
/// again keeps the slug. Creates the default card when the member never saved one.
pub async fn share(
    db: &Db,
    clock: &SharedClock,
    user_id: i64,
    here: Here,
) -> Result<ShareAnswer, AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        let member =
            crate::membership::lock_member_of_user(conn, user_id)?.ok_or_else(members_only)?;
        if !member.active {
            return Err(members_only());
        }
        let card = match store::card_of(conn, user_id)? {
            Some(c) => c,
            None => {
                let styles = store::styles(conn)?;
                let layout = first_enabled(&styles, StyleKind::Layout)?.id;
                let background = first_enabled(&styles, StyleKind::Background)?.id;
                store::insert_card(
                    conn,
                    user_id,
                    layout,
                    background,
                    &Choices::default().to_json()?,
                    at,
                )?;
                store::card_of(conn, user_id)?
                    .ok_or_else(|| AppError::internal(anyhow::anyhow!("card not written")))?
            }
        };
        let slug = match card.slug {
            Some(s) => s,
            None => {
                let slug = crate::kernel::tokens::random_token(16);
                store::set_slug(conn, card.id, Some(&slug), at)?;
                slug
            }
        };
        let name = member.name;
        let url = here.card_url(&slug);
        Ok(ShareAnswer {
            title: if name.is_empty() {
                "电子名片".into()
            } else {
                format!("{name}的电子名片")
            },
            path: share_path(&slug),
            image_url: format!("{url}/share.png"),
            qr_url: format!("{url}/qr.svg"),
            url,
            slug,
        })
    })
    .await
}

/// Stops sharing: the slug is forgotten (its links answer 404 from now on).
pub async fn unshare(db: &Db, clock: &SharedClock, user_id: i64) -> Result<(), AppError> {
    let at = clock.now_naive();
    db.write(move |conn| {
        crate::membership::lock_member_of_user(conn, user_id)?.ok_or_else(members_only)?;
        if let Some(card) = store::card_of(conn, user_id)?
            && card.slug.is_some()
        {
            store::set_slug(conn, card.id, None, at)?;
        }
        Ok(())
    })
    .await
}

/// A shared card as the public sees it now, with its id and owner (for counting
/// views); `None` when the slug is unknown, unshared, or the owner is no longer an
/// active member. Resolved once and then served from `cache` until the next write
/// transaction (or [`super::card_cache::RESOLVED_SECONDS`]), so a share burst reads
/// the database once per card, and an edit still shows at the very next view.
pub async fn public_card(
    db: &Db,
    cache: &super::card_cache::ResolvedCards,
    slug: String,
    here: Here,
) -> Result<Option<super::card_cache::Resolved>, AppError> {
    if !slug_well_formed(&slug) {
        return Ok(None);
    }
    // The generation is read before the card: a write committing meanwhile makes this
    // copy stale at once.
    let stamp = super::card_cache::Stamp { generation: db.generation(), at: here.now };
    if let Some(hit) = cache.get(&slug, stamp) {
        return Ok(Some(hit));
    }
    let key = slug.clone();
    let resolved = resolve_public(db, slug, here).await?.map(std::sync::Arc::new);
    if let Some(card) = &resolved {
        cache.put(key, stamp, card.clone());
    }
    Ok(resolved)
}

async fn resolve_public(
    db: &Db,
    slug: String,
    here: Here,
) -> Result<Option<(i64, i64, PublicCard)>, AppError> {
    db.run(move |conn| {
        let Some(card) = store::card_by_slug(conn, &slug)? else { return Ok(None) };
        let Some(loaded) = load(conn, Some(&card), card.user_id, &here)? else { return Ok(None) };
        let url = here.card_url(&slug);
        let public = PublicCard {
            share_image_url: format!("{url}/share.png"),
            qr_url: format!("{url}/qr.svg"),
            vcard_url: format!("{url}/vcard.vcf"),
            url,
            slug,
            card: loaded.resolved,
        };
        Ok(Some((card.id, card.user_id, public)))
    })
    .await
}
