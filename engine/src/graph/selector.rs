//! dbt's node selection syntax, parsed into a small tree: space for union, comma for
//! intersection, `+`/`N+` for ancestors and descendants, `@` for descendants and all
//! their ancestors, `method:value` with globs. A pure function with errors that point
//! at the problem.

use std::fmt;

/// Methods users write; a bare value selects by name (or by path when it holds `/`).
pub const METHODS: [&str; 23] = [
    "name",
    "tag",
    "project",
    "package",
    "group",
    "access",
    "resource_type",
    "path",
    "file",
    "version",
    "owner",
    "config.materialized",
    "config.group",
    "source",
    "exposure",
    "metric",
    "semantic_model",
    "saved_query",
    "fqn",
    "unique_id",
    "test_type",
    "test_name",
    "config.access",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub method: String,
    pub value: String,
    /// `+x` (all: None inside Some) or `2+x`.
    pub parents: Option<Option<usize>>,
    /// `x+` or `x+3`.
    pub children: Option<Option<usize>>,
    /// `@x`.
    pub at: bool,
}

/// Union of intersections.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub union: Vec<Vec<Atom>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    pub input: String,
    /// Character offset of the problem.
    pub position: usize,
    pub message: String,
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at character {}:\n  {}\n  {}^",
            self.message,
            self.position + 1,
            self.input,
            " ".repeat(self.position)
        )
    }
}

impl std::error::Error for SelectorError {}

/// Longest selector accepted, in characters: a view is one screen, not a program.
pub const MAX_LENGTH: usize = 4096;

pub fn parse(input: &str) -> Result<Selector, SelectorError> {
    let err = |position: usize, message: String| SelectorError { input: input.to_string(), position, message };
    if input.chars().count() > MAX_LENGTH {
        return Err(err(MAX_LENGTH, format!("a selector may hold at most {MAX_LENGTH} characters")));
    }
    let mut selector = Selector::default();
    let mut offset = 0;
    for term in input.split(' ') {
        let start = offset;
        offset += term.chars().count() + 1;
        if term.is_empty() {
            continue;
        }
        let mut intersection = Vec::new();
        let mut inner = start;
        for part in term.split(',') {
            if part.is_empty() {
                return Err(err(inner, "an empty selector around a comma".to_string()));
            }
            intersection.push(parse_atom(part).map_err(|(p, m)| err(inner + p, m))?);
            inner += part.chars().count() + 1;
        }
        selector.union.push(intersection);
    }
    if selector.union.is_empty() {
        return Err(err(0, "the selector is empty".to_string()));
    }
    Ok(selector)
}

fn parse_atom(text: &str) -> Result<Atom, (usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let at = chars.first() == Some(&'@');
    if at {
        i = 1;
    }
    // Leading depth and `+`.
    let digits_start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    let mut parents = None;
    if i < chars.len() && chars[i] == '+' {
        let depth =
            (i > digits_start).then(|| chars[digits_start..i].iter().collect::<String>().parse().unwrap_or(usize::MAX));
        parents = Some(depth);
        i += 1;
    } else {
        i = digits_start;
    }
    // Trailing `+` and depth.
    let mut end = chars.len();
    let mut children = None;
    let mut j = end;
    while j > i && chars[j - 1].is_ascii_digit() {
        j -= 1;
    }
    if j > i && chars[j - 1] == '+' {
        let depth = (j < end).then(|| chars[j..end].iter().collect::<String>().parse().unwrap_or(usize::MAX));
        children = Some(depth);
        end = j - 1;
    }
    if at && (parents.is_some() || children.is_some()) {
        return Err((0, "`@` cannot be combined with `+`".to_string()));
    }
    let body: String = chars[i..end].iter().collect();
    if body.is_empty() {
        return Err((i, "a selector needs a name or method:value".to_string()));
    }
    if body.contains('+') || body.contains('@') {
        let at = i + body.find(['+', '@']).map(|b| body[..b].chars().count()).unwrap_or(0);
        return Err((at, "`+` and `@` go before or after a name, not inside it".to_string()));
    }
    let (method, value) = match body.split_once(':') {
        Some((m, v)) => {
            let method = m.to_ascii_lowercase();
            if !METHODS.contains(&method.as_str()) {
                return Err((i, format!("unknown selector method `{m}` (methods: {})", METHODS.join(", "))));
            }
            if v.is_empty() {
                return Err((i + m.chars().count() + 1, format!("`{m}:` needs a value")));
            }
            (method, v.to_string())
        }
        None if body.contains('/') => ("path".to_string(), body),
        None => ("name".to_string(), body),
    };
    Ok(Atom { method, value, parents, children, at })
}

