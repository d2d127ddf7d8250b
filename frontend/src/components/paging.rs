//! Cursor-connection lists that grow with a "Show more" button.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;

/// The part of a GraphQL connection a page keeps: the rows loaded so far, how many exist,
/// and where the next page starts (`None` once everything is loaded).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from the parts every connection in the schema has.
    pub fn new(items: Vec<T>, total: i64, has_next_page: bool, end_cursor: Option<String>) -> Self {
        Self {
            items,
            total,
            next_cursor: end_cursor.filter(|_| has_next_page),
        }
    }

    /// Appends the following page. The newer total wins: rows may have come or gone.
    fn extend(&mut self, next: Page<T>) {
        self.items.extend(next.items);
        self.total = next.total;
        self.next_cursor = next.next_cursor;
    }
}

/// A list shown from its first page, to which "Show more" appends the next ones.
pub struct GrowingList<T: 'static> {
    page: RwSignal<Page<T>>,
    error: RwSignal<Option<ApiError>>,
    load_more: Action<String, ()>,
}

impl<T> Clone for GrowingList<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for GrowingList<T> {}

impl<T: Clone + Send + Sync + 'static> GrowingList<T> {
    /// `load_after(cursor)` fetches the page that follows `cursor`.
    pub fn new<Load, Fut>(first_page: Page<T>, load_after: Load) -> Self
    where
        Load: Fn(String) -> Fut + 'static,
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let page = RwSignal::new(first_page);
        let error = RwSignal::new(None::<ApiError>);
        let load_more = Action::new_local(move |cursor: &String| {
            let next = load_after(cursor.clone());
            async move {
                match next.await {
                    Ok(next) => page.update(|page| page.extend(next)),
                    Err(failure) => error.set(Some(failure)),
                }
            }
        });
        Self {
            page,
            error,
            load_more,
        }
    }

    /// The rows loaded so far (tracked).
    pub fn items(self) -> Vec<T> {
        self.page.with(|page| page.items.clone())
    }

    /// How many rows exist in total, loaded or not (tracked).
    pub fn total(self) -> i64 {
        self.page.with(|page| page.total)
    }

    fn more(self) {
        if let Some(cursor) = self.page.with_untracked(|page| page.next_cursor.clone()) {
            self.error.set(None);
            self.load_more.dispatch(cursor);
        }
    }
}

/// "Showing 50 of 120 · Show more" under a [`GrowingList`], and why the last "more" failed;
/// nothing once everything is loaded.
#[component]
pub fn ShowMore<T: Clone + Send + Sync + 'static>(list: GrowingList<T>) -> impl IntoView {
    let pending = list.load_more.pending();
    let has_more = move || list.page.with(|page| page.next_cursor.is_some());
    let progress = move || {
        list.page
            .with(|page| format!("Showing {} of {}", page.items.len(), page.total))
    };
    view! {
        {move || {
            list.error.get().map(|error| view! { <p class="form-error" role="alert">{error.message}</p> })
        }}
        <Show when=has_more>
            <div class="show-more">
                <span class="muted">{progress}</span>
                <button
                    type="button"
                    class="button"
                    disabled=move || pending.get()
                    on:click=move |_| list.more()
                >
                    {move || if pending.get() { "Loading…" } else { "Show more" }}
                </button>
            </div>
        </Show>
    }
}
