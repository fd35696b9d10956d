//! URLs of pages, built in one place so every link agrees.

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' | b'~' => out.push(byte as char),
            _ => {
                // Pushed digit by digit: `format!` for each byte was a twentieth of the
                // mesh page's time (its links hold selectors of hundreds of ids).
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 0xF)] as char);
            }
        }
    }
    out
}

/// The page of a node. dbt unique_ids are dotted names; anything that would break a
/// path segment is percent-encoded.
pub fn node_href(unique_id: &str) -> String {
    format!("/nodes/{}", encode(unique_id))
}

/// The search results page for a query, from the given hit on.
pub fn search_href(query: &str, offset: usize) -> String {
    if offset == 0 {
        format!("/search?q={}", encode(query))
    } else {
        format!("/search?q={}&offset={offset}", encode(query))
    }
}

/// The page of a project.
pub fn project_href(project: &str) -> String {
    format!("/projects/{}", encode(project))
}

/// A lineage view: the selector, exclusion, lens and expanded fan-outs in the URL,
/// so every view can be shared.
pub fn lineage_href(select: &str, exclude: &str, lens: &str, expanded: &[String]) -> String {
    lineage_view_href(select, exclude, lens, "", expanded)
}

/// [`lineage_href`] with a grouping (`group=`); auto, the default, is left out.
pub fn lineage_view_href(select: &str, exclude: &str, lens: &str, group: &str, expanded: &[String]) -> String {
    let mut href = format!("/lineage?select={}", encode(select));
    if !exclude.is_empty() {
        href.push_str(&format!("&exclude={}", encode(exclude)));
    }
    if !lens.is_empty() && lens != "project" {
        href.push_str(&format!("&lens={}", encode(lens)));
    }
    if !group.is_empty() && group != "auto" {
        href.push_str(&format!("&group={}", encode(group)));
    }
    if !expanded.is_empty() {
        href.push_str(&format!("&expand={}", encode(&expanded.join(","))));
    }
    href
}

/// The page of an owner (a name or an email).
pub fn owner_href(owner: &str) -> String {
    format!("/owners/{}", encode(owner))
}

/// The column lineage view of one column: `/lineage?column=<unique_id>:<column>`.
pub fn column_lineage_href(unique_id: &str, column: &str) -> String {
    format!("/lineage?column={}", encode(&format!("{unique_id}:{column}")))
}

/// Where a search hit leads: the column's lineage for a `column:` hit, else the node.
pub fn hit_href(unique_id: &str, column: Option<&str>) -> String {
    match column {
        Some(c) => column_lineage_href(unique_id, c),
        None => node_href(unique_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_stay_readable() {
        assert_eq!(node_href("model.platform.dim_customers.v2"), "/nodes/model.platform.dim_customers.v2");
    }

    #[test]
    fn queries_are_encoded() {
        assert_eq!(search_href("owner:\"Platform Team\" x&y", 0), "/search?q=owner%3A%22Platform%20Team%22%20x%26y");
        assert_eq!(search_href("a", 20), "/search?q=a&offset=20");
        assert_eq!(owner_href("data-oncall@acme.io"), "/owners/data-oncall%40acme.io");
        assert_eq!(lineage_href("+a", "", "project", &[]), "/lineage?select=%2Ba");
        assert_eq!(
            lineage_href("a", "b", "access", &["x".into(), "y".into()]),
            "/lineage?select=a&exclude=b&lens=access&expand=x%2Cy"
        );
        assert_eq!(lineage_view_href("a", "", "", "auto", &[]), "/lineage?select=a");
        assert_eq!(
            lineage_view_href("a", "", "", "folder", &["group:folder:p:models/x".into()]),
            "/lineage?select=a&group=folder&expand=group%3Afolder%3Ap%3Amodels%2Fx"
        );
    }

    #[test]
    fn separators_are_encoded() {
        assert_eq!(node_href("source.a.b/c d"), "/nodes/source.a.b%2Fc%20d");
        assert_eq!(node_href("model.ünï.x"), "/nodes/model.%C3%BCn%C3%AF.x");
    }
}
