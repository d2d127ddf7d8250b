//! Parsing beyond the fixtures: encodings, generic bodies, detection from the body,
//! unsupported events and malformed payloads, and the errors a handler returns.

use serde_json::json;

use super::fixtures_tests::header_map;
use super::{
    Change, Event, EventKind, Provider, RefChange, RefKind, WebhookError, detect, parse, parse_as,
};

fn parse_json(headers: &[(&str, &str)], body: serde_json::Value) -> Result<Event, WebhookError> {
    parse(&header_map(headers), &serde_json::to_vec(&body).unwrap())
}

fn ignored_reason(event: &Event) -> &str {
    match &event.kind {
        EventKind::Ignored(reason) => reason,
        other => panic!("expected Ignored, got {other:?}"),
    }
}

#[test]
fn malformed_bodies_are_rejected_with_a_reason() {
    let github = header_map(&[("x-github-event", "push")]);
    let cases: [(&[u8], &str); 5] = [
        (b"", "the body is empty"),
        (b"  \n", "the body is empty"),
        (
            b"{\"ref\": ",
            "the body is not valid JSON: EOF while parsing",
        ),
        (
            b"payload=%7Bnot+json",
            "the `payload` form field is not JSON",
        ),
        (
            b"ref=refs/heads/main",
            "neither JSON nor a form with a `payload` field",
        ),
    ];
    for (body, message) in cases {
        let error = parse(&github, body).unwrap_err();
        assert!(matches!(error, WebhookError::Malformed(_)), "{error:?}");
        assert!(error.to_string().contains(message), "{error}");
    }
    let error = parse(&github, b"[1, 2]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "malformed webhook payload: the body must be a JSON object"
    );
    let error = parse_json(&[("x-github-event", "push")], json!({"before": "0"})).unwrap_err();
    assert_eq!(
        error.to_string(),
        "malformed webhook payload: missing `ref`"
    );

    let error: crate::error::Error = error.into();
    assert_eq!(error.code(), "BAD_USER_INPUT");
    assert_eq!(error.status(), axum::http::StatusCode::BAD_REQUEST);
}

#[test]
fn form_encoded_payloads() {
    let json = std::fs::read(
        super::fixtures_tests::fixtures_dir().join("github/push-branch-created.json"),
    )
    .unwrap();
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", std::str::from_utf8(&json).unwrap())
        .finish();
    for content_type in ["application/x-www-form-urlencoded", "application/json"] {
        let headers = header_map(&[("x-github-event", "push"), ("content-type", content_type)]);
        let event = parse(&headers, form.as_bytes()).unwrap();
        assert_eq!(
            event.repository_keys(),
            ["github.com/codertocat/hello-world"]
        );
        assert_eq!(event.refs.len(), 1);
    }
}

#[test]
fn generic_bodies_packagist_accepts() {
    let cases = [
        // Packagist's documented manual body, and Gitea's "Packagist" hook type.
        json!({"repository": {"url": "https://github.com/Acme/Tools"}}),
        json!({"repository": "git@github.com:acme/tools.git"}),
        json!({"project": {"git_http_url": "https://github.com/acme/tools.git"}}),
        json!({"repository": {"links": {"html": {"href": "https://github.com/acme/tools"}}}}),
        json!({"canon_url": "https://github.com", "repository": {"absolute_url": "/acme/tools/"}}),
    ];
    for body in cases {
        let event = parse_json(&[], body.clone()).unwrap();
        assert_eq!(event.provider, Provider::Generic, "{body}");
        assert_eq!(event.kind, EventKind::Push);
        assert!(
            event.refs.is_empty(),
            "a generic hook names no refs: update them all"
        );
        assert_eq!(event.repository_keys(), ["github.com/acme/tools"], "{body}");
    }
    let clone_links = json!({"repository": {"links": {"clone": [
        {"name": "http", "href": "http://bb.example.com/scm/prj/app.git"},
        {"name": "ssh", "href": "ssh://git@bb.example.com:7999/prj/app.git"},
    ]}}});
    let event = parse_json(&[], clone_links).unwrap();
    assert_eq!(event.repository_urls.len(), 2);
    assert_eq!(event.repository_keys(), ["bb.example.com/prj/app"]);

    let error = parse_as(Provider::Generic, &header_map(&[]), b"{\"repository\":{}}").unwrap_err();
    assert!(matches!(error, WebhookError::Unsupported(_)), "{error:?}");
}

#[test]
fn unknown_senders_are_unsupported() {
    let error = parse_json(&[("user-agent", "curl/8")], json!({"hello": "world"})).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unsupported webhook: cannot tell which code host sent this"),
        "{error}"
    );
    assert_eq!(
        detect(&header_map(&[]), b"{\"hello\": 1}").unwrap_err(),
        error
    );
}

