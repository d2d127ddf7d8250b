//! Signing in. (Signing out is the top bar's button.)

mod login;

pub use login::LoginPage;
