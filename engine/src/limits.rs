//! Every bound on what a request may ask for, in one table. The engine checks its
//! input against it, so pages, server functions, the JSON API and the CLI refuse the
//! same values with the same message; the HTTP layer reads its own bounds (URI,
//! bodies, uploads) from here too. The README's "Limits" table mirrors this one.

use std::{ops::RangeInclusive, time::Duration};

use model::error::Error;

#[derive(Debug, Clone)]
pub struct Limits {
    /// Hits one search may return.
    pub search_limit: RangeInclusive<usize>,
    /// Hits a search may skip: Tantivy reserves room for `limit + offset` hits up front.
    pub search_offset: RangeInclusive<usize>,
    /// Characters of a search query.
    pub query_chars: usize,
    /// Characters of a selector (`select` or `exclude`).
    pub selector_chars: usize,
    /// Terms of a selector: space-separated unions and comma-separated intersections.
    pub selector_terms: usize,
    /// The `N` of `N+name` or `name+N`; deeper is "all", which a bare `+` says.
    pub selector_depth: usize,
    /// Node ids in a lineage view's `expand` list.
    pub expand_ids: usize,
    /// Items (nodes and groups) a laid-out lineage view fits before `group=auto` puts
    /// nodes into groups.
    pub view_nodes: usize,
    /// Items a laid-out view draws whatever the grouping: the last resort, past which
    /// the nodes furthest from the focus are cut (and counted).
    pub view_nodes_cap: usize,
    /// Nodes `collapse=false` returns.
    pub view_nodes_uncollapsed: usize,
    /// Bytes of one diff upload (all its manifests).
    pub upload_bytes: u64,
    /// Uploads compared at once; more answer 503 with `Retry-After`.
    pub uploads_at_once: usize,
    /// Reviews kept in memory, by count and by their estimated size.
    pub reviews_kept: usize,
    pub review_bytes: usize,
    /// Bytes of a request's path and of its query string.
    pub path_bytes: usize,
    pub query_bytes: usize,
    /// Bytes of any other request body (server functions, forms).
    pub body_bytes: usize,
    /// No request takes longer than this.
    pub request_timeout: Duration,
    /// Steps a column lineage walks up or down.
    pub column_depth: RangeInclusive<usize>,
}

impl Limits {
    /// The bounds as shipped; `meshlens serve` may change `uploads_at_once`.
    pub const DEFAULT: Limits = Limits {
        search_limit: 1..=1000,
        search_offset: 0..=10_000,
        query_chars: 1024,
        selector_chars: crate::graph::selector::MAX_LENGTH,
        selector_terms: 256,
        selector_depth: 10_000,
        expand_ids: 200,
        view_nodes: 200,
        view_nodes_cap: 5_000,
        view_nodes_uncollapsed: 20_000,
        upload_bytes: 512 * 1024 * 1024,
        uploads_at_once: 2,
        reviews_kept: 50,
        review_bytes: 256 * 1024 * 1024,
        path_bytes: 2048,
        query_bytes: 16 * 1024,
        body_bytes: 1024 * 1024,
        request_timeout: Duration::from_secs(30),
        column_depth: 1..=50,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Steps a column lineage walks each way when a request does not say.
pub const COLUMN_DEPTH_DEFAULT: usize = 10;

/// `value` inside `range`, or a `bad_request` that names the parameter and the range.
pub fn check_range(name: &str, value: usize, range: &RangeInclusive<usize>) -> Result<usize, Error> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(Error::parameter(name, format!("must be from {} to {}, not {value}", range.start(), range.end())))
    }
}

/// At most `max` characters, or a `bad_request` that says so.
pub fn check_chars(name: &str, text: &str, max: usize) -> Result<(), Error> {
    let chars = text.chars().count();
    if chars > max {
        return Err(Error::parameter(name, format!("may hold at most {max} characters, not {chars}")));
    }
    Ok(())
}

