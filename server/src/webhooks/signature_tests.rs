//! Signature schemes beyond the fixture table: published vectors, header precedence,
//! malformed headers, Gitee's signed timestamps, Basic credentials.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration, TimeZone, Utc};

use super::fixtures_tests::{gitee_sign, header_map};
use super::{Provider, SignatureError, verify};

const SECRET: &str = "It's a Secret to Everybody";
const BODY: &[u8] = b"Hello, World!";
/// GitHub's published example ("Validating webhook deliveries").
const GITHUB_VECTOR: &str =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

fn check(provider: Provider, headers: &[(&str, &str)], secret: &str) -> Result<(), SignatureError> {
    verify(provider, &header_map(headers), BODY, secret, now())
}

#[test]
fn githubs_published_test_vector() {
    let headers = [("x-hub-signature-256", GITHUB_VECTOR)];
    for provider in [
        Provider::GitHub,
        Provider::GitHubEnterprise,
        Provider::Generic,
    ] {
        assert_eq!(check(provider, &headers, SECRET), Ok(()), "{provider}");
        assert_eq!(
            check(provider, &headers, "It's a Secret to Everybody!"),
            Err(SignatureError::Mismatch("X-Hub-Signature-256"))
        );
    }
    let upper = GITHUB_VECTOR.to_uppercase().replacen("SHA256", "sha256", 1);
    assert_eq!(
        check(Provider::GitHub, &[("x-hub-signature-256", &upper)], SECRET),
        Ok(())
    );
}

#[test]
fn github_falls_back_to_sha1_only_without_the_sha256_header() {
    let sha1 = format!("sha1={}", hex_hmac_sha1(SECRET, BODY));
    assert_eq!(
        check(Provider::GitHub, &[("x-hub-signature", &sha1)], SECRET),
        Ok(())
    );
    // A wrong SHA-256 signature is not rescued by a right SHA-1 one.
    let wrong_256 = GITHUB_VECTOR.replace("757107", "757108");
    assert_eq!(
        check(
            Provider::GitHub,
            &[
                ("x-hub-signature-256", &wrong_256),
                ("x-hub-signature", &sha1)
            ],
            SECRET
        ),
        Err(SignatureError::Mismatch("X-Hub-Signature-256"))
    );
    assert_eq!(
        check(Provider::GitHub, &[], SECRET),
        Err(SignatureError::Missing("X-Hub-Signature-256"))
    );
    // The generic hook takes only the SHA-256 header.
    assert_eq!(
        check(Provider::Generic, &[("x-hub-signature", &sha1)], SECRET),
        Err(SignatureError::Missing("X-Hub-Signature-256"))
    );
}

