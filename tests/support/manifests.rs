//! The `[tasks]` table of a blind fixture portal's `manifest.toml`, for the end-to-end
//! tests: each task's expected outcome, decided from the regulations when the portal was
//! written.

use std::collections::BTreeMap;
use std::path::Path;

/// Task number → `met` or `violated`, from `fixtures/portals/<portal>/manifest.toml`
/// under `root`.
pub fn task_outcomes(root: &Path, portal: &str) -> BTreeMap<u64, String> {
    let path = root.join(format!("fixtures/portals/{portal}/manifest.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let manifest: toml::Value = toml::from_str(&text).unwrap();
    manifest["tasks"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.parse().unwrap(), v.as_str().unwrap().to_string()))
        .collect()
}