/// `*` any run, `?` one character; case-insensitive as dbt's fnmatch on names is.
/// Selectors match every node of the mesh, so ASCII text (nearly all names) is
/// compared in place, without lowercased copies.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return glob(pattern.as_bytes(), text.as_bytes(), |p, t| p == b'?' || p.eq_ignore_ascii_case(&t), b'*');
    }
    let (p, t): (Vec<char>, Vec<char>) =
        (pattern.to_lowercase().chars().collect(), text.to_lowercase().chars().collect());
    glob(&p, &t, |p, t| p == '?' || p == t, '*')
}

/// The glob walk, backtracking to the last `*`, over bytes or chars.
fn glob<T: Copy + PartialEq>(p: &[T], t: &[T], same: impl Fn(T, T) -> bool, star_symbol: T) -> bool {
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && same(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star_symbol {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star_symbol {
        pi += 1;
    }
    pi == p.len()
}

/// A selector value, read once and then matched against every node of the mesh: a
/// value without wildcards (most are) is compared for equality, ignoring case, with no
/// copies made.
pub struct Pattern<'a> {
    text: &'a str,
    literal: bool,
    /// The text lowercased, when it has no wildcards.
    lowercase: Option<String>,
    /// Candidates are known to be ASCII.
    known_ascii: bool,
}

impl<'a> Pattern<'a> {
    pub fn new(text: &'a str) -> Self {
        let wildcards = text.contains(['*', '?']);
        Pattern {
            text,
            literal: text.is_ascii() && !wildcards,
            lowercase: (!wildcards).then(|| text.to_lowercase()),
            known_ascii: false,
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The text lowercased, if it has no wildcards: what it matches is just that text.
    pub fn lowercase_literal(&self) -> Option<&str> {
        self.lowercase.as_deref()
    }

    /// The text lowercased, if it is ASCII without wildcards: it then matches a name
    /// only if the name, lowercased, is this text.
    pub fn ascii_literal(&self) -> Option<&str> {
        self.lowercase.as_deref().filter(|_| self.literal)
    }

    /// This pattern for candidates known to be ASCII (`ascii`) or not: a literal ASCII
    /// pattern then rejects a candidate of another length without reading it.
    pub fn in_text(&self, ascii: bool) -> Pattern<'a> {
        Pattern { text: self.text, literal: self.literal, lowercase: None, known_ascii: ascii }
    }

    pub fn matches(&self, candidate: &str) -> bool {
        if self.literal && self.known_ascii {
            return candidate.len() == self.text.len() && candidate.eq_ignore_ascii_case(self.text);
        }
        if self.literal && candidate.is_ascii() {
            candidate.len() == self.text.len() && candidate.eq_ignore_ascii_case(self.text)
        } else {
            glob_match(self.text, candidate)
        }
    }

    /// Matches `parts` joined, without joining them.
    pub fn matches_joined(&self, parts: &[&str]) -> bool {
        if !self.literal || !(self.known_ascii || parts.iter().all(|p| p.is_ascii())) {
            return glob_match(self.text, &parts.concat());
        }
        if self.text.len() != parts.iter().map(|p| p.len()).sum::<usize>() {
            return false;
        }
        let mut rest = self.text.as_bytes();
        for part in parts {
            let (head, tail) = rest.split_at(part.len());
            if !head.eq_ignore_ascii_case(part.as_bytes()) {
                return false;
            }
            rest = tail;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atom(
        method: &str,
        value: &str,
        parents: Option<Option<usize>>,
        children: Option<Option<usize>>,
        at: bool,
    ) -> Atom {
        Atom { method: method.into(), value: value.into(), parents, children, at }
    }

    #[test]
    fn selectors_as_dbt_users_write_them() {
        let table: Vec<(&str, Vec<Vec<Atom>>)> = vec![
            ("orders", vec![vec![atom("name", "orders", None, None, false)]]),
            ("+orders", vec![vec![atom("name", "orders", Some(None), None, false)]]),
            ("orders+", vec![vec![atom("name", "orders", None, Some(None), false)]]),
            ("2+orders+3", vec![vec![atom("name", "orders", Some(Some(2)), Some(Some(3)), false)]]),
            ("@orders", vec![vec![atom("name", "orders", None, None, true)]]),
            ("tag:nightly", vec![vec![atom("tag", "nightly", None, None, false)]]),
            ("config.materialized:table", vec![vec![atom("config.materialized", "table", None, None, false)]]),
            ("models/marts", vec![vec![atom("path", "models/marts", None, None, false)]]),
            ("stg_*", vec![vec![atom("name", "stg_*", None, None, false)]]),
            ("a b", vec![vec![atom("name", "a", None, None, false)], vec![atom("name", "b", None, None, false)]]),
            (
                "tag:x,access:public",
                vec![vec![atom("tag", "x", None, None, false), atom("access", "public", None, None, false)]],
            ),
            ("  a   ", vec![vec![atom("name", "a", None, None, false)]]),
            ("+source:raw.orders+1", vec![vec![atom("source", "raw.orders", Some(None), Some(Some(1)), false)]]),
            ("version:latest", vec![vec![atom("version", "latest", None, None, false)]]),
            ("orders_2024+", vec![vec![atom("name", "orders_2024", None, Some(None), false)]]),
        ];
        for (input, want) in table {
            assert_eq!(parse(input).unwrap().union, want, "{input}");
        }
    }

    #[test]
    fn mistakes_point_at_the_problem() {
        for (input, position, needle) in [
            ("", 0, "empty"),
            ("colour:red", 0, "unknown selector method `colour`"),
            ("a tag:", 6, "`tag:` needs a value"),
            ("a,,b", 2, "empty selector around a comma"),
            ("@+a", 0, "`@` cannot be combined"),
            ("a+b", 1, "not inside it"),
            ("x +", 3, "needs a name"),
        ] {
            let err = parse(input).unwrap_err();
            assert_eq!(err.position, position, "{input}: {err}");
            assert!(err.message.contains(needle), "{input}: {err}");
            assert!(err.to_string().contains('^'));
        }
        assert!(parse(&"a ".repeat(3000)).unwrap_err().message.contains("at most"));
    }

    #[test]
    fn globs() {
        assert!(glob_match("stg_*", "stg_orders"));
        assert!(glob_match("*orders*", "fct_orders_daily"));
        assert!(glob_match("dim_?", "dim_a"));
        assert!(!glob_match("stg_*", "fct_orders"));
        assert!(glob_match("ORDERS", "orders"));
        assert!(glob_match("*", ""));
        assert!(glob_match("ÉTÉ_*", "été_orders"), "non-ASCII text is lowercased too");
        let joined = |pattern: &str| Pattern::new(pattern).matches_joined(&["finance", ".", "fct_orders"]);
        assert!(joined("Finance.FCT_orders"));
        assert!(!joined("finance.fct_order"));
        assert!(!joined("financ.efct_orders"));
        assert!(joined("fin*.fct_*"));
        assert!(Pattern::new("FCT_orders").matches("fct_orders"));
        assert!(!Pattern::new("fct_orders").matches("fct_orders_daily"));
        assert!(Pattern::new("été").matches("ÉTÉ"));
    }
}
