mod delete_files;
mod queue;
