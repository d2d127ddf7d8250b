mod delete_files;
mod queue;
mod update_package;