fn hex_hmac_sha1(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn bitbucket_honours_the_algorithm_prefix() {
    let sha256 = GITHUB_VECTOR;
    assert_eq!(
        check(
            Provider::BitbucketServer,
            &[("x-hub-signature", sha256)],
            SECRET
        ),
        Ok(())
    );
    assert_eq!(
        check(
            Provider::BitbucketCloud,
            &[("x-hub-signature", sha256)],
            SECRET
        ),
        Ok(())
    );
    // Bitbucket uses GitHub's SHA-1 header *name*; the SHA-256 header is not it.
    assert_eq!(
        check(
            Provider::BitbucketCloud,
            &[("x-hub-signature-256", sha256)],
            SECRET
        ),
        Err(SignatureError::Missing("X-Hub-Signature"))
    );
    for (value, reason) in [
        ("757107ea0eb2", "expected <algorithm>=<hex digest>"),
        ("sha256=not-hex", "the digest is not hex"),
        (
            "md5=757107ea",
            "unknown algorithm (expected sha256, sha1, sha384 or sha512)",
        ),
    ] {
        assert_eq!(
            check(
                Provider::BitbucketServer,
                &[("x-hub-signature", value)],
                SECRET
            ),
            Err(SignatureError::Malformed {
                header: "X-Hub-Signature",
                reason
            }),
            "{value}"
        );
    }
    assert_eq!(
        check(
            Provider::BitbucketServer,
            &[("x-hub-signature", "sha256=")],
            SECRET
        ),
        Err(SignatureError::Mismatch("X-Hub-Signature"))
    );
}

#[test]
fn gitea_forgejo_and_gogs_send_bare_hex() {
    let hex = GITHUB_VECTOR.trim_start_matches("sha256=");
    assert_eq!(
        check(Provider::Gitea, &[("x-gitea-signature", hex)], SECRET),
        Ok(())
    );
    assert_eq!(
        check(Provider::Gogs, &[("x-gogs-signature", hex)], SECRET),
        Ok(())
    );
    assert_eq!(
        check(Provider::Forgejo, &[("x-forgejo-signature", hex)], SECRET),
        Ok(())
    );
    assert_eq!(
        check(Provider::Forgejo, &[("x-gitea-signature", hex)], SECRET),
        Ok(())
    );
    assert_eq!(
        check(
            Provider::Gitea,
            &[("x-gitea-signature", GITHUB_VECTOR)],
            SECRET
        ),
        Err(SignatureError::Malformed {
            header: "X-Gitea-Signature",
            reason: "expected a hex digest"
        })
    );
    // Old Gitea sends the header empty when the hook has no secret.
    assert_eq!(
        check(Provider::Gitea, &[("x-gitea-signature", "")], SECRET),
        Err(SignatureError::Missing("X-Gitea-Signature"))
    );
    assert_eq!(
        check(Provider::Gogs, &[("x-gitea-signature", hex)], SECRET),
        Err(SignatureError::Missing("X-Gogs-Signature"))
    );
}

#[test]
fn gitlab_compares_the_token() {
    assert_eq!(
        check(Provider::GitLab, &[("x-gitlab-token", SECRET)], SECRET),
        Ok(())
    );
    for wrong in ["It's a Secret", "it's a secret to everybody", "x"] {
        assert_eq!(
            check(Provider::GitLab, &[("x-gitlab-token", wrong)], SECRET),
            Err(SignatureError::Mismatch("X-Gitlab-Token")),
            "{wrong:?}"
        );
    }
    assert_eq!(
        check(Provider::GitLab, &[], SECRET),
        Err(SignatureError::Missing("X-Gitlab-Token"))
    );
}

#[test]
fn gitee_plain_password_or_signed_timestamp() {
    let secret = "gitee-secret";
    assert_eq!(
        check(Provider::Gitee, &[("x-gitee-token", secret)], secret),
        Ok(())
    );

    let at = |offset: Duration| (now() + offset).timestamp_millis().to_string();
    let signed = |timestamp: &str| gitee_sign(secret, timestamp);
    for offset in [
        Duration::zero(),
        Duration::minutes(-59),
        Duration::minutes(59),
    ] {
        let timestamp = at(offset);
        let token = signed(&timestamp);
        let headers = [
            ("x-gitee-token", token.as_str()),
            ("x-gitee-timestamp", timestamp.as_str()),
        ];
        assert_eq!(check(Provider::Gitee, &headers, secret), Ok(()), "{offset}");
        assert_eq!(
            check(Provider::Gitee, &headers, "other-secret"),
            Err(SignatureError::Mismatch("X-Gitee-Token"))
        );
    }
    // Gitee's sample code URL-encodes the base64 signature.
    let timestamp = at(Duration::zero());
    let token = signed(&timestamp);
    let encoded: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
    let headers = [
        ("x-gitee-token", encoded.as_str()),
        ("x-gitee-timestamp", timestamp.as_str()),
    ];
    assert_eq!(check(Provider::Gitee, &headers, secret), Ok(()));

    for offset in [
        Duration::minutes(-61),
        Duration::minutes(61),
        Duration::days(-3650),
    ] {
        let timestamp = at(offset);
        let token = signed(&timestamp);
        let headers = [
            ("x-gitee-token", token.as_str()),
            ("x-gitee-timestamp", timestamp.as_str()),
        ];
        assert_eq!(
            check(Provider::Gitee, &headers, secret),
            Err(SignatureError::Expired),
            "{offset}"
        );
    }
    // The signature covers the timestamp: another timestamp does not match it.
    let token = signed(&at(Duration::zero()));
    let later = at(Duration::seconds(1));
    assert_eq!(
        check(
            Provider::Gitee,
            &[
                ("x-gitee-token", token.as_str()),
                ("x-gitee-timestamp", later.as_str())
            ],
            secret
        ),
        Err(SignatureError::Mismatch("X-Gitee-Token"))
    );
    assert_eq!(
        check(
            Provider::Gitee,
            &[
                ("x-gitee-token", token.as_str()),
                ("x-gitee-timestamp", "yesterday")
            ],
            secret
        ),
        Err(SignatureError::Malformed {
            header: "X-Gitee-Timestamp",
            reason: "expected milliseconds since the epoch"
        })
    );
    assert_eq!(
        check(
            Provider::Gitee,
            &[("x-gitee-token", token.as_str())],
            secret
        ),
        Err(SignatureError::Mismatch("X-Gitee-Token"))
    );
    assert_eq!(
        check(Provider::Gitee, &[], secret),
        Err(SignatureError::Missing("X-Gitee-Token"))
    );
}

#[test]
fn azure_devops_basic_password() {
    let basic = |credentials: &str| format!("Basic {}", BASE64.encode(credentials));
    let right = basic(&format!("anyone:{SECRET}"));
    assert_eq!(
        check(Provider::AzureDevOps, &[("authorization", &right)], SECRET),
        Ok(())
    );
    // A colon in the password is part of it.
    let colon = basic("anyone:pass:word");
    assert_eq!(
        check(
            Provider::AzureDevOps,
            &[("authorization", &colon)],
            "pass:word"
        ),
        Ok(())
    );
    let wrong = basic("anyone:guess");
    assert_eq!(
        check(Provider::AzureDevOps, &[("authorization", &wrong)], SECRET),
        Err(SignatureError::Mismatch("Authorization"))
    );
    let malformed = SignatureError::Malformed {
        header: "Authorization",
        reason: "expected Basic credentials",
    };
    let no_colon = basic("justapassword");
    for value in ["Bearer abc", "Basic !!!", "Basic", no_colon.as_str()] {
        assert_eq!(
            check(Provider::AzureDevOps, &[("authorization", value)], SECRET),
            Err(malformed.clone()),
            "{value}"
        );
    }
    assert_eq!(
        check(Provider::AzureDevOps, &[], SECRET),
        Err(SignatureError::Missing("Authorization"))
    );
}

#[test]
fn an_empty_secret_verifies_nothing() {
    // HMAC with an empty key is computable by anyone.
    let empty_key_signature = format!(
        "sha256={}",
        hex::encode({
            use hmac::{Hmac, Mac};
            let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(b"").unwrap();
            mac.update(BODY);
            mac.finalize().into_bytes()
        })
    );
    assert_eq!(
        check(
            Provider::GitHub,
            &[("x-hub-signature-256", &empty_key_signature)],
            ""
        ),
        Err(SignatureError::NoSecret)
    );
    assert_eq!(
        check(Provider::GitLab, &[("x-gitlab-token", "")], ""),
        Err(SignatureError::NoSecret)
    );
}

#[test]
fn signature_errors_are_unauthenticated() {
    let error: crate::error::Error = SignatureError::Missing("X-Hub-Signature-256").into();
    assert_eq!(error.code(), "UNAUTHENTICATED");
    assert_eq!(error.status(), axum::http::StatusCode::UNAUTHORIZED);
    assert_eq!(error.to_string(), "missing X-Hub-Signature-256 header");
}
