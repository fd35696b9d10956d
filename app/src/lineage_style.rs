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

/// Project colours: 15 hues apart in hue or lightness, each dark enough under white
/// text, given in the mesh's project order so 15 projects never share one.
const PROJECT_PALETTE: [&str; 15] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#a5a60f", "#17a2b8", "#393b79",
    "#637939", "#8c6d31", "#843c39", "#7b4173", "#0b7a75",
];

/// A lens value's colour in a view whose mesh has `projects` (sorted): projects by
/// their place in the mesh, everything else as [`lens_colour`] says.
pub fn colour_in(lens: &str, value: &str, projects: &[String]) -> &'static str {
    if matches!(lens, "project" | "") {
        if let Ok(i) = projects.binary_search_by(|p| p.as_str().cmp(value)) {
            return PROJECT_PALETTE[i % PROJECT_PALETTE.len()];
        }
    }
    lens_colour(lens, value)
}

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

    #[test]
    fn twelve_projects_get_twelve_colours() {
        let projects: Vec<String> = (0..15).map(|i| format!("project_{i:02}")).collect();
        let colours: std::collections::HashSet<&str> =
            projects.iter().map(|p| colour_in("project", p, &projects)).collect();
        assert_eq!(colours.len(), 15);
        // The demo's four projects, which the hash gave two browns.
        let demo: Vec<String> = ["exec_reporting", "finance", "marketing", "platform"].map(String::from).to_vec();
        let colours: std::collections::HashSet<&str> = demo.iter().map(|p| colour_in("project", p, &demo)).collect();
        assert_eq!(colours.len(), 4);
        assert_eq!(colour_in("access", "public", &demo), "#2e9e5b", "other lenses keep their meanings");
    }
}
