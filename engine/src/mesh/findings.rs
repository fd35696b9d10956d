//! Governance findings: what the mesh's access, version and contract rules flag.

use std::collections::{HashMap, HashSet};

use model::dto::Finding;

use super::resolve::{Duplicate, Edge, EdgeKind, ResolvedNode};

/// Every kind of finding, as stored and as `meshlens check --fail-on` names them.
pub const FINDING_KINDS: [&str; 9] = [
    "private_ref",
    "protected_ref",
    "deprecated_ref",
    "unpinned_ref",
    "public_without_contract",
    "contract_type_mismatch",
    "missing_latest_version",
    "source_reads_model",
    "duplicate_node",
];

/// Kinds that fail `meshlens check` only when `--fail-on` names them: they describe
/// how the mesh is wired, not a rule it breaks.
pub const OPT_IN_KINDS: [&str; 2] = ["source_reads_model", "duplicate_node"];

/// Whether a finding of `kind` fails `check` with these `--fail-on` kinds (none: the default).
pub fn fails(kind: &str, fail_on: &[String]) -> bool {
    if fail_on.is_empty() {
        !OPT_IN_KINDS.contains(&kind)
    } else {
        fail_on.iter().any(|k| k == kind)
    }
}

/// Node kinds that make refs a governance rule applies to (tests follow their model).
fn makes_refs(resource_type: &str) -> bool {
    !matches!(resource_type, "test" | "unit_test")
}

/// The mesh's findings; version deprecations are judged as of `today` (YYYY-MM-DD).
pub fn find(nodes: &[ResolvedNode], index: &HashMap<&str, usize>, edges: &[Edge], today: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |kind: &str, severity: &str, node: &ResolvedNode, other: Option<&ResolvedNode>, message: String| {
        out.push(Finding {
            kind: kind.to_string(),
            severity: severity.to_string(),
            project: node.project.clone(),
            node: node.record.unique_id.clone(),
            other: other.map(|o| o.record.unique_id.clone()),
            other_project: other.map(|o| o.project.clone()),
            message,
        });
    };

    for edge in edges {
        let (Some(&p), Some(&c)) = (index.get(edge.parent.as_str()), index.get(edge.child.as_str())) else {
            continue;
        };
        let (parent, child) = (&nodes[p], &nodes[c]);
        // A `source()` is not a `ref()`: dbt's access rules govern refs only.
        if edge.kind == EdgeKind::Inferred {
            push(
                "source_reads_model",
                "warning",
                child,
                Some(parent),
                format!(
                    "source {}.{} reads {} {} of project {}; a cross-project ref would make the dependency explicit and governed",
                    child.record.source_name.as_deref().unwrap_or("?"),
                    child.record.name,
                    parent.record.resource_type,
                    parent.record.name,
                    parent.project
                ),
            );
            continue;
        }
        if child.external || parent.record.resource_type != "model" || !makes_refs(&child.record.resource_type) {
            continue;
        }
        let (pr, cr) = (&parent.record, &child.record);
        match pr.access.as_deref() {
            Some("private") => {
                let same_group = parent.project == child.project && pr.group.is_some() && pr.group == cr.group;
                if !same_group {
                    push(
                        "private_ref",
                        "error",
                        child,
                        Some(parent),
                        format!(
                            "{} refs private model {} of group {} in project {} from outside that group",
                            cr.name,
                            pr.name,
                            pr.group.as_deref().unwrap_or("(none)"),
                            parent.project
                        ),
                    );
                }
            }
            // dbt lets a project that installs another as a package ref its protected models.
            Some("protected") if parent.project != child.project && edge.kind != EdgeKind::Package => push(
                "protected_ref",
                "warning",
                child,
                Some(parent),
                format!(
                    "{} refs protected model {} of project {} from project {}",
                    cr.name, pr.name, parent.project, child.project
                ),
            ),
            _ => {}
        }
        if let Some(date) = pr.deprecation_date.as_deref().filter(|d| date_part(d) < today) {
            push(
                "deprecated_ref",
                "warning",
                child,
                Some(parent),
                format!("{} refs {} which was deprecated on {}", cr.name, version_label(pr), date_part(date)),
            );
        }
        if pr.version.is_some() {
            let unpinned = cr.refs.iter().any(|r| {
                r.name == pr.name && r.version.is_none() && r.package.as_deref().is_none_or(|p| p == pr.package)
            });
            if unpinned {
                push(
                    "unpinned_ref",
                    "warning",
                    child,
                    Some(parent),
                    format!(
                        "{} refs versioned model {} without pinning a version (it follows latest, now v{})",
                        cr.name,
                        pr.name,
                        pr.version.as_deref().unwrap_or("?")
                    ),
                );
            }
        }
    }

    let mut families: HashMap<(&str, &str), VersionFamily> = HashMap::new();
    for node in nodes.iter().filter(|n| !n.external && n.record.resource_type == "model") {
        let r = &node.record;
        if r.access.as_deref() == Some("public") && !r.contract_enforced {
            push(
                "public_without_contract",
                "warning",
                node,
                None,
                format!("public model {} has no enforced contract", version_label(r)),
            );
        }
        if r.contract_enforced {
            for column in &r.columns {
                if let (Some(declared), Some(actual)) = (&column.data_type, &column.catalog_type) {
                    if !same_type(declared, actual) {
                        push(
                            "contract_type_mismatch",
                            "error",
                            node,
                            None,
                            format!(
                                "column {}.{} is {} in the contract but {} in the warehouse",
                                r.name, column.name, declared, actual
                            ),
                        );
                    }
                }
            }
        }
        if let Some(version) = &r.version {
            let family = families.entry((node.project.as_str(), r.name.as_str())).or_insert(VersionFamily {
                latest: None,
                versions: HashSet::new(),
                first: node,
            });
            family.latest = family.latest.or(r.latest_version.as_deref());
            family.versions.insert(version.as_str());
        }
    }
    let mut missing: Vec<_> = families
        .into_iter()
        .filter_map(|(_, VersionFamily { latest, versions, first: node })| {
            latest.filter(|l| !versions.contains(l)).map(|l| (node, l.to_string()))
        })
        .collect();
    missing.sort_by(|a, b| a.0.record.unique_id.cmp(&b.0.record.unique_id));
    for (node, latest) in missing {
        push(
            "missing_latest_version",
            "error",
            node,
            None,
            format!("versioned model {} declares latest_version {} but has no such version", node.record.name, latest),
        );
    }
    out
}

