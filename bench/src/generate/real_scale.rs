//! `--real-scale`: five projects shaped like the largest public mesh (Dune's
//! spellbook): each declares the same 10,000 raw sources, each reads ten public
//! models of every other through `source()` (so the projects are linked both ways, by
//! inferred relations), and `rs_bridges` has a mart with 1,000 ancestors over six
//! layers. Each project holds over 10,000 nodes.

use super::{
    plan::{GroupPlan, Layer, ModelPlan, Parent, ProjectPlan, SourcePlan},
    shapes::model,
};

pub const CHAINS: [&str; 5] = ["rs_ethereum", "rs_solana", "rs_polygon", "rs_arbitrum", "rs_bridges"];
/// Raw source systems per chain and tables per system: 5 × 10 × 200 = 10,000.
const SYSTEMS: usize = 10;
const TABLES: usize = 200;
/// Public marts every project offers, and reads from each other project.
const SHARED_MARTS: usize = 10;
pub const BIG_MART: &str = "bridges_crosschain_flows";
/// The big mart's layers below it, widest first: 600 sources, then models.
const MART_LAYERS: [usize; 5] = [300, 60, 20, 10, 4];
const MART_SOURCES: usize = 600;

fn raw_sources() -> Vec<SourcePlan> {
    let columns = model(String::new(), Vec::new(), Layer::Staging).columns;
    let mut sources = Vec::with_capacity(CHAINS.len() * SYSTEMS * TABLES);
    for chain in CHAINS {
        let chain = chain.trim_start_matches("rs_");
        for system in 0..SYSTEMS {
            for table in 0..TABLES {
                sources.push(SourcePlan {
                    system: format!("{chain}_raw_{system:02}"),
                    database: "raw",
                    table: format!("t{table:03}"),
                    description: format!("Decoded {chain} table {table} of system {system}."),
                    key: "event_id".to_string(),
                    columns: columns.clone(),
                });
            }
        }
    }
    sources
}

/// Project `index` of the real-scale mesh, at `offset` in the whole mesh.
pub fn plan(chain: usize, offset: usize) -> ProjectPlan {
    let name = CHAINS[chain];
    let mut sources = raw_sources();
    let raw = sources.len();
    // The other projects' public marts, declared as sources in their schemas.
    for (other, other_name) in CHAINS.iter().enumerate().filter(|(o, _)| *o != chain) {
        for m in 0..SHARED_MARTS {
            sources.push(SourcePlan {
                system: other_name.to_string(),
                database: super::ids::DATABASE,
                table: format!("{}_mart_{m:02}", other_name.trim_start_matches("rs_")),
                description: format!("Project {other}'s public mart {m}, read through source()."),
                key: "event_id".to_string(),
                columns: sources[0].columns.clone(),
            });
        }
    }
    let short = name.trim_start_matches("rs_");
    let mut models: Vec<ModelPlan> = Vec::new();
    // 150 staging models over the raw sources, 50 intermediate, then the shared marts.
    for i in 0..150 {
        let parents = (0..3).map(|k| Parent::Source((i * 61 + k * 17) % raw)).collect();
        models.push(model(format!("stg_{short}_{i:03}"), parents, Layer::Staging));
    }
    for i in 0..50 {
        let parents = (0..3).map(|k| Parent::Model((i * 3 + k) % 150)).collect();
        models.push(model(format!("int_{short}_{i:03}"), parents, Layer::Intermediate));
    }
    let cross: Vec<usize> = (raw..sources.len()).collect();
    for m in 0..SHARED_MARTS {
        let mut parents: Vec<Parent> = (0..2).map(|k| Parent::Model(150 + (m * 5 + k) % 50)).collect();
        // Each mart reads the other projects' marts: links in both directions.
        parents.extend(cross.iter().skip(m).step_by(SHARED_MARTS).map(|&s| Parent::Source(s)));
        let mut mart = model(format!("{short}_mart_{m:02}"), parents, Layer::Mart);
        mart.access = "public";
        models.push(mart);
    }
    if name == "rs_bridges" {
        // Six layers: 600 sources, 300, 60, 20, 10 and 4 models, then the mart.
        let mut below: Vec<Parent> = (0..MART_SOURCES).map(|s| Parent::Source(s * 16 % raw)).collect();
        for (layer, &width) in MART_LAYERS.iter().enumerate() {
            let start = models.len();
            let per = below.len().div_ceil(width);
            for i in 0..width {
                let parents = below.iter().skip(i * per).take(per).copied().collect();
                let kind = if layer == 0 { Layer::Staging } else { Layer::Intermediate };
                models.push(model(format!("flows_l{}_{i:03}", layer + 1), parents, kind));
            }
            below = (start..models.len()).map(Parent::Model).collect();
        }
        let mut mart = model(BIG_MART.to_string(), below, Layer::Mart);
        mart.access = "public";
        models.push(mart);
    }
    ProjectPlan {
        index: offset,
        name: name.to_string(),
        groups: vec![GroupPlan {
            name: format!("{short}_team"),
            owner_name: format!("{short} team"),
            owner_emails: vec![format!("{short}@acme.io")],
            description: format!("Owns the {short} models."),
        }],
        sources,
        seeds: Vec::new(),
        models,
        snapshots: Vec::new(),
        tests: Vec::new(),
        exposures: Vec::new(),
        unit_tests: Vec::new(),
        upstreams: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_big_mart_has_a_thousand_ancestors_over_six_layers() {
        let p = plan(4, 0);
        let mart = p.models.iter().position(|m| m.name == BIG_MART).unwrap();
        let (mut models, mut sources) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
        let mut stack = vec![mart];
        while let Some(m) = stack.pop() {
            for parent in &p.models[m].parents {
                match *parent {
                    Parent::Model(i) if models.insert(i) => stack.push(i),
                    Parent::Source(s) => {
                        sources.insert(s);
                    }
                    _ => {}
                }
            }
        }
        assert_eq!(models.len() + sources.len(), 994);
        assert!(p.sources.len() + p.models.len() > 10_000);
    }
}
