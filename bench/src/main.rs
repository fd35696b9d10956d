//! `meshlens-bench`: generates synthetic dbt meshes shaped like real ones, runs the
//! performance benchmark of issue 7 against the release binary, and the load test.
//!
//! - `meshlens-bench generate --out DIR --projects N --models M --seed S [--shapes]`
//! - `meshlens-bench run [--bin target/release/meshlens]`
//! - `meshlens-bench load [--bin target/release/meshlens]` (needs wrk)
//! - `meshlens-bench scale [--nodes 10000,50000,200000]`

mod generate;
mod hostile;
mod http_client;
mod json;
mod load;
mod pages;
mod prng;
mod process;
mod report;
mod run;
mod scale;
mod server;
mod workload;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "meshlens-bench", about = "Synthetic dbt meshes, the meshlens benchmark and load test")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write a synthetic mesh: one folder per project with manifest.json and run_results.json.
    Generate(GenerateArgs),
    /// The whole benchmark: ingest, search, pages, first-load bytes, memory, re-index.
    Run(run::RunArgs),
    /// wrk against search, node and lineage pages, quiet and while re-indexing.
    Load(load::LoadArgs),
    /// Ingest, memory, index size and node pages at 10,000, 50,000 and 200,000 nodes.
    Scale(scale::ScaleArgs),
}

#[derive(clap::Args)]
struct GenerateArgs {
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 50)]
    projects: usize,
    /// Models per project; each project has 4 nodes per model in all.
    #[arg(long, default_value_t = 250)]
    models: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Add the `shapes` project: a node with 1,000 children and a chain 200 deep.
    #[arg(long)]
    shapes: bool,
    /// Add five projects shaped like the largest public mesh: 10,000 shared sources
    /// each, linked both ways by source(), and a mart with 1,000 ancestors.
    #[arg(long)]
    real_scale: bool,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Generate(args) => {
            let spec = generate::MeshSpec {
                projects: args.projects,
                models: args.models,
                seed: args.seed,
                shapes: args.shapes,
                real_scale: args.real_scale,
            };
            let generated = generate::generate(&spec, &args.out)?;
            println!(
                "wrote {} projects, {} nodes ({} models) to {}: manifests {:.1} MB ({:.1} KB per model), run_results {:.1} MB",
                generated.project_dirs.len(),
                generated.nodes,
                generated.models,
                args.out.display(),
                generated.manifest_bytes as f64 / 1e6,
                generated.manifest_bytes as f64 / 1e3 / generated.models.max(1) as f64,
                generated.run_results_bytes as f64 / 1e6
            );
            Ok(())
        }
        Cmd::Run(args) => run::run(args),
        Cmd::Load(args) => load::load(args),
        Cmd::Scale(args) => scale::scale(args),
    }
}