/// One finding for each node that two installers define with real files.
pub fn duplicates(nodes: &[ResolvedNode], index: &HashMap<&str, usize>, duplicates: &[Duplicate]) -> Vec<Finding> {
    duplicates
        .iter()
        .filter_map(|d| {
            let node = &nodes[*index.get(d.unique_id.as_str())?];
            Some(Finding {
                kind: "duplicate_node".to_string(),
                severity: "warning".to_string(),
                project: d.kept.clone(),
                node: d.unique_id.clone(),
                other: None,
                other_project: None,
                message: format!(
                    "{} is defined with its files by {} and by {}, none of them its own project {:?}; {}'s copy is shown (the newest manifest, then by name)",
                    d.unique_id,
                    d.kept,
                    d.dropped.join(", "),
                    node.record.package,
                    d.kept
                ),
            })
        })
        .collect()
}

/// The versions of one model, by (project, name).
struct VersionFamily<'a> {
    latest: Option<&'a str>,
    versions: HashSet<&'a str>,
    first: &'a ResolvedNode,
}

fn version_label(r: &super::record::NodeRecord) -> String {
    match &r.version {
        Some(v) => format!("{}.v{v}", r.name),
        None => r.name.clone(),
    }
}

/// `2025-06-30T00:00:00+00:00` and `2025-06-30` compare by their date.
fn date_part(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

/// Warehouses spell one type many ways; compare what they mean.
pub fn same_type(declared: &str, actual: &str) -> bool {
    canonical_type(declared) == canonical_type(actual)
}

fn canonical_type(t: &str) -> String {
    let t = t.trim().to_ascii_lowercase();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let (base, params) = match t.find('(') {
        Some(i) => (t[..i].trim().to_string(), t[i..].replace(' ', "")),
        None => (t.clone(), String::new()),
    };
    let base = match base.as_str() {
        "int" | "int4" | "integer" | "signed" => "integer",
        "bigint" | "int8" | "long" => "bigint",
        "smallint" | "int2" | "short" => "smallint",
        "tinyint" | "int1" => "tinyint",
        "varchar" | "text" | "string" | "character varying" | "char varying" | "bpchar" => "text",
        "double" | "float8" | "double precision" => "double",
        "float" | "float4" | "real" => "float",
        "bool" | "boolean" | "logical" => "boolean",
        "numeric" | "decimal" => "decimal",
        "datetime" | "timestamp" | "timestamp without time zone" => "timestamp",
        "timestamptz" | "timestamp with time zone" => "timestamptz",
        other => other,
    };
    // Text lengths do not change what a contract means for readers; numeric precision does.
    if base == "text" {
        base.to_string()
    } else {
        format!("{base}{params}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_spellings_compare_by_meaning() {
        assert!(same_type("int", "INTEGER"));
        assert!(same_type("varchar(20)", "TEXT"));
        assert!(same_type("timestamp", "TIMESTAMP"));
        assert!(same_type("decimal(18, 2)", "DECIMAL(18,2)"));
        assert!(!same_type("decimal(18,2)", "DECIMAL(10,2)"));
        assert!(!same_type("integer", "BIGINT"));
        assert!(!same_type("varchar", "INTEGER"));
    }

    #[test]
    fn dates_compare_by_their_day() {
        assert_eq!(date_part("2025-06-30T00:00:00+00:00"), "2025-06-30");
    }
}
