//! Unit tests of the marketplace model.

use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn end(d: NaiveDate) -> NaiveDateTime {
    d.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap()
}

fn valid() -> ListingInput {
    ListingInput {
        kind: "supply".into(),
        title: " 工业机器人 ".into(),
        description_html: "<p>好<script>alert(1)</script><b onclick=\"x()\">货</b></p>".into(),
        price_cents: Some(1250),
        unit: "台".into(),
        contact_name: "王工".into(),
        contact_phone: "+86 138-0013-8000".into(),
        ends_on: Some("2026-12-01".into()),
        ..Default::default()
    }
}

#[test]
fn fields_are_trimmed_sanitised_and_the_end_computed() {
    let f = valid().validated(day("2026-11-26"), end).unwrap();
    assert_eq!(f.title, "工业机器人");
    assert_eq!(f.description_html, "<p>好<b>货</b></p>");
    assert_eq!(f.contact_phone, "13800138000");
    assert_eq!(f.ends_at, Some(end(day("2026-12-01"))));
    assert_eq!(html_text("<p>a &amp; b</p><p>c</p>"), "a & b\nc");
    assert_eq!(price_label(f.price_cents, &f.unit), "¥12.50/台");
    assert_eq!(price_label(None, "台"), "面议");
}

#[test]
fn bad_fields_are_all_reported() {
    let bad = ListingInput {
        kind: "sell".into(),
        title: " ".into(),
        price_cents: Some(-1),
        image_file_ids: (1..=10).collect(),
        ends_on: Some("2026-11-25".into()),
        description_html: "长".repeat(MAX_DESCRIPTION_CHARS + 1),
        ..valid()
    };
    let err = bad.validated(day("2026-11-26"), end).unwrap_err();
    let names: Vec<&str> = err.fields().iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        names,
        vec!["kind", "title", "description_html", "price_cents", "image_file_ids", "ends_on"]
    );
}

#[test]
fn the_hall_state_follows_the_rule() {
    let at = end(day("2026-11-26"));
    let f = valid().validated(day("2026-11-26"), end).unwrap();
    let mut row = ListingRow {
        id: 1,
        owner_user_id: 1,
        live_revision_id: None,
        live: String::new(),
        kind: "supply".into(),
        title: f.title.clone(),
        search_text: String::new(),
        category_id: None,
        industry_id: None,
        price_cents: None,
        ends_at: f.ends_at,
        published_at: None,
        listed: true,
        staff_unlisted_at: None,
        staff_unlisted_by: None,
        staff_note: String::new(),
        view_count: 0,
        contact_count: 0,
        created_at: at,
        updated_at: at,
        deleted_at: None,
    };
    assert_eq!(row.hall_state(at), HallState::NotApproved);
    row.live_revision_id = Some(1);
    assert_eq!(row.hall_state(at), HallState::Listed);
    assert_eq!(row.hall_state(end(day("2026-12-01"))), HallState::Expired);
    row.listed = false;
    assert_eq!(row.hall_state(at), HallState::Unlisted);
    row.staff_unlisted_at = Some(at);
    assert_eq!(row.hall_state(at), HallState::StaffUnlisted);
}
