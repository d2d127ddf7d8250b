mod api_tokens;
mod jobs;
mod limits;
mod organization_tokens;
mod organizations;
mod packages;
mod sessions;
mod users;
