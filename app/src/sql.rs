//! A small SQL + Jinja highlighter: dbt code is shown on the server, so its colours
//! are spans computed here, not a script in the browser.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    String,
    Number,
    Comment,
    /// `{{ … }}`, `{% … %}` and `{# … #}`.
    Jinja,
}

impl Kind {
    pub fn class(self) -> &'static str {
        match self {
            Kind::Plain => "",
            Kind::Keyword => "kw",
            Kind::String => "str",
            Kind::Number => "num",
            Kind::Comment => "com",
            Kind::Jinja => "jinja",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "between",
    "by",
    "case",
    "cast",
    "coalesce",
    "count",
    "create",
    "cross",
    "current_date",
    "current_timestamp",
    "date_trunc",
    "desc",
    "distinct",
    "else",
    "end",
    "except",
    "exists",
    "false",
    "filter",
    "from",
    "full",
    "group",
    "having",
    "in",
    "inner",
    "intersect",
    "interval",
    "is",
    "join",
    "lateral",
    "left",
    "like",
    "limit",
    "max",
    "min",
    "not",
    "null",
    "on",
    "or",
    "order",
    "outer",
    "over",
    "partition",
    "qualify",
    "right",
    "row_number",
    "select",
    "sum",
    "then",
    "true",
    "union",
    "using",
    "when",
    "where",
    "window",
    "with",
];

/// Cuts `code` into runs of one kind; the runs concatenate back to `code`.
pub fn highlight<'a>(code: &'a str) -> Vec<(Kind, &'a str)> {
    let mut out: Vec<(Kind, &'a str)> = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    let mut plain_start = 0;
    let flush = |out: &mut Vec<(Kind, &'a str)>, from: usize, to: usize| {
        if from < to {
            out.push((Kind::Plain, &code[from..to]));
        }
    };
    while i < bytes.len() {
        let rest = &code[i..];
        let token: Option<(Kind, usize)> = if rest.starts_with("{{") {
            Some((Kind::Jinja, rest.find("}}").map_or(rest.len(), |e| e + 2)))
        } else if rest.starts_with("{%") {
            Some((Kind::Jinja, rest.find("%}").map_or(rest.len(), |e| e + 2)))
        } else if rest.starts_with("{#") {
            Some((Kind::Comment, rest.find("#}").map_or(rest.len(), |e| e + 2)))
        } else if rest.starts_with("--") {
            Some((Kind::Comment, rest.find('\n').unwrap_or(rest.len())))
        } else if rest.starts_with("/*") {
            Some((Kind::Comment, rest.find("*/").map_or(rest.len(), |e| e + 2)))
        } else if let Some(quoted) = rest.strip_prefix('\'') {
            Some((Kind::String, quoted.find('\'').map_or(rest.len(), |e| e + 2)))
        } else if bytes[i].is_ascii_digit() && (i == 0 || !is_word(bytes[i - 1])) {
            Some((Kind::Number, rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count()))
        } else if is_word(bytes[i]) && (i == 0 || !is_word(bytes[i - 1])) {
            let len = rest.bytes().take_while(|b| is_word(*b)).count();
            let word = &rest[..len];
            if KEYWORDS.binary_search(&word.to_ascii_lowercase().as_str()).is_ok() {
                Some((Kind::Keyword, len))
            } else {
                i += len;
                continue;
            }
        } else {
            None
        };
        match token {
            Some((kind, len)) => {
                flush(&mut out, plain_start, i);
                out.push((kind, &code[i..i + len]));
                i += len;
                plain_start = i;
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    flush(&mut out, plain_start, code.len());
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn sql_and_jinja_are_cut_into_kinds() {
        let code = "select id, 'a''b' as s -- note\nfrom {{ ref('orders') }} where n > 10";
        let runs = highlight(code);
        assert_eq!(runs.iter().map(|r| r.1).collect::<String>(), code);
        let of = |kind: Kind| runs.iter().filter(|r| r.0 == kind).map(|r| r.1).collect::<Vec<_>>();
        assert_eq!(of(Kind::Keyword), ["select", "as", "from", "where"]);
        assert_eq!(of(Kind::Jinja), ["{{ ref('orders') }}"]);
        assert_eq!(of(Kind::Comment), ["-- note"]);
        assert_eq!(of(Kind::Number), ["10"]);
        assert_eq!(of(Kind::String)[0], "'a'");
    }

    #[test]
    fn words_containing_keywords_are_plain() {
        let runs = highlight("selected_from fromage");
        assert!(runs.iter().all(|r| r.0 == Kind::Plain), "{runs:?}");
    }
}
