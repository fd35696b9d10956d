//! The rules: one project's nodes as the base knows them against its new artifacts.
//! Contract rules are dbt's own (`ModelNode.same_contract`); mesh rules cover what
//! other projects rely on: access, versions, names.

use std::collections::{HashMap, HashSet};

use model::dto::{Change, Constraint};

use crate::mesh::{ColumnRecord, NodeRecord};

/// Resource types a project offers to others by name.
const REFERABLE: [&str; 3] = ["model", "seed", "snapshot"];

/// Whether an adapter enforces a constraint type (dbt's `CONSTRAINT_SUPPORT`): only
/// an enforced constraint's removal breaks a contract.
pub fn constraint_enforced(adapter: Option<&str>, kind: &str) -> bool {
    match (adapter.unwrap_or_default(), kind) {
        ("duckdb" | "postgres", "check" | "not_null" | "unique" | "primary_key" | "foreign_key") => true,
        ("databricks" | "spark", "check" | "not_null") => true,
        ("snowflake" | "bigquery" | "redshift", "not_null") => true,
        ("snowflake" | "bigquery" | "redshift" | "databricks" | "spark" | "duckdb" | "postgres", _) => false,
        // dbt-adapters' defaults for every other adapter.
        (_, kind) => matches!(kind, "not_null" | "foreign_key"),
    }
}

/// Tables and incremental models are where a warehouse enforces constraints.
fn enforces_constraints(materialized: Option<&str>) -> bool {
    matches!(materialized, Some("table" | "incremental"))
}

/// dbt compares contract types without size, precision and scale, ignoring case.
fn base_type(data_type: Option<&str>) -> Option<String> {
    data_type.map(|t| t.split('(').next().unwrap_or(t).trim().to_ascii_lowercase())
}

fn access_rank(access: Option<&str>) -> u8 {
    match access {
        Some("private") => 0,
        Some("public") => 2,
        _ => 1,
    }
}

fn same_code(a: Option<&str>, b: Option<&str>) -> bool {
    let words = |s: Option<&str>| s.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    words(a) == words(b)
}

fn change(node: &NodeRecord, project: &str, kind: &str, breaking: bool, message: String) -> Change {
    Change {
        kind: kind.to_string(),
        breaking,
        project: project.to_string(),
        node: node.unique_id.clone(),
        name: node.name.clone(),
        resource_type: node.resource_type.clone(),
        message,
        ..Change::default()
    }
}

fn label(node: &NodeRecord) -> String {
    match &node.version {
        Some(v) => format!("{} v{v}", node.name),
        None => node.name.clone(),
    }
}

fn constraint_label(c: &Constraint) -> String {
    match &c.expression {
        Some(e) => format!("{} ({e})", c.kind),
        None => c.kind.clone(),
    }
}

/// What changed between `base` (the project's own nodes as indexed) and `head` (its
/// own nodes in the new artifacts). Interface changes (removed, renamed, narrowed,
/// versions) come out breaking when the node was public; the caller also counts
/// them breaking when another project uses the node.
pub fn changes(project: &str, adapter: Option<&str>, base: &[&NodeRecord], head: &[&NodeRecord]) -> Vec<Change> {
    let head_by_id: HashMap<&str, &NodeRecord> = head.iter().map(|n| (n.unique_id.as_str(), *n)).collect();
    let base_ids: HashSet<&str> = base.iter().map(|n| n.unique_id.as_str()).collect();
    let mut added: Vec<&NodeRecord> = head
        .iter()
        .copied()
        .filter(|n| REFERABLE.contains(&n.resource_type.as_str()) && !base_ids.contains(n.unique_id.as_str()))
        .collect();
    let head_names: HashSet<(&str, &str)> = head.iter().map(|n| (n.package.as_str(), n.name.as_str())).collect();
    let mut out = Vec::new();

    for old in base.iter().copied().filter(|n| n.resource_type != "test" && n.resource_type != "unit_test") {
        match head_by_id.get(old.unique_id.as_str()) {
            Some(new) => compare_node(project, adapter, old, new, &mut out),
            None if REFERABLE.contains(&old.resource_type.as_str()) => {
                let public = old.access.as_deref() == Some("public");
                if old.version.is_some() && head_names.contains(&(old.package.as_str(), old.name.as_str())) {
                    let message =
                        format!("version {} of {} was removed", old.version.as_deref().unwrap_or(""), old.name);
                    out.push(Change {
                        before: old.version.clone(),
                        ..change(old, project, "version_removed", public, message)
                    });
                } else if let Some(i) = added.iter().position(|new| renamed(old, new)) {
                    let new = added.remove(i);
                    let message = format!("{} was renamed to {}", label(old), label(new));
                    out.push(Change {
                        before: Some(old.name.clone()),
                        after: Some(new.name.clone()),
                        ..change(old, project, "model_renamed", public, message)
                    });
                } else {
                    let message = format!("{} {} was removed", old.resource_type, label(old));
                    out.push(change(old, project, "model_removed", public, message));
                }
            }
            None => {}
        }
    }
    for new in added {
        let versioned_name_known =
            new.version.is_some() && base.iter().any(|b| b.package == new.package && b.name == new.name);
        let (kind, message) = if versioned_name_known {
            ("version_added", format!("version {} of {} was added", new.version.as_deref().unwrap_or(""), new.name))
        } else {
            ("model_added", format!("{} {} was added", new.resource_type, label(new)))
        };
        out.push(Change { after: new.version.clone(), ..change(new, project, kind, false, message) });
    }
    latest_versions(project, base, head, &mut out);
    out
}

