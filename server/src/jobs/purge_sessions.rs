//! Housekeeping: expired sessions and stale login throttles are deleted.

use super::worker::JobContext;
use crate::domain::sessions::{self, SessionPolicy};

pub async fn run(context: &JobContext) -> anyhow::Result<()> {
    context.progress(10, "deleting expired sessions").await?;
    let policy = SessionPolicy::from_config(&context.state.config);
    let mut conn = context.state.db.get().await?;
    let purged = sessions::purge_expired(&mut conn, &policy).await?;
    tracing::info!(purged, "expired sessions deleted");
    context
        .progress(100, &format!("deleted {purged} expired sessions"))
        .await?;
    Ok(())
}
