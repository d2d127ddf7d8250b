mod hooks;
mod oauth;
mod update_package;
