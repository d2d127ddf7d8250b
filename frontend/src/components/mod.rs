//! Pieces shared by several pages.

mod form;
mod layout;
mod paging;
mod status;
mod timestamp;

pub use form::{FormError, TextField, field_error, form_error};
pub use layout::AppShell;
pub use paging::{GrowingList, Page, ShowMore};
pub use status::{ErrorPanel, Loading, SessionPending};
pub use timestamp::Timestamp;
