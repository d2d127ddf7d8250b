//! Diesel table definitions shared by both backends. Only column types that mean the
//! same on SQLite and PostgreSQL are used (see docs/ARCHITECTURE.md, Storage).

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        is_admin -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        name -> Text,
        url_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        description -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        organization_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        status -> Text,
        progress -> Integer,
        step -> Nullable<Text>,
        attempts -> Integer,
        max_attempts -> Integer,
        last_error -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        run_at -> Timestamp,
        heartbeat_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    organizations,
    memberships,
    sessions,
    api_tokens,
    login_throttle,
    jobs,
);
