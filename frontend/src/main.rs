//! The Packyard dashboard: a Leptos single-page app built by Trunk into `frontend/dist`,
//! which the server binary serves at `/` and which talks to it over `/graphql`.

mod api;
mod app;
mod components;
mod pages;
mod session;
mod timer;

fn main() {
    // A panic in the wasm otherwise shows up as an opaque "unreachable" trap.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
