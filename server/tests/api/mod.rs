mod oauth;
mod update_package;