#[test]
fn detection_order_and_body_only_detection() {
    let detect_headers = |pairs: &[(&str, &str)]| detect(&header_map(pairs), b"{}").unwrap();
    assert_eq!(
        detect_headers(&[
            ("x-github-event", "push"),
            ("x-github-enterprise-host", "ghe.example.com")
        ]),
        Provider::GitHubEnterprise
    );
    assert_eq!(
        detect_headers(&[("x-gogs-event", "push"), ("x-github-event", "push")]),
        Provider::Gogs
    );
    // Bitbucket: keys only one product sends, then Cloud's own headers.
    assert_eq!(
        detect_headers(&[("x-event-key", "repo:push")]),
        Provider::BitbucketCloud
    );
    assert_eq!(
        detect_headers(&[("x-event-key", "repo:refs_changed")]),
        Provider::BitbucketServer
    );
    assert_eq!(
        detect_headers(&[("x-event-key", "pullrequest:created"), ("x-hook-uuid", "1")]),
        Provider::BitbucketCloud
    );
    assert_eq!(
        detect_headers(&[("x-event-key", "pr:opened"), ("x-request-id", "1")]),
        Provider::BitbucketServer
    );
    // An SNS envelope or raw CodeCommit records without SNS headers.
    let sns = std::fs::read(
        super::fixtures_tests::fixtures_dir()
            .join("aws-codecommit/sns-notification-reference-changes.json"),
    )
    .unwrap();
    assert_eq!(
        detect(&header_map(&[]), &sns).unwrap(),
        Provider::CodeCommit
    );
    let records = std::fs::read(
        super::fixtures_tests::fixtures_dir()
            .join("aws-codecommit/records-trigger-event-test.json"),
    )
    .unwrap();
    assert_eq!(
        detect(&header_map(&[]), &records).unwrap(),
        Provider::CodeCommit
    );
}

#[test]
fn events_that_change_no_ref_are_ignored_with_a_reason() {
    let repository = json!({"html_url": "https://github.com/o/r", "full_name": "o/r"});
    let event = parse_json(
        &[("x-github-event", "issues")],
        json!({"action": "opened", "repository": repository}),
    )
    .unwrap();
    assert_eq!(
        ignored_reason(&event),
        "github event `issues` changes no branch or tag"
    );
    let event = parse_json(
        &[("x-github-event", "push")],
        json!({"ref": "refs/pull/1/head", "before": "a", "after": "b", "repository": repository}),
    )
    .unwrap();
    assert_eq!(
        ignored_reason(&event),
        "push to refs/pull/1/head, which is neither a branch nor a tag"
    );
    let event = parse_json(
        &[("x-github-event", "release")],
        json!({"action": "edited", "release": {"tag_name": "v1"}, "repository": repository}),
    )
    .unwrap();
    assert!(ignored_reason(&event).contains("release edited"));
    let event = parse_json(
        &[("x-github-event", "repository")],
        json!({"action": "archived", "repository": repository}),
    )
    .unwrap();
    assert!(ignored_reason(&event).contains("repository archived"));
    let event = parse_json(
        &[("x-gitlab-event", "Merge Request Hook")],
        json!({"object_kind": "merge_request"}),
    )
    .unwrap();
    assert_eq!(
        ignored_reason(&event),
        "GitLab event `merge_request` changes no branch or tag"
    );
    let event = parse_json(
        &[("x-gitee-event", "Issue Hook")],
        json!({"action": "open"}),
    )
    .unwrap();
    assert!(ignored_reason(&event).contains("Issue Hook"));
    let event = parse_json(
        &[("x-event-key", "pullrequest:created"), ("x-hook-uuid", "1")],
        json!({"pullrequest": {}}),
    )
    .unwrap();
    assert!(ignored_reason(&event).contains("pullrequest:created"));
    let event = parse_json(&[("x-event-key", "pr:opened")], json!({"pullRequest": {}})).unwrap();
    assert!(ignored_reason(&event).contains("pr:opened"));
    let event = parse_json(
        &[],
        json!({"eventType": "git.pullrequest.created", "publisherId": "tfs", "resource": {}}),
    )
    .unwrap();
    assert_eq!(event.provider, Provider::AzureDevOps);
    assert!(ignored_reason(&event).contains("git.pullrequest.created"));
}

