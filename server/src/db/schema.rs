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
        parent_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    memberships (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
        synchronization_id -> Nullable<BigInt>,
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
        log -> Text,
        package_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::table! {
    credentials (id) {
        id -> BigInt,
        organization_id -> BigInt,
        description -> Text,
        kind -> Text,
        domain -> Text,
        sealed_secret -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        identity_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    packages (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Nullable<Text>,
        kind -> Text,
        repository_url -> Nullable<Text>,
        credential_id -> Nullable<BigInt>,
        definition -> Nullable<Text>,
        description -> Nullable<Text>,
        package_type -> Nullable<Text>,
        default_branch -> Nullable<Text>,
        last_job_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        repository_key -> Nullable<Text>,
        synchronization_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    package_versions (id) {
        id -> BigInt,
        package_id -> BigInt,
        version -> Text,
        version_normalized -> Text,
        stability -> Text,
        ref_name -> Nullable<Text>,
        source_reference -> Nullable<Text>,
        dist_reference -> Nullable<Text>,
        dist_sha1 -> Nullable<Text>,
        released_at -> Timestamp,
        is_default_branch -> Bool,
        data -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    package_requirements (package_id, required_name) {
        package_id -> BigInt,
        required_name -> Text,
    }
}

diesel::table! {
    composer_documents (id) {
        id -> BigInt,
        organization_id -> BigInt,
        path -> Text,
        body -> Text,
        etag -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_tokens (id) {
        id -> BigInt,
        organization_id -> BigInt,
        description -> Text,
        access -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        team_id -> Nullable<BigInt>,
        access_to_all_packages -> Bool,
    }
}

diesel::table! {
    package_downloads (package_id, version_normalized, day) {
        package_id -> BigInt,
        version_normalized -> Text,
        day -> Text,
        downloads -> BigInt,
    }
}

diesel::table! {
    artifacts (id) {
        id -> BigInt,
        organization_id -> BigInt,
        package_id -> Nullable<BigInt>,
        file_name -> Text,
        sha1 -> Text,
        size -> BigInt,
        package_name -> Text,
        version -> Text,
        manifest -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        is_owners -> Bool,
        can_edit_team_packages -> Bool,
        can_add_packages -> Bool,
        can_create_suborganizations -> Bool,
        can_view_vendor_customers -> Bool,
        can_manage_vendor_customers -> Bool,
        access_to_all_packages -> Bool,
        created_at -> Timestamp,
        synchronization_id -> Nullable<BigInt>,
        external_key -> Nullable<Text>,
    }
}

diesel::table! {
    team_members (team_id, user_id) {
        team_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    team_packages (team_id, package_id) {
        team_id -> BigInt,
        package_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    suborganization_teams (suborganization_id, team_id) {
        suborganization_id -> BigInt,
        team_id -> BigInt,
        permission -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        organization_id -> BigInt,
        user_id -> Nullable<BigInt>,
        email -> Nullable<Text>,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    invitation_teams (invitation_id, team_id) {
        invitation_id -> BigInt,
        team_id -> BigInt,
    }
}

diesel::table! {
    customers (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        url_name -> Text,
        enabled -> Bool,
        access_to_version_control_source -> Bool,
        minimum_accessible_stability -> Nullable<Text>,
        assign_all_packages -> Bool,
        token_prefix -> Text,
        token_hash -> Text,
        last_used_at -> Nullable<Timestamp>,
        access_changed_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_packages (customer_id, package_id) {
        customer_id -> BigInt,
        package_id -> BigInt,
        version_constraint -> Nullable<Text>,
        expiration_date -> Nullable<Timestamp>,
        minimum_accessible_stability -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vendor_bundles (id) {
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        version_constraint -> Nullable<Text>,
        minimum_accessible_stability -> Nullable<Text>,
        assign_all_packages -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vendor_bundle_packages (vendor_bundle_id, package_id) {
        vendor_bundle_id -> BigInt,
        package_id -> BigInt,
        version_constraint -> Nullable<Text>,
        minimum_accessible_stability -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_vendor_bundles (customer_id, vendor_bundle_id) {
        customer_id -> BigInt,
        vendor_bundle_id -> BigInt,
        expiration_date -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    magento_legacy_keys (id) {
        id -> BigInt,
        customer_id -> BigInt,
        public_key -> Text,
        private_key_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    customer_downloads (customer_id, package_id, version_normalized, day) {
        customer_id -> BigInt,
        package_id -> BigInt,
        version_normalized -> Text,
        day -> Text,
        downloads -> BigInt,
    }
}

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        organization_id -> BigInt,
        url -> Text,
        sealed_secret -> Nullable<Text>,
        events -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        response_code -> Nullable<Integer>,
        duration_ms -> Nullable<BigInt>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    token_downloads (token_id, package_id, version_normalized, day) {
        token_id -> BigInt,
        package_id -> BigInt,
        version_normalized -> Text,
        day -> Text,
        downloads -> BigInt,
    }
}

diesel::table! {
    hook_deliveries (id) {
        id -> BigInt,
        organization_id -> Nullable<BigInt>,
        package_id -> Nullable<BigInt>,
        provider -> Text,
        event -> Text,
        outcome -> Text,
        status_code -> Integer,
        message -> Nullable<Text>,
        job_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(team_members -> teams (team_id));
diesel::joinable!(team_members -> users (user_id));
diesel::joinable!(team_packages -> teams (team_id));
diesel::joinable!(team_packages -> packages (package_id));
diesel::joinable!(suborganization_teams -> teams (team_id));
diesel::joinable!(suborganization_teams -> organizations (suborganization_id));
diesel::joinable!(teams -> organizations (organization_id));
diesel::joinable!(invitation_teams -> invitations (invitation_id));
diesel::joinable!(invitation_teams -> teams (team_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(package_versions -> packages (package_id));
diesel::joinable!(package_requirements -> packages (package_id));
diesel::joinable!(packages -> organizations (organization_id));
diesel::joinable!(organization_tokens -> organizations (organization_id));
diesel::joinable!(credentials -> organizations (organization_id));

diesel::joinable!(customers -> organizations (organization_id));
diesel::joinable!(customer_packages -> customers (customer_id));
diesel::joinable!(customer_packages -> packages (package_id));
diesel::joinable!(vendor_bundles -> organizations (organization_id));
diesel::joinable!(vendor_bundle_packages -> vendor_bundles (vendor_bundle_id));
diesel::joinable!(vendor_bundle_packages -> packages (package_id));
diesel::joinable!(customer_vendor_bundles -> customers (customer_id));
diesel::joinable!(customer_vendor_bundles -> vendor_bundles (vendor_bundle_id));
diesel::joinable!(magento_legacy_keys -> customers (customer_id));
diesel::joinable!(customer_downloads -> customers (customer_id));
diesel::joinable!(customer_downloads -> packages (package_id));

diesel::joinable!(webhooks -> organizations (organization_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::table! {
    organization_hook_secrets (organization_id) {
        organization_id -> BigInt,
        sealed_secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organization_hook_secrets -> organizations (organization_id));

diesel::table! {
    synchronizations (id) {
        id -> BigInt,
        organization_id -> BigInt,
        provider -> Text,
        api_url -> Text,
        external_name -> Text,
        credential_id -> Nullable<BigInt>,
        last_job_id -> Nullable<BigInt>,
        last_synced_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        login_provider -> Nullable<Text>,
    }
}

diesel::joinable!(synchronizations -> organizations (organization_id));

diesel::table! {
    vendor_bundle_synchronizations (vendor_bundle_id, synchronization_id) {
        vendor_bundle_id -> BigInt,
        synchronization_id -> BigInt,
    }
}

diesel::joinable!(vendor_bundle_synchronizations -> vendor_bundles (vendor_bundle_id));
diesel::joinable!(vendor_bundle_synchronizations -> synchronizations (synchronization_id));

diesel::joinable!(token_downloads -> organization_tokens (token_id));
diesel::joinable!(token_downloads -> packages (package_id));

diesel::table! {
    user_identities (id) {
        id -> BigInt,
        user_id -> BigInt,
        provider -> Text,
        provider_user_id -> Text,
        login -> Text,
        email -> Nullable<Text>,
        access_token -> Text,
        refresh_token -> Nullable<Text>,
        token_expires_at -> Nullable<Timestamp>,
        scopes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_states (id) {
        id -> BigInt,
        state_hash -> Text,
        provider -> Text,
        pkce_verifier -> Text,
        link_user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(user_identities -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    vendor_bundle_synchronizations,
    synchronizations,
    organization_hook_secrets,
    sessions,
    api_tokens,
    login_throttle,
    jobs,
    packages,
    package_versions,
    package_requirements,
    organizations,
    organization_tokens,
    credentials,
    composer_documents,
    package_downloads,
    users,
    memberships,
    artifacts,
    teams,
    team_members,
    team_packages,
    suborganization_teams,
    invitations,
    invitation_teams,
    customers,
    customer_packages,
    vendor_bundles,
    vendor_bundle_packages,
    customer_vendor_bundles,
    magento_legacy_keys,
    customer_downloads,
    webhooks,
    webhook_deliveries,
    token_downloads,
    hook_deliveries,
    user_identities,
    oauth_states,
);
