mod api_tokens;
mod jobs;
mod limits;
mod organizations;
mod sessions;
mod users;
