use chrono::NaiveDate;

use super::errors::error_in_body;
use super::*;

fn entry(kind: Option<&str>, base_url: Option<&str>) -> OAuthProviderConfig {
    OAuthProviderConfig {
        kind: kind.map(str::to_owned),
        client_id: "id".into(),
        client_secret: "secret".into(),
        base_url: base_url.map(str::to_owned),
        ..OAuthProviderConfig::default()
    }
}

#[test]
fn urls_follow_each_host_and_its_self_hosted_edition() {
    let cases = [
        // (name, kind, base, authorize, token, api, display name)
        (
            "github",
            None,
            None,
            "https://github.com/login/oauth/authorize",
            "https://github.com/login/oauth/access_token",
            "https://api.github.com",
            "GitHub",
        ),
        (
            "ghe",
            Some("github"),
            Some("https://gh.example.com/"),
            "https://gh.example.com/login/oauth/authorize",
            "https://gh.example.com/login/oauth/access_token",
            "https://gh.example.com/api/v3",
            "GitHub Enterprise",
        ),
        (
            "gitlab",
            None,
            None,
            "https://gitlab.com/oauth/authorize",
            "https://gitlab.com/oauth/token",
            "https://gitlab.com/api/v4",
            "GitLab",
        ),
        (
            "corp",
            Some("gitlab"),
            Some("https://git.example.com"),
            "https://git.example.com/oauth/authorize",
            "https://git.example.com/oauth/token",
            "https://git.example.com/api/v4",
            "GitLab",
        ),
        (
            "bitbucket",
            None,
            None,
            "https://bitbucket.org/site/oauth2/authorize",
            "https://bitbucket.org/site/oauth2/access_token",
            "https://api.bitbucket.org/2.0",
            "Bitbucket",
        ),
        (
            "bitbucket_datacenter",
            None,
            Some("https://bb.example.com"),
            "https://bb.example.com/rest/oauth2/latest/authorize",
            "https://bb.example.com/rest/oauth2/latest/token",
            "https://bb.example.com/rest/api/latest",
            "Bitbucket Data Center",
        ),
    ];
    for (name, kind, base, authorize, token, api, display) in cases {
        let provider = Provider::from_config(name, &entry(kind, base)).unwrap();
        assert_eq!(provider.authorize_url, authorize, "{name}");
        assert_eq!(provider.token_url, token, "{name}");
        assert_eq!(provider.api_url, api, "{name}");
        assert_eq!(provider.display_name, display, "{name}");
    }
    assert!(Provider::from_config("bitbucket_datacenter", &entry(None, None)).is_err());
    assert!(Provider::from_config("corp", &entry(None, None)).is_err());
}

#[test]
fn the_authorize_url_carries_state_and_an_s256_challenge() {
    let provider = Provider::from_config("gitlab", &entry(None, None)).unwrap();
    let (url, state, verifier) = provider
        .authorize("https://packyard.example.com/auth/oauth/gitlab/callback")
        .unwrap();
    let url = url::Url::parse(&url).unwrap();
    let query: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["state"], state);
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["scope"], "read_user");
    assert_eq!(
        query["redirect_uri"],
        "https://packyard.example.com/auth/oauth/gitlab/callback"
    );
    let expected = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier));
    assert_eq!(&query["code_challenge"], expected.as_str());
    let (_, second_state, _) = provider.authorize("https://x/cb").unwrap();
    assert_ne!(state, second_state);
}

#[test]
fn tokens_split_githubs_comma_scopes() {
    let response: BasicTokenResponse = serde_json::from_str(
        r#"{"access_token":"gho_x","token_type":"bearer","scope":"read:user,user:email"}"#,
    )
    .unwrap();
    let tokens = tokens_of(response);
    assert_eq!(tokens.scopes, ["read:user", "user:email"]);
    assert_eq!(tokens.refresh_token, None);
    assert_eq!(tokens.expires_in, None);

    let response: BasicTokenResponse = serde_json::from_str(
        r#"{"access_token":"a","token_type":"Bearer","expires_in":7200,"refresh_token":"r","scope":"read_user api","created_at":1}"#,
    )
    .unwrap();
    let tokens = tokens_of(response);
    assert_eq!(tokens.scopes, ["read_user", "api"]);
    assert_eq!(tokens.refresh_token.as_deref(), Some("r"));
    assert_eq!(tokens.expires_in, Some(Duration::hours(2)));
}

#[test]
fn error_bodies_are_read_as_json_or_form() {
    assert_eq!(
        error_in_body(br#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#),
        Some((
            "bad_verification_code".into(),
            Some("The code passed is incorrect or expired.".into())
        ))
    );
    assert_eq!(
        error_in_body(b"error=incorrect_client_credentials&error_description=bad+secret"),
        Some((
            "incorrect_client_credentials".into(),
            Some("bad secret".into())
        ))
    );
    assert_eq!(error_in_body(br#"{"access_token": 1}"#), None);
    assert_eq!(
        ProviderError::refused("GitHub", "access_denied", None).to_string(),
        "GitHub refused the sign-in: access was denied"
    );
}

#[test]
fn tokens_are_refreshed_a_minute_before_they_expire() {
    let now = NaiveDate::from_ymd_opt(2026, 12, 7)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    assert!(!needs_refresh(None, now), "tokens without expiry never");
    assert!(!needs_refresh(Some(now + Duration::minutes(5)), now));
    assert!(needs_refresh(Some(now + Duration::seconds(30)), now));
    assert!(needs_refresh(Some(now - Duration::hours(1)), now));
}
