//! Amazon SNS signatures with a throwaway key and self-signed certificate standing in
//! for AWS's, and the canonical string of the fixture notification.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::EncodePem;
use x509_cert::der::pem::LineEnding;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

use super::sns::{
    SnsError, canonical_string, cert_url_allowed, subscribe_url_allowed, verify_message,
};

const FIXTURE: &str = "sns-notification-reference-changes.json";

/// A throwaway RSA key and a self-signed certificate for it, standing in for AWS's.
/// Generated once per test binary: key generation is the slow part.
fn signer() -> &'static (RsaPrivateKey, String) {
    static SIGNER: OnceLock<(RsaPrivateKey, String)> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let signing_key = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
        let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).unwrap();
        let builder = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            Validity::from_now(std::time::Duration::from_secs(3600)).unwrap(),
            "CN=sns.test.invalid".parse::<Name>().unwrap(),
            spki,
            &signing_key,
        )
        .unwrap();
        let certificate = builder.build::<rsa::pkcs1v15::Signature>().unwrap();
        (key, certificate.to_pem(LineEnding::LF).unwrap())
    })
}

fn sign(message: &mut Value, version: &str) {
    let (key, _) = signer();
    message["SignatureVersion"] = version.into();
    let canonical = canonical_string(message).unwrap();
    let signature = match version {
        "1" => key.sign(
            Pkcs1v15Sign::new::<sha1::Sha1>(),
            &sha1::Sha1::digest(canonical.as_bytes()),
        ),
        _ => key.sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(canonical.as_bytes()),
        ),
    }
    .unwrap();
    message["Signature"] = BASE64.encode(signature).into();
}

fn fixture() -> Value {
    let path = super::fixtures_tests::fixtures_dir()
        .join("aws-codecommit")
        .join(FIXTURE);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

fn subscription_confirmation() -> Value {
    json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e2425e5f7",
        "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
        "Message": "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.",
        "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37",
        "Timestamp": "2012-04-26T20:45:04.751Z",
        "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    })
}

#[test]
fn canonical_string_of_the_fixture_notification() {
    let message = fixture();
    let canonical = canonical_string(&message).unwrap();
    let expected = format!(
        "Message\n{}\nMessageId\n1f094d1f-cc33-556b-a471-1ca3e3a1170c\n\
         Subject\nUPDATE: AWS CodeCommit us-west-2 push: testjenkins\n\
         Timestamp\n2017-06-15T06:46:42.385Z\n\
         TopicArn\narn:aws:sns:us-west-2:239062223385:testjenkins-topic\n\
         Type\nNotification\n",
        message["Message"].as_str().unwrap()
    );
    assert_eq!(canonical, expected);
    assert!(cert_url_allowed(
        message["SigningCertURL"].as_str().unwrap(),
        None
    ));
}

#[test]
fn canonical_string_without_subject_and_for_confirmations() {
    let mut message = fixture();
    message.as_object_mut().unwrap().remove("Subject");
    assert!(!canonical_string(&message).unwrap().contains("Subject"));
    message["Subject"] = Value::Null;
    assert!(!canonical_string(&message).unwrap().contains("Subject"));

    let confirmation = canonical_string(&subscription_confirmation()).unwrap();
    let names: Vec<&str> = confirmation.lines().step_by(2).collect();
    assert_eq!(
        names,
        [
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type"
        ]
    );
    let mut missing_token = subscription_confirmation();
    missing_token.as_object_mut().unwrap().remove("Token");
    assert_eq!(
        canonical_string(&missing_token),
        Err(SnsError::Missing("Token"))
    );
}

/// The fixture's publisher edited the message after AWS signed it, so its real
/// signature cannot verify, even with AWS's certificate; with ours it must not.
#[test]
fn the_fixtures_own_signature_is_rejected() {
    let (_, pem) = signer();
    assert_eq!(
        verify_message(&fixture(), pem.as_bytes()),
        Err(SnsError::Mismatch)
    );
}

#[test]
fn signed_messages_verify_and_tampering_is_rejected() {
    let (_, pem) = signer();
    for version in ["1", "2"] {
        for mut message in [fixture(), subscription_confirmation()] {
            sign(&mut message, version);
            assert_eq!(
                verify_message(&message, pem.as_bytes()),
                Ok(()),
                "v{version}"
            );

            let mut altered = message.clone();
            let text = altered["Message"].as_str().unwrap().replacen('e', "f", 1);
            altered["Message"] = text.into();
            assert_eq!(
                verify_message(&altered, pem.as_bytes()),
                Err(SnsError::Mismatch)
            );

            // A signature made with SHA-1 must not pass as SHA-256, nor the reverse.
            let mut other_version = message.clone();
            other_version["SignatureVersion"] = if version == "1" { "2" } else { "1" }.into();
            assert_eq!(
                verify_message(&other_version, pem.as_bytes()),
                Err(SnsError::Mismatch)
            );
        }
    }
    let mut subscribe_url_changed = subscription_confirmation();
    sign(&mut subscribe_url_changed, "2");
    subscribe_url_changed["SubscribeURL"] = "https://sns.us-west-2.amazonaws.com/?evil".into();
    assert_eq!(
        verify_message(&subscribe_url_changed, pem.as_bytes()),
        Err(SnsError::Mismatch)
    );
}

#[test]
fn a_certificate_of_another_key_is_rejected() {
    let mut message = fixture();
    sign(&mut message, "2");
    let other = RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
    let signing_key = rsa::pkcs1v15::SigningKey::<Sha256>::new(other.clone());
    let certificate = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(2u32),
        Validity::from_now(std::time::Duration::from_secs(3600)).unwrap(),
        "CN=other.invalid".parse::<Name>().unwrap(),
        SubjectPublicKeyInfoOwned::from_key(other.to_public_key()).unwrap(),
        &signing_key,
    )
    .unwrap()
    .build::<rsa::pkcs1v15::Signature>()
    .unwrap();
    let pem = certificate.to_pem(LineEnding::LF).unwrap();
    assert_eq!(
        verify_message(&message, pem.as_bytes()),
        Err(SnsError::Mismatch)
    );
}

