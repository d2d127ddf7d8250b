//! Checking that a webhook comes from the host the organization's secret was given to,
//! by each host's own scheme. All comparisons are constant-time: HMACs through
//! `verify_slice`, shared secrets by comparing their SHA-256 digests (so that not even
//! the length leaks).
//!
//! What the schemes cover differs: GitHub (and GHES, Gitea, Forgejo, Gogs, Bitbucket,
//! the generic hook) sign the exact body; GitLab's token, Gitee's token or signed
//! timestamp and Azure DevOps' Basic password prove only that the sender knows the
//! secret, not that the body is the one it sent. CodeCommit messages come through
//! Amazon SNS and are checked with [`super::sns::verify_message`] instead.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Provider;
use super::body::header;

/// Gitee's documented limit for the signed timestamp.
const GITEE_MAX_SKEW_MS: i64 = 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// An empty secret would let anyone compute a valid signature.
    #[error("no webhook secret is configured")]
    NoSecret,
    #[error("missing {0} header")]
    Missing(&'static str),
    #[error("malformed {header} header: {reason}")]
    Malformed {
        header: &'static str,
        reason: &'static str,
    },
    #[error("{0} does not match: wrong secret, or the body was altered")]
    Mismatch(&'static str),
    #[error("X-Gitee-Timestamp is more than an hour away from now")]
    Expired,
    #[error("Amazon SNS messages are verified by their certificate, not by a shared secret")]
    SnsMessage,
}

impl From<SignatureError> for crate::error::Error {
    fn from(error: SignatureError) -> Self {
        crate::error::Error::Unauthenticated(error.to_string())
    }
}

/// Verifies `body` (the exact bytes received) against `secret` by `provider`'s scheme.
/// `now` bounds Gitee's signed timestamps.
pub fn verify(
    provider: Provider,
    headers: &HeaderMap,
    body: &[u8],
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    match provider {
        Provider::GitHub | Provider::GitHubEnterprise => {
            // The SHA-1 header is legacy: consult it only when the SHA-256 one is absent.
            if header(headers, "x-hub-signature-256").is_some() {
                prefixed(headers, "x-hub-signature-256", body, secret)
            } else if header(headers, "x-hub-signature").is_some() {
                prefixed(headers, "x-hub-signature", body, secret)
            } else {
                Err(SignatureError::Missing("X-Hub-Signature-256"))
            }
        }
        Provider::Generic => prefixed(headers, "x-hub-signature-256", body, secret),
        // Same header name as GitHub's SHA-1 one, but the prefix names the algorithm
        // (sha256 by default; Bitbucket Server can be set to others).
        Provider::BitbucketCloud | Provider::BitbucketServer => {
            prefixed(headers, "x-hub-signature", body, secret)
        }
        Provider::Gitea => bare_hex(headers, &["x-gitea-signature"], body, secret),
        Provider::Forgejo => bare_hex(
            headers,
            &["x-forgejo-signature", "x-gitea-signature"],
            body,
            secret,
        ),
        Provider::Gogs => bare_hex(headers, &["x-gogs-signature"], body, secret),
        Provider::GitLab => {
            let token = header(headers, "x-gitlab-token")
                .ok_or(SignatureError::Missing("X-Gitlab-Token"))?;
            same_secret(token, secret)
                .then_some(())
                .ok_or(SignatureError::Mismatch("X-Gitlab-Token"))
        }
        Provider::Gitee => gitee(headers, secret, now),
        Provider::AzureDevOps => basic_password(headers, secret),
        Provider::CodeCommit => Err(SignatureError::SnsMessage),
    }
}

fn display_name(lower: &str) -> &'static str {
    match lower {
        "x-hub-signature-256" => "X-Hub-Signature-256",
        "x-hub-signature" => "X-Hub-Signature",
        "x-gitea-signature" => "X-Gitea-Signature",
        "x-forgejo-signature" => "X-Forgejo-Signature",
        "x-gogs-signature" => "X-Gogs-Signature",
        _ => "signature",
    }
}

