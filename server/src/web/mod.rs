//! The dashboard: the single-page app built by Trunk into `frontend/dist`, embedded in
//! release builds (read from disk in debug builds), plus the GraphiQL page.

use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../frontend/dist"]
#[allow_missing = true]
struct Dist;

/// Paths that belong to the API or the Composer repository: a miss there is a real 404,
/// never the dashboard's index page.
const NOT_SPA_PREFIXES: &[&str] = &["/api/", "/graphql", "/p2/", "/dists/", "/downloads/"];

/// Files first; page routes of the SPA fall back to `index.html`; missing files (any
/// last segment with an extension) and API paths are 404.
pub async fn spa(uri: Uri) -> Response {
    let path = uri.path();
    let relative = path.trim_start_matches('/');
    if !relative.is_empty()
        && let Some(file) = Dist::get(relative)
    {
        return file_response(relative, file);
    }
    let last_segment = relative.rsplit('/').next().unwrap_or_default();
    if NOT_SPA_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || last_segment.contains('.')
    {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({ "message": format!("no such resource: {path}") })),
        )
            .into_response();
    }
    match Dist::get("index.html") {
        Some(index) => file_response("index.html", index),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The Packyard dashboard has not been built into this binary. \
             Build it with `scripts/run.sh` (or `trunk build --release`) and rebuild the server.\n",
        )
            .into_response(),
    }
}

fn file_response(path: &str, file: rust_embed::EmbeddedFile) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Trunk puts a content hash in every asset name except index.html, so assets can be
    // cached forever while index.html must always be revalidated.
    let cache = if path == "index.html" {
        "no-cache"
    } else if path.starts_with("graphiql/") {
        "public, max-age=86400"
    } else {
        "public, max-age=31536000, immutable"
    };
    let mut response = file.data.into_owned().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref()).expect("mime types are valid header values"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// `GET /graphql`: GraphiQL, loading its scripts from our own origin so that it works
/// on networks without internet access.
pub async fn graphiql() -> Html<&'static str> {
    Html(include_str!("graphiql.html"))
}
