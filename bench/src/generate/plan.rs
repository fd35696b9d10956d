//! What a generated mesh holds, decided before any JSON is written: projects, their
//! sources, seeds, models in layers, tests, exposures, groups, owners and the
//! cross-project refs. Everything follows from the seed.

use std::collections::HashSet;

use super::vocab::{self, COLUMNS, ENTITIES, INTERMEDIATE_VERBS, QUALIFIERS, SYSTEMS, TAGS};
use crate::prng::Prng;

/// Every generated project has this many nodes per model: its models, sources,
/// seeds, snapshots, exposures, unit tests and, filling the rest, data tests.
pub const NODES_PER_MODEL: usize = 4;

pub struct MeshPlan {
    pub seed: u64,
    pub projects: Vec<ProjectPlan>,
}

pub struct ProjectPlan {
    pub index: usize,
    pub name: String,
    pub groups: Vec<GroupPlan>,
    pub sources: Vec<SourcePlan>,
    pub seeds: Vec<SeedPlan>,
    pub models: Vec<ModelPlan>,
    pub snapshots: Vec<SnapshotPlan>,
    pub tests: Vec<TestPlan>,
    pub exposures: Vec<ExposurePlan>,
    pub unit_tests: Vec<UnitTestPlan>,
    /// Projects this one refs (dbt-loom injects their public models).
    pub upstreams: Vec<usize>,
}

pub struct GroupPlan {
    pub name: String,
    pub owner_name: String,
    pub owner_emails: Vec<String>,
    pub description: String,
}

#[derive(Clone)]
pub struct ColumnPlan {
    pub name: String,
    pub data_type: &'static str,
    pub description: String,
}

pub struct SourcePlan {
    /// The source's name and its schema.
    pub system: String,
    /// The database it lands in: `raw` for loaded data, or the warehouse's own when the
    /// source is another project's model (a relation linked by `source()`).
    pub database: &'static str,
    pub table: String,
    pub description: String,
    pub key: String,
    pub columns: Vec<ColumnPlan>,
}

pub struct SeedPlan {
    pub name: String,
    pub columns: Vec<ColumnPlan>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Staging,
    Intermediate,
    Mart,
}

impl Layer {
    pub fn folder(self) -> &'static str {
        match self {
            Layer::Staging => "staging",
            Layer::Intermediate => "intermediate",
            Layer::Mart => "marts",
        }
    }
}

#[derive(Clone, Copy)]
pub enum Parent {
    Model(usize),
    Source(usize),
    Seed(usize),
    /// A public model of another project; `pinned` is the version the ref names.
    Upstream {
        project: usize,
        model: usize,
        pinned: Option<u32>,
    },
}

#[derive(Clone)]
pub struct ModelPlan {
    pub name: String,
    pub version: Option<u32>,
    pub latest_version: Option<u32>,
    pub deprecation_date: Option<&'static str>,
    pub layer: Layer,
    pub entity: usize,
    pub key: String,
    pub columns: Vec<ColumnPlan>,
    pub parents: Vec<Parent>,
    pub access: &'static str,
    pub group: Option<usize>,
    /// `meta.owner`: a person's email or a team's name.
    pub owner: Option<String>,
    pub tags: Vec<&'static str>,
    pub materialized: &'static str,
    pub contract: bool,
    pub description: String,
}

impl ModelPlan {
    pub fn file_name(&self) -> String {
        match self.version {
            Some(v) => format!("{}_v{v}", self.name),
            None => self.name.clone(),
        }
    }
}

pub struct SnapshotPlan {
    pub name: String,
    pub source: usize,
}

pub enum TestKind {
    Unique,
    NotNull,
    AcceptedValues(&'static [&'static str]),
    Relationships { to: usize, field: String },
}

pub enum TestTarget {
    Model(usize),
    Source(usize),
}

pub struct TestPlan {
    pub kind: TestKind,
    pub target: TestTarget,
    pub column: String,
    pub severity: &'static str,
}

pub struct ExposurePlan {
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub owner_name: String,
    pub owner_email: String,
    pub models: Vec<usize>,
}

pub struct UnitTestPlan {
    pub name: String,
    pub model: usize,
}

/// How many nodes of each kind a project of `models` models has.
pub struct Split {
    pub models: usize,
    pub sources: usize,
    pub seeds: usize,
    pub snapshots: usize,
    pub exposures: usize,
    pub unit_tests: usize,
    pub tests: usize,
}