/// `sha256=<hex>` (or `sha1=`, `sha384=`, `sha512=`): an HMAC of the body.
fn prefixed(
    headers: &HeaderMap,
    name: &str,
    body: &[u8],
    secret: &str,
) -> Result<(), SignatureError> {
    let shown = display_name(name);
    let value = header(headers, name).ok_or(SignatureError::Missing(shown))?;
    let (algorithm, hex_digest) = value.split_once('=').ok_or(SignatureError::Malformed {
        header: shown,
        reason: "expected <algorithm>=<hex digest>",
    })?;
    let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed {
        header: shown,
        reason: "the digest is not hex",
    })?;
    let key = secret.as_bytes();
    let matches = match algorithm.to_ascii_lowercase().as_str() {
        "sha256" => hmac_matches::<Hmac<Sha256>>(key, body, &expected),
        "sha1" => hmac_matches::<Hmac<sha1::Sha1>>(key, body, &expected),
        "sha384" => hmac_matches::<Hmac<sha2::Sha384>>(key, body, &expected),
        "sha512" => hmac_matches::<Hmac<sha2::Sha512>>(key, body, &expected),
        _ => {
            return Err(SignatureError::Malformed {
                header: shown,
                reason: "unknown algorithm (expected sha256, sha1, sha384 or sha512)",
            });
        }
    };
    matches.then_some(()).ok_or(SignatureError::Mismatch(shown))
}

/// Gitea, Forgejo and Gogs: the bare hex HMAC-SHA256 of the body. Old Gitea sends the
/// header empty when the hook has no secret, which counts as missing.
fn bare_hex(
    headers: &HeaderMap,
    names: &[&'static str],
    body: &[u8],
    secret: &str,
) -> Result<(), SignatureError> {
    let (name, value) = names
        .iter()
        .find_map(|name| header(headers, name).map(|value| (*name, value)))
        .ok_or(SignatureError::Missing(display_name(names[0])))?;
    let shown = display_name(name);
    let expected = hex::decode(value).map_err(|_| SignatureError::Malformed {
        header: shown,
        reason: "expected a hex digest",
    })?;
    hmac_matches::<Hmac<Sha256>>(secret.as_bytes(), body, &expected)
        .then_some(())
        .ok_or(SignatureError::Mismatch(shown))
}

fn hmac_matches<M: Mac + KeyInit>(key: &[u8], message: &[u8], expected: &[u8]) -> bool {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.verify_slice(expected).is_ok()
}

/// Whether `given` is the secret, in constant time (not even the length leaks).
pub fn same_secret(given: &str, secret: &str) -> bool {
    Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(secret.as_bytes()))
        .into()
}

/// `X-Gitee-Token` is either the hook's password in plain text or, in "signature key"
/// mode, base64(HMAC-SHA256(secret, "<X-Gitee-Timestamp>\n<secret>")), which covers
/// the timestamp but not the body; hence the bound on the timestamp's age.
fn gitee(headers: &HeaderMap, secret: &str, now: DateTime<Utc>) -> Result<(), SignatureError> {
    let token = header(headers, "x-gitee-token").ok_or(SignatureError::Missing("X-Gitee-Token"))?;
    if same_secret(token, secret) {
        return Ok(());
    }
    let Some(timestamp) = header(headers, "x-gitee-timestamp") else {
        return Err(SignatureError::Mismatch("X-Gitee-Token"));
    };
    let millis: i64 = timestamp.parse().map_err(|_| SignatureError::Malformed {
        header: "X-Gitee-Timestamp",
        reason: "expected milliseconds since the epoch",
    })?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(format!("{timestamp}\n{secret}").as_bytes());
    let expected = BASE64.encode(mac.finalize().into_bytes());
    // Gitee's own sample code URL-encodes the signature; accept both spellings.
    let decoded = percent_decode(token);
    let matches = same_secret(token, &expected) || same_secret(&decoded, &expected);
    if !matches {
        return Err(SignatureError::Mismatch("X-Gitee-Token"));
    }
    if (now.timestamp_millis() - millis).abs() > GITEE_MAX_SKEW_MS {
        return Err(SignatureError::Expired);
    }
    Ok(())
}

fn percent_decode(text: &str) -> String {
    form_urlencoded::parse(format!("t={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// Azure DevOps signs nothing; a subscription can send HTTP Basic credentials, whose
/// password is the secret (the user name is free).
fn basic_password(headers: &HeaderMap, secret: &str) -> Result<(), SignatureError> {
    const SHOWN: &str = "Authorization";
    let value = header(headers, "authorization").ok_or(SignatureError::Missing(SHOWN))?;
    let malformed = SignatureError::Malformed {
        header: SHOWN,
        reason: "expected Basic credentials",
    };
    let (scheme, encoded) = value.split_once(' ').ok_or(malformed.clone())?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed);
    }
    let decoded = BASE64
        .decode(encoded.trim())
        .map_err(|_| malformed.clone())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed.clone())?;
    let (_, password) = decoded.split_once(':').ok_or(malformed)?;
    same_secret(password, secret)
        .then_some(())
        .ok_or(SignatureError::Mismatch(SHOWN))
}
