mod access;
mod customers;
mod repository;
