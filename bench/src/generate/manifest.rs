//! One project's manifest.json (schema v12, as dbt 1.11 writes it) and run_results.json
//! from its plan: every node with the fields dbt writes, the macros, docs, the parent
//! and child maps, and dbt-loom's copies of upstream public models.

use std::collections::BTreeMap;

use super::{
    ids::{self, DATABASE},
    macros::{docs, write_macros},
    plan::{ColumnPlan, MeshPlan, ModelPlan, Parent, ProjectPlan, TestKind, TestTarget},
    sql::{self, Input, ModelSql},
};
use crate::{
    json::{object, Arr, Obj},
    prng::Prng,
};

pub const DBT_VERSION: &str = "1.11.16";

pub struct ProjectFiles {
    pub manifest: String,
    pub run_results: String,
}

/// A node written into the manifest: its id, its parents, and what run_results says.
struct Written {
    unique_id: String,
    parents: Vec<String>,
    group: Option<String>,
    run: Option<(&'static str, String)>,
}

struct Writer<'a> {
    mesh: &'a MeshPlan,
    p: &'a ProjectPlan,
    revision: u32,
    rng: Prng,
    written: Vec<Written>,
}

pub fn project_files(mesh: &MeshPlan, index: usize, revision: u32) -> ProjectFiles {
    let p = &mesh.projects[index];
    let mut w =
        Writer { mesh, p, revision, rng: Prng::derive(mesh.seed, &[index as u64, 0x6d61_6e69]), written: Vec::new() };
    let manifest = w.manifest();
    let run_results = w.run_results();
    ProjectFiles { manifest, run_results }
}

fn columns_json(o: &mut Obj, columns: &[ColumnPlan], typed: bool, key: Option<&str>) {
    o.obj("columns", |cols| {
        for c in columns {
            cols.obj(&c.name, |col| {
                col.str("name", &c.name).str("description", &c.description).obj("meta", |_| {});
                col.opt("data_type", typed.then_some(c.data_type));
                col.arr("constraints", |a| {
                    if typed && Some(c.name.as_str()) == key {
                        a.obj(|k| constraint(k, "not_null", None));
                    }
                });
                col.null("quote").obj("config", |cfg| {
                    cfg.obj("meta", |_| {}).arr("tags", |_| {});
                });
                col.arr("tags", |_| {}).null("granularity").arr("doc_blocks", |_| {});
            });
        }
    });
}

fn constraint(k: &mut Obj, kind: &str, columns: Option<&str>) {
    k.str("type", kind)
        .null("name")
        .null("expression")
        .bool("warn_unenforced", true)
        .bool("warn_unsupported", true)
        .null("to")
        .arr("to_columns", |_| {});
    if let Some(column) = columns {
        k.strs("columns", [column]);
    }
}

fn refs_json(a: &mut Arr, name: &str, package: Option<&str>, version: Option<u32>) {
    a.obj(|r| {
        r.str("name", name).opt("package", package);
        match version {
            Some(v) => r.int("version", i64::from(v)),
            None => r.null("version"),
        };
    });
}