impl Split {
    pub fn of(models: usize) -> Split {
        let sources = (models / 5).max(1);
        let seeds = (models / 25).max(1);
        let snapshots = models / 50;
        let exposures = models / 50;
        let unit_tests = models / 50;
        let tests =
            (NODES_PER_MODEL * models).saturating_sub(models + sources + seeds + snapshots + exposures + unit_tests);
        Split { models, sources, seeds, snapshots, exposures, unit_tests, tests }
    }

    pub fn total(&self) -> usize {
        self.models + self.sources + self.seeds + self.snapshots + self.exposures + self.unit_tests + self.tests
    }
}

const ACCEPTED: &[(&str, &[&str])] = &[
    ("status", &["placed", "shipped", "completed", "returned", "cancelled"]),
    ("plan_tier", &["free", "starter", "pro", "enterprise"]),
    ("device_type", &["desktop", "mobile", "tablet"]),
    ("billing_period", &["monthly", "annual"]),
    ("region", &["amer", "emea", "apac"]),
    ("priority", &["p1", "p2", "p3", "p4"]),
];

pub fn plan_mesh(seed: u64, projects: usize, models: usize) -> MeshPlan {
    let mut planned: Vec<ProjectPlan> = Vec::with_capacity(projects);
    for i in 0..projects {
        let project = plan_project(seed, i, models, &planned);
        planned.push(project);
    }
    MeshPlan { seed, projects: planned }
}

/// Names unique within one project.
struct Names(HashSet<String>);

impl Names {
    fn claim(&mut self, rng: &mut Prng, base: &str) -> String {
        if self.0.insert(base.to_string()) {
            return base.to_string();
        }
        for _ in 0..QUALIFIERS.len() {
            let name = format!("{base}_{}", rng.pick(QUALIFIERS));
            if self.0.insert(name.clone()) {
                return name;
            }
        }
        (2..).map(|n| format!("{base}_{n}")).find(|name| self.0.insert(name.clone())).unwrap_or_default()
    }
}

fn key_of(entity: usize) -> String {
    format!("{}_id", ENTITIES[entity].0)
}

fn pool_columns(rng: &mut Prng, count: usize) -> Vec<ColumnPlan> {
    rng.sample(COLUMNS.len(), count)
        .into_iter()
        .map(|i| {
            let (name, data_type, description) = COLUMNS[i];
            ColumnPlan { name: name.to_string(), data_type, description: description.to_string() }
        })
        .collect()
}

fn key_column(entity: usize, primary: bool) -> ColumnPlan {
    let (singular, _) = ENTITIES[entity];
    let words = singular.replace('_', " ");
    ColumnPlan {
        name: key_of(entity),
        data_type: "varchar",
        description: if primary {
            format!("Primary key of a {words}: one row per {words}.")
        } else {
            format!("Foreign key to the {words} this row belongs to.")
        },
    }
}

/// Columns of a model: its key, the keys of its parents, then some of theirs and some new.
fn model_columns(rng: &mut Prng, entity: usize, inherited: &[ColumnPlan], count: usize) -> Vec<ColumnPlan> {
    let mut columns = vec![key_column(entity, true)];
    let mut seen: HashSet<String> = HashSet::from([columns[0].name.clone()]);
    for c in inherited {
        if columns.len() >= count {
            break;
        }
        if (c.name.ends_with("_id") || rng.chance(0.6)) && seen.insert(c.name.clone()) {
            columns.push(c.clone());
        }
    }
    for c in pool_columns(rng, count) {
        if columns.len() >= count {
            break;
        }
        if seen.insert(c.name.clone()) {
            columns.push(c);
        }
    }
    columns
}

fn person(rng: &mut Prng) -> (String, String) {
    let first = rng.pick(vocab::FIRST_NAMES);
    let last = rng.pick(vocab::LAST_NAMES);
    (format!("{} {}", vocab::title(first), vocab::title(last)), format!("{first}.{last}@acme.io"))
}

