//! Waiting in the browser without blocking it.

use std::time::Duration;

use futures::channel::oneshot;
use leptos::prelude::set_timeout;

/// Resolves after `duration` (a `setTimeout`).
pub async fn sleep(duration: Duration) {
    let (done, wait) = oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        duration,
    );
    let _ = wait.await;
}