impl Writer<'_> {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn created_at(&mut self) -> f64 {
        1_795_780_758.0 + self.rng.below(100_000) as f64 / 10_000.0
    }

    fn checksum(&mut self, kind: &str) -> String {
        let hex = self.rng.hex(64);
        object(|c| {
            c.str("name", kind).str("checksum", &hex);
        })
    }

    /// The id, Jinja and relation of a model's input.
    fn input(&self, parent: &Parent) -> (String, Input) {
        let project = self.name();
        match *parent {
            Parent::Model(i) => {
                let m = &self.p.models[i];
                let jinja = match m.version {
                    Some(v) => format!("{{{{ ref('{}', v={v}) }}}}", m.name),
                    None => format!("{{{{ ref('{}') }}}}", m.name),
                };
                let cte = m.file_name();
                let key = m.key.clone();
                (ids::model_id(project, m), Input { cte, jinja, relation: ids::model_relation(project, m), key })
            }
            Parent::Source(i) => {
                let s = &self.p.sources[i];
                let jinja = format!("{{{{ source('{}', '{}') }}}}", s.system, s.table);
                let input =
                    Input { cte: s.table.clone(), jinja, relation: ids::source_relation(s), key: s.key.clone() };
                (ids::source_id(project, s), input)
            }
            Parent::Seed(i) => {
                let s = &self.p.seeds[i];
                let jinja = format!("{{{{ ref('{}') }}}}", s.name);
                let input = Input {
                    cte: s.name.clone(),
                    jinja,
                    relation: ids::seed_relation(project, &s.name),
                    key: s.columns[0].name.clone(),
                };
                (ids::seed_id(project, &s.name), input)
            }
            Parent::Upstream { project: up, model, pinned } => {
                let upstream = &self.mesh.projects[up];
                let m = &upstream.models[model];
                let jinja = match pinned {
                    Some(v) => format!("{{{{ ref('{}', '{}', v={v}) }}}}", upstream.name, m.name),
                    None => format!("{{{{ ref('{}', '{}') }}}}", upstream.name, m.name),
                };
                let input = Input {
                    cte: format!("{}_{}", upstream.name, m.file_name()),
                    jinja,
                    relation: ids::model_relation(&upstream.name, m),
                    key: m.key.clone(),
                };
                (ids::model_id(&upstream.name, m), input)
            }
        }
    }

    fn manifest(&mut self) -> String {
        let mut nodes = String::new();
        let mut sources = String::new();
        let mut exposures = String::new();
        let mut unit_tests = String::new();
        self.write_models(&mut nodes);
        self.write_seeds(&mut nodes);
        self.write_snapshots(&mut nodes);
        self.write_tests(&mut nodes);
        self.write_injected(&mut nodes);
        self.write_sources(&mut sources);
        self.write_exposures(&mut exposures);
        self.write_unit_tests(&mut unit_tests);

        let project = self.name().to_string();
        let generated_at = format!("2026-11-27T11:{:02}:{:02}.507753Z", 59 - self.revision % 60, self.p.index % 60);
        let project_id = ids::test_suffix(&project).repeat(4)[..32].to_string();
        let invocation = self.rng.hex(32);
        let mut parent_map: BTreeMap<&str, &[String]> = BTreeMap::new();
        let mut child_map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut group_map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for w in &self.written {
            parent_map.insert(&w.unique_id, &w.parents);
            child_map.entry(&w.unique_id).or_default();
            for parent in &w.parents {
                child_map.entry(parent).or_default().push(&w.unique_id);
            }
            if let Some(g) = &w.group {
                group_map.entry(g).or_default().push(&w.unique_id);
            }
        }
        object(|o| {
            o.obj("metadata", |m| {
                m.str("dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json")
                    .str("dbt_version", DBT_VERSION)
                    .str("generated_at", &generated_at)
                    .str("invocation_id", &invocation)
                    .str("invocation_started_at", &generated_at)
                    .obj("env", |_| {})
                    .str("project_name", &project)
                    .str("project_id", &project_id)
                    .null("user_id")
                    .bool("send_anonymous_usage_stats", false)
                    .str("adapter_type", "snowflake")
                    .obj("quoting", |q| {
                        q.bool("database", true).bool("schema", true).bool("identifier", true).null("column");
                    })
                    .str("run_started_at", &generated_at);
            });
            o.raw("nodes", &format!("{{{nodes}}}"));
            o.raw("sources", &format!("{{{sources}}}"));
            write_macros(o);
            o.obj("docs", |d| {
                d.obj("doc.dbt.__overview__", |doc| {
                    doc.str("name", "__overview__")
                        .str("resource_type", "doc")
                        .str("package_name", "dbt")
                        .str("path", "overview.md")
                        .str("original_file_path", "docs/overview.md")
                        .str("unique_id", "doc.dbt.__overview__")
                        .str(
                            "block_contents",
                            "### Welcome!\n\nWelcome to the auto-generated documentation for your dbt project!",
                        );
                });
                for g in &self.p.groups {
                    let id = format!("doc.{project}.{}", g.name);
                    d.obj(&id, |doc| {
                        doc.str("name", &g.name)
                            .str("resource_type", "doc")
                            .str("package_name", &project)
                            .str("path", "docs.md")
                            .str("original_file_path", "models/docs.md")
                            .str("unique_id", &id)
                            .str("block_contents", &g.description);
                    });
                }
            });
            o.raw("exposures", &format!("{{{exposures}}}"));
            o.obj("metrics", |_| {});
            o.obj("groups", |groups| {
                for g in &self.p.groups {
                    let id = format!("group.{project}.{}", g.name);
                    groups.obj(&id, |gr| {
                        gr.str("name", &g.name)
                            .str("resource_type", "group")
                            .str("package_name", &project)
                            .str("path", "groups.yml")
                            .str("original_file_path", "models/groups.yml")
                            .str("unique_id", &id)
                            .obj("owner", |ow| {
                                ow.strs("email", &g.owner_emails).str("name", &g.owner_name);
                            })
                            .str("description", &g.description)
                            .obj("config", |c| {
                                c.obj("meta", |_| {});
                            });
                    });
                }
            });
            o.obj("selectors", |_| {});
            o.obj("disabled", |_| {});
            o.obj("parent_map", |m| {
                for (id, parents) in &parent_map {
                    m.strs(id, parents.iter());
                }
            });
            o.obj("child_map", |m| {
                for (id, children) in &child_map {
                    m.strs(id, children.iter());
                }
            });
            o.obj("group_map", |m| {
                for (g, members) in &group_map {
                    m.strs(g, members.iter());
                }
            });
            o.obj("saved_queries", |_| {});
            o.obj("semantic_models", |_| {});
            o.raw("unit_tests", &format!("{{{unit_tests}}}"));
            o.obj("functions", |_| {});
        })
    }

    fn push_member(out: &mut String, id: &str, json: &str) {
        if !out.is_empty() {
            out.push(',');
        }
        crate::json::push_string(out, id);
        out.push(':');
        out.push_str(json);
    }

    fn model_json(
        &mut self,
        m: &ModelPlan,
        inputs: &[(String, Input)],
        code: &(String, String),
        revised: bool,
    ) -> String {
        let project = self.name().to_string();
        let unique_id = ids::model_id(&project, m);
        let file = m.file_name();
        let folder = m.layer.folder();
        let relation = ids::model_relation(&project, m);
        let group = m.group.map(|g| self.p.groups[g].name.clone());
        let checksum = self.checksum("sha256");
        let created_at = self.created_at();
        let contract_checksum = m.contract.then(|| self.rng.hex(64));
        let (raw_code, compiled_code) = code;
        let mut description = m.description.clone();
        if revised {
            description.push_str(&format!("\n\nRevised in release {}.", self.revision));
        }
        let meta = |o: &mut Obj| {
            if let Some(owner) = &m.owner {
                o.str("owner", owner);
            }
            if m.layer == super::plan::Layer::Mart {
                o.int("tier", if m.access == "public" { 1 } else { 2 });
            }
        };
        let ephemeral = m.materialized == "ephemeral";
        object(|o| {
            o.str("database", DATABASE)
                .str("schema", &project)
                .str("name", &m.name)
                .str("resource_type", "model")
                .str("package_name", &project)
                .str("path", &format!("{folder}/{file}.sql"))
                .str("original_file_path", &format!("models/{folder}/{file}.sql"))
                .str("unique_id", &unique_id)
                .strs("fqn", [project.as_str(), folder, m.name.as_str()])
                .str("alias", &file)
                .raw("checksum", &checksum)
                .obj("config", |c| {
                    c.bool("enabled", true)
                        .null("alias")
                        .null("schema")
                        .null("database")
                        .strs("tags", m.tags.iter())
                        .obj("meta", meta)
                        .opt("group", group.as_deref())
                        .null("static_analysis")
                        .str("materialized", m.materialized)
                        .null("incremental_strategy")
                        .null("batch_size")
                        .int("lookback", 1)
                        .null("begin")
                        .obj("persist_docs", |_| {})
                        .arr("post-hook", |_| {})
                        .arr("pre-hook", |_| {})
                        .obj("quoting", |_| {})
                        .obj("column_types", |_| {})
                        .null("full_refresh");
                    if m.materialized == "incremental" {
                        c.str("unique_key", &m.key);
                    } else {
                        c.null("unique_key");
                    }
                    c.str("on_schema_change", "ignore")
                        .str("on_configuration_change", "apply")
                        .obj("grants", |_| {})
                        .arr("packages", |_| {})
                        .obj("docs", docs)
                        .obj("contract", |k| {
                            k.bool("enforced", m.contract).bool("alias_types", true);
                        })
                        .null("event_time")
                        .null("concurrent_batches")
                        .str("access", m.access)
                        .null("freshness");
                })
                .strs("tags", m.tags.iter())
                .str("description", &description);
            columns_json(o, &m.columns, m.contract || m.layer == super::plan::Layer::Mart, Some(&m.key));
            o.obj("meta", meta)
                .opt("group", group.as_deref())
                .obj("docs", docs)
                .str("patch_path", &format!("{project}://models/{folder}/_{folder}.yml"))
                .null("build_path")
                .obj("unrendered_config", |u| {
                    u.str("materialized", m.materialized).str("access", m.access);
                    if m.contract {
                        u.obj("contract", |k| {
                            k.bool("enforced", true);
                        });
                    }
                    u.strs("tags", m.tags.iter());
                    if let Some(g) = &group {
                        u.str("group", g);
                    }
                })
                .float("created_at", created_at);
            if ephemeral {
                o.null("relation_name");
            } else {
                o.str("relation_name", &relation);
            }
            o.str("raw_code", raw_code).arr("doc_blocks", |_| {}).str("language", "sql");
            o.arr("refs", |a| {
                for p in &m.parents {
                    match *p {
                        Parent::Model(i) => refs_json(a, &self.p.models[i].name, None, self.p.models[i].version),
                        Parent::Seed(i) => refs_json(a, &self.p.seeds[i].name, None, None),
                        Parent::Upstream { project: up, model, pinned } => {
                            let upstream = &self.mesh.projects[up];
                            refs_json(a, &upstream.models[model].name, Some(&upstream.name), pinned)
                        }
                        Parent::Source(_) => {}
                    }
                }
            });
            o.arr("sources", |a| {
                for p in &m.parents {
                    if let Parent::Source(i) = *p {
                        let s = &self.p.sources[i];
                        a.raw(&format!("[\"{}\",\"{}\"]", s.system, s.table));
                    }
                }
            });
            o.arr("metrics", |_| {}).arr("functions", |_| {});
            o.obj("depends_on", |d| {
                let macros: &[&str] = if m.materialized == "incremental" { &["macro.dbt.is_incremental"] } else { &[] };
                d.strs("macros", macros.iter()).strs("nodes", inputs.iter().map(|(id, _)| id.as_str()));
            });
            o.str("compiled_path", &format!("target/compiled/{project}/models/{folder}/{file}.sql"))
                .bool("compiled", true)
                .str("compiled_code", compiled_code)
                .bool("extra_ctes_injected", true)
                .arr("extra_ctes", |_| {})
                .obj("contract", |k| {
                    k.bool("enforced", m.contract)
                        .bool("alias_types", true)
                        .opt("checksum", contract_checksum.as_deref());
                })
                .str("access", m.access)
                .arr("constraints", |a| {
                    if m.contract {
                        a.obj(|k| constraint(k, "primary_key", Some(&m.key)));
                    }
                });
            match m.version {
                Some(v) => o.int("version", i64::from(v)),
                None => o.null("version"),
            };
            match m.latest_version {
                Some(v) => o.int("latest_version", i64::from(v)),
                None => o.null("latest_version"),
            };
            o.opt("deprecation_date", m.deprecation_date).strs("primary_key", [m.key.as_str()]).null("time_spine");
        })
    }

    fn write_models(&mut self, out: &mut String) {
        let p = self.p;
        for (i, m) in p.models.iter().enumerate() {
            let inputs: Vec<(String, Input)> = m.parents.iter().map(|parent| self.input(parent)).collect();
            // A new release rewrites a few descriptions, so its checksum changes.
            let revised = self.revision > 0 && i % 17 == 0;
            let only_inputs: Vec<Input> = inputs.iter().map(|(_, input)| input.clone()).collect();
            let code = sql::model_sql(&ModelSql {
                materialized: m.materialized,
                tags: &m.tags,
                key: &m.key,
                columns: &m.columns,
                inputs: &only_inputs,
            });
            let json = self.model_json(m, &inputs, &code, revised);
            let unique_id = ids::model_id(&p.name, m);
            Self::push_member(out, &unique_id, &json);
            let status = if self.rng.chance(0.01) { "error" } else { "success" };
            let compiled = code.1;
            self.written.push(Written {
                unique_id,
                parents: inputs.into_iter().map(|(id, _)| id).collect(),
                group: m.group.map(|g| p.groups[g].name.clone()),
                run: Some((status, compiled)),
            });
        }
    }

    fn write_seeds(&mut self, out: &mut String) {
        let project = self.name().to_string();
        for s in &self.p.seeds {
            let unique_id = ids::seed_id(&project, &s.name);
            let checksum = self.checksum("sha256");
            let created_at = self.created_at();
            let json = object(|o| {
                o.str("database", DATABASE)
                    .str("schema", &format!("{project}_seeds"))
                    .str("name", &s.name)
                    .str("resource_type", "seed")
                    .str("package_name", &project)
                    .str("path", &format!("{}.csv", s.name))
                    .str("original_file_path", &format!("seeds/{}.csv", s.name))
                    .str("unique_id", &unique_id)
                    .strs("fqn", [project.as_str(), s.name.as_str()])
                    .str("alias", &s.name)
                    .raw("checksum", &checksum)
                    .obj("config", |c| {
                        c.bool("enabled", true)
                            .null("alias")
                            .str("schema", "seeds")
                            .null("database")
                            .arr("tags", |_| {})
                            .obj("meta", |_| {})
                            .null("group")
                            .str("materialized", "seed")
                            .obj("persist_docs", |_| {})
                            .arr("post-hook", |_| {})
                            .arr("pre-hook", |_| {})
                            .obj("quoting", |_| {})
                            .obj("column_types", |_| {})
                            .obj("docs", docs)
                            .obj("contract", |k| {
                                k.bool("enforced", false).bool("alias_types", true);
                            })
                            .str("delimiter", ",")
                            .bool("quote_columns", false);
                    })
                    .arr("tags", |_| {})
                    .str("description", &format!("Mapping of {} maintained by hand.", s.name.replace('_', " ")));
                columns_json(o, &s.columns, false, None);
                o.obj("meta", |_| {})
                    .null("group")
                    .obj("docs", docs)
                    .null("patch_path")
                    .null("build_path")
                    .obj("unrendered_config", |u| {
                        u.bool("quote_columns", false);
                    })
                    .float("created_at", created_at)
                    .str("relation_name", &ids::seed_relation(&project, &s.name))
                    .str("raw_code", "")
                    .arr("doc_blocks", |_| {})
                    .str("root_path", &format!("/home/runner/work/mesh/projects/{project}"))
                    .obj("depends_on", |d| {
                        d.arr("macros", |_| {});
                    });
            });
            Self::push_member(out, &unique_id, &json);
            self.written.push(Written {
                unique_id,
                parents: Vec::new(),
                group: None,
                run: Some(("success", String::new())),
            });
        }
    }

    fn write_snapshots(&mut self, out: &mut String) {
        let project = self.name().to_string();
        for snap in &self.p.snapshots {
            let s = &self.p.sources[snap.source];
            let unique_id = ids::snapshot_id(&project, &snap.name);
            let source_id = ids::source_id(&project, s);
            let checksum = self.checksum("sha256");
            let created_at = self.created_at();
            let raw = format!(
                "\n{{{{ config(unique_key='{}', strategy='timestamp', updated_at='updated_at') }}}}\n\nselect * from {{{{ source('{}', '{}') }}}}\n",
                s.key, s.system, s.table
            );
            let compiled = format!("\n\n\nselect * from {}\n", ids::source_relation(s));
            let json = object(|o| {
                o.str("database", DATABASE)
                    .str("schema", "snapshots")
                    .str("name", &snap.name)
                    .str("resource_type", "snapshot")
                    .str("package_name", &project)
                    .str("path", &format!("{}.sql", snap.name))
                    .str("original_file_path", &format!("snapshots/{}.sql", snap.name))
                    .str("unique_id", &unique_id)
                    .strs("fqn", [project.as_str(), snap.name.as_str(), snap.name.as_str()])
                    .str("alias", &snap.name)
                    .raw("checksum", &checksum)
                    .obj("config", |c| {
                        c.bool("enabled", true)
                            .arr("tags", |_| {})
                            .obj("meta", |_| {})
                            .str("materialized", "snapshot")
                            .str("strategy", "timestamp")
                            .str("unique_key", &s.key)
                            .str("updated_at", "updated_at")
                            .obj("docs", docs)
                            .obj("contract", |k| {
                                k.bool("enforced", false).bool("alias_types", true);
                            });
                    })
                    .arr("tags", |_| {})
                    .str("description", &format!("Type-2 history of {}.", s.table.replace('_', " ")))
                    .obj("columns", |_| {})
                    .obj("meta", |_| {})
                    .null("group")
                    .obj("docs", docs)
                    .null("patch_path")
                    .null("build_path")
                    .obj("unrendered_config", |_| {})
                    .float("created_at", created_at)
                    .str("relation_name", &format!("\"{DATABASE}\".\"snapshots\".\"{}\"", snap.name))
                    .str("raw_code", &raw)
                    .arr("doc_blocks", |_| {})
                    .str("language", "sql")
                    .arr("refs", |_| {})
                    .arr("sources", |a| {
                        a.raw(&format!("[\"{}\",\"{}\"]", s.system, s.table));
                    })
                    .arr("metrics", |_| {})
                    .obj("depends_on", |d| {
                        d.arr("macros", |_| {}).strs("nodes", [source_id.as_str()]);
                    })
                    .str("compiled_path", &format!("target/compiled/{project}/snapshots/{}.sql", snap.name))
                    .bool("compiled", true)
                    .str("compiled_code", &compiled)
                    .bool("extra_ctes_injected", true)
                    .arr("extra_ctes", |_| {});
            });
            Self::push_member(out, &unique_id, &json);
            self.written.push(Written {
                unique_id,
                parents: vec![source_id],
                group: None,
                run: Some(("success", compiled)),
            });
        }
    }

    fn write_tests(&mut self, out: &mut String) {
        let project = self.name().to_string();
        for t in &self.p.tests {
            let (kind_name, values): (&str, &[&str]) = match &t.kind {
                TestKind::Unique => ("unique", &[]),
                TestKind::NotNull => ("not_null", &[]),
                TestKind::AcceptedValues(v) => ("accepted_values", v),
                TestKind::Relationships { .. } => ("relationships", &[]),
            };
            let (target_name, target_id, relation, model_arg, file, file_key, attached, is_source) = match t.target {
                TestTarget::Model(i) => {
                    let m = &self.p.models[i];
                    let model_arg = match m.version {
                        Some(v) => format!("{{{{ get_where_subquery(ref('{}', v={v})) }}}}", m.name),
                        None => format!("{{{{ get_where_subquery(ref('{}')) }}}}", m.name),
                    };
                    (
                        m.file_name(),
                        ids::model_id(&project, m),
                        ids::model_relation(&project, m),
                        model_arg,
                        format!("models/{}/_{}.yml", m.layer.folder(), m.layer.folder()),
                        format!("models.{}", m.name),
                        true,
                        false,
                    )
                }
                TestTarget::Source(i) => {
                    let s = &self.p.sources[i];
                    (
                        format!("{}_{}", s.system, s.table),
                        ids::source_id(&project, s),
                        ids::source_relation(s),
                        format!("{{{{ get_where_subquery(source('{}', '{}')) }}}}", s.system, s.table),
                        "models/staging/_sources.yml".to_string(),
                        format!("sources.{}", s.system),
                        false,
                        true,
                    )
                }
            };
            let mut name = format!("{}{kind_name}_{target_name}_{}", if is_source { "source_" } else { "" }, t.column);
            let mut parents = vec![target_id.clone()];
            let mut to_ref: Option<(String, String, String)> = None;
            match &t.kind {
                TestKind::AcceptedValues(v) => name.push_str(&format!("__{}", v.join("__"))),
                TestKind::Relationships { to, field } => {
                    let to_model = &self.p.models[*to];
                    name.push_str(&format!("__{field}__ref_{}_", to_model.name));
                    parents.insert(0, ids::model_id(&project, to_model));
                    to_ref = Some((to_model.name.clone(), ids::model_relation(&project, to_model), field.clone()));
                }
                _ => {}
            }
            let unique_id = format!("test.{project}.{name}.{}", ids::test_suffix(&format!("{project}.{name}")));
            let compiled = sql::test_sql(
                kind_name,
                &relation,
                &t.column,
                values,
                to_ref.as_ref().map(|(_, r, f)| (r.as_str(), f.as_str())),
            );
            let created_at = self.created_at();
            let group = match t.target {
                TestTarget::Model(i) => self.p.models[i].group.map(|g| self.p.groups[g].name.clone()),
                TestTarget::Source(_) => None,
            };
            let json = object(|o| {
                o.str("database", DATABASE)
                    .str("schema", &format!("{project}_dbt_test__audit"))
                    .str("name", &name)
                    .str("resource_type", "test")
                    .str("package_name", &project)
                    .str("path", &format!("{name}.sql"))
                    .str("original_file_path", &file)
                    .str("unique_id", &unique_id)
                    .strs("fqn", [project.as_str(), "staging", name.as_str()])
                    .str("alias", &name)
                    .raw("checksum", "{\"name\":\"none\",\"checksum\":\"\"}")
                    .obj("config", |c| {
                        c.bool("enabled", true)
                            .null("alias")
                            .str("schema", "dbt_test__audit")
                            .null("database")
                            .arr("tags", |_| {})
                            .obj("meta", |_| {})
                            .opt("group", group.as_deref())
                            .null("static_analysis")
                            .str("materialized", "test")
                            .str("severity", t.severity)
                            .null("store_failures")
                            .null("store_failures_as")
                            .null("where")
                            .null("limit")
                            .str("fail_calc", "count(*)")
                            .str("warn_if", "!= 0")
                            .str("error_if", "!= 0");
                    })
                    .arr("tags", |_| {})
                    .str("description", "")
                    .obj("columns", |_| {})
                    .obj("meta", |_| {})
                    .opt("group", group.as_deref())
                    .obj("docs", docs)
                    .null("patch_path")
                    .null("build_path")
                    .obj("unrendered_config", |_| {})
                    .float("created_at", created_at)
                    .null("relation_name")
                    .str("raw_code", &format!("{{{{ test_{kind_name}(**_dbt_generic_test_kwargs) }}}}"))
                    .arr("doc_blocks", |_| {})
                    .str("language", "sql")
                    .arr("refs", |a| {
                        if let Some((to_name, _, _)) = &to_ref {
                            refs_json(a, to_name, None, None);
                        }
                        if let TestTarget::Model(i) = t.target {
                            refs_json(a, &self.p.models[i].name, None, self.p.models[i].version);
                        }
                    })
                    .arr("sources", |a| {
                        if let TestTarget::Source(i) = t.target {
                            let s = &self.p.sources[i];
                            a.raw(&format!("[\"{}\",\"{}\"]", s.system, s.table));
                        }
                    })
                    .arr("metrics", |_| {})
                    .arr("functions", |_| {})
                    .obj("depends_on", |d| {
                        d.strs(
                            "macros",
                            [format!("macro.dbt.test_{kind_name}"), "macro.dbt.get_where_subquery".to_string()],
                        )
                        .strs("nodes", parents.iter());
                    })
                    .str("compiled_path", &format!("target/compiled/{project}/{file}/{name}.sql"))
                    .bool("compiled", true)
                    .str("compiled_code", &compiled)
                    .bool("extra_ctes_injected", true)
                    .arr("extra_ctes", |_| {})
                    .obj("contract", |k| {
                        k.bool("enforced", false).bool("alias_types", true).null("checksum");
                    })
                    .str("column_name", &t.column)
                    .str("file_key_name", &file_key)
                    .opt("attached_node", attached.then_some(target_id.as_str()))
                    .obj("test_metadata", |m| {
                        m.str("name", kind_name)
                            .obj("kwargs", |k| {
                                k.str("column_name", &t.column).str("model", &model_arg);
                                if !values.is_empty() {
                                    k.strs("values", values.iter());
                                }
                                if let Some((to_name, _, field)) = &to_ref {
                                    k.str("to", &format!("ref('{to_name}')")).str("field", field);
                                }
                            })
                            .null("namespace");
                    });
            });
            Self::push_member(out, &unique_id, &json);
            let roll = self.rng.below(100);
            let status = match (roll, t.severity) {
                (0..=1, _) => "fail",
                (2..=4, "warn") => "warn",
                _ => "pass",
            };
            self.written.push(Written { unique_id, parents, group, run: Some((status, compiled)) });
        }
    }

    /// dbt-loom copies every public model of each upstream project into the manifest,
    /// with no file and the upstream project as package.
    fn write_injected(&mut self, out: &mut String) {
        for &up in &self.p.upstreams {
            let upstream = &self.mesh.projects[up];
            for m in upstream.models.iter().filter(|m| m.access == "public") {
                let unique_id = ids::model_id(&upstream.name, m);
                let parents: Vec<String> = m
                    .parents
                    .iter()
                    .filter_map(|p| match *p {
                        Parent::Model(i) => Some(ids::model_id(&upstream.name, &upstream.models[i])),
                        _ => None,
                    })
                    .collect();
                let created_at = self.created_at();
                let checksum = self.checksum("sha256");
                let json = object(|o| {
                    o.str("database", DATABASE)
                        .str("schema", &upstream.name)
                        .str("name", &m.name)
                        .str("resource_type", "model")
                        .str("package_name", &upstream.name)
                        .str("path", "")
                        .str("original_file_path", "")
                        .str("unique_id", &unique_id)
                        .strs("fqn", [upstream.name.as_str(), m.name.as_str()])
                        .str("alias", &m.file_name())
                        .raw("checksum", &checksum)
                        .obj("config", |c| {
                            c.bool("enabled", true)
                                .arr("tags", |_| {})
                                .obj("meta", |_| {})
                                .null("group")
                                .str("materialized", m.materialized)
                                .obj("docs", docs)
                                .obj("contract", |k| {
                                    k.bool("enforced", m.contract).bool("alias_types", true);
                                })
                                .str("access", "public");
                        })
                        .arr("tags", |_| {})
                        .str("description", "")
                        .obj("columns", |_| {})
                        .obj("meta", |_| {})
                        .null("group")
                        .obj("docs", docs)
                        .null("patch_path")
                        .null("build_path")
                        .obj("unrendered_config", |u| {
                            u.str("alias", &m.file_name()).str("schema", &upstream.name).str("database", DATABASE);
                        })
                        .float("created_at", created_at)
                        .str("relation_name", &ids::model_relation(&upstream.name, m))
                        .str("raw_code", "")
                        .arr("doc_blocks", |_| {})
                        .str("language", "sql")
                        .arr("refs", |_| {})
                        .arr("sources", |_| {})
                        .arr("metrics", |_| {})
                        .arr("functions", |_| {})
                        .obj("depends_on", |d| {
                            d.arr("macros", |_| {}).strs("nodes", parents.iter());
                        })
                        .null("compiled_path")
                        .bool("compiled", true)
                        .str("compiled_code", "")
                        .bool("extra_ctes_injected", true)
                        .arr("extra_ctes", |_| {})
                        .obj("contract", |k| {
                            k.bool("enforced", m.contract).bool("alias_types", true).null("checksum");
                        })
                        .str("access", "public")
                        .arr("constraints", |_| {});
                    match m.version {
                        Some(v) => o.int("version", i64::from(v)),
                        None => o.null("version"),
                    };
                    match m.latest_version {
                        Some(v) => o.int("latest_version", i64::from(v)),
                        None => o.null("latest_version"),
                    };
                    o.opt("deprecation_date", m.deprecation_date).arr("primary_key", |_| {}).null("time_spine");
                });
                Self::push_member(out, &unique_id, &json);
                self.written.push(Written { unique_id, parents, group: None, run: None });
            }
        }
    }

    fn write_sources(&mut self, out: &mut String) {
        let project = self.name().to_string();
        for s in &self.p.sources {
            let unique_id = ids::source_id(&project, s);
            let created_at = self.created_at();
            let freshness = |f: &mut Obj| {
                f.obj("warn_after", |w| {
                    w.int("count", 12).str("period", "hour");
                })
                .obj("error_after", |e| {
                    e.int("count", 24).str("period", "hour");
                })
                .null("filter");
            };
            let json = object(|o| {
                o.str("database", s.database)
                    .str("schema", &s.system)
                    .str("name", &s.table)
                    .str("resource_type", "source")
                    .str("package_name", &project)
                    .str("path", "models/staging/_sources.yml")
                    .str("original_file_path", "models/staging/_sources.yml")
                    .str("unique_id", &unique_id)
                    .strs("fqn", [project.as_str(), "staging", s.system.as_str(), s.table.as_str()])
                    .str("source_name", &s.system)
                    .str("source_description", &format!("Tables {} lands in the `{}` schema.", s.system, s.system))
                    .str("loader", "fivetran")
                    .str("identifier", &s.table)
                    .obj("quoting", |q| {
                        q.null("database").null("schema").null("identifier").null("column");
                    })
                    .str("loaded_at_field", "_fivetran_synced")
                    .null("loaded_at_query")
                    .obj("freshness", freshness)
                    .null("external")
                    .str("description", &s.description);
                columns_json(o, &s.columns, false, None);
                o.obj("meta", |_| {})
                    .obj("source_meta", |_| {})
                    .arr("tags", |_| {})
                    .obj("config", |c| {
                        c.bool("enabled", true)
                            .null("event_time")
                            .obj("freshness", freshness)
                            .str("loaded_at_field", "_fivetran_synced")
                            .null("loaded_at_query")
                            .obj("meta", |_| {})
                            .arr("tags", |_| {})
                            .null("static_analysis");
                    })
                    .null("patch_path")
                    .obj("unrendered_config", |u| {
                        u.str("loaded_at_field", "_fivetran_synced");
                    })
                    .str("relation_name", &ids::source_relation(s))
                    .float("created_at", created_at)
                    .null("unrendered_database")
                    .str("unrendered_schema", &s.system)
                    .arr("doc_blocks", |_| {});
            });
            Self::push_member(out, &unique_id, &json);
            self.written.push(Written { unique_id, parents: Vec::new(), group: None, run: None });
        }
    }

    fn write_exposures(&mut self, out: &mut String) {
        let project = self.name().to_string();
        for e in &self.p.exposures {
            let unique_id = ids::exposure_id(&project, &e.name);
            let parents: Vec<String> = e.models.iter().map(|&m| ids::model_id(&project, &self.p.models[m])).collect();
            let created_at = self.created_at();
            let json = object(|o| {
                o.str("name", &e.name)
                    .str("resource_type", "exposure")
                    .str("package_name", &project)
                    .str("path", "marts/_exposures.yml")
                    .str("original_file_path", "models/marts/_exposures.yml")
                    .str("unique_id", &unique_id)
                    .strs("fqn", [project.as_str(), "marts", e.name.as_str()])
                    .str("type", e.kind)
                    .obj("owner", |ow| {
                        ow.str("email", &e.owner_email).str("name", &e.owner_name);
                    })
                    .str("description", &format!("{} used by the {} team every week.", e.label, self.p.name))
                    .str("label", &e.label)
                    .str("maturity", "high")
                    .obj("meta", |_| {})
                    .arr("tags", |_| {})
                    .obj("config", |c| {
                        c.bool("enabled", true).arr("tags", |_| {}).obj("meta", |_| {});
                    })
                    .obj("unrendered_config", |_| {})
                    .str("url", &format!("https://bi.acme.io/{}/{}", e.kind, e.name))
                    .obj("depends_on", |d| {
                        d.arr("macros", |_| {}).strs("nodes", parents.iter());
                    })
                    .arr("refs", |a| {
                        for &m in &e.models {
                            refs_json(a, &self.p.models[m].name, None, self.p.models[m].version);
                        }
                    })
                    .arr("sources", |_| {})
                    .arr("metrics", |_| {})
                    .float("created_at", created_at);
            });
            Self::push_member(out, &unique_id, &json);
            self.written.push(Written { unique_id, parents, group: None, run: None });
        }
    }

    fn write_unit_tests(&mut self, out: &mut String) {
        let project = self.name().to_string();
        for u in &self.p.unit_tests {
            let m = &self.p.models[u.model];
            let unique_id = ids::unit_test_id(&project, &m.name, &u.name);
            let model_id = ids::model_id(&project, m);
            let created_at = self.created_at();
            let checksum = self.rng.hex(64);
            let json = object(|o| {
                o.str("model", &m.name)
                    .arr("given", |a| {
                        for p in m.parents.iter().take(2) {
                            let (_, input) = self.input(p);
                            a.obj(|g| {
                                g.str("input", &input.jinja.replace("{{ ", "").replace(" }}", ""))
                                    .arr("rows", |rows| {
                                        rows.obj(|r| {
                                            r.str(&input.key, "a1");
                                        })
                                        .obj(|r| {
                                            r.str(&input.key, "b2");
                                        });
                                    })
                                    .str("format", "dict")
                                    .null("fixture");
                            });
                        }
                    })
                    .obj("expect", |e| {
                        e.arr("rows", |rows| {
                            rows.obj(|r| {
                                r.str(&m.key, "a1");
                            });
                        })
                        .str("format", "dict")
                        .null("fixture");
                    })
                    .str("name", &u.name)
                    .str("resource_type", "unit_test")
                    .str("package_name", &project)
                    .str("path", &format!("{}/_unit_tests.yml", m.layer.folder()))
                    .str("original_file_path", &format!("models/{}/_unit_tests.yml", m.layer.folder()))
                    .str("unique_id", &unique_id)
                    .strs("fqn", [project.as_str(), m.layer.folder(), m.name.as_str(), u.name.as_str()])
                    .str("description", &format!("Checks the join logic of {}.", m.name))
                    .null("overrides")
                    .obj("depends_on", |d| {
                        d.arr("macros", |_| {}).strs("nodes", [model_id.as_str()]);
                    })
                    .obj("config", |c| {
                        c.arr("tags", |_| {}).obj("meta", |_| {}).bool("enabled", true);
                    })
                    .str("checksum", &checksum)
                    .str("schema", &project)
                    .float("created_at", created_at)
                    .null("versions")
                    .null("version");
            });
            Self::push_member(out, &unique_id, &json);
            self.written.push(Written {
                unique_id,
                parents: vec![model_id],
                group: None,
                run: Some(("pass", String::new())),
            });
        }
    }

    fn run_results(&mut self) -> String {
        let generated_at = format!("2026-11-27T11:{:02}:09.144429Z", 59 - self.revision % 60);
        let invocation = self.rng.hex(32);
        let mut elapsed = 0.0;
        let results: Vec<(String, &'static str, f64, String)> = self
            .written
            .iter()
            .filter_map(|w| w.run.as_ref().map(|(status, code)| (w.unique_id.clone(), *status, code.clone())))
            .map(|(id, status, code)| {
                let t = 0.05 + self.rng.below(5000) as f64 / 1000.0;
                elapsed += t;
                (id, status, t, code)
            })
            .collect();
        object(|o| {
            o.obj("metadata", |m| {
                m.str("dbt_schema_version", "https://schemas.getdbt.com/dbt/run-results/v6.json")
                    .str("dbt_version", DBT_VERSION)
                    .str("generated_at", &generated_at)
                    .str("invocation_id", &invocation)
                    .str("invocation_started_at", &generated_at)
                    .obj("env", |_| {});
            });
            o.arr("results", |a| {
                for (id, status, t, code) in &results {
                    a.obj(|r| {
                        r.str("status", status)
                            .arr("timing", |timing| {
                                for step in ["compile", "execute"] {
                                    timing.obj(|s| {
                                        s.str("name", step)
                                            .str("started_at", &generated_at)
                                            .str("completed_at", &generated_at);
                                    });
                                }
                            })
                            .str("thread_id", "Thread-1")
                            .float("execution_time", *t)
                            .obj("adapter_response", |_| {})
                            .str(
                                "message",
                                if *status == "fail" { "Got 3 results, configured to fail if != 0" } else { "OK" },
                            )
                            .int("failures", if *status == "fail" { 3 } else { 0 })
                            .str("unique_id", id)
                            .bool("compiled", true)
                            .str("compiled_code", code)
                            .null("relation_name")
                            .null("batch_results");
                    });
                }
            });
            o.float("elapsed_time", elapsed).obj("args", |a| {
                a.str("which", "build");
            });
        })
    }
}