fn plan_project(seed: u64, index: usize, model_count: usize, earlier: &[ProjectPlan]) -> ProjectPlan {
    let mut rng = Prng::derive(seed, &[index as u64]);
    let name = vocab::project_name(index);
    let domain_title = vocab::title(&name);
    let split = Split::of(model_count);

    let count = rng.range(2, 4);
    let systems: Vec<&'static str> = rng.sample(SYSTEMS.len(), count).into_iter().map(|i| SYSTEMS[i]).collect();
    let count = rng.range(12, 20);
    let entities: Vec<usize> = rng.sample(ENTITIES.len(), count);

    let group_suffixes = ["core", "reporting", "ops", "ml", "finance", "growth"];
    let count = rng.range(2, 4);
    let groups: Vec<GroupPlan> = rng
        .sample(group_suffixes.len(), count)
        .into_iter()
        .map(|g| {
            let suffix = group_suffixes[g];
            let mut owner_emails = vec![format!("{name}-{suffix}@acme.io")];
            if rng.chance(0.5) {
                owner_emails.push("data-oncall@acme.io".to_string());
            }
            GroupPlan {
                name: format!("{name}_{suffix}"),
                owner_name: format!("{domain_title} {} Team", vocab::title(suffix)),
                owner_emails,
                description: format!(
                    "{} data of the {domain_title} domain, owned by the {domain_title} {} team.",
                    vocab::title(suffix),
                    vocab::title(suffix)
                ),
            }
        })
        .collect();

    let mut source_names = Names(HashSet::new());
    let sources: Vec<SourcePlan> = (0..split.sources)
        .map(|k| {
            let system = systems[k % systems.len()];
            let entity = entities[k % entities.len()];
            let table = source_names.claim(&mut rng, ENTITIES[entity].1);
            let mut columns = vec![key_column(entity, true)];
            let count = rng.range(5, 15);
            let key = columns[0].name.clone();
            columns.extend(pool_columns(&mut rng, count).into_iter().filter(|c| c.name != key));
            SourcePlan {
                system: system.to_string(),
                database: "raw",
                description: format!(
                    "Raw {} from {}, landed by the ingestion tooling every hour. One row per change.",
                    table.replace('_', " "),
                    vocab::title(system)
                ),
                key: key_of(entity),
                table,
                columns,
            }
        })
        .collect();

    let mut names = Names(HashSet::new());
    let seeds: Vec<SeedPlan> = (0..split.seeds)
        .map(|_| {
            let entity = *rng.pick(&entities);
            let name = names.claim(&mut rng, &format!("{}_mapping", ENTITIES[entity].0));
            let mut columns = vec![key_column(entity, true)];
            let count = rng.range(2, 5);
            columns.extend(pool_columns(&mut rng, count));
            SeedPlan { name, columns }
        })
        .collect();

    let models = plan_models(&mut rng, &name, &split, &groups, &sources, &seeds, &mut names, earlier);
    let upstreams = {
        let mut ups: Vec<usize> = models
            .iter()
            .flat_map(|m| m.parents.iter())
            .filter_map(|p| match p {
                Parent::Upstream { project, .. } => Some(*project),
                _ => None,
            })
            .collect();
        ups.sort_unstable();
        ups.dedup();
        ups
    };

    let snapshots: Vec<SnapshotPlan> = (0..split.snapshots)
        .map(|k| {
            let source = (k * 7) % sources.len();
            SnapshotPlan { name: names.claim(&mut rng, &format!("{}_snapshot", sources[source].table)), source }
        })
        .collect();

    let marts: Vec<usize> = (0..models.len()).filter(|&m| models[m].layer == Layer::Mart).collect();
    let exposures: Vec<ExposurePlan> = (0..split.exposures)
        .map(|k| {
            let (owner_name, owner_email) = person(&mut rng);
            let kind = *rng.pick(&["dashboard", "notebook", "analysis", "ml", "application"]);
            let count = rng.range(2, 5);
            let picked = rng.sample(marts.len(), count).into_iter().map(|i| marts[i]).collect();
            let topic = ENTITIES[*rng.pick(&entities)].1;
            ExposurePlan {
                name: names.claim(&mut rng, &format!("{name}_{topic}_{kind}")),
                label: format!("{domain_title}: {} {}", vocab::title(topic), vocab::title(kind)),
                kind,
                owner_name,
                owner_email,
                models: if k % 2 == 0 { picked } else { picked.into_iter().rev().collect() },
            }
        })
        .collect();

    let intermediates: Vec<usize> = (0..models.len()).filter(|&m| models[m].layer == Layer::Intermediate).collect();
    let unit_tests: Vec<UnitTestPlan> = (0..split.unit_tests)
        .map(|k| {
            let model = intermediates[(k * 11) % intermediates.len().max(1)];
            UnitTestPlan { name: names.claim(&mut rng, &format!("test_{}_logic", models[model].name)), model }
        })
        .collect();

    let tests = plan_tests(&mut rng, &models, &sources, split.tests);

    ProjectPlan { index, name, groups, sources, seeds, models, snapshots, tests, exposures, unit_tests, upstreams }
}

