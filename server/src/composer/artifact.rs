//! Uploaded package archives (Composer's `artifact` repository type): a zip with the
//! package's composer.json, including its `version`, at the top or inside one folder.
//! Checked before anything is stored: a real zip, a valid manifest, no entry that could
//! write outside the folder it is extracted into.

use std::io::{Cursor, Read};

use sha1::{Digest, Sha1};

use super::metadata::{ComposerJson, validate_composer_json};
use super::version::normalize;
use crate::error::{Error, Result};

const FIELD: &str = "file";
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
const NOT_A_ZIP: &str = "the uploaded file is not a valid zip archive";

/// An archive whose directory was readable but whose entry is not.
fn damaged(entry: impl std::fmt::Display, error: zip::result::ZipError) -> Error {
    tracing::info!(%error, "upload refused: damaged zip entry");
    invalid(format!(
        "the uploaded zip archive is damaged: {entry} cannot be read"
    ))
}

#[derive(Debug, Clone)]
pub struct InspectedArtifact {
    pub manifest: ComposerJson,
    pub name: String,
    pub version: String,
    pub version_normalized: String,
    pub sha1: String,
}

fn invalid(message: impl Into<String>) -> Error {
    Error::invalid(FIELD, message)
}

pub fn inspect(bytes: &[u8], max_bytes: u64) -> Result<InspectedArtifact> {
    if bytes.len() as u64 > max_bytes {
        return Err(invalid(format!(
            "the archive is larger than {} MiB",
            max_bytes / 1024 / 1024
        )));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| {
        // The zip library's wording ("Could not find EOCD") means nothing to the person
        // who picked the file; the detail goes to the server log for whoever debugs it.
        tracing::info!(%error, "upload refused: not a zip archive");
        invalid(NOT_A_ZIP)
    })?;
    let mut manifest_entry: Option<(usize, usize)> = None;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| damaged(format_args!("entry {}", index + 1), e))?;
        let name = entry
            .name()
            .map_err(|e| damaged(format_args!("the name of entry {}", index + 1), e))?
            .to_string();
        let escapes = name.starts_with('/')
            || name.contains('\\')
            || name.split('/').any(|part| part == "..")
            || name.chars().nth(1) == Some(':');
        if escapes || entry.enclosed_name().is_none() {
            return Err(invalid(format!(
                "the archive entry {name:?} points outside the package"
            )));
        }
        if name == "composer.json" || name.ends_with("/composer.json") {
            let depth = name.matches('/').count();
            // The shallowest composer.json is the package's, as Composer reads it.
            if depth <= 1 && manifest_entry.is_none_or(|(_, best)| depth < best) {
                manifest_entry = Some((index, depth));
            }
        }
    }
    let (index, _) = manifest_entry
        .ok_or_else(|| invalid("the archive has no composer.json at its top level"))?;
    let mut entry = archive
        .by_index(index)
        .map_err(|e| damaged("composer.json", e))?;
    if entry.size() > MAX_MANIFEST_BYTES {
        return Err(invalid("composer.json is larger than 1 MiB"));
    }
    let mut manifest_bytes = Vec::new();
    entry
        .by_ref()
        .take(MAX_MANIFEST_BYTES)
        .read_to_end(&mut manifest_bytes)
        .map_err(|e| damaged("composer.json", e.into()))?;
    let manifest = validate_composer_json(&manifest_bytes).map_err(|e| invalid(e.to_string()))?;
    let version = manifest
        .version_field()
        .map(str::to_owned)
        .ok_or_else(|| invalid("composer.json in an artifact must have a \"version\""))?;
    let version_normalized = normalize(&version)
        .map_err(|_| invalid(format!("{version:?} is not a Composer version")))?;
    Ok(InspectedArtifact {
        name: manifest.name().to_owned(),
        manifest,
        version,
        version_normalized,
        sha1: hex::encode(Sha1::digest(bytes)),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// Entries are stored uncompressed, so tests can find and alter their bytes.
    fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    const MANIFEST: &str = r#"{"name": "acme/tool", "version": "v1.2.0", "autoload": {"psr-4": {"Acme\\Tool\\": "src/"}}}"#;

    #[test]
    fn reads_the_manifest_at_the_top_or_in_one_folder() {
        for layout in [
            zip_of(&[("composer.json", MANIFEST), ("src/Tool.php", "<?php")]),
            zip_of(&[
                ("tool-1.2.0/composer.json", MANIFEST),
                ("tool-1.2.0/vendor/x/composer.json", "{}"),
            ]),
        ] {
            let artifact = inspect(&layout, 1 << 20).unwrap();
            assert_eq!(
                (artifact.name.as_str(), artifact.version_normalized.as_str()),
                ("acme/tool", "1.2.0.0")
            );
            assert_eq!(artifact.sha1.len(), 40);
        }
    }

    #[test]
    fn bad_archives_are_refused_on_the_file_field() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"not a zip at all".to_vec(), NOT_A_ZIP),
            (zip_of(&[("README.md", "hi")]), "no composer.json"),
            (
                zip_of(&[("composer.json", r#"{"name": "acme/tool"}"#)]),
                "must have a \"version\"",
            ),
            (
                zip_of(&[(
                    "composer.json",
                    r#"{"name": "acme/tool", "version": "banana"}"#,
                )]),
                "not a Composer version",
            ),
            (
                zip_of(&[("composer.json", MANIFEST), ("../../etc/cron.d/x", "boom")]),
                "points outside",
            ),
            (
                zip_of(&[("composer.json", MANIFEST), ("/etc/passwd", "x")]),
                "points outside",
            ),
            (zip_of(&[("composer.json", "{ broken")]), "not valid JSON"),
        ];
        for (bytes, expected) in cases {
            let error = inspect(&bytes, 1 << 20).unwrap_err();
            assert_eq!(error.field(), Some("file"));
            assert!(error.to_string().contains(expected), "{error}");
        }
        let big = zip_of(&[("composer.json", MANIFEST)]);
        assert!(
            inspect(&big, 10)
                .unwrap_err()
                .to_string()
                .contains("larger than")
        );
    }

    /// Library wording ("Could not find EOCD", "Invalid checksum") never reaches the
    /// person uploading: they are told what is wrong with their file.
    #[test]
    fn broken_zips_are_described_in_plain_words() {
        let whole = zip_of(&[("composer.json", MANIFEST), ("src/Tool.php", "<?php")]);
        for not_zip in [
            whole[..whole.len() - 10].to_vec(),
            Vec::new(),
            b"PK\x03\x04 and then nothing".to_vec(),
        ] {
            let error = inspect(&not_zip, 1 << 20).unwrap_err();
            assert_eq!(error.to_string(), NOT_A_ZIP);
            assert_eq!(error.field(), Some("file"));
        }
        // The directory is intact but composer.json's bytes no longer match their CRC.
        let mut flipped = zip_of(&[("composer.json", MANIFEST)]);
        let at = flipped
            .windows(9)
            .position(|window| window == b"acme/tool")
            .expect("stored uncompressed");
        flipped[at + 8] = b'X';
        let error = inspect(&flipped, 1 << 20).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the uploaded zip archive is damaged: composer.json cannot be read"
        );
    }
}
