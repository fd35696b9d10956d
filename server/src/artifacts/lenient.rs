//! Deserializers for fields whose shape varies across dbt versions and hand-edited YAML.

use serde::{de, Deserialize, Deserializer};

/// A string, a number or null, as a string: `version: 2`, `version: "2"`, `version: 1.5`.
pub fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::S(s)) => Some(s),
        Some(Raw::I(i)) => Some(i.to_string()),
        Some(Raw::F(f)) => Some(f.to_string()),
    })
}

/// Null, one string, or a list of strings (null entries dropped): `tags`, owner emails.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        One(String),
        Many(Vec<Option<String>>),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => Vec::new(),
        Some(Raw::One(s)) => vec![s],
        Some(Raw::Many(v)) => v.into_iter().flatten().collect(),
    })
}

/// A ref as manifest v11+ writes it (`{name, package, version}`) or as older ones do
/// (`["name"]`, `["package", "name"]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefEntry {
    pub name: String,
    pub package: Option<String>,
    pub version: Option<String>,
}

impl<'de> Deserialize<'de> for RefEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Dict {
            name: String,
            #[serde(default)]
            package: Option<String>,
            #[serde(default, deserialize_with = "opt_string_or_number")]
            version: Option<String>,
        }
        // List first: serde would also read a two-element list as a `Dict`.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            List(Vec<String>),
            Dict(Dict),
        }
        match Raw::deserialize(d)? {
            Raw::Dict(r) => Ok(RefEntry { name: r.name, package: r.package, version: r.version }),
            Raw::List(mut parts) => match parts.len() {
                1 => Ok(RefEntry { name: parts.remove(0), ..RefEntry::default() }),
                2 => {
                    let name = parts.remove(1);
                    Ok(RefEntry { name, package: Some(parts.remove(0)), version: None })
                }
                n => Err(de::Error::invalid_length(n, &"a ref of one or two names")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_string_or_number")]
        v: Option<String>,
        #[serde(default, deserialize_with = "string_list")]
        l: Vec<String>,
    }

    #[test]
    fn versions_of_every_shape_become_strings() {
        for (json, want) in [
            (r#"{"v": 2}"#, Some("2")),
            (r#"{"v": "v2"}"#, Some("v2")),
            (r#"{"v": 1.5}"#, Some("1.5")),
            (r#"{"v": null}"#, None),
            (r#"{}"#, None),
        ] {
            let p: Probe = serde_json::from_str(json).unwrap();
            assert_eq!(p.v.as_deref(), want, "{json}");
        }
    }

    #[test]
    fn lists_accept_one_string_or_many() {
        let p: Probe = serde_json::from_str(r#"{"l": "a@x.io"}"#).unwrap();
        assert_eq!(p.l, vec!["a@x.io"]);
        let p: Probe = serde_json::from_str(r#"{"l": ["a", null, "b"]}"#).unwrap();
        assert_eq!(p.l, vec!["a", "b"]);
        let p: Probe = serde_json::from_str(r#"{"l": null}"#).unwrap();
        assert!(p.l.is_empty());
    }

    #[test]
    fn refs_of_old_and_new_manifests() {
        let refs: Vec<RefEntry> = serde_json::from_str(
            r#"[["orders"], ["finance", "revenue"], {"name": "dim", "package": "core", "version": 1}]"#,
        )
        .unwrap();
        assert_eq!(refs[0].name, "orders");
        assert_eq!(refs[1].package.as_deref(), Some("finance"));
        assert_eq!(refs[1].name, "revenue");
        assert_eq!(refs[2].version.as_deref(), Some("1"));
        assert!(serde_json::from_str::<Vec<RefEntry>>(r#"[["a","b","c"]]"#).is_err());
    }
}