#[allow(clippy::too_many_arguments)]
fn plan_models(
    rng: &mut Prng,
    project: &str,
    split: &Split,
    groups: &[GroupPlan],
    sources: &[SourcePlan],
    seeds: &[SeedPlan],
    names: &mut Names,
    earlier: &[ProjectPlan],
) -> Vec<ModelPlan> {
    let total = split.models;
    let staging_count = (total * 35 / 100).max(1);
    let intermediate_count = (total * 25 / 100).max(1);
    let mut models: Vec<ModelPlan> = Vec::with_capacity(total);

    let owner = |rng: &mut Prng| -> Option<String> {
        if rng.chance(0.4) {
            Some(person(rng).1)
        } else if rng.chance(0.15) {
            Some(format!("{} Analytics", vocab::title(project)))
        } else {
            None
        }
    };
    let tags = |rng: &mut Prng, layer: Layer| -> Vec<&'static str> {
        let mut tags = vec![layer.folder()];
        let count = rng.below(3);
        for i in rng.sample(TAGS.len(), count) {
            tags.push(TAGS[i]);
        }
        tags
    };

    // Staging: one source table (or seed) each, renamed and typed.
    for k in 0..staging_count.min(total) {
        let layer = Layer::Staging;
        if k >= sources.len() && k % 4 == 0 && !seeds.is_empty() {
            let seed = (k / 4) % seeds.len();
            let s = &seeds[seed];
            let entity = ENTITIES.iter().position(|e| s.columns[0].name == format!("{}_id", e.0)).unwrap_or(0);
            let count = rng.range(3, 6);
            let columns = model_columns(rng, entity, &s.columns, count);
            models.push(ModelPlan {
                name: names.claim(rng, &format!("stg_seeds__{}", s.name)),
                version: None,
                latest_version: None,
                deprecation_date: None,
                layer,
                entity,
                key: key_of(entity),
                description: describe(rng, project, entity, layer, &format!("the `{}` seed", s.name)),
                columns,
                parents: vec![Parent::Seed(seed)],
                access: "protected",
                group: None,
                owner: owner(rng),
                tags: tags(rng, layer),
                materialized: "view",
                contract: false,
            });
            continue;
        }
        let source = k % sources.len();
        let s = &sources[source];
        let base = if k < sources.len() {
            format!("stg_{}__{}", s.system, s.table)
        } else {
            format!("stg_{}__{}_{}", s.system, s.table, rng.pick(QUALIFIERS))
        };
        let entity = ENTITIES.iter().position(|e| s.key == format!("{}_id", e.0)).unwrap_or(0);
        let count = rng.range(6, 18);
        let columns = model_columns(rng, entity, &s.columns, count);
        models.push(ModelPlan {
            name: names.claim(rng, &base),
            version: None,
            latest_version: None,
            deprecation_date: None,
            layer,
            entity,
            key: key_of(entity),
            description: describe(rng, project, entity, layer, &format!("`{}.{}`", s.system, s.table)),
            columns,
            parents: vec![Parent::Source(source)],
            access: "protected",
            group: rng.chance(0.7).then(|| rng.below(groups.len())),
            owner: owner(rng),
            tags: tags(rng, layer),
            materialized: "view",
            contract: false,
        });
    }

    // Intermediate and marts: refs to earlier models of the project.
    while models.len() < total {
        let k = models.len();
        let layer = if k < staging_count + intermediate_count { Layer::Intermediate } else { Layer::Mart };
        let parent_count = match layer {
            Layer::Intermediate => rng.range(1, 3),
            _ => rng.range(1, 4),
        };
        // Prefer recent models: layers read the layer below them.
        let window = k.min(60);
        let parents: Vec<usize> = rng.sample(window, parent_count).into_iter().map(|i| k - window + i).collect();
        let entity = models[parents[0]].entity;
        let inherited: Vec<ColumnPlan> = parents
            .iter()
            .flat_map(|&p| {
                let parent = &models[p];
                std::iter::once(key_column(parent.entity, false)).chain(parent.columns.iter().skip(1).cloned())
            })
            .collect();
        let count = rng.range(8, 24);
        let columns = model_columns(rng, entity, &inherited, count);
        let plural = ENTITIES[entity].1;
        let base = match layer {
            Layer::Intermediate => format!("int_{plural}_{}", rng.pick(INTERMEDIATE_VERBS)),
            _ => match rng.below(4) {
                0 => format!("fct_{plural}"),
                1 => format!("dim_{plural}"),
                2 => format!("agg_{plural}_{}", rng.pick(&["daily", "weekly", "monthly"])),
                _ => format!("rpt_{project}_{plural}"),
            },
        };
        let public = layer == Layer::Mart && rng.chance(0.3);
        let group = if layer == Layer::Intermediate || rng.chance(0.7) { Some(rng.below(groups.len())) } else { None };
        let access = match (layer, public) {
            (_, true) => "public",
            (Layer::Intermediate, _) if group.is_some() && rng.chance(0.5) => "private",
            _ => "protected",
        };
        let materialized = match layer {
            Layer::Intermediate => *rng.pick(&["ephemeral", "view", "table"]),
            _ => *rng.pick(&["table", "incremental", "table", "view"]),
        };
        let parent_names: Vec<String> = parents.iter().map(|&p| format!("`{}`", models[p].name)).collect();
        let description = describe(rng, project, entity, layer, &parent_names.join(", "));
        let name = names.claim(rng, &base);
        let model = ModelPlan {
            name,
            version: None,
            latest_version: None,
            deprecation_date: None,
            layer,
            entity,
            key: key_of(entity),
            columns,
            parents: parents.into_iter().map(Parent::Model).collect(),
            access,
            group,
            owner: owner(rng),
            tags: tags(rng, layer),
            materialized,
            contract: public && rng.chance(0.8),
            description,
        };
        // Some public models have two versions: v1 (sometimes deprecated) and v2, the latest.
        if public && models.len() + 2 <= total && rng.chance(0.25) {
            let deprecated = rng.chance(0.5).then_some("2025-06-30T00:00:00");
            let v2 = ModelPlan {
                version: Some(2),
                latest_version: Some(2),
                columns: with_more_columns(rng, &model.columns),
                description: format!(
                    "{}\n\nVersion 2 adds columns; version 1 is kept for consumers.",
                    model.description
                ),
                ..model.clone()
            };
            let v1 = ModelPlan {
                version: Some(1),
                latest_version: Some(2),
                deprecation_date: deprecated,
                description: format!("{}\n\nVersion 1 keeps the columns of the first release.", model.description),
                ..model
            };
            models.push(v1);
            models.push(v2);
        } else {
            models.push(model);
        }
    }

    add_cross_project_refs(rng, &mut models, earlier);
    models
}

