mod hooks;
mod update_package;