impl Limits {
    /// A selector within the length, term and depth bounds. The parser reports
    /// mistakes of syntax; these are mistakes of size.
    pub fn check_selector(&self, name: &str, selector: &str) -> Result<(), Error> {
        check_chars(name, selector, self.selector_chars)?;
        let terms = selector.split([' ', ',']).filter(|t| !t.is_empty()).count();
        if terms > self.selector_terms {
            return Err(Error::parameter(name, format!("may hold at most {} terms, not {terms}", self.selector_terms)));
        }
        for term in selector.split([' ', ',']) {
            let leading = term.trim_start_matches('@');
            let digits = |s: &str| -> Option<String> {
                let d: String = s.chars().take_while(char::is_ascii_digit).collect();
                (!d.is_empty()).then_some(d)
            };
            let before = digits(leading).filter(|d| leading[d.len()..].starts_with('+'));
            let after = digits(&term.chars().rev().collect::<String>())
                .filter(|d| term[..term.len() - d.len()].ends_with('+'))
                .map(|d| d.chars().rev().collect());
            for depth in [before, after].into_iter().flatten() {
                if depth.parse::<usize>().map_or(true, |d| d > self.selector_depth) {
                    return Err(Error::parameter(
                        name,
                        format!(
                            "a depth may be at most {}, not {depth}; a bare `+` walks the whole graph",
                            self.selector_depth
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The ids of an `expand` list (comma-separated), at most `expand_ids` of them.
    pub fn expand_list(&self, expand: &str) -> Result<Vec<String>, Error> {
        let ids: Vec<&str> = expand.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if ids.len() > self.expand_ids {
            return Err(Error::parameter(
                "expand",
                format!("may list at most {} node ids, not {}", self.expand_ids, ids.len()),
            ));
        }
        check_chars("expand", expand, self.expand_ids * 512)?;
        Ok(ids.into_iter().map(str::to_string).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_name_the_parameter_and_the_bounds() {
        let limits = Limits::default();
        assert_eq!(check_range("offset", 10_000, &limits.search_offset).unwrap(), 10_000);
        let e = check_range("offset", 100_000_000_000, &limits.search_offset).unwrap_err();
        assert_eq!(e.to_string(), "offset: must be from 0 to 10000, not 100000000000");
        assert_eq!(e.status(), 400);
        let e = check_range("limit", 0, &limits.search_limit).unwrap_err();
        assert_eq!(e.to_string(), "limit: must be from 1 to 1000, not 0");
    }

    #[test]
    fn selectors_are_bounded_in_length_terms_and_depth() {
        let limits = Limits::default();
        for ok in ["+fct_orders+", "2+a+3", "@a", "a b,c", "10000+a", "tag:x+10000", "+a+", "a+1 b+2", "model.p.x_2"] {
            assert!(limits.check_selector("select", ok).is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("10001+a", "a depth may be at most 10000, not 10001"),
            ("a+99999999999999999999999", "not 99999999999999999999999"),
            ("b 3+a+20000", "not 20000"),
        ] {
            let e = limits.check_selector("select", bad).unwrap_err();
            assert!(e.to_string().contains(says), "{bad}: {e}");
            assert_eq!(e.parameter.as_deref(), Some("select"));
        }
        let many = vec!["a"; 257].join(" ");
        assert!(limits.check_selector("exclude", &many).unwrap_err().to_string().contains("at most 256 terms"));
        let long = "a".repeat(limits.selector_chars + 1);
        assert!(limits.check_selector("select", &long).unwrap_err().to_string().contains("at most 4096 characters"));
    }

    #[test]
    fn expand_lists_are_bounded() {
        let limits = Limits::default();
        assert_eq!(limits.expand_list("a,,b, c").unwrap(), ["a", "b", "c"]);
        assert!(limits.expand_list("").unwrap().is_empty());
        let many = vec!["x"; 201].join(",");
        assert_eq!(
            limits.expand_list(&many).unwrap_err().to_string(),
            "expand: may list at most 200 node ids, not 201"
        );
    }
}