fn with_more_columns(rng: &mut Prng, columns: &[ColumnPlan]) -> Vec<ColumnPlan> {
    let mut more = columns.to_vec();
    for c in pool_columns(rng, 6) {
        if more.len() >= columns.len() + 2 {
            break;
        }
        if !more.iter().any(|x| x.name == c.name) {
            more.push(c);
        }
    }
    more
}

/// Each project refs public models of one to three earlier projects, mostly nearby
/// ones, from a few of its intermediate and mart models.
fn add_cross_project_refs(rng: &mut Prng, models: &mut [ModelPlan], earlier: &[ProjectPlan]) {
    if earlier.is_empty() {
        return;
    }
    let consumers: Vec<usize> = (0..models.len()).filter(|&m| models[m].layer != Layer::Staging).collect();
    if consumers.is_empty() {
        return;
    }
    let upstream_count = rng.range(1, 3).min(earlier.len());
    let mut upstreams: Vec<usize> = Vec::new();
    while upstreams.len() < upstream_count {
        let back = rng.below(earlier.len().min(8)) + 1;
        let up = earlier.len() - back;
        if !upstreams.contains(&up) {
            upstreams.push(up);
        }
    }
    for up in upstreams {
        let public: Vec<usize> =
            (0..earlier[up].models.len()).filter(|&m| earlier[up].models[m].access == "public").collect();
        if public.is_empty() {
            continue;
        }
        let count = rng.range(2, 4);
        for target in rng.sample(public.len(), count).into_iter().map(|i| public[i]) {
            let target_model = &earlier[up].models[target];
            for _ in 0..rng.range(1, 2) {
                let consumer = consumers[rng.below(consumers.len())];
                let (model, pinned) = match target_model.version {
                    None => (target, None),
                    // Mostly pinned to the latest, sometimes to the old version, sometimes not at all.
                    Some(_) => {
                        let latest =
                            if target_model.version == target_model.latest_version { target } else { target + 1 };
                        match rng.below(7) {
                            0 => (latest, None),
                            1 => (latest - 1, Some(1)),
                            _ => (latest, Some(2)),
                        }
                    }
                };
                let parent = Parent::Upstream { project: up, model, pinned };
                let parents = &mut models[consumer].parents;
                if !parents
                    .iter()
                    .any(|p| matches!(p, Parent::Upstream { project, model: m, .. } if *project == up && *m == model))
                {
                    parents.push(parent);
                }
            }
        }
    }
}

