//! The search box's little language, parsed into clauses: words, "quoted phrases",
//! `key:value` filters, `-` to exclude, `OR` between two terms. A pure function:
//! whatever it cannot use it keeps as words and says so.

/// Filter keys users write, as dbt Explorer users write them.
pub const FILTER_KEYS: [&str; 10] =
    ["owner", "project", "type", "access", "tag", "contract", "group", "package", "materialized", "column"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word, matched by prefix and with typos.
    Word(String),
    /// Words typed as one (`dim_cust`, `orders_placed`): each must match, and `OR`
    /// takes them together.
    AllWords(Vec<String>),
    /// Adjacent words.
    Phrase(Vec<String>),
    /// `key:value`; the key is one of [`FILTER_KEYS`], the value lowercased.
    Filter { key: String, value: String },
}

/// One term, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub negated: bool,
    /// Alternatives joined by `OR`; a single term is a one-element list.
    pub any_of: Vec<Term>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Every clause must hold (negated ones must not).
    pub clauses: Vec<Clause>,
    /// What was read as plain words instead, and why.
    pub ignored: Vec<String>,
}

impl ParsedQuery {
    /// The words and phrases a hit must contain, for ranking and highlighting.
    pub fn free_text(&self) -> Vec<String> {
        self.clauses
            .iter()
            .filter(|c| !c.negated)
            .flat_map(|c| c.any_of.iter())
            .flat_map(|t| match t {
                Term::Word(w) => vec![w.clone()],
                Term::AllWords(words) | Term::Phrase(words) => words.clone(),
                Term::Filter { .. } => Vec::new(),
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The value of the first `key:` filter a hit must match.
    pub fn filter_value(&self, key: &str) -> Option<&str> {
        self.clauses.iter().filter(|c| !c.negated && c.any_of.len() == 1).find_map(|c| match &c.any_of[0] {
            Term::Filter { key: k, value } if k == key => Some(value.as_str()),
            _ => None,
        })
    }
}

/// Lowercased runs of letters and digits: how the index cuts text into words.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Raw tokens: quoted strings stay whole (with their quotes), the rest splits on spaces.
fn tokens(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => {
                current.push(c);
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn unquote(s: &str) -> (&str, bool) {
    match s.strip_prefix('"') {
        Some(rest) => (rest.strip_suffix('"').unwrap_or(rest), true),
        None => (s, false),
    }
}

/// One token (without its `-`) to terms; `ignored` collects what was not understood.
fn term(token: &str, ignored: &mut Vec<String>) -> Vec<Term> {
    let (text, quoted) = unquote(token);
    if quoted {
        let words = words(text);
        return match words.len() {
            0 => Vec::new(),
            1 => vec![Term::Word(words[0].clone())],
            _ => vec![Term::Phrase(words)],
        };
    }
    if let Some((key, value)) = text.split_once(':') {
        let key_lower = key.to_lowercase();
        let (value, _) = unquote(value);
        if FILTER_KEYS.contains(&key_lower.as_str()) && !value.trim().is_empty() {
            return vec![Term::Filter { key: key_lower, value: value.trim().to_lowercase() }];
        }
        if !key.is_empty() {
            ignored.push(if FILTER_KEYS.contains(&key_lower.as_str()) {
                format!("{key}: needs a value")
            } else {
                format!("{key}: is not a filter (filters: {})", FILTER_KEYS.join(", "))
            });
        }
    }
    let mut words = words(text);
    match words.len() {
        0 => Vec::new(),
        1 => vec![Term::Word(words.remove(0))],
        _ => vec![Term::AllWords(words)],
    }
}

pub fn parse(input: &str) -> ParsedQuery {
    let mut parsed = ParsedQuery::default();
    let tokens = tokens(input);
    let mut pending_or = false;
    for (i, token) in tokens.iter().enumerate() {
        if token == "OR" {
            let has_left = parsed.clauses.last().is_some_and(|c| !c.negated);
            let has_right = i + 1 < tokens.len();
            if has_left && has_right {
                pending_or = true;
            } else {
                parsed.ignored.push("OR needs a term on each side".to_string());
            }
            continue;
        }
        let (negated, body) = match token.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, token.as_str()),
        };
        let mut terms = term(body, &mut parsed.ignored);
        if terms.is_empty() {
            continue;
        }
        if pending_or && !negated {
            pending_or = false;
            if let Some(last) = parsed.clauses.last_mut() {
                last.any_of.append(&mut terms);
            }
            continue;
        }
        if pending_or {
            pending_or = false;
            parsed.ignored.push("OR before an excluded term".to_string());
        }
        for t in terms {
            // `-stg_orders` excludes the name, not each of its words.
            let t = match (negated, t) {
                (true, Term::AllWords(words)) => Term::Phrase(words),
                (_, t) => t,
            };
            parsed.clauses.push(Clause { negated, any_of: vec![t] });
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Term {
        Term::Word(s.into())
    }
    fn f(k: &str, v: &str) -> Term {
        Term::Filter { key: k.into(), value: v.into() }
    }
    fn all(terms: Vec<Term>) -> Vec<Clause> {
        terms.into_iter().map(|t| Clause { negated: false, any_of: vec![t] }).collect()
    }

    #[test]
    fn the_query_language() {
        let table: Vec<(&str, Vec<Clause>)> = vec![
            ("orders", all(vec![w("orders")])),
            ("dim_cust", all(vec![Term::AllWords(vec!["dim".into(), "cust".into()])])),
            ("  Orders  Daily ", all(vec![w("orders"), w("daily")])),
            ("owner:alice", all(vec![f("owner", "alice")])),
            ("OWNER:Alice@Acme.io type:model", all(vec![f("owner", "alice@acme.io"), f("type", "model")])),
            ("project:\"finance\"", all(vec![f("project", "finance")])),
            ("\"order history\"", all(vec![Term::Phrase(vec!["order".into(), "history".into()])])),
            ("\"orders\"", all(vec![w("orders")])),
            (
                "orders -legacy",
                vec![
                    Clause { negated: false, any_of: vec![w("orders")] },
                    Clause { negated: true, any_of: vec![w("legacy")] },
                ],
            ),
            ("-access:private", vec![Clause { negated: true, any_of: vec![f("access", "private")] }]),
            (
                "-stg_orders",
                vec![Clause { negated: true, any_of: vec![Term::Phrase(vec!["stg".into(), "orders".into()])] }],
            ),
            ("revenue OR margin", vec![Clause { negated: false, any_of: vec![w("revenue"), w("margin")] }]),
            ("a OR b OR c", vec![Clause { negated: false, any_of: vec![w("a"), w("b"), w("c")] }]),
            (
                "orders_placed OR total_revenue",
                vec![Clause {
                    negated: false,
                    any_of: vec![
                        Term::AllWords(vec!["orders".into(), "placed".into()]),
                        Term::AllWords(vec!["total".into(), "revenue".into()]),
                    ],
                }],
            ),
            (
                "tag:pii OR tag:finance",
                vec![Clause { negated: false, any_of: vec![f("tag", "pii"), f("tag", "finance")] }],
            ),
        ];
        for (input, want) in table {
            let parsed = parse(input);
            assert_eq!(parsed.clauses, want, "{input}");
            assert!(parsed.ignored.is_empty(), "{input}: {:?}", parsed.ignored);
        }
    }

    #[test]
    fn what_cannot_be_used_is_searched_as_words_and_reported() {
        let parsed = parse("colour:red orders");
        assert_eq!(parsed.clauses, all(vec![Term::AllWords(vec!["colour".into(), "red".into()]), w("orders")]));
        assert!(parsed.ignored[0].contains("colour: is not a filter"), "{:?}", parsed.ignored);
        let parsed = parse("owner: orders");
        assert_eq!(parsed.clauses, all(vec![w("owner"), w("orders")]));
        assert!(parsed.ignored[0].contains("needs a value"));
        let parsed = parse("OR orders OR");
        assert_eq!(parsed.clauses, all(vec![w("orders")]));
        assert_eq!(parsed.ignored.len(), 2);
        let parsed = parse("\"unclosed phrase");
        assert_eq!(parsed.clauses, all(vec![Term::Phrase(vec!["unclosed".into(), "phrase".into()])]));
        assert!(parse("").is_empty());
        assert!(parse(" - \"\" ").is_empty());
    }

    #[test]
    fn free_text_leaves_out_filters_and_exclusions() {
        assert_eq!(parse("dim \"order history\" -x owner:bo").free_text(), ["dim", "order", "history"]);
    }
}
