//! Deserializers for fields whose shape varies across dbt versions and hand-edited YAML.
//! Hand-written visitors rather than untagged enums: a value of the wrong shape then says
//! what was expected ("a string, a list of strings or null") instead of "did not match any
//! variant", and nothing is buffered.

use std::fmt;

use serde::{
    de::{self, value::MapAccessDeserializer, Visitor},
    Deserialize, Deserializer,
};

/// A string, a number or null, as a string: `version: 2`, `version: "2"`, `version: 1.5`.
pub fn opt_string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct StringOrNumber;
    impl<'de> Visitor<'de> for StringOrNumber {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(Some(s.to_string()))
        }
        fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
            Ok(Some(s))
        }
        fn visit_i64<E: de::Error>(self, i: i64) -> Result<Self::Value, E> {
            Ok(Some(i.to_string()))
        }
        fn visit_u64<E: de::Error>(self, u: u64) -> Result<Self::Value, E> {
            Ok(Some(u.to_string()))
        }
        fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
            Ok(Some(f.to_string()))
        }
    }
    d.deserialize_any(StringOrNumber)
}

/// Null, one string, or a list of strings (null entries dropped): `tags`, owner emails.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct StringList;
    impl<'de> Visitor<'de> for StringList {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a list of strings or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(vec![s.to_string()])
        }
        fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
            Ok(vec![s])
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<Option<String>>()? {
                out.extend(item);
            }
            Ok(out)
        }
    }
    d.deserialize_any(StringList)
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
        #[serde(expecting = "a ref object with a name")]
        struct Dict {
            name: String,
            #[serde(default)]
            package: Option<String>,
            #[serde(default, deserialize_with = "opt_string_or_number")]
            version: Option<String>,
        }
        struct Ref;
        impl<'de> Visitor<'de> for Ref {
            type Value = RefEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a ref: a list of one or two names, or {name, package, version}")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<RefEntry, A::Error> {
                let mut parts: Vec<String> = Vec::new();
                while let Some(part) = seq.next_element::<String>()? {
                    parts.push(part);
                }
                let mut parts = parts.into_iter();
                match (parts.next(), parts.next(), parts.len()) {
                    (Some(name), None, 0) => Ok(RefEntry { name, ..RefEntry::default() }),
                    (Some(package), Some(name), 0) => Ok(RefEntry { name, package: Some(package), version: None }),
                    (first, second, rest) => {
                        let n = usize::from(first.is_some()) + usize::from(second.is_some()) + rest;
                        Err(de::Error::invalid_length(n, &"a ref of one or two names"))
                    }
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RefEntry, A::Error> {
                let r = Dict::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RefEntry { name: r.name, package: r.package, version: r.version })
            }
        }
        d.deserialize_any(Ref)
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
        assert!(serde_json::from_str::<Vec<RefEntry>>("[[]]").is_err());
    }

    #[test]
    fn wrong_shapes_say_what_was_expected() {
        let message = |json: &str| match serde_json::from_str::<Probe>(json) {
            Ok(_) => panic!("{json} was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(message(r#"{"l": {"a": 1}}"#).contains("expected a string, a list of strings or null"));
        assert!(message(r#"{"l": [1]}"#).contains("expected a string"));
        assert!(message(r#"{"v": true}"#).contains("expected a string, a number or null"));
        assert!(message(r#"{"v": [2]}"#).contains("expected a string, a number or null"));
        let err = serde_json::from_str::<Vec<RefEntry>>("[5]").unwrap_err().to_string();
        assert!(err.contains("expected a ref: a list of one or two names"), "{err}");
        let err = serde_json::from_str::<Vec<RefEntry>>(r#"[{"name": 5}]"#).unwrap_err().to_string();
        assert!(err.contains("invalid type: integer `5`, expected a string"), "{err}");
    }
}
