//! URLs of pages, built in one place so every link agrees.

/// The page of a node. dbt unique_ids are dotted names; anything that would break a
/// path segment is percent-encoded.
pub fn node_href(unique_id: &str) -> String {
    let mut href = String::from("/nodes/");
    for byte in unique_id.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'-' | b'~' => {
                href.push(byte as char)
            }
            _ => href.push_str(&format!("%{byte:02X}")),
        }
    }
    href
}

#[cfg(test)]
mod tests {
    use super::node_href;

    #[test]
    fn plain_ids_stay_readable() {
        assert_eq!(
            node_href("model.platform.dim_customers.v2"),
            "/nodes/model.platform.dim_customers.v2"
        );
    }

    #[test]
    fn separators_are_encoded() {
        assert_eq!(node_href("source.a.b/c d"), "/nodes/source.a.b%2Fc%20d");
    }
}
