//! Pieces shared by several pages.

mod bar_chart;
mod form;
mod job_progress;
mod layout;
mod paging;
mod snippet;
mod status;
mod table_panel;
mod timestamp;

pub use bar_chart::BarChart;
pub use form::{
    CheckboxField, FormError, SelectField, SubmitButton, TextAreaField, TextField,
    TypedConfirmation, field_error, form_action, form_error, submit_with,
};
pub use job_progress::{FinishedJob, JobProgress, JobState, LiveJob};
pub use layout::AppShell;
pub use paging::{GrowingList, Page, ShowMore};
pub use snippet::Snippet;
pub use status::{ErrorPanel, Loading, SessionPending};
pub use table_panel::{ConfirmRow, RemovableRow, TablePanel};
pub use timestamp::Timestamp;
