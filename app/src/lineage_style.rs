//! Colours of the lineage lenses and edge kinds, as SVG attributes, so an exported
//! SVG looks the same outside the app.

use crate::dto::LineageNode;

/// The lenses a view can colour nodes by.
pub const LENSES: [(&str, &str); 6] = [
    ("project", "Project"),
    ("type", "Resource type"),
    ("access", "Access"),
    ("materialized", "Materialization"),
    ("contract", "Contract"),
    ("tests", "Latest test status"),
];

const PALETTE: [&str; 10] =
    ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac"];

/// The lenses of a review's graph: what a change reaches, by project, by owner.
pub const REVIEW_LENSES: [(&str, &str); 3] = [("impact", "Impact"), ("project", "Project"), ("owner", "Owner")];

/// The value of a node under a lens.
pub fn lens_value(lens: &str, node: &LineageNode) -> String {
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_string());
    match lens {
        "type" => node.resource_type.clone(),
        "access" => or_none(&node.access),
        "materialized" => or_none(&node.materialized),
        "contract" => if node.contract { "enforced" } else { "none" }.to_string(),
        "tests" => or_none(&node.test_status),
        "impact" => or_none(&node.impact),
        "owner" => node.owners.first().cloned().unwrap_or_else(|| "none".to_string()),
        _ => node.project.clone(),
    }
}

/// A colour for a lens value: fixed meanings where there are some, else a stable pick.
pub fn lens_colour(lens: &str, value: &str) -> &'static str {
    match (lens, value) {
        ("impact", "changed_breaking") => "#d64545",
        ("impact", "changed") => "#d9a21b",
        ("impact", "downstream") => "#4c78a8",
        ("access", "public") | ("contract", "enforced") | ("tests", "pass") => "#2e9e5b",
        ("access", "protected") | ("tests", "warn") => "#d9a21b",
        ("access", "private") | ("tests", "fail") | ("tests", "error") => "#d64545",
        (_, "none") => "#9aa3ad",
        _ => {
            let hash =
                value.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
            PALETTE[(hash % PALETTE.len() as u64) as usize]
        }
    }
}

/// Stroke, width and dash of an edge kind.
pub fn edge_style(kind: &str) -> (&'static str, &'static str, &'static str) {
    match kind {
        "cross_project" => ("#8a3ffc", "2.5", ""),
        "inferred" => ("#d97706", "2", "6 4"),
        _ => ("#8b95a1", "1.4", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_stable_and_meaningful() {
        assert_eq!(lens_colour("project", "finance"), lens_colour("project", "finance"));
        assert_eq!(lens_colour("access", "private"), "#d64545");
        assert_eq!(lens_colour("tests", "pass"), "#2e9e5b");
        let node = LineageNode { project: "p".into(), contract: true, ..LineageNode::default() };
        assert_eq!(lens_value("contract", &node), "enforced");
        assert_eq!(lens_value("access", &node), "none");
        assert_eq!(lens_value("bogus", &node), "p");
    }
}
