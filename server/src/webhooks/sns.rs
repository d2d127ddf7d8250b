//! Amazon SNS messages (how CodeCommit triggers reach an HTTP endpoint). SNS shares no
//! secret with us: each message is RSA-signed with the key of an X.509 certificate that
//! the message points to (`SigningCertURL`). A handler checks the URL with
//! [`cert_url_allowed`], fetches the certificate (and may cache it by URL), then calls
//! [`verify_message`]. Following "Verifying the signature of an Amazon SNS message"
//! (AWS SNS developer guide).
//!
//! With raw message delivery SNS sends the bare payload without any signature; such
//! subscriptions cannot be authenticated and must not be used.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnsError {
    #[error("the SNS message has no {0}")]
    Missing(&'static str),
    #[error("unknown SNS message Type `{0}`")]
    UnknownType(String),
    #[error("unsupported SNS SignatureVersion `{0}` (expected 1 or 2)")]
    UnsupportedVersion(String),
    #[error("the SNS Signature is not base64")]
    SignatureEncoding,
    #[error("the SNS signing certificate is unusable: {0}")]
    Certificate(String),
    #[error("the SNS signature does not match the message")]
    Mismatch,
}

impl From<SnsError> for crate::error::Error {
    fn from(error: SnsError) -> Self {
        crate::error::Error::Unauthenticated(error.to_string())
    }
}

/// The string SNS signs: `Name\nvalue\n` for each field in this order. Notifications
/// sign `Message, MessageId, Subject` (only when present)`, Timestamp, TopicArn, Type`;
/// (un)subscribe confirmations `Message, MessageId, SubscribeURL, Timestamp, Token,
/// TopicArn, Type`.
pub fn canonical_string(message: &Value) -> Result<String, SnsError> {
    let fields: &[&'static str] = match field(message, "Type")? {
        "Notification" => &[
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type",
        ],
        "SubscriptionConfirmation" | "UnsubscribeConfirmation" => &[
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type",
        ],
        other => return Err(SnsError::UnknownType(other.to_owned())),
    };
    let mut canonical = String::new();
    for &name in fields {
        let value = match message.get(name) {
            Some(Value::String(value)) => value.as_str(),
            None | Some(Value::Null) if name == "Subject" => continue,
            _ => return Err(SnsError::Missing(name)),
        };
        canonical.push_str(name);
        canonical.push('\n');
        canonical.push_str(value);
        canonical.push('\n');
    }
    Ok(canonical)
}

/// Verifies the message's `Signature` (SignatureVersion 1: SHA1withRSA, 2:
/// SHA256withRSA) with the public key of the PEM certificate fetched from its
/// `SigningCertURL`.
pub fn verify_message(message: &Value, signing_cert_pem: &[u8]) -> Result<(), SnsError> {
    let canonical = canonical_string(message)?;
    let signature = BASE64
        .decode(field(message, "Signature")?)
        .map_err(|_| SnsError::SignatureEncoding)?;
    let key = public_key(signing_cert_pem)?;
    let outcome = match field(message, "SignatureVersion")? {
        "1" => key.verify(
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            &sha1::Sha1::digest(canonical.as_bytes()),
            &signature,
        ),
        "2" => key.verify(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(canonical.as_bytes()),
            &signature,
        ),
        other => return Err(SnsError::UnsupportedVersion(other.to_owned())),
    };
    outcome.map_err(|_| SnsError::Mismatch)
}

fn public_key(pem: &[u8]) -> Result<RsaPublicKey, SnsError> {
    let certificate = Certificate::from_pem(pem)
        .map_err(|error| SnsError::Certificate(format!("not a PEM X.509 certificate: {error}")))?;
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|error| SnsError::Certificate(error.to_string()))?;
    RsaPublicKey::from_public_key_der(&spki)
        .map_err(|error| SnsError::Certificate(format!("no RSA public key: {error}")))
}

fn field<'a>(message: &'a Value, name: &'static str) -> Result<&'a str, SnsError> {
    message
        .get(name)
        .and_then(Value::as_str)
        .ok_or(SnsError::Missing(name))
}

/// Whether a `SigningCertURL` may be fetched: an `https` URL of a `.pem` file on an
/// SNS host (`sns.<region>.amazonaws.com`, or `.amazonaws.com.cn`). Anything else could
/// make us trust a key an attacker chose.
///
/// `allowed_host_suffix` replaces the SNS host rule (for tests and private endpoints):
/// the host must equal it or end with `.<suffix>`; plain `http` is then accepted only
/// for loopback hosts.
pub fn cert_url_allowed(url: &str, allowed_host_suffix: Option<&str>) -> bool {
    url::Url::parse(url).is_ok_and(|parsed| {
        parsed.path().ends_with(".pem") && url_allowed(&parsed, allowed_host_suffix)
    })
}

/// Whether a `SubscribeURL` may be fetched to confirm a subscription: the same host
/// rules as [`cert_url_allowed`], so that a message cannot make us request an arbitrary
/// URL. Check it only after [`verify_message`] succeeded.
pub fn subscribe_url_allowed(url: &str, allowed_host_suffix: Option<&str>) -> bool {
    url::Url::parse(url).is_ok_and(|parsed| url_allowed(&parsed, allowed_host_suffix))
}

fn url_allowed(url: &url::Url, allowed_host_suffix: Option<&str>) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    // User info in an SNS URL is never legitimate and has been used to disguise hosts.
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match allowed_host_suffix {
        None => url.scheme() == "https" && url.port().is_none() && is_sns_host(&host),
        Some(suffix) => {
            let suffix = suffix.trim_start_matches('.').to_ascii_lowercase();
            let host_matches = host == suffix || host.ends_with(&format!(".{suffix}"));
            let loopback = matches!(url.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
                || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
                || host == "localhost";
            host_matches && (url.scheme() == "https" || (url.scheme() == "http" && loopback))
        }
    }
}

/// `sns.<region>.amazonaws.com` or `sns.<region>.amazonaws.com.cn`, as the AWS SDKs'
/// message validators accept.
fn is_sns_host(host: &str) -> bool {
    let Some(rest) = host.strip_prefix("sns.") else {
        return false;
    };
    let region = rest
        .strip_suffix(".amazonaws.com")
        .or_else(|| rest.strip_suffix(".amazonaws.com.cn"));
    region.is_some_and(|region| {
        region.len() >= 3
            && region
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    })
}