/// Current Gitea payloads carry `repository.url`, the API URL (Packeton then matches
/// nothing); it shares the web URL's key.
#[test]
fn current_gitea_payload_with_api_url() {
    let body = json!({
        "ref": "refs/tags/v2.0.0",
        "before": "0000000000000000000000000000000000000000",
        "after": "4522cbcefc20728a5b72b3a86af35e608622c514",
        "repository": {
            "full_name": "team/App",
            "html_url": "https://git.example.com/team/App",
            "url": "https://git.example.com/api/v1/repos/team/App",
            "clone_url": "https://git.example.com/team/App.git",
            "ssh_url": "ssh://git@git.example.com:2222/team/App.git",
            "original_url": "https://github.com/upstream/app"
        }
    });
    let event = parse_json(&[("x-gitea-event", "push")], body).unwrap();
    assert_eq!(
        event.repository_urls.len(),
        4,
        "original_url is the upstream, not this one"
    );
    assert_eq!(event.repository_keys(), ["git.example.com/team/app"]);
    assert_eq!(
        event.refs,
        [RefChange {
            kind: RefKind::Tag,
            name: "v2.0.0".into(),
            change: Change::Created,
            after: Some("4522cbcefc20728a5b72b3a86af35e608622c514".into()),
        }]
    );
}

#[test]
fn sns_subscription_and_other_messages() {
    let sns = [("x-amz-sns-message-type", "SubscriptionConfirmation")];
    let event = parse_json(
        &sns,
        json!({
            "Type": "SubscriptionConfirmation",
            "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
            "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=x",
            "Token": "x",
        }),
    )
    .unwrap();
    assert_eq!(
        event.kind,
        EventKind::SubscriptionConfirmation {
            subscribe_url:
                "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=x".into()
        }
    );
    let error = parse_json(
        &sns,
        json!({"Type": "SubscriptionConfirmation", "TopicArn": "t"}),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "malformed webhook payload: missing `SubscribeURL`"
    );

    let notification = [("x-amz-sns-message-type", "Notification")];
    let event = parse_json(
        &notification,
        json!({"Type": "Notification", "TopicArn": "t", "Message": "Hello world!"}),
    )
    .unwrap();
    assert_eq!(
        ignored_reason(&event),
        "the SNS notification is not a CodeCommit trigger"
    );
    let event = parse_json(
        &[("x-amz-sns-message-type", "UnsubscribeConfirmation")],
        json!({"Type": "UnsubscribeConfirmation", "TopicArn": "t"}),
    )
    .unwrap();
    assert!(ignored_reason(&event).contains("unsubscribe"));

    // Created and deleted references, and two records.
    let records = json!({"Records": [
        {
            "eventSource": "aws:codecommit",
            "eventName": "ReferenceChanges",
            "eventSourceARN": "arn:aws:codecommit:eu-west-1:123456789012:app",
            "codecommit": {"references": [
                {"commit": "5c4ef1049f1d27deadbeeff313e0730018be182b", "ref": "refs/tags/v1.0.0", "created": true},
                {"commit": "5c4ef1049f1d27deadbeeff313e0730018be182b", "ref": "refs/heads/old", "deleted": true}
            ]}
        },
        {"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}
    ]});
    let event = parse_json(
        &notification,
        json!({
            "Type": "Notification", "TopicArn": "t", "Message": records.to_string()
        }),
    )
    .unwrap();
    assert_eq!(event.kind, EventKind::Push);
    assert_eq!(
        event.repository_urls,
        [
            "arn:aws:codecommit:eu-west-1:123456789012:app",
            "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app",
        ]
    );
    assert_eq!(
        event.repository_keys(),
        ["git-codecommit.eu-west-1.amazonaws.com/v1/repos/app"]
    );
    let changes: Vec<(RefKind, &str, Change, bool)> = event
        .refs
        .iter()
        .map(|change| {
            (
                change.kind,
                change.name.as_str(),
                change.change,
                change.after.is_some(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (RefKind::Tag, "v1.0.0", Change::Created, true),
            (RefKind::Branch, "old", Change::Deleted, false),
        ]
    );
}

#[test]
fn a_push_without_a_url_cannot_be_matched() {
    let body = std::fs::read(
        super::fixtures_tests::fixtures_dir()
            .join("bitbucket-server/repo-refs-changed-legacy-no-links.json"),
    )
    .unwrap();
    let event = parse(&header_map(&[("x-event-key", "repo:refs_changed")]), &body).unwrap();
    let error = event.require_repository_keys().unwrap_err();
    assert_eq!(error, WebhookError::NoRepository(Provider::BitbucketServer));
    assert!(
        error.to_string().contains("names no repository URL"),
        "{error}"
    );
}

#[test]
fn a_provider_named_by_the_endpoint_needs_its_event_header() {
    let error = parse_as(
        Provider::GitHub,
        &header_map(&[]),
        b"{\"ref\":\"refs/heads/main\"}",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "unsupported webhook: missing x-github-event header for a github webhook"
    );
}
