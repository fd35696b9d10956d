//! The `macros` block every manifest carries: dbt's own and its adapter's macros,
//! about 500 of them and half a megabyte, the same in every project.

use std::{fmt::Write, sync::OnceLock};

use crate::json::Obj;

const STEMS: &[&str] = &[
    "create_table_as",
    "create_view_as",
    "get_columns_in_relation",
    "list_schemas",
    "list_relations_without_caching",
    "drop_relation",
    "truncate_relation",
    "rename_relation",
    "alter_column_type",
    "alter_relation_comment",
    "alter_column_comment",
    "get_create_index_sql",
    "create_schema",
    "drop_schema",
    "check_schema_exists",
    "get_catalog",
    "get_relations",
    "current_timestamp",
    "snapshot_merge_sql",
    "snapshot_hash_arguments",
    "snapshot_string_as_time",
    "get_merge_sql",
    "get_delete_insert_merge_sql",
    "get_insert_overwrite_merge_sql",
    "get_incremental_append_sql",
    "get_incremental_default_sql",
    "get_incremental_merge_sql",
    "get_batch_size",
    "load_csv_rows",
    "create_csv_table",
    "reset_csv_table",
    "get_binding_char",
    "get_seed_column_quoted_csv",
    "test_unique",
    "test_not_null",
    "test_accepted_values",
    "test_relationships",
    "get_where_subquery",
    "default__test_unique",
    "cast_bool_to_text",
    "any_value",
    "bool_or",
    "concat",
    "dateadd",
    "datediff",
    "date_trunc",
    "escape_single_quotes",
    "except",
    "hash",
    "intersect",
    "last_day",
    "length",
    "listagg",
    "position",
    "replace",
    "right",
    "safe_cast",
    "split_part",
    "string_literal",
    "type_bigint",
    "type_boolean",
    "type_float",
    "type_int",
    "type_numeric",
    "type_string",
    "type_timestamp",
    "generate_schema_name",
    "generate_alias_name",
    "generate_database_name",
    "get_show_grant_sql",
    "get_grant_sql",
    "get_revoke_sql",
    "apply_grants",
    "persist_docs",
    "get_columns_spec_ddl",
    "get_assert_columns_equivalent",
    "get_select_subquery",
    "get_empty_subquery_sql",
    "get_empty_schema_sql",
    "get_create_materialized_view_as_sql",
    "refresh_materialized_view",
    "get_replace_sql",
    "get_rename_sql",
    "get_drop_sql",
    "statement",
    "noop_statement",
    "run_query",
    "run_hooks",
    "make_hook_config",
    "before_begin",
    "in_transaction",
    "after_commit",
    "should_full_refresh",
    "should_store_failures",
    "should_revoke",
    "is_incremental",
    "sql_convert_columns_in_relation",
];

const PACKAGES: &[(&str, &str)] = &[
    ("dbt", ""),
    ("dbt", "default__"),
    ("dbt_postgres", "postgres__"),
    ("dbt_snowflake", "snowflake__"),
    ("dbt_utils", ""),
];

fn macro_sql(name: &str, i: usize) -> String {
    let mut sql = format!("{{% macro {name}(relation, columns=none, config=none) -%}}\n");
    let _ = write!(
        sql,
        "  {{%- set sql_header = config.get('sql_header', none) if config else none -%}}\n  {{{{ sql_header if sql_header is not none }}}}\n\n  \
         {{%- if columns is none -%}}\n    {{%- set columns = adapter.get_columns_in_relation(relation) -%}}\n  {{%- endif -%}}\n\n  \
         {{% call statement('{name}', fetch_result=True) %}}\n    select\n    {{%- for column in columns %}}\n      \
         {{{{ adapter.quote(column.name) }}}} as {{{{ column.name }}}}{{{{ ',' if not loop.last }}}}\n    {{%- endfor %}}\n    from {{{{ relation }}}}\n    \
         where 1 = 1\n  {{% endcall %}}\n"
    );
    for k in 0..(i % 4) {
        let _ = write!(
            sql,
            "\n  {{%- set step_{k} = load_result('{name}') -%}}\n  {{%- if step_{k}['data'] | length > 0 -%}}\n    {{{{ log('{name}: ' ~ step_{k}['data'] | length ~ ' rows', info=False) }}}}\n  {{%- endif -%}}\n"
        );
    }
    sql.push_str("\n  {{ return(load_result('");
    sql.push_str(name);
    sql.push_str("')['table']) }}\n{%- endmacro %}");
    sql
}

/// The `macros` object's members, written once.
fn members() -> &'static str {
    static MACROS: OnceLock<String> = OnceLock::new();
    MACROS.get_or_init(|| {
        let mut out = String::new();
        let mut i = 0;
        for (package, prefix) in PACKAGES {
            for stem in STEMS {
                let name = format!("{prefix}{stem}");
                let unique_id = format!("macro.{package}.{name}");
                if i > 0 {
                    out.push(',');
                }
                crate::json::push_string(&mut out, &unique_id);
                out.push(':');
                let path = format!(
                    "macros/{}/{stem}.sql",
                    if stem.starts_with("test_") { "generic_test_sql" } else { "adapters" }
                );
                crate::json::write_object(&mut out, |o| {
                    o.str("name", &name)
                        .str("resource_type", "macro")
                        .str("package_name", package)
                        .str("path", &path)
                        .str("original_file_path", &path)
                        .str("unique_id", &unique_id)
                        .str("macro_sql", &macro_sql(&name, i))
                        .obj("depends_on", |d| {
                            d.strs("macros", ["macro.dbt.statement", "macro.dbt.run_query"].iter().take(i % 3));
                        })
                        .str("description", "")
                        .obj("meta", |_| {})
                        .obj("docs", docs)
                        .obj("config", |c| {
                            c.obj("meta", |_| {}).obj("docs", docs);
                        })
                        .null("patch_path")
                        .arr("arguments", |_| {})
                        .float("created_at", 1_795_780_756.0 + i as f64 / 1000.0)
                        .null("supported_languages");
                });
                i += 1;
            }
        }
        out
    })
}

pub fn docs(o: &mut Obj) {
    o.bool("show", true).null("node_color");
}

/// Writes the `macros` member of a manifest.
pub fn write_macros(o: &mut Obj) {
    o.raw("macros", &format!("{{{}}}", members()));
}
