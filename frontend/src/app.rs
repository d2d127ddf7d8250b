//! The route table: the dashboard's table of contents.

use leptos::prelude::*;
use leptos_router::components::{
    Outlet, ParentRoute, ProtectedParentRoute, ProtectedRoute, Route, Router, Routes,
};
use leptos_router::path;

use crate::components::{AppShell, SessionPending};
use crate::pages::NotFoundPage;
use crate::pages::auth::{LoginPage, ProfilePage};
use crate::pages::credentials::CredentialsTab;
use crate::pages::customers::{CustomerPage, CustomersTab};
use crate::pages::organizations::{
    MembersTab, NewOrganizationPage, OrganizationArea, OrganizationsPage,
};
use crate::pages::packages::{AddPackagePage, PackagePage, PackagesTab};
use crate::pages::suborganizations::{SuborganizationPage, SuborganizationsTab};
use crate::pages::synchronizations::SynchronizationsTab;
use crate::pages::teams::{TeamPage, TeamsTab};
use crate::pages::tokens::TokensTab;
use crate::pages::vendor_bundles::{VendorBundlePage, VendorBundlesTab};
use crate::pages::webhooks::WebhooksTab;
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    // Memoised so the guards re-render only when signed-in-ness flips, not on every
    // change of the session's contents.
    let signed_in = Memo::new(move |_| session.is_signed_in());
    let signed_out = Memo::new(move |_| signed_in.get().map(|signed_in| !signed_in));

    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                // Guest-only: signing in flips the session, and this guard moves on to `/`.
                <ProtectedRoute
                    path=path!("/login")
                    view=LoginPage
                    condition=move || signed_out.get()
                    redirect_path=|| "/"
                    fallback=SessionPending
                />
                // Everything else needs a session; signing out (or an expired cookie seen
                // by any request) sends the browser to the login page.
                <ProtectedParentRoute
                    path=path!("")
                    view=|| view! { <AppShell><Outlet /></AppShell> }
                    condition=move || signed_in.get()
                    redirect_path=|| "/login"
                    fallback=SessionPending
                >
                    <Route path=path!("") view=OrganizationsPage />
                    <Route path=path!("organizations/new") view=NewOrganizationPage />
                    <Route path=path!("profile") view=ProfilePage />
                    // An organization's area: its header and tabs around the tab's page.
                    <ParentRoute path=path!("orgs/:url_name") view=OrganizationArea>
                        <Route path=path!("") view=PackagesTab />
                        // Before `packages/:id`: the first route that matches wins.
                        <Route path=path!("packages/new") view=AddPackagePage />
                        <Route path=path!("packages/:vendor/:name") view=PackagePage />
                        // A package without a name yet (`#id` in the API).
                        <Route path=path!("packages/:id") view=PackagePage />
                        <Route path=path!("tokens") view=TokensTab />
                        <Route path=path!("credentials") view=CredentialsTab />
                        <Route path=path!("teams") view=TeamsTab />
                        <Route path=path!("teams/:team_id") view=TeamPage />
                        <Route path=path!("members") view=MembersTab />
                        <Route path=path!("suborganizations") view=SuborganizationsTab />
                        <Route path=path!("suborganizations/:sub") view=SuborganizationPage />
                        // The add page, for a package of the suborganization.
                        <Route path=path!("suborganizations/:sub/packages/new") view=AddPackagePage />
                        <Route path=path!("customers") view=CustomersTab />
                        <Route path=path!("customers/:customer") view=CustomerPage />
                        <Route path=path!("vendor-bundles") view=VendorBundlesTab />
                        <Route path=path!("webhooks") view=WebhooksTab />
                        <Route path=path!("synchronizations") view=SynchronizationsTab />
                        <Route path=path!("vendor-bundles/:bundle_id") view=VendorBundlePage />
                    </ParentRoute>
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}
