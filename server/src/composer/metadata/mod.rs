//! Composer metadata (spec 1, 2): from a package's composer.json to the bytes of its
//! p2 files and the root `packages.json`.
//!
//! Pure functions, no database and no HTTP: the job that publishes a package reads its
//! versions, validates each manifest, builds version objects and renders the files
//! once; requests then serve the stored bytes. Keeping rendering pure is what lets the
//! snapshot tests pin down exactly what the client receives.
//!
//! * `manifest`: validation of a composer.json against the client's loader (spec 2.4).
//! * `version_object`: one version as published, what is kept and dropped.
//! * `minify`: the `composer/2.0` minifier and its inverse (spec 2.3).
//! * `render`: the two p2 files per package and the root file.

mod manifest;
mod minify;
mod render;
mod version_object;

#[cfg(test)]
mod tests;

pub use manifest::{ComposerJson, ManifestError, validate_composer_json};
pub use minify::{expand, minify};
pub use render::{PackageFiles, RootDocument, is_dev_version, render_package_files, render_root};
pub use version_object::{Dist, Source, VersionRecord, version_object};
