//! The project, groups, versions and governance pages' views, made from the store's
//! records and aggregates.

use std::collections::BTreeMap;

use model::dto::{
    ApiModel, Deprecation, GovernanceView, GroupView, NodeLink, OwnerSummary, ProjectDetail, ProjectLink, VersionView,
    VersionedModel, VersionsView,
};

use crate::{
    mesh::NodeRecord,
    store::{Nodes, Reader, StoreError, Texts},
};

fn link(project: &str, r: &NodeRecord) -> NodeLink {
    NodeLink {
        unique_id: r.unique_id.clone(),
        name: r.name.clone(),
        resource_type: r.resource_type.clone(),
        project: project.to_string(),
        version: r.version.clone(),
        ..NodeLink::default()
    }
}

/// A project's page: its public API, who it depends on and who depends on it, its
/// package installs, owners and findings; version states as of `today`.
pub fn project(reader: &Reader, name: &str, today: &str) -> Result<Option<ProjectDetail>, StoreError> {
    let Some(summary) = reader.projects()?.into_iter().find(|p| p.name == name) else {
        return Ok(None);
    };
    let all = reader.owners()?;
    let owners: Vec<OwnerSummary> = reader
        .owner_counts(name)?
        .into_iter()
        .filter_map(|(key, count)| {
            all.iter().find(|o| o.key == key).map(|o| OwnerSummary { nodes: count, ..o.clone() })
        })
        .collect();
    let public_models = reader
        .records(Texts::Whole, Nodes::ModelsOf(name))?
        .into_iter()
        .filter(|(_, r)| r.access.as_deref() == Some("public"))
        .map(|(_, r)| ApiModel {
            version_state: r.version_state(today).map(str::to_string),
            unique_id: r.unique_id,
            name: r.name,
            version: r.version,
            contract_enforced: r.contract_enforced,
            description: r.description.lines().next().unwrap_or_default().to_string(),
        })
        .collect();
    let (upstream, downstream) = reader.project_links(name)?;
    let installs = reader.package_installs()?;
    let link = |project: &String, nodes: &u64| ProjectLink { project: project.clone(), edges: *nodes };
    let packages = installs.iter().filter(|(i, _, _)| i == name).map(|(_, p, n)| link(p, n)).collect();
    let installed_by = installs.iter().filter(|(_, p, _)| p == name).map(|(i, _, n)| link(i, n)).collect();
    Ok(Some(ProjectDetail {
        summary,
        public_models,
        upstream,
        downstream,
        packages,
        installed_by,
        owners,
        findings: reader.findings(Some(name))?,
        // Filled in from the generation's column graph by the caller.
        column_lineage: Default::default(),
    }))
}

/// Every project's own groups with their members.
pub fn groups(reader: &Reader) -> Result<Vec<GroupView>, StoreError> {
    let mut out = Vec::new();
    for (project, groups) in reader.project_groups()? {
        let groups: Vec<_> = groups.into_iter().filter(|g| !g.injected).collect();
        if groups.is_empty() {
            continue;
        }
        let nodes = reader.records(Texts::Light, Nodes::NodesOf(&project))?;
        for g in groups {
            let members = nodes
                .iter()
                .filter(|(_, r)| r.group.as_deref() == Some(g.name.as_str()) && r.package == g.package)
                .map(|(p, r)| link(p, r))
                .collect();
            out.push(GroupView {
                project: project.clone(),
                name: g.name,
                description: g.description,
                owner_name: g.owner_name,
                owner_emails: g.owner_emails,
                members,
            });
        }
    }
    Ok(out)
}

/// Every versioned model with its versions, who pins each and who follows the latest,
/// and the deprecations by date; states as of `today`.
pub fn versions(reader: &Reader, today: &str) -> Result<VersionsView, StoreError> {
    let mut models: BTreeMap<(String, String), VersionedModel> = BTreeMap::new();
    let mut deprecations = Vec::new();
    for (project, r) in reader.records(Texts::Light, Nodes::Versioned)? {
        let version = r.version.clone().unwrap_or_default();
        let (mut pinned_by, mut following_latest) = (Vec::new(), Vec::new());
        for (child_project, child) in reader.child_records(&r.unique_id)? {
            let refs: Vec<_> = child.refs.iter().filter(|x| x.name == r.name).collect();
            if refs.iter().any(|x| x.version.as_deref() == Some(version.as_str())) {
                pinned_by.push(link(&child_project, &child));
            } else if refs.iter().any(|x| x.version.is_none()) {
                following_latest.push(link(&child_project, &child));
            }
        }
        let state = r.version_state(today).unwrap_or("latest").to_string();
        if let Some(date) = &r.deprecation_date {
            let date = date.get(..10).unwrap_or(date).to_string();
            deprecations.push(Deprecation {
                unique_id: r.unique_id.clone(),
                project: project.clone(),
                name: r.name.clone(),
                version: version.clone(),
                past: date.as_str() < today,
                date,
                pinned_by: pinned_by.len() as u64,
            });
        }
        let model = models.entry((project.clone(), r.name.clone())).or_insert_with(|| VersionedModel {
            project: project.clone(),
            name: r.name.clone(),
            latest_version: r.latest_version.clone(),
            versions: Vec::new(),
        });
        model.versions.push(VersionView {
            unique_id: r.unique_id.clone(),
            version,
            state,
            deprecation_date: r.deprecation_date.clone(),
            contract_enforced: r.contract_enforced,
            pinned_by,
            following_latest,
        });
    }
    let mut models: Vec<VersionedModel> = models.into_values().collect();
    for m in &mut models {
        m.versions.sort_by(|a, b| version_order(&a.version, &b.version));
    }
    deprecations.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.unique_id.cmp(&b.unique_id)));
    Ok(VersionsView { models, deprecations })
}

/// Every finding, each project's contract coverage, and the project cycles.
pub fn governance(reader: &Reader) -> Result<GovernanceView, StoreError> {
    Ok(GovernanceView {
        findings: reader.findings(None)?,
        coverage: reader.contract_coverage()?,
        project_cycles: reader.project_cycles()?,
    })
}

/// Versions are numbers in practice; compare them as numbers, else as text.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.cmp(b),
    }
}
