//! Which SQL dialect a project's compiled code is parsed in: its adapter's.

use sqlparser::dialect::{
    BigQueryDialect, DatabricksDialect, Dialect, DuckDbDialect, GenericDialect, PostgreSqlDialect, RedshiftSqlDialect,
    SnowflakeDialect,
};

/// The dialect of `metadata.adapter_type`. Trino, Athena and adapters sqlparser has no
/// dialect for are parsed with its generic dialect, which accepts the ANSI core they share.
pub fn for_adapter(adapter_type: Option<&str>) -> Box<dyn Dialect + Send + Sync> {
    match adapter_type.unwrap_or_default().to_ascii_lowercase().as_str() {
        "snowflake" => Box::new(SnowflakeDialect),
        "bigquery" => Box::new(BigQueryDialect),
        "postgres" | "postgresql" => Box::new(PostgreSqlDialect {}),
        "redshift" => Box::new(RedshiftSqlDialect {}),
        "databricks" | "spark" => Box::new(DatabricksDialect),
        "duckdb" | "motherduck" => Box::new(DuckDbDialect),
        _ => Box::new(GenericDialect),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::parser::Parser;

    #[test]
    fn each_adapter_parses_its_own_syntax() {
        let cases: &[(&str, &str)] = &[
            ("snowflake", "select a from t qualify row_number() over (partition by b order by c) = 1"),
            ("bigquery", "select a from `proj.ds.t` where b = 1"),
            ("postgres", "select a::text from t"),
            ("redshift", "select a from t where b ilike 'x%'"),
            ("databricks", "select a from t lateral view explode(b) as x"),
            ("duckdb", "select * exclude (a) from t"),
            ("trino", "select a from t"),
        ];
        for (adapter, sql) in cases {
            let dialect = for_adapter(Some(adapter));
            assert!(Parser::parse_sql(&*dialect, sql).is_ok(), "{adapter}: {sql}");
        }
    }
}
