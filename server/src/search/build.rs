//! Writing the search index of a generation from the resolved mesh.

use std::path::Path;

use tantivy::{schema::Facet, Index, TantivyDocument};

use super::{schema::schema, SearchError};
use crate::mesh::ResolvedNode;

/// An owner as one value: the name, else the email.
pub fn owner_key(name: Option<&str>, email: Option<&str>) -> Option<String> {
    name.or(email).map(str::to_string)
}

pub fn build(dir: &Path, nodes: &[ResolvedNode]) -> Result<(), SearchError> {
    std::fs::create_dir_all(dir).map_err(|e| SearchError::Open(format!("{}: {e}", dir.display())))?;
    let (schema, f) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 64 * 1024 * 1024)?;
    let today = crate::mesh::today();
    for node in nodes {
        let r = &node.record;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.unique_id, &r.unique_id);
        doc.add_text(f.name, &r.name);
        doc.add_text(f.name_exact, r.name.to_lowercase());
        doc.add_text(f.description, &r.description);
        let columns: Vec<String> = r
            .columns
            .iter()
            .map(|c| if c.description.is_empty() { c.name.clone() } else { format!("{}: {}", c.name, c.description) })
            .collect();
        doc.add_text(f.columns, columns.join("\n"));
        let mut owners: Vec<String> = Vec::new();
        for o in &r.owners {
            let text = match (&o.name, &o.email) {
                (Some(n), Some(e)) => format!("{n} <{e}>"),
                (Some(n), None) => n.clone(),
                (None, Some(e)) => e.clone(),
                (None, None) => continue,
            };
            if !owners.contains(&text) {
                owners.push(text);
            }
        }
        doc.add_text(f.owners, owners.join("\n"));
        let state = r.version_state(&today);
        let mut labels: Vec<String> = r.tags.clone();
        labels.extend(r.group.clone());
        labels.extend(r.relation_name.clone());
        labels.extend(state.map(str::to_string));
        doc.add_text(f.labels, labels.join("\n"));
        if let Some(code) = &r.raw_code {
            doc.add_text(f.code, code);
        }

        let lower = |s: &str| s.to_lowercase();
        doc.add_text(f.project, lower(&node.project));
        doc.add_text(f.package, lower(&r.package));
        doc.add_text(f.resource_type, lower(&r.resource_type));
        let contract = if r.contract_enforced { "enforced" } else { "not_enforced" };
        doc.add_text(f.contract, contract);
        for tag in &r.tags {
            doc.add_text(f.tag, lower(tag));
        }
        if let Some(a) = &r.access {
            doc.add_text(f.access, lower(a));
        }
        if let Some(g) = &r.group {
            doc.add_text(f.group, lower(g));
        }
        if let Some(m) = &r.materialized {
            doc.add_text(f.materialized, lower(m));
        }

        doc.add_facet(f.facets, Facet::from_path(["project", node.project.as_str()]));
        doc.add_facet(f.facets, Facet::from_path(["type", r.resource_type.as_str()]));
        if let Some(a) = &r.access {
            doc.add_facet(f.facets, Facet::from_path(["access", a.as_str()]));
        }
        if let Some(g) = &r.group {
            doc.add_facet(f.facets, Facet::from_path(["group", g.as_str()]));
        }
        if r.resource_type == "model" {
            doc.add_facet(f.facets, Facet::from_path(["contract", contract]));
        }
        let mut owner_keys: Vec<String> = Vec::new();
        for o in &r.owners {
            if let Some(key) = owner_key(o.name.as_deref(), o.email.as_deref()) {
                if !owner_keys.contains(&key) {
                    doc.add_facet(f.facets, Facet::from_path(["owner", key.as_str()]));
                    owner_keys.push(key);
                }
            }
        }

        doc.add_text(f.shown_project, &node.project);
        doc.add_text(f.shown_type, &r.resource_type);
        if let Some(owner) = owner_keys.first() {
            doc.add_text(f.shown_owner, owner);
        }
        if let Some(a) = &r.access {
            doc.add_text(f.shown_access, a);
        }
        if let Some(v) = &r.version {
            doc.add_text(f.shown_version, v);
        }
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
