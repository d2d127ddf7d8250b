//! AWS CodeCommit through Amazon SNS on the hook URL: the fixture notification re-signed
//! with a throwaway key whose certificate a local server plays AWS's part in serving, as
//! does its subscription confirmation URL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::StatusCode;
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

use super::{deliver, fixture, job_count, packages};
use crate::both_backends;
use crate::support::TestApp;

both_backends!(
    a_signed_codecommit_notification_with_the_secret_reaches_the_package,
    subscriptions_are_confirmed_only_when_signed_and_on_an_allowed_host,
);

const REPOSITORY: &str = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/cicd-mgmt";
const HEADERS: &[(&str, &str)] = &[
    ("x-amz-sns-message-type", "Notification"),
    ("content-type", "text/plain; charset=UTF-8"),
];

fn signer() -> &'static (RsaPrivateKey, String) {
    static SIGNER: OnceLock<(RsaPrivateKey, String)> = OnceLock::new();
    SIGNER.get_or_init(|| {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let signing_key = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone());
        let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).unwrap();
        let certificate = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            Validity::from_now(std::time::Duration::from_secs(3600)).unwrap(),
            "CN=sns.test.invalid".parse::<Name>().unwrap(),
            spki,
            &signing_key,
        )
        .unwrap()
        .build::<rsa::pkcs1v15::Signature>()
        .unwrap();
        (key, certificate.to_pem(LineEnding::LF).unwrap())
    })
}

/// The string SNS signs (AWS SNS developer guide, "Verifying the signature").
fn canonical(message: &Value) -> String {
    let fields: &[&str] = if message["Type"] == "Notification" {
        &[
            "Message",
            "MessageId",
            "Subject",
            "Timestamp",
            "TopicArn",
            "Type",
        ]
    } else {
        &[
            "Message",
            "MessageId",
            "SubscribeURL",
            "Timestamp",
            "Token",
            "TopicArn",
            "Type",
        ]
    };
    fields
        .iter()
        .filter_map(|name| {
            message[*name]
                .as_str()
                .map(|value| format!("{name}\n{value}\n"))
        })
        .collect()
}

fn sign(message: &mut Value, certificate_url: &str) {
    message["SigningCertURL"] = certificate_url.into();
    message["SignatureVersion"] = "2".into();
    let digest = Sha256::digest(canonical(message).as_bytes());
    let signature = signer()
        .0
        .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
        .unwrap();
    message["Signature"] = BASE64.encode(signature).into();
}

/// A local stand-in for AWS: the certificate, and a subscription confirmation endpoint
/// that counts its calls.
struct FakeAws {
    base_url: String,
    confirmations: Arc<AtomicUsize>,
}

async fn fake_aws() -> FakeAws {
    let confirmations = Arc::new(AtomicUsize::new(0));
    let counter = confirmations.clone();
    let router = Router::new()
        .route(
            "/SimpleNotificationService-test.pem",
            get(|| async { signer().1.clone() }),
        )
        .route(
            "/confirm",
            get(move || {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    "<ConfirmSubscriptionResponse/>"
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    FakeAws {
        base_url: format!("http://{address}"),
        confirmations,
    }
}

async fn a_signed_codecommit_notification_with_the_secret_reaches_the_package(mut app: TestApp) {
    let aws = fake_aws().await;
    let (owner, nodes) = packages(&mut app, &[REPOSITORY]).await;
    let secret = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();
    let certificate_url = format!("{}/SimpleNotificationService-test.pem", aws.base_url);
    let mut message: Value = serde_json::from_slice(&fixture(
        "aws-codecommit/sns-notification-reference-changes.json",
    ))
    .unwrap();
    sign(&mut message, &certificate_url);
    let body = serde_json::to_vec(&message).unwrap();
    let with_secret = format!("/api/hooks/acme?secret={secret}");
    let jobs_before = job_count(&owner).await;

    // Signed by "AWS" but without the secret: anyone's topic could send that.
    let (status, answer) = deliver(&app, "/api/hooks/acme", HEADERS, &[], body.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    let (status, _) = deliver(
        &app,
        "/api/hooks/acme?secret=wrong",
        HEADERS,
        &[],
        body.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The secret, but a message altered after signing.
    let mut altered = message.clone();
    altered["Message"] = altered["Message"]
        .as_str()
        .unwrap()
        .replace("cicd-mgmt", "cicd-mgmt-x")
        .into();
    let (status, _) = deliver(
        &app,
        &with_secret,
        HEADERS,
        &[],
        serde_json::to_vec(&altered).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A certificate from a host that is not SNS's (here: not the configured one).
    let mut elsewhere = message.clone();
    sign(
        &mut elsewhere,
        &certificate_url.replace("127.0.0.1", "localhost"),
    );
    let (status, _) = deliver(
        &app,
        &with_secret,
        HEADERS,
        &[],
        serde_json::to_vec(&elsewhere).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Raw message delivery carries no signature at all.
    let (status, _) = deliver(
        &app,
        &with_secret,
        &[("content-type", "application/json")],
        &[],
        fixture("aws-codecommit/records-trigger-event-test.json"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(job_count(&owner).await, jobs_before);

    let (status, answer) = deliver(&app, &with_secret, HEADERS, &[], body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(
        answer["jobs"][0]["package"],
        format!("#{}", nodes[0]["id"].as_str().unwrap())
    );
}

async fn subscriptions_are_confirmed_only_when_signed_and_on_an_allowed_host(mut app: TestApp) {
    let aws = fake_aws().await;
    let (_, nodes) = packages(&mut app, &[REPOSITORY]).await;
    let secret = nodes[0]["webhookSecret"].as_str().unwrap().to_owned();
    let certificate_url = format!("{}/SimpleNotificationService-test.pem", aws.base_url);
    let confirmation = |subscribe_url: String| {
        let mut message = json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e2425e5f7",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:codecommit",
            "Message": "You have chosen to subscribe to the topic arn:aws:sns:us-east-1:123456789012:codecommit.",
            "SubscribeURL": subscribe_url,
            "Timestamp": "2026-12-07T12:00:00.000Z",
        });
        sign(&mut message, &certificate_url);
        message
    };
    let headers = &[
        ("x-amz-sns-message-type", "SubscriptionConfirmation"),
        ("content-type", "text/plain; charset=UTF-8"),
    ];
    let with_secret = format!("/api/hooks/acme?secret={secret}");

    // A SubscribeURL on another host is never fetched, even in a signed message.
    let message =
        confirmation(format!("{}/confirm", aws.base_url).replace("127.0.0.1", "localhost"));
    let (status, answer) = deliver(
        &app,
        &with_secret,
        headers,
        &[],
        serde_json::to_vec(&message).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");

    // Unsigned (signature stripped): refused before anything is fetched.
    let mut unsigned = confirmation(format!("{}/confirm?Token=1", aws.base_url));
    unsigned["Signature"] = BASE64.encode(b"not a signature").into();
    let (status, _) = deliver(
        &app,
        &with_secret,
        headers,
        &[],
        serde_json::to_vec(&unsigned).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(aws.confirmations.load(Ordering::SeqCst), 0);

    let message = confirmation(format!("{}/confirm?Token=1", aws.base_url));
    let (status, answer) = deliver(
        &app,
        &with_secret,
        headers,
        &[],
        serde_json::to_vec(&message).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "confirmed");
    assert_eq!(aws.confirmations.load(Ordering::SeqCst), 1);
}
