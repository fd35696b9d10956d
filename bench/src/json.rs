//! A small JSON writer that keeps keys in the order they are written, as dbt does,
//! and writes straight into one string: the generator writes hundreds of megabytes.

use std::fmt::Write;

/// Appends `s` as a JSON string literal.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => {
                out.push_str(&s[start..i]);
                let _ = write!(out, "\\u{:04x}", c as u32);
                start = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(escaped);
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Writes one JSON object with `fill` and returns it.
pub fn object(fill: impl FnOnce(&mut Obj)) -> String {
    let mut out = String::new();
    write_object(&mut out, fill);
    out
}

pub fn write_object(out: &mut String, fill: impl FnOnce(&mut Obj)) {
    out.push('{');
    let mut obj = Obj { out, first: true };
    fill(&mut obj);
    obj.out.push('}');
}

fn write_array(out: &mut String, fill: impl FnOnce(&mut Arr)) {
    out.push('[');
    let mut arr = Arr { out, first: true };
    fill(&mut arr);
    arr.out.push(']');
}

pub struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl Obj<'_> {
    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        push_string(self.out, key);
        self.out.push(':');
        self.out
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        push_string(self.key(key), value);
        self
    }

    pub fn opt(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.null(key),
        }
    }

    pub fn null(&mut self, key: &str) -> &mut Self {
        self.key(key).push_str("null");
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        let out = self.key(key);
        let _ = write!(out, "{value}");
        self
    }

    pub fn float(&mut self, key: &str, value: f64) -> &mut Self {
        let out = self.key(key);
        let _ = write!(out, "{value:?}");
        self
    }

    /// An already written JSON value.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    pub fn obj(&mut self, key: &str, fill: impl FnOnce(&mut Obj)) -> &mut Self {
        write_object(self.key(key), fill);
        self
    }

    pub fn arr(&mut self, key: &str, fill: impl FnOnce(&mut Arr)) -> &mut Self {
        write_array(self.key(key), fill);
        self
    }

    pub fn strs<S: AsRef<str>>(&mut self, key: &str, items: impl IntoIterator<Item = S>) -> &mut Self {
        self.arr(key, |a| {
            for item in items {
                a.str(item.as_ref());
            }
        })
    }
}

pub struct Arr<'a> {
    out: &'a mut String,
    first: bool,
}

impl Arr<'_> {
    fn next(&mut self) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out
    }

    pub fn str(&mut self, value: &str) -> &mut Self {
        push_string(self.next(), value);
        self
    }

    pub fn raw(&mut self, json: &str) -> &mut Self {
        self.next().push_str(json);
        self
    }

    pub fn obj(&mut self, fill: impl FnOnce(&mut Obj)) -> &mut Self {
        write_object(self.next(), fill);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_their_key_order_and_escape_strings() {
        let json = object(|o| {
            o.str("b", "say \"hi\"\n").null("a").int("n", 3).float("f", 1.5).bool("t", true);
            o.arr("list", |a| {
                a.str("x").obj(|o| {
                    o.strs("s", ["\u{1}"]);
                });
            });
        });
        assert_eq!(json, r#"{"b":"say \"hi\"\n","a":null,"n":3,"f":1.5,"t":true,"list":["x",{"s":["\u0001"]}]}"#);
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed["b"], "say \"hi\"\n");
    }
}
