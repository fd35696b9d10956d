//! Synthetic dbt meshes shaped like real ones: `generate` plans every project from
//! the seed, then writes each project's manifest.json (v12) and run_results.json.

mod ids;
mod macros;
mod manifest;
pub mod plan;
pub mod real_scale;
pub mod shapes;
mod sql;
mod vocab;

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::Context;

pub use plan::{MeshPlan, Split};

/// What was written.
#[derive(Debug, Default)]
pub struct Generated {
    pub project_dirs: Vec<PathBuf>,
    pub manifest_bytes: u64,
    pub run_results_bytes: u64,
    pub nodes: usize,
    pub models: usize,
}

pub struct MeshSpec {
    pub projects: usize,
    pub models: usize,
    pub seed: u64,
    pub shapes: bool,
    /// Add the five real-scale projects (see [`real_scale`]).
    pub real_scale: bool,
}

impl MeshSpec {
    /// Only the five real-scale projects: the mesh shaped like the largest public one.
    pub fn real_shaped(seed: u64) -> Self {
        MeshSpec { projects: 0, models: 250, seed, shapes: false, real_scale: true }
    }
}

pub fn plan(spec: &MeshSpec) -> MeshPlan {
    let mut mesh = plan::plan_mesh(spec.seed, spec.projects, spec.models);
    if spec.shapes {
        let index = mesh.projects.len();
        mesh.projects.push(shapes::plan(index));
    }
    if spec.real_scale {
        for chain in 0..real_scale::CHAINS.len() {
            let index = mesh.projects.len();
            mesh.projects.push(real_scale::plan(chain, index));
        }
    }
    mesh
}

/// Nodes a project defines itself (injected copies are not its own).
pub fn own_nodes(p: &plan::ProjectPlan) -> usize {
    p.models.len()
        + p.sources.len()
        + p.seeds.len()
        + p.snapshots.len()
        + p.tests.len()
        + p.exposures.len()
        + p.unit_tests.len()
}

/// Writes project `index` into `out/<name>/`, as release `revision` (0 the first;
/// a later one rewrites a few descriptions so the artifacts change).
pub fn write_project(mesh: &MeshPlan, index: usize, revision: u32, out: &Path) -> anyhow::Result<(PathBuf, u64, u64)> {
    let project = &mesh.projects[index];
    let dir = out.join(&project.name);
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let files = manifest::project_files(mesh, index, revision);
    // Written beside and renamed, so an indexer never reads half a file.
    for (name, text) in [("manifest.json", &files.manifest), ("run_results.json", &files.run_results)] {
        let tmp = dir.join(format!(".{name}.tmp"));
        fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, dir.join(name)).with_context(|| format!("writing {}", dir.join(name).display()))?;
    }
    Ok((dir, files.manifest.len() as u64, files.run_results.len() as u64))
}

pub fn generate(spec: &MeshSpec, out: &Path) -> anyhow::Result<Generated> {
    let mesh = plan(spec);
    let mut generated = Generated::default();
    for index in 0..mesh.projects.len() {
        let (dir, manifest, run_results) = write_project(&mesh, index, 0, out)?;
        generated.project_dirs.push(dir);
        generated.manifest_bytes += manifest;
        generated.run_results_bytes += run_results;
        generated.nodes += own_nodes(&mesh.projects[index]);
        generated.models += mesh.projects[index].models.len();
    }
    Ok(generated)
}