fn describe(rng: &mut Prng, project: &str, entity: usize, layer: Layer, from: &str) -> String {
    let (singular, plural) = ENTITIES[entity];
    let words = singular.replace('_', " ");
    let lead = match layer {
        Layer::Staging => format!("Cleaned {} from {from}: renamed, typed and deduplicated.", plural.replace('_', " ")),
        Layer::Intermediate => format!("One row per **{words}**, joining {from} for the marts downstream."),
        Layer::Mart => format!("One row per **{words}** for reporting and for other projects of the mesh."),
    };
    let cadence =
        rng.pick(&["every hour", "every night at 02:00 UTC", "every 15 minutes", "daily after the finance close"]);
    format!(
        "{lead}\n\n- Grain: `{singular}_id`\n- Built from {from}\n- Refreshed {cadence}\n\nOwned by the {} team; \
         questions go to [#{project}-data](https://acme.slack.com/archives/{project}-data).",
        vocab::title(project)
    )
}

fn plan_tests(rng: &mut Prng, models: &[ModelPlan], sources: &[SourcePlan], budget: usize) -> Vec<TestPlan> {
    let mut tests: Vec<TestPlan> = Vec::with_capacity(budget);
    let severity = |rng: &mut Prng| if rng.chance(0.9) { "ERROR" } else { "warn" };
    let push = |tests: &mut Vec<TestPlan>, t: TestPlan| {
        if tests.len() < budget {
            tests.push(t);
        }
    };
    // Rounds in the order teams add tests: keys first, then foreign keys, accepted
    // values, then not_null on the other columns, one column a model per round.
    for (m, model) in models.iter().enumerate() {
        let t = TestPlan {
            kind: TestKind::Unique,
            target: TestTarget::Model(m),
            column: model.key.clone(),
            severity: "ERROR",
        };
        push(&mut tests, t);
    }
    for (m, model) in models.iter().enumerate() {
        let t = TestPlan {
            kind: TestKind::NotNull,
            target: TestTarget::Model(m),
            column: model.key.clone(),
            severity: "ERROR",
        };
        push(&mut tests, t);
    }
    for (s, source) in sources.iter().enumerate() {
        let t = TestPlan {
            kind: TestKind::NotNull,
            target: TestTarget::Source(s),
            column: source.key.clone(),
            severity: severity(rng),
        };
        push(&mut tests, t);
    }
    for (m, model) in models.iter().enumerate() {
        for parent in &model.parents {
            let Parent::Model(p) = *parent else { continue };
            let field = models[p].key.clone();
            if field != model.key && model.columns.iter().any(|c| c.name == field) {
                let t = TestPlan {
                    kind: TestKind::Relationships { to: p, field: field.clone() },
                    target: TestTarget::Model(m),
                    column: field,
                    severity: severity(rng),
                };
                push(&mut tests, t);
                break;
            }
        }
    }
    for (m, model) in models.iter().enumerate() {
        for c in &model.columns {
            if let Some((_, values)) = ACCEPTED.iter().find(|(name, _)| *name == c.name) {
                let t = TestPlan {
                    kind: TestKind::AcceptedValues(values),
                    target: TestTarget::Model(m),
                    column: c.name.clone(),
                    severity: severity(rng),
                };
                push(&mut tests, t);
            }
        }
    }
    let widest = models.iter().map(|m| m.columns.len()).max().unwrap_or(0);
    for round in 1..widest {
        for (m, model) in models.iter().enumerate() {
            if let Some(c) = model.columns.get(round) {
                if c.name != model.key {
                    let t = TestPlan {
                        kind: TestKind::NotNull,
                        target: TestTarget::Model(m),
                        column: c.name.clone(),
                        severity: severity(rng),
                    };
                    push(&mut tests, t);
                }
            }
        }
    }
    tests
}