#[test]
fn malformed_messages_and_certificates() {
    let (_, pem) = signer();
    let mut message = fixture();
    sign(&mut message, "2");

    let mut version = message.clone();
    version["SignatureVersion"] = "3".into();
    assert_eq!(
        verify_message(&version, pem.as_bytes()),
        Err(SnsError::UnsupportedVersion("3".into()))
    );
    let mut encoding = message.clone();
    encoding["Signature"] = "not base64!".into();
    assert_eq!(
        verify_message(&encoding, pem.as_bytes()),
        Err(SnsError::SignatureEncoding)
    );
    let mut kind = message.clone();
    kind["Type"] = "Gossip".into();
    assert_eq!(
        verify_message(&kind, pem.as_bytes()),
        Err(SnsError::UnknownType("Gossip".into()))
    );
    assert!(matches!(
        verify_message(
            &message,
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        ),
        Err(SnsError::Certificate(_))
    ));
}

#[test]
fn certificate_and_subscribe_urls() {
    let aws = [
        (
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-b95095beb82e8f6a046b3aafc7f4149a.pem",
            true,
        ),
        (
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem",
            true,
        ),
        (
            "https://SNS.EU-WEST-1.AMAZONAWS.COM/SimpleNotificationService-1.pem",
            true,
        ),
        (
            "http://sns.us-west-2.amazonaws.com/SimpleNotificationService-1.pem",
            false,
        ),
        (
            "https://sns.us-west-2.amazonaws.com:8443/SimpleNotificationService-1.pem",
            false,
        ),
        (
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-1.txt",
            false,
        ),
        (
            "https://sns.us-west-2.amazonaws.com.evil.example/cert.pem",
            false,
        ),
        (
            "https://evil.example/sns.us-west-2.amazonaws.com/cert.pem",
            false,
        ),
        (
            "https://sns.us-west-2.amazonaws.com@evil.example/cert.pem",
            false,
        ),
        ("https://user@sns.us-west-2.amazonaws.com/cert.pem", false),
        ("https://s3.amazonaws.com/cert.pem", false),
        ("https://sns.amazonaws.com/cert.pem", false),
        ("https://sns.x.amazonaws.com/cert.pem", false),
        ("https://evilsns.us-west-2.amazonaws.com/cert.pem", false),
        ("file:///etc/ssl/cert.pem", false),
        ("not a url", false),
    ];
    for (url, allowed) in aws {
        assert_eq!(cert_url_allowed(url, None), allowed, "{url}");
    }
    let local = [
        ("http://127.0.0.1:8080/cert.pem", Some("127.0.0.1"), true),
        ("http://localhost:8080/cert.pem", Some("localhost"), true),
        (
            "https://certs.test.internal/cert.pem",
            Some("test.internal"),
            true,
        ),
        (
            "https://test.internal/cert.pem",
            Some(".test.internal"),
            true,
        ),
        (
            "http://certs.test.internal/cert.pem",
            Some("test.internal"),
            false,
        ),
        (
            "https://eviltest.internal/cert.pem",
            Some("test.internal"),
            false,
        ),
        (
            "https://sns.us-west-2.amazonaws.com/cert.pem",
            Some("test.internal"),
            false,
        ),
    ];
    for (url, suffix, allowed) in local {
        assert_eq!(
            cert_url_allowed(url, suffix),
            allowed,
            "{url} with {suffix:?}"
        );
    }
    assert!(subscribe_url_allowed(
        subscription_confirmation()["SubscribeURL"]
            .as_str()
            .unwrap(),
        None
    ));
    assert!(!subscribe_url_allowed(
        "https://169.254.169.254/latest/meta-data/",
        None
    ));
    assert!(!subscribe_url_allowed(
        "http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription",
        None
    ));
}
