//! Every GraphQL error leaves with a stable `extensions.code`. Our domain errors travel
//! as the source of async-graphql's errors and are rendered here, once; errors raised
//! before any resolver ran (syntax, unknown fields, argument types, depth and complexity
//! limits) are bad input.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextRequest, NextSubscribe,
};
use async_graphql::{Response, ServerError};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::error::Error;

pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        with_codes(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream).map(with_codes).boxed()
    }
}

fn with_codes(mut response: Response) -> Response {
    for error in &mut response.errors {
        apply_code(error);
    }
    response
}

fn apply_code(error: &mut ServerError) {
    // Cloning the Arc lets us read the source while rewriting the error it belongs to.
    let source = error.source.clone();
    if let Some(domain_error) = source.as_deref().and_then(|s| s.downcast_ref::<Error>()) {
        domain_error.apply_to(error);
        return;
    }
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some());
    if !has_code {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "BAD_USER_INPUT");
    }
}
