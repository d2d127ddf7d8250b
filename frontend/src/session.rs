//! Who is signed in, shared with every page through context.
//!
//! The session itself is an HttpOnly cookie the browser keeps; this module only mirrors
//! what the server says about it, so the UI can guard routes and show the username.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::operations::{CurrentViewer, current_viewer, login};
use crate::api::{ApiError, execute};

/// The signed-in user, as the `viewer` query describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub is_admin: bool,
}

impl From<current_viewer::CurrentViewerViewer> for Viewer {
    fn from(user: current_viewer::CurrentViewerViewer) -> Self {
        Self {
            id: user.id,
            username: user.username,
            email: user.email,
            is_admin: user.is_admin,
        }
    }
}

impl From<login::LoginLoginUser> for Viewer {
    fn from(user: login::LoginLoginUser) -> Self {
        Self {
            id: user.id,
            username: user.username,
            email: user.email,
            is_admin: user.is_admin,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// The `viewer` query sent at start-up has not answered yet.
    Checking,
    /// That query failed for a reason other than "not signed in" (server down, network);
    /// we cannot tell whether the cookie is still good, so we neither show pages nor
    /// send the user to the login form.
    Unavailable(ApiError),
    SignedOut,
    SignedIn(Viewer),
}

/// Handle to the app-wide session; `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct Session {
    state: RwSignal<SessionState>,
}

impl Session {
    /// Creates the session for the whole app, puts it in context and asks the server who
    /// is signed in.
    pub fn provide() -> Self {
        let session = Self {
            state: RwSignal::new(SessionState::Checking),
        };
        provide_context(session);
        session.check();
        session
    }

    /// The session provided by the app root.
    pub fn expect() -> Self {
        expect_context()
    }

    /// (Re-)asks the server who the cookie belongs to.
    pub fn check(self) {
        self.state.set(SessionState::Checking);
        spawn_local(async move {
            let next = match execute::<CurrentViewer>(current_viewer::Variables).await {
                Ok(data) => data.viewer.map_or(SessionState::SignedOut, |viewer| {
                    SessionState::SignedIn(viewer.into())
                }),
                Err(error) if error.is_unauthenticated() => SessionState::SignedOut,
                Err(error) => SessionState::Unavailable(error),
            };
            self.state.set(next);
        });
    }

    pub fn state(self) -> SessionState {
        self.state.get()
    }

    pub fn viewer(self) -> Option<Viewer> {
        self.state.with(|state| match state {
            SessionState::SignedIn(viewer) => Some(viewer.clone()),
            _ => None,
        })
    }

    /// `Some(true)` signed in, `Some(false)` signed out, `None` while it cannot be known:
    /// the shape the router's protected routes expect.
    pub fn is_signed_in(self) -> Option<bool> {
        self.state.with(|state| match state {
            SessionState::SignedIn(_) => Some(true),
            SessionState::SignedOut => Some(false),
            SessionState::Checking | SessionState::Unavailable(_) => None,
        })
    }

    pub fn signed_in(self, viewer: Viewer) {
        self.state.set(SessionState::SignedIn(viewer));
    }

    pub fn signed_out(self) {
        self.state.set(SessionState::SignedOut);
    }

    /// Every page passes its API errors through here: a session that expired or was
    /// revoked shows up as UNAUTHENTICATED on any request, and flipping to signed-out
    /// lets the route guard send the user to the login page.
    pub fn observe(self, error: &ApiError) {
        if error.is_unauthenticated() {
            self.signed_out();
        }
    }
}