/// A removed node and an added one are a rename when they hold the same code, or
/// (without code) the same columns.
fn renamed(old: &NodeRecord, new: &NodeRecord) -> bool {
    if old.resource_type != new.resource_type || old.version.is_some() != new.version.is_some() {
        return false;
    }
    let has_code = old.raw_code.as_deref().is_some_and(|c| !c.trim().is_empty());
    if has_code {
        return same_code(old.raw_code.as_deref(), new.raw_code.as_deref());
    }
    let names = |n: &NodeRecord| {
        n.columns.iter().filter(|c| !c.warehouse_only).map(|c| c.name.to_ascii_lowercase()).collect::<HashSet<_>>()
    };
    !old.columns.is_empty() && names(old) == names(new)
}

fn compare_node(project: &str, adapter: Option<&str>, old: &NodeRecord, new: &NodeRecord, out: &mut Vec<Change>) {
    // What the YAML declares is compared; a base indexed with catalog.json knows more
    // columns than a head of bare manifests, and those are not changes.
    let (old, new) = (&declared_only(old), &declared_only(new));
    if old.resource_type == "model" {
        contract_changes(project, adapter, old, new, out);
        access_changes(project, old, new, out);
        deprecation_changes(project, old, new, out);
    }
    column_additions(project, old, new, out);
    if old.description.trim() != new.description.trim() {
        out.push(Change {
            before: Some(old.description.clone()),
            after: Some(new.description.clone()),
            ..change(old, project, "description_changed", false, format!("the description of {} changed", label(old)))
        });
    }
    for column in &old.columns {
        let Some(now) = new.columns.iter().find(|c| c.name == column.name) else { continue };
        if column.description.trim() != now.description.trim() {
            let message = format!("the description of column {} changed", column.name);
            out.push(Change {
                column: Some(column.name.clone()),
                before: Some(column.description.clone()),
                after: Some(now.description.clone()),
                ..change(old, project, "description_changed", false, message)
            });
        }
    }
    if !same_code(old.raw_code.as_deref(), new.raw_code.as_deref()) {
        out.push(change(old, project, "code_changed", false, format!("the code of {} changed", label(old))));
    }
}

