//! `composer/metadata-minifier` (spec 2.3): each version after the first lists only the
//! top-level keys that changed from the one before, and `"__unset"` for keys it lost.
//!
//! `expand` is what the client runs on our files; it lives here so tests can prove
//! that what we serve expands back to what we meant.

use serde_json::{Map, Value};

/// Marks a key the previous version had and this one does not.
const UNSET: &str = "__unset";

/// Minify a list of version objects, in the order given.
///
/// Unlike the PHP original, a key holding `null` is compared as a value rather than
/// read as absent (`isset`), so `null`s survive the round trip; the client's `expand`
/// sets any value other than `"__unset"`, so it reads the output the same way.
pub fn minify(versions: &[Map<String, Value>]) -> Vec<Value> {
    let mut minified = Vec::with_capacity(versions.len());
    let mut previous: Option<&Map<String, Value>> = None;
    for version in versions {
        let Some(last) = previous else {
            minified.push(Value::Object(version.clone()));
            previous = Some(version);
            continue;
        };
        let mut diff = Map::new();
        for (key, value) in version {
            if last.get(key) != Some(value) {
                diff.insert(key.clone(), value.clone());
            }
        }
        for key in last.keys() {
            if !version.contains_key(key) {
                diff.insert(key.clone(), UNSET.into());
            }
        }
        minified.push(Value::Object(diff));
        previous = Some(version);
    }
    minified
}

/// `MetadataMinifier::expand`. Entries that are not objects are skipped (the client
/// would fail on them; we never write them).
pub fn expand(minified: &[Value]) -> Vec<Map<String, Value>> {
    let mut expanded: Vec<Map<String, Value>> = Vec::with_capacity(minified.len());
    for entry in minified {
        let Value::Object(changes) = entry else {
            continue;
        };
        let Some(previous) = expanded.last() else {
            expanded.push(changes.clone());
            continue;
        };
        let mut version = previous.clone();
        for (key, value) in changes {
            if value.as_str() == Some(UNSET) {
                // Order-keeping removal: `remove` would swap keys around.
                version.retain(|existing, _| existing != key);
            } else {
                version.insert(key.clone(), value.clone());
            }
        }
        expanded.push(version);
    }
    expanded
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn objects(values: Value) -> Vec<Map<String, Value>> {
        let Value::Array(values) = values else {
            panic!("expected an array");
        };
        values
            .into_iter()
            .map(|value| match value {
                Value::Object(map) => map,
                other => panic!("expected an object, got {other}"),
            })
            .collect()
    }

    /// The shape of spec 2.3: the first whole, then changes and `__unset`s; nested
    /// objects are replaced whole, never merged.
    #[test]
    fn known_example() {
        let versions = objects(json!([
            {"name": "acme/hello", "version": "2.0.0", "require": {"php": ">=8.1"},
             "dist": {"type": "zip", "url": "https://r/2.zip"}, "license": ["MIT"]},
            {"name": "acme/hello", "version": "1.1.0", "require": {"php": ">=8.1"},
             "dist": {"type": "zip", "url": "https://r/1.1.zip"}, "license": ["MIT"],
             "suggest": {"ext-intl": "faster"}},
            {"name": "acme/hello", "version": "1.0.0", "require": {"php": ">=7.4", "psr/log": "^1"},
             "dist": {"type": "zip", "url": "https://r/1.0.zip"}, "license": ["MIT"]},
        ]));
        let expected = json!([
            {"name": "acme/hello", "version": "2.0.0", "require": {"php": ">=8.1"},
             "dist": {"type": "zip", "url": "https://r/2.zip"}, "license": ["MIT"]},
            {"version": "1.1.0", "dist": {"type": "zip", "url": "https://r/1.1.zip"},
             "suggest": {"ext-intl": "faster"}},
            {"version": "1.0.0", "require": {"php": ">=7.4", "psr/log": "^1"},
             "dist": {"type": "zip", "url": "https://r/1.0.zip"}, "suggest": "__unset"},
        ]);
        let minified = minify(&versions);
        assert_eq!(Value::Array(minified.clone()), expected);
        assert_eq!(expand(&minified), versions);
    }

    #[test]
    fn round_trips() {
        let cases = [
            json!([]),
            json!([{}]),
            json!([{"a": 1}]),
            json!([{"a": 1}, {"a": 1}, {"a": 1}]),
            json!([{"a": 1}, {}, {"a": 1}]),
            json!([{}, {"a": 1}, {}]),
            json!([{"a": null}, {"a": null, "b": null}, {"b": 0}]),
            json!([{"a": {"x": 1, "y": 2}}, {"a": {"x": 1}}, {"a": {"x": 1, "y": 2}}]),
            json!([{"a": [1, 2]}, {"a": [2, 1]}, {"a": []}, {"a": {}}]),
            json!([{"a": "1", "b": true}, {"a": 1, "b": false}, {"a": 1.0, "b": "true"}]),
            json!([{"a": "x", "b": "y", "c": "z"}, {"c": "z", "b": "y"}, {"a": "x"}, {"d": 1}]),
            json!([{"version": "3"}, {"version": "2", "extra": {"k": "v"}}, {"version": "1"}]),
        ];
        for case in cases {
            let versions = objects(case.clone());
            let minified = minify(&versions);
            assert_eq!(minified.len(), versions.len(), "{case}");
            assert_eq!(expand(&minified), versions, "{case}");
            // Unchanged neighbours cost an empty object, nothing more.
            for (i, pair) in versions.windows(2).enumerate() {
                if pair[0] == pair[1] {
                    assert_eq!(minified[i + 1], json!({}), "{case}");
                }
            }
        }
    }

    /// Generated lists over a small key and value space, so that every combination of
    /// added, changed, kept and removed keys occurs between neighbours.
    #[test]
    fn round_trips_generated_lists() {
        let keys = ["name", "version", "require", "extra", "dist"];
        let values = [
            json!("a"),
            json!("b"),
            json!(null),
            json!({"x": 1}),
            json!({"x": 2}),
            json!([1]),
        ];
        // A small linear congruential generator: deterministic, no dependency.
        let mut seed: u64 = 0x5eed;
        let mut next = move |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % bound
        };
        for _ in 0..500 {
            let mut versions = Vec::new();
            for _ in 0..next(7) {
                let mut version = Map::new();
                for key in keys {
                    if next(3) > 0 {
                        version.insert(key.to_owned(), values[next(values.len())].clone());
                    }
                }
                versions.push(version);
            }
            let minified = minify(&versions);
            assert_eq!(expand(&minified), versions, "{versions:?}");
        }
    }

    #[test]
    fn expand_keeps_key_order_and_skips_non_objects() {
        let expanded = expand(&[
            json!({"a": 1, "b": 2, "c": 3}),
            json!("not an object"),
            json!({"a": "__unset", "d": 4}),
        ]);
        assert_eq!(expanded.len(), 2);
        let keys: Vec<&str> = expanded[1].keys().map(String::as_str).collect();
        assert_eq!(keys, ["b", "c", "d"]);
    }
}
