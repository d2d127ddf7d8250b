//! Operations that send files: a GraphQL multipart request
//! (<https://github.com/jaydenseric/graphql-multipart-request-spec>) to `POST /graphql`.
//!
//! The form has three kinds of parts: `operations` (the usual `{query, variables}` JSON,
//! each file variable `null` — [`Upload`](super::operations::Upload) serialises so), `map`
//! (`{"0": ["variables.file"]}`: which variable each file fills) and the files, named
//! `0`, `1`, … The browser writes the multipart body and its boundary itself.

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;
use wasm_bindgen::JsValue;
use web_sys::{File, FormData, RequestCredentials};

use super::client::{ENDPOINT, read_response};
use super::{ApiError, ErrorCode};

/// HTTP status of a body over the server's size limit (`PACKYARD_MAX_UPLOAD_MIB`).
const PAYLOAD_TOO_LARGE: u16 = 413;

/// Runs `Q` with `variables` and `files`, each `(path, file)`: `path` is the variable the
/// file fills, as the spec writes it (`"variables.file"`, `"variables.files.0"`), and that
/// variable must be `null` in `variables`.
///
/// Errors are those of [`execute`](super::execute), plus a body the server refuses as too
/// large (HTTP 413): BAD_USER_INPUT on the first file's variable (`file`), so a form shows
/// it beside its file input like the server's own complaints about the archive.
pub async fn upload<Q: GraphQLQuery>(
    variables: Q::Variables,
    files: &[(&str, &File)],
) -> Result<Q::ResponseData, ApiError> {
    let operations = serde_json::to_string(&Q::build_query(variables))
        .map_err(|error| ApiError::transport(format_args!("unsendable variables: {error}")))?;
    let map: serde_json::Map<String, serde_json::Value> = files
        .iter()
        .enumerate()
        .map(|(index, (path, _))| (index.to_string(), serde_json::json!([path])))
        .collect();
    let form = FormData::new().map_err(js_failure)?;
    form.append_with_str("operations", &operations)
        .map_err(js_failure)?;
    form.append_with_str("map", &serde_json::Value::Object(map).to_string())
        .map_err(js_failure)?;
    for (index, (_, file)) in files.iter().enumerate() {
        form.append_with_blob_and_filename(&index.to_string(), file, &file.name())
            .map_err(js_failure)?;
    }
    // No Content-Type: the browser sets `multipart/form-data; boundary=…` for a FormData.
    let response = Request::post(ENDPOINT)
        .credentials(RequestCredentials::SameOrigin)
        .body(form)
        .map_err(ApiError::transport)?
        .send()
        .await
        .map_err(ApiError::transport)?;
    if response.status() == PAYLOAD_TOO_LARGE {
        let field = files
            .first()
            .and_then(|(path, _)| path.rsplit('.').find(|part| part.parse::<usize>().is_err()))
            .map(str::to_owned);
        return Err(ApiError {
            code: ErrorCode::BadUserInput,
            message: "The file is larger than this server accepts (HTTP 413). Its administrator \
                      can raise the limit (PACKYARD_MAX_UPLOAD_MIB)."
                .to_owned(),
            field,
        });
    }
    read_response::<Q>(response).await
}

fn js_failure(error: JsValue) -> ApiError {
    ApiError::transport(format_args!("the browser refused the form: {error:?}"))
}