/// dbt's `same_contract`: what breaks a model's enforced contract.
fn contract_changes(project: &str, adapter: Option<&str>, old: &NodeRecord, new: &NodeRecord, out: &mut Vec<Change>) {
    if !old.contract_enforced {
        if new.contract_enforced {
            let message = format!("{} now enforces its contract", label(old));
            out.push(change(old, project, "contract_enforced", false, message));
        }
        for column in &old.columns {
            if !new.columns.iter().any(|c| c.name == column.name) {
                let message = format!("column {} was removed from {} (no enforced contract)", column.name, label(old));
                out.push(Change {
                    column: Some(column.name.clone()),
                    ..change(old, project, "column_removed", false, message)
                });
            }
        }
        return;
    }
    if !new.contract_enforced {
        let message = format!("{} no longer enforces its contract", label(old));
        out.push(change(old, project, "contract_disabled", true, message));
    }
    let constraints_enforced = enforces_constraints(old.materialized.as_deref());
    for column in &old.columns {
        let Some(now) = new.columns.iter().find(|c| c.name == column.name) else {
            let message = format!("column {} was removed from the contract of {}", column.name, label(old));
            out.push(Change {
                column: Some(column.name.clone()),
                before: column.data_type.clone(),
                ..change(old, project, "column_removed", true, message)
            });
            continue;
        };
        if base_type(column.data_type.as_deref()) != base_type(now.data_type.as_deref()) {
            let (before, after) = (column.data_type.clone(), now.data_type.clone());
            let message = format!(
                "column {} changed type from {} to {}",
                column.name,
                before.as_deref().unwrap_or("none"),
                after.as_deref().unwrap_or("none")
            );
            out.push(Change {
                column: Some(column.name.clone()),
                before,
                after,
                ..change(old, project, "column_type_changed", true, message)
            });
        }
        if constraints_enforced {
            removed_constraints(project, adapter, old, Some(column), &column.constraints, &now.constraints, out);
        }
    }
    if constraints_enforced {
        removed_constraints(project, adapter, old, None, &old.constraints, &new.constraints, out);
    }
    let has_constraints = !old.constraints.is_empty() || old.columns.iter().any(|c| !c.constraints.is_empty());
    if constraints_enforced && !enforces_constraints(new.materialized.as_deref()) && has_constraints {
        let (before, after) = (old.materialized.clone(), new.materialized.clone());
        let message = format!(
            "{} changed from {} to {}: its constraints are no longer enforced",
            label(old),
            before.as_deref().unwrap_or("none"),
            after.as_deref().unwrap_or("none")
        );
        out.push(Change { before, after, ..change(old, project, "materialization_changed", true, message) });
    }
}

fn removed_constraints(
    project: &str,
    adapter: Option<&str>,
    node: &NodeRecord,
    column: Option<&ColumnRecord>,
    before: &[Constraint],
    after: &[Constraint],
    out: &mut Vec<Change>,
) {
    for c in before.iter().filter(|c| !after.contains(c) && constraint_enforced(adapter, &c.kind)) {
        let message = match column {
            Some(col) => format!("the enforced {} constraint on column {} was removed", c.kind, col.name),
            None => format!("the enforced {} constraint of {} was removed", constraint_label(c), label(node)),
        };
        out.push(Change {
            column: column.map(|c| c.name.clone()),
            before: Some(constraint_label(c)),
            ..change(node, project, "constraint_removed", true, message)
        });
    }
}

fn declared_only(r: &NodeRecord) -> NodeRecord {
    let mut r = r.clone();
    r.columns.retain(|c| !c.warehouse_only);
    r
}

fn column_additions(project: &str, old: &NodeRecord, new: &NodeRecord, out: &mut Vec<Change>) {
    for column in new.columns.iter().filter(|c| !old.columns.iter().any(|o| o.name == c.name)) {
        let message = format!("column {} was added to {}", column.name, label(old));
        out.push(Change {
            column: Some(column.name.clone()),
            after: column.data_type.clone(),
            ..change(old, project, "column_added", false, message)
        });
    }
}

fn access_changes(project: &str, old: &NodeRecord, new: &NodeRecord, out: &mut Vec<Change>) {
    let (before, after) = (old.access.as_deref(), new.access.as_deref());
    let (from, to) = (access_rank(before), access_rank(after));
    if from == to {
        return;
    }
    let text = |a: Option<&str>| a.unwrap_or("protected").to_string();
    let kind = if to < from { "access_narrowed" } else { "access_widened" };
    let message = format!("the access of {} changed from {} to {}", label(old), text(before), text(after));
    out.push(Change {
        before: Some(text(before)),
        after: Some(text(after)),
        ..change(old, project, kind, to < from && before == Some("public"), message)
    });
}

fn deprecation_changes(project: &str, old: &NodeRecord, new: &NodeRecord, out: &mut Vec<Change>) {
    if new.deprecation_date.is_none() || old.deprecation_date == new.deprecation_date {
        return;
    }
    let date = new.deprecation_date.clone().unwrap_or_default();
    let day = date.get(..10).unwrap_or(&date).to_string();
    let kind = if old.version.is_some() { "version_deprecated" } else { "model_deprecated" };
    let message = format!("{} is deprecated from {day}", label(old));
    out.push(Change {
        before: old.deprecation_date.clone(),
        after: Some(date),
        ..change(old, project, kind, false, message)
    });
}

