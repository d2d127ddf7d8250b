//! Signing in (with a password or a code host) and the viewer's profile with their
//! linked accounts. (Signing out is the top bar's button.)

mod login;
mod profile;

pub use login::LoginPage;
pub use profile::ProfilePage;
