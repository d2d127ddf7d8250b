use serde_json::Value;

/// An HTTP client with a cookie jar (a browser, in effect), or a bearer token.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base_url: String,
    pub bearer: Option<String>,
}

pub struct GraphqlResponse {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Client {
    pub fn new(base_url: &str, bearer: Option<String>) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("http client"),
            base_url: base_url.to_owned(),
            bearer,
        }
    }

    pub async fn graphql(&self, query: &str, variables: Value) -> GraphqlResponse {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.base_url))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(token) = &self.bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.expect("JSON body");
        GraphqlResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .expect("send")
    }
}

impl GraphqlResponse {
    /// The data, after asserting there were no errors.
    #[track_caller]
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The single error's `extensions.code`, after asserting there was exactly one.
    #[track_caller]
    pub fn error_code(&self) -> &str {
        let errors = self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected an error, got {}", self.body));
        assert_eq!(errors.len(), 1, "expected one error: {}", self.body);
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("error without code: {}", self.body))
    }

    #[track_caller]
    pub fn error_field(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["field"].as_str()
    }

    #[track_caller]
    pub fn error_message(&self) -> &str {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
    }
}