/// `latest_version` moved: every `ref` without `v=` now resolves to another version.
fn latest_versions(project: &str, base: &[&NodeRecord], head: &[&NodeRecord], out: &mut Vec<Change>) {
    let latest = |nodes: &[&NodeRecord]| -> HashMap<(String, String), (String, String)> {
        nodes
            .iter()
            .filter(|n| n.resource_type == "model" && n.version.is_some())
            .filter_map(|n| {
                let latest = n.latest_version.clone()?;
                Some(((n.package.clone(), n.name.clone()), (latest, n.unique_id.clone())))
            })
            .collect()
    };
    let (before, after) = (latest(base), latest(head));
    let mut moved: Vec<_> = before
        .iter()
        .filter_map(|(key, (old, _))| after.get(key).filter(|(new, _)| new != old).map(|(new, _)| (key, old, new)))
        .collect();
    moved.sort();
    for ((package, name), old, new) in moved {
        // The change sits on the version unpinned refs resolved to until now.
        let Some(node) = base
            .iter()
            .find(|n| &n.package == package && &n.name == name && n.version.as_deref() == Some(old.as_str()))
        else {
            continue;
        };
        let public = node.access.as_deref() == Some("public");
        let message =
            format!("the latest version of {name} moved from v{old} to v{new}: refs without v= now use v{new}");
        out.push(Change {
            before: Some(old.clone()),
            after: Some(new.clone()),
            ..change(node, project, "latest_version_moved", public, message)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str) -> NodeRecord {
        NodeRecord {
            unique_id: format!("model.p.{name}"),
            name: name.into(),
            package: "p".into(),
            resource_type: "model".into(),
            access: Some("public".into()),
            materialized: Some("table".into()),
            contract_enforced: true,
            raw_code: Some(format!("select 1 as id -- {name}")),
            columns: vec![ColumnRecord {
                name: "id".into(),
                data_type: Some("integer".into()),
                constraints: vec![Constraint { kind: "not_null".into(), expression: None }],
                ..ColumnRecord::default()
            }],
            ..NodeRecord::default()
        }
    }

    fn kinds(base: &[&NodeRecord], head: &[&NodeRecord]) -> Vec<(String, bool)> {
        changes("p", Some("duckdb"), base, head).into_iter().map(|c| (c.kind, c.breaking)).collect()
    }

    #[test]
    fn types_compare_like_dbt_without_size_and_case() {
        let old = model("a");
        let mut new = model("a");
        new.columns[0].data_type = Some("INTEGER(10)".into());
        assert!(kinds(&[&old], &[&new]).is_empty());
        new.columns[0].data_type = Some("varchar".into());
        assert_eq!(kinds(&[&old], &[&new]), [("column_type_changed".to_string(), true)]);
    }

    #[test]
    fn constraints_matter_only_where_enforced() {
        let old = model("a");
        let mut new = model("a");
        new.columns[0].constraints.clear();
        assert_eq!(kinds(&[&old], &[&new]), [("constraint_removed".to_string(), true)]);
        let mut view = model("a");
        view.materialized = Some("view".into());
        let mut view_new = view.clone();
        view_new.columns[0].constraints.clear();
        assert!(kinds(&[&view], &[&view_new]).is_empty());
        assert!(!constraint_enforced(Some("snowflake"), "primary_key"));
        assert!(constraint_enforced(Some("snowflake"), "not_null"));
        assert!(constraint_enforced(Some("some_adapter"), "foreign_key"));
    }

    #[test]
    fn a_rename_is_told_from_a_removal_by_its_code() {
        let old = model("a");
        let mut moved = model("b");
        moved.raw_code = old.raw_code.clone();
        assert_eq!(kinds(&[&old], &[&moved]), [("model_renamed".to_string(), true)]);
        let other = model("c");
        assert_eq!(
            kinds(&[&old], &[&other]),
            [("model_removed".to_string(), true), ("model_added".to_string(), false)]
        );
    }

    #[test]
    fn narrowing_breaks_only_a_public_interface() {
        let old = model("a");
        let mut new = model("a");
        new.access = Some("protected".into());
        assert_eq!(kinds(&[&old], &[&new]), [("access_narrowed".to_string(), true)]);
        let mut protected = model("a");
        protected.access = Some("protected".into());
        new.access = Some("private".into());
        assert_eq!(kinds(&[&protected], &[&new]), [("access_narrowed".to_string(), false)]);
        assert_eq!(kinds(&[&new], &[&old]), [("access_widened".to_string(), false)]);
    }

    #[test]
    fn a_new_column_and_a_new_description_do_not_break() {
        let old = model("a");
        let mut new = model("a");
        new.description = "Now documented.".into();
        new.columns.push(ColumnRecord {
            name: "extra".into(),
            data_type: Some("text".into()),
            ..ColumnRecord::default()
        });
        let found = kinds(&[&old], &[&new]);
        assert_eq!(found, [("column_added".to_string(), false), ("description_changed".to_string(), false)]);
    }
}
