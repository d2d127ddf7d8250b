mod delete_files;
mod queue;
mod sync_organization;
mod update_package;
