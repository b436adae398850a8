//! The one table map for both backends; `tests/it/schema_drift.rs` proves it matches
//! `migrations/sqlite` and `migrations/postgres`.

diesel::table! {
    /// Mini-program users (visitors and members).
    users (id) {
        id -> BigInt,
        nickname -> Nullable<Text>,
        avatar_file_id -> Nullable<BigInt>,
        phone -> Nullable<Text>,
        wechat_openid -> Nullable<Text>,
        wechat_unionid -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email -> Nullable<Text>,
    }
}

diesel::table! {
    /// Bearer tokens of mini-program users; only a SHA-256 of the token is kept.
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Workbench accounts.
    staff (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        session_epoch -> Integer,
        user_id -> Nullable<BigInt>,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email -> Nullable<Text>,
        must_change_password -> Bool,
    }
}

diesel::table! {
    /// Who changed what, when.
    audit_log (id) {
        id -> BigInt,
        actor_kind -> Text,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Nullable<BigInt>,
        details -> Text,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Messages that leave the process, written in the transaction that causes them.
    outbox (id) {
        id -> BigInt,
        channel -> Text,
        recipient -> Text,
        template -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Uploaded files; the bytes live under the data directory, named by content hash.
    files (id) {
        id -> BigInt,
        sha256 -> Text,
        kind -> Text,
        content_type -> Text,
        extension -> Text,
        byte_size -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        has_thumbnail -> Bool,
        original_name -> Nullable<Text>,
        uploaded_by_user_id -> Nullable<BigInt>,
        uploaded_by_staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Association-wide settings the staff edit (name, logo, time zone).
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// What a user owes: dues, event fees, course fees (integer cents).
    orders (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title -> Text,
        amount_cents -> BigInt,
        status -> Text,
        subject_type -> Nullable<Text>,
        subject_id -> Nullable<BigInt>,
        period -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        paid_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Members: users whose join application was approved (or who were imported).
    members (id) {
        id -> BigInt,
        user_id -> BigInt,
        member_number -> Text,
        status -> Text,
        name -> Text,
        member_type_id -> BigInt,
        position_id -> BigInt,
        industry_id -> Nullable<BigInt>,
        company -> Text,
        title -> Text,
        joined_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        paid_until -> Nullable<Date>,
    }
}

diesel::table! {
    /// The current SMS sign-in code of each phone (hashed) and its sending counters.
    sms_codes (phone) {
        phone -> Text,
        code_hash -> Text,
        expires_at -> Timestamp,
        failed_attempts -> Integer,
        used -> Bool,
        last_sent_at -> Timestamp,
        sent_day -> Text,
        sent_today -> Integer,
    }
}

diesel::table! {
    /// E-mail addresses waiting for their code (one per user).
    email_verifications (user_id) {
        user_id -> BigInt,
        email -> Text,
        code_hash -> Text,
        expires_at -> Timestamp,
        failed_attempts -> Integer,
        last_sent_at -> Timestamp,
    }
}

diesel::table! {
    /// Member types (个人会员, 企业会员…): yearly dues and whether enterprise profiles apply.
    member_types (id) {
        id -> BigInt,
        name -> Text,
        dues_cents -> BigInt,
        enterprise_profiles -> Bool,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Positions (会长, 副会长…) with their rank and permissions.
    positions (id) {
        id -> BigInt,
        name -> Text,
        rank -> Integer,
        can_review -> Bool,
        can_view_contacts -> Bool,
        can_read_members_only -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Industries (GB/T 4754-2017 sections by default).
    industries (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Member numbering: one row (prefix, width, next sequence number).
    membership_settings (id) {
        id -> BigInt,
        number_prefix -> Text,
        number_width -> Integer,
        next_number -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Join, position and resignation applications with their review.
    applications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        status -> Text,
        open_key -> Nullable<Text>,
        member_type_id -> Nullable<BigInt>,
        company -> Text,
        title -> Text,
        industry_id -> Nullable<BigInt>,
        position_id -> Nullable<BigInt>,
        referrer_name -> Text,
        referrer_phone -> Text,
        letter_file_id -> Nullable<BigInt>,
        reason -> Text,
        decision_note -> Text,
        reviewer_staff_id -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        dues_order_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Positions a member held, with dates.
    member_positions (id) {
        id -> BigInt,
        member_id -> BigInt,
        position_id -> BigInt,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(members -> users (user_id));
diesel::joinable!(orders -> users (user_id));
diesel::joinable!(staff -> users (user_id));
diesel::joinable!(members -> member_types (member_type_id));
diesel::joinable!(members -> positions (position_id));
diesel::joinable!(members -> industries (industry_id));
diesel::joinable!(applications -> users (user_id));
diesel::joinable!(member_positions -> members (member_id));
diesel::joinable!(member_positions -> positions (position_id));

diesel::allow_tables_to_appear_in_same_query!(
    sms_codes,
    users,
    api_tokens,
    staff,
    audit_log,
    outbox,
    files,
    settings,
    orders,
    members,
    member_types,
    positions,
    industries,
    membership_settings,
    applications,
    member_positions,
    wechat_transactions,
    payments,
    refunds,
    payment_refusals,
    dues_reminders,
    revisions,
    experts,
    certificates,
    member_profiles,
    enterprises,
);

// --- events (issue 5) ---
diesel::table! {
    /// Events staff publish; users register for them.
    events (id) {
        id -> BigInt,
        title -> Text,
        cover_file_id -> Nullable<BigInt>,
        description_html -> Text,
        place -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        registration_opens_at -> Timestamp,
        registration_closes_at -> Timestamp,
        capacity -> Integer,
        member_fee_cents -> BigInt,
        non_member_fee_cents -> BigInt,
        needs_approval -> Bool,
        check_in_enabled -> Bool,
        check_out_enabled -> Bool,
        audience -> Text,
        checkin_opens_minutes -> Integer,
        screen_only -> Bool,
        token_version -> Integer,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A user's registration for an event (one per user and event), or their place on
    /// its waiting list.
    event_registrations (id) {
        id -> BigInt,
        event_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        fee_cents -> BigInt,
        order_id -> Nullable<BigInt>,
        queued_at -> Timestamp,
        checked_in_at -> Nullable<Timestamp>,
        checked_out_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The scan log: one row per recorded check-in or check-out of a registration.
    event_scans (id) {
        id -> BigInt,
        event_id -> BigInt,
        registration_id -> BigInt,
        kind -> Text,
        via -> Text,
        staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(event_registrations -> events (event_id));
diesel::joinable!(event_registrations -> users (user_id));
diesel::joinable!(event_scans -> event_registrations (registration_id));
diesel::allow_tables_to_appear_in_same_query!(events, event_registrations, event_scans, users);
// --- end events ---

// --- lotteries (issue 5) ---
diesel::table! {
    /// Lotteries (抽奖), optionally tied to an event; the seed stays secret until drawn.
    lotteries (id) {
        id -> BigInt,
        title -> Text,
        event_id -> Nullable<BigInt>,
        seed_hex -> Text,
        commitment -> Text,
        token_version -> Integer,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Prizes of a lottery, drawn in `position` order.
    lottery_prizes (id) {
        id -> BigInt,
        lottery_id -> BigInt,
        name -> Text,
        quantity -> Integer,
        position -> Integer,
        drawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Users who signed in to a lottery by scanning its code.
    lottery_entries (id) {
        id -> BigInt,
        lottery_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Winners: one win per user per lottery.
    lottery_wins (id) {
        id -> BigInt,
        lottery_id -> BigInt,
        prize_id -> BigInt,
        user_id -> BigInt,
        draw_index -> Integer,
        created_at -> Timestamp,
    }
}

diesel::joinable!(lottery_wins -> lottery_prizes (prize_id));
diesel::joinable!(lottery_wins -> lotteries (lottery_id));
diesel::allow_tables_to_appear_in_same_query!(
    lotteries,
    lottery_prizes,
    lottery_entries,
    lottery_wins,
    users
);
// --- end lotteries ---

// --- payments (issue 14) ---
diesel::table! {
    /// WeChat Pay JSAPI transactions (one prepay each); an order may have several over time.
    wechat_transactions (id) {
        id -> BigInt,
        order_id -> BigInt,
        out_trade_no -> Text,
        prepay_id -> Text,
        amount_cents -> BigInt,
        status -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Money received for an order: at most one per order (WeChat or offline).
    payments (id) {
        id -> BigInt,
        order_id -> BigInt,
        method -> Text,
        amount_cents -> BigInt,
        reference -> Text,
        payer -> Text,
        paid_at -> Timestamp,
        voucher_file_id -> Nullable<BigInt>,
        staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Money given back for an order.
    refunds (id) {
        id -> BigInt,
        order_id -> BigInt,
        out_refund_no -> Text,
        amount_cents -> BigInt,
        reason -> Text,
        status -> Text,
        provider_refund_id -> Nullable<Text>,
        staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        settled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Payment notifications and answers refused (bad signature, stale, wrong amount…).
    payment_refusals (id) {
        id -> BigInt,
        order_id -> Nullable<BigInt>,
        out_trade_no -> Nullable<Text>,
        source -> Text,
        reason -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Dues reminders sent: at most one per order and step.
    dues_reminders (id) {
        id -> BigInt,
        order_id -> BigInt,
        step -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(wechat_transactions -> orders (order_id));
diesel::joinable!(payments -> orders (order_id));
diesel::joinable!(refunds -> orders (order_id));
diesel::joinable!(dues_reminders -> orders (order_id));
// --- end payments ---

// --- in-app notices (issue 15) ---
diesel::table! {
    /// Every notice a user was sent, for the mini-program's notice list.
    notices (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title -> Text,
        body -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(notices -> users (user_id));
// --- experts, certificates and their revisions (issue 11) ---
diesel::table! {
    /// Every submitted version of a reviewed item, as a JSON snapshot.
    revisions (id) {
        id -> BigInt,
        kind -> Text,
        item_id -> BigInt,
        status -> Text,
        open_key -> Nullable<Text>,
        title -> Text,
        snapshot -> Text,
        submitted_by_user_id -> Nullable<BigInt>,
        submitted_by_staff_id -> Nullable<BigInt>,
        decision_note -> Text,
        reviewer_staff_id -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Expert profiles; the live columns come from the approved revision.
    experts (id) {
        id -> BigInt,
        owner_user_id -> Nullable<BigInt>,
        created_by_staff_id -> Nullable<BigInt>,
        live_revision_id -> Nullable<BigInt>,
        live -> Text,
        name -> Text,
        organisation -> Text,
        field_tags -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Members' certificates and the association's honours.
    certificates (id) {
        id -> BigInt,
        owner_user_id -> Nullable<BigInt>,
        created_by_staff_id -> Nullable<BigInt>,
        live_revision_id -> Nullable<BigInt>,
        live -> Text,
        title -> Text,
        show_on_card -> Bool,
        verify_code -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoke_reason -> Text,
        revoked_by_staff_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}
// --- end experts, certificates ---
// --- robustness (issue 8) ---
diesel::table! {
    /// Signed-in staff sessions; the cookie holds a token whose hash is here, so
    /// logout and "sign out everywhere" end sessions on the server.
    staff_sessions (id) {
        id -> BigInt,
        staff_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(staff_sessions -> staff (staff_id));
diesel::allow_tables_to_appear_in_same_query!(staff_sessions, staff);

// --- surveys (issue 16) ---
diesel::table! {
    /// Surveys and polls staff build; users answer once each.
    surveys (id) {
        id -> BigInt,
        kind -> Text,
        title -> Text,
        intro -> Text,
        cover_file_id -> Nullable<BigInt>,
        audience -> Text,
        position_ids -> Text,
        anonymous -> Bool,
        results_public -> Bool,
        status -> Text,
        opens_at -> Nullable<Timestamp>,
        closes_at -> Nullable<Timestamp>,
        response_count -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Questions of a survey in `position` order.
    survey_questions (id) {
        id -> BigInt,
        survey_id -> BigInt,
        position -> Integer,
        kind -> Text,
        title -> Text,
        required -> Bool,
        min_choices -> Nullable<Integer>,
        max_choices -> Nullable<Integer>,
        max_length -> Nullable<Integer>,
        scale -> Nullable<Integer>,
        min_number -> Nullable<BigInt>,
        max_number -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Options of a choice question in `position` order.
    survey_options (id) {
        id -> BigInt,
        question_id -> BigInt,
        position -> Integer,
        label -> Text,
    }
}

diesel::table! {
    /// That a user answered a survey (nothing else: no time, no response).
    survey_participations (id) {
        id -> BigInt,
        survey_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    /// One submitted response (random key; `user_id` only for named surveys).
    survey_responses (id) {
        id -> Text,
        survey_id -> BigInt,
        user_id -> Nullable<BigInt>,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    /// The answers of a response: one row per chosen option, text or number.
    survey_answers (response_id, question_id, seq) {
        response_id -> Text,
        question_id -> BigInt,
        seq -> Integer,
        option_id -> Nullable<BigInt>,
        text_value -> Nullable<Text>,
        number_value -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Reminders sent: one per survey, user and day.
    survey_reminders (id) {
        id -> BigInt,
        survey_id -> BigInt,
        user_id -> BigInt,
        day -> Text,
    }
}

diesel::joinable!(survey_questions -> surveys (survey_id));
diesel::joinable!(survey_options -> survey_questions (question_id));
diesel::joinable!(survey_answers -> survey_responses (response_id));
diesel::joinable!(survey_answers -> survey_questions (question_id));
diesel::allow_tables_to_appear_in_same_query!(
    surveys,
    survey_questions,
    survey_options,
    survey_participations,
    survey_responses,
    survey_answers,
    survey_reminders
);
// --- end surveys ---

// --- profiles (issue 10) ---
diesel::table! {
    /// Member profiles: public fields and the private ones only owner and staff see.
    member_profiles (id) {
        id -> BigInt,
        user_id -> BigInt,
        photo_file_id -> Nullable<BigInt>,
        gender -> Text,
        birth_date -> Nullable<Date>,
        hometown -> Text,
        education -> Text,
        introduction -> Text,
        phone -> Text,
        wechat_id -> Text,
        height_cm -> Nullable<Integer>,
        weight_kg -> Nullable<Integer>,
        id_number -> Text,
        home_address -> Text,
        hidden -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Enterprises members keep; public while the owner may have them.
    enterprises (id) {
        id -> BigInt,
        owner_user_id -> BigInt,
        name -> Text,
        logo_file_id -> Nullable<BigInt>,
        industry_id -> Nullable<BigInt>,
        introduction_html -> Text,
        address -> Text,
        website -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        founded_year -> Nullable<Integer>,
        image_file_ids -> Text,
        staff_hidden -> Bool,
        staff_note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        published -> Bool,
        live_revision_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(member_profiles -> users (user_id));
diesel::joinable!(enterprises -> users (owner_user_id));
diesel::joinable!(enterprises -> industries (industry_id));
// --- end profiles ---
diesel::table! {
    /// The shared search index (`kernel::search`): one row per gram of an item's texts.
    search_grams (scope, gram, item_id) {
        scope -> Text,
        gram -> Text,
        item_id -> BigInt,
    }
}

diesel::table! {
    /// The last receipt number given out per year.
    receipt_counters (year) {
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    /// Receipts (收据): one per paid order.
    receipts (order_id) {
        order_id -> BigInt,
        number -> Text,
        issued_at -> Timestamp,
    }
}

diesel::table! {
    /// Invoice requests (发票): one per paid order, marked issued by finance.
    invoice_requests (id) {
        id -> BigInt,
        order_id -> BigInt,
        user_id -> BigInt,
        title -> Text,
        tax_number -> Nullable<Text>,
        email -> Nullable<Text>,
        status -> Text,
        invoice_number -> Nullable<Text>,
        requested_at -> Timestamp,
        issued_at -> Nullable<Timestamp>,
        issued_by_staff_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(receipts -> orders (order_id));
diesel::joinable!(invoice_requests -> orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(receipts, invoice_requests);
diesel::allow_tables_to_appear_in_same_query!(receipts, orders);
diesel::allow_tables_to_appear_in_same_query!(receipts, payments);
diesel::allow_tables_to_appear_in_same_query!(receipts, users);
diesel::allow_tables_to_appear_in_same_query!(invoice_requests, orders);
diesel::allow_tables_to_appear_in_same_query!(invoice_requests, payments);
diesel::allow_tables_to_appear_in_same_query!(invoice_requests, users);
// Owners' queries filter by `id IN (SELECT item_id FROM search_grams …)`.
diesel::allow_tables_to_appear_in_same_query!(search_grams, members);
diesel::allow_tables_to_appear_in_same_query!(search_grams, users);
diesel::allow_tables_to_appear_in_same_query!(search_grams, member_types);
diesel::allow_tables_to_appear_in_same_query!(search_grams, positions);
diesel::allow_tables_to_appear_in_same_query!(search_grams, industries);
diesel::allow_tables_to_appear_in_same_query!(search_grams, member_profiles);
diesel::allow_tables_to_appear_in_same_query!(search_grams, enterprises);

// --- marketplace (issue 13) ---
diesel::table! {
    /// Listing categories staff keep (供需分类).
    listing_categories (id) {
        id -> BigInt,
        name -> Text,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Members' supply and demand listings; live columns copied from the approved revision.
    listings (id) {
        id -> BigInt,
        owner_user_id -> BigInt,
        live_revision_id -> Nullable<BigInt>,
        live -> Text,
        kind -> Text,
        title -> Text,
        search_text -> Text,
        category_id -> Nullable<BigInt>,
        industry_id -> Nullable<BigInt>,
        price_cents -> Nullable<BigInt>,
        ends_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        listed -> Bool,
        staff_unlisted_at -> Nullable<Timestamp>,
        staff_unlisted_by -> Nullable<BigInt>,
        staff_note -> Text,
        view_count -> BigInt,
        contact_count -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Who saw a listing's contact phone (once per listing and user).
    listing_contact_reveals (id) {
        id -> BigInt,
        listing_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Reports (举报) of listings.
    listing_reports (id) {
        id -> BigInt,
        listing_id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        status -> Text,
        open_key -> Nullable<Text>,
        handled_by_staff_id -> Nullable<BigInt>,
        handled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(listings -> listing_categories (category_id));
diesel::joinable!(listing_contact_reveals -> listings (listing_id));
diesel::joinable!(listing_reports -> listings (listing_id));
diesel::allow_tables_to_appear_in_same_query!(
    listings,
    listing_categories,
    listing_contact_reveals,
    listing_reports,
);
diesel::allow_tables_to_appear_in_same_query!(listings, members);
diesel::allow_tables_to_appear_in_same_query!(listings, industries);
diesel::allow_tables_to_appear_in_same_query!(listings, search_grams);
// --- end marketplace ---

// --- notifications ---
diesel::table! {
    /// WeChat subscription grants per user and template: each accept of
    /// `wx.requestSubscribeMessage` is one message we may send.
    wechat_subscriptions (user_id, template_id) {
        user_id -> BigInt,
        template_id -> Text,
        grants -> Integer,
        status -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// When staff were last told about new items in each review queue.
    staff_queue_notices (queue) {
        queue -> Text,
        notified_at -> Timestamp,
        newest_item_id -> BigInt,
    }
}

diesel::joinable!(wechat_subscriptions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(wechat_subscriptions, users);
diesel::allow_tables_to_appear_in_same_query!(staff_queue_notices, staff);
// --- end notifications ---

// --- content ---
diesel::table! {
    /// Article categories (four built in, staff add more).
    article_categories (id) {
        id -> BigInt,
        name -> Text,
        code -> Text,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Articles (资讯): rich text sanitised on write, audience, schedule.
    articles (id) {
        id -> BigInt,
        category_id -> BigInt,
        title -> Text,
        cover_file_id -> Nullable<BigInt>,
        summary -> Text,
        body_html -> Text,
        attachment_file_ids -> Text,
        author -> Text,
        status -> Text,
        publish_at -> Nullable<Timestamp>,
        pinned -> Bool,
        audience -> Text,
        min_position_id -> Nullable<BigInt>,
        search_text -> Text,
        view_count -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Banners of the mini-program home, in staff's order.
    home_banners (id) {
        id -> BigInt,
        image_file_id -> BigInt,
        title -> Text,
        target_kind -> Text,
        target_id -> Nullable<BigInt>,
        target_url -> Text,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Support tickets (客户支持).
    support_tickets (id) {
        id -> BigInt,
        user_id -> BigInt,
        subject -> Text,
        status -> Text,
        awaiting_staff -> Bool,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The messages of a support ticket, user's and staff's.
    ticket_messages (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        author_user_id -> Nullable<BigInt>,
        author_staff_id -> Nullable<BigInt>,
        body -> Text,
        image_file_ids -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(articles -> article_categories (category_id));
diesel::joinable!(ticket_messages -> support_tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(
    article_categories,
    articles,
    home_banners,
    support_tickets,
    ticket_messages,
);
diesel::allow_tables_to_appear_in_same_query!(articles, search_grams);
diesel::allow_tables_to_appear_in_same_query!(support_tickets, users);
// --- end content ---

// --- library, albums, videos (issue 17) ---
diesel::table! {
    /// The resource library (资源库 / 会刊): journals and documents behind the audience rule.
    library_items (id) {
        id -> BigInt,
        kind -> Text,
        title -> Text,
        issue_label -> Text,
        summary -> Text,
        cover_file_id -> Nullable<BigInt>,
        file_id -> BigInt,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        audience -> Text,
        min_position_id -> Nullable<BigInt>,
        search_text -> Text,
        download_count -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Photo albums (相册), optionally of an event.
    albums (id) {
        id -> BigInt,
        title -> Text,
        description -> Text,
        event_id -> Nullable<BigInt>,
        cover_file_id -> Nullable<BigInt>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        audience -> Text,
        min_position_id -> Nullable<BigInt>,
        search_text -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The photos of an album, in staff's order.
    album_photos (id) {
        id -> BigInt,
        album_id -> BigInt,
        file_id -> BigInt,
        caption -> Text,
        sort_order -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Videos (视频): an uploaded MP4 with a poster, or a Tencent Video / channels link.
    videos (id) {
        id -> BigInt,
        title -> Text,
        summary -> Text,
        source -> Text,
        file_id -> Nullable<BigInt>,
        link_url -> Text,
        poster_file_id -> Nullable<BigInt>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        audience -> Text,
        min_position_id -> Nullable<BigInt>,
        search_text -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(album_photos -> albums (album_id));
diesel::allow_tables_to_appear_in_same_query!(library_items, albums, album_photos, videos);
diesel::allow_tables_to_appear_in_same_query!(library_items, search_grams);
diesel::allow_tables_to_appear_in_same_query!(albums, search_grams);
diesel::allow_tables_to_appear_in_same_query!(videos, search_grams);
// --- end library, albums, videos ---

// --- learning (issue 18) ---
diesel::table! {
    /// Courses (课程) staff publish on the learning platform.
    courses (id) {
        id -> BigInt,
        title -> Text,
        cover_file_id -> Nullable<BigInt>,
        introduction_html -> Text,
        enrol_starts_at -> Nullable<Timestamp>,
        enrol_ends_at -> Nullable<Timestamp>,
        study_starts_at -> Nullable<Timestamp>,
        study_ends_at -> Nullable<Timestamp>,
        member_price_cents -> BigInt,
        price_cents -> BigInt,
        audience -> Text,
        pass_score -> Integer,
        cert_name -> Text,
        cert_description -> Text,
        cert_background_file_id -> Nullable<BigInt>,
        cert_layout -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Lessons (课时) of a course: article or video.
    course_lessons (id) {
        id -> BigInt,
        course_id -> BigInt,
        kind -> Text,
        title -> Text,
        summary -> Text,
        body_html -> Text,
        video_file_id -> Nullable<BigInt>,
        video_seconds -> Nullable<Integer>,
        min_seconds -> Integer,
        credits -> Integer,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A user's enrolment in a course, with the score and pass date.
    course_enrolments (id) {
        id -> BigInt,
        course_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        learner_name -> Text,
        price_cents -> BigInt,
        order_id -> Nullable<BigInt>,
        enrolled_at -> Nullable<Timestamp>,
        completed_lessons -> Integer,
        score -> Integer,
        passed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Study time the server counted per enrolment and lesson.
    course_lesson_progress (id) {
        id -> BigInt,
        enrolment_id -> BigInt,
        lesson_id -> BigInt,
        counted_seconds -> Integer,
        completed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Study sessions kept alive by heartbeats; one open per user.
    study_sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        open_user_id -> Nullable<BigInt>,
        enrolment_id -> BigInt,
        lesson_id -> BigInt,
        opened_at -> Timestamp,
        last_beat_at -> Timestamp,
        position_seconds -> Integer,
        counted_seconds -> Integer,
        beats -> Integer,
        closed_at -> Nullable<Timestamp>,
        close_reason -> Text,
    }
}

diesel::table! {
    /// Completion certificates (结业证书), one per passed enrolment.
    course_certificates (id) {
        id -> BigInt,
        enrolment_id -> BigInt,
        course_id -> BigInt,
        user_id -> BigInt,
        number -> Text,
        code -> Text,
        learner_name -> Text,
        course_title -> Text,
        cert_name -> Text,
        score -> Integer,
        issued_at -> Timestamp,
    }
}

diesel::joinable!(course_lessons -> courses (course_id));
diesel::joinable!(course_enrolments -> courses (course_id));
diesel::joinable!(course_lesson_progress -> course_enrolments (enrolment_id));
diesel::joinable!(course_lesson_progress -> course_lessons (lesson_id));
diesel::joinable!(study_sessions -> course_enrolments (enrolment_id));
diesel::joinable!(course_certificates -> course_enrolments (enrolment_id));
diesel::allow_tables_to_appear_in_same_query!(
    courses,
    course_lessons,
    course_enrolments,
    course_lesson_progress,
    study_sessions,
    course_certificates,
);
// --- end learning ---

// --- cards (issue 12) ---
diesel::table! {
    /// The card style catalogue: layouts and backgrounds.
    card_styles (id) {
        id -> BigInt,
        kind -> Text,
        code -> Text,
        name -> Text,
        builtin -> Bool,
        colors -> Text,
        image_file_id -> Nullable<BigInt>,
        enabled -> Bool,
        sort_order -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One electronic business card per member.
    cards (id) {
        id -> BigInt,
        user_id -> BigInt,
        layout_id -> BigInt,
        background_id -> BigInt,
        fields -> Text,
        slug -> Nullable<Text>,
        shared_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Card views: one row per card, viewer and day.
    card_views (id) {
        id -> BigInt,
        card_id -> BigInt,
        viewer_key -> Text,
        viewer_user_id -> Nullable<BigInt>,
        day -> Date,
        viewed_at -> Timestamp,
    }
}

diesel::joinable!(card_views -> cards (card_id));
diesel::allow_tables_to_appear_in_same_query!(card_styles, cards, card_views);
diesel::allow_tables_to_appear_in_same_query!(card_views, users);
diesel::allow_tables_to_appear_in_same_query!(card_views, members);
// --- end cards ---

// --- scale-out (issue 21) ---
diesel::table! {
    /// Rate-limit hits shared by every instance (PostgreSQL; SQLite counts in memory).
    rate_hits (id) {
        id -> BigInt,
        scope -> Text,
        key -> Text,
        hit_at -> Timestamp,
    }
}
// --- end scale-out ---
