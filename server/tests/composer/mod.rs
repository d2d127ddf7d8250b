mod access;
mod repository;
