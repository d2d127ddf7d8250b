//! REST endpoints under `/api/`: inbound webhooks, compatible with Packagist's URLs.

pub mod update_package;
