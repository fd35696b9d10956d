//! Model SQL as analytics engineers write it: a config block, one CTE per input,
//! a typed select list, joins on keys and a final CTE. Compiled code is the same
//! with refs and sources replaced by relations, as dbt compiles it.

use std::fmt::Write;

use super::plan::ColumnPlan;

/// One input of a model: the CTE name, the Jinja that reads it and its relation.
#[derive(Clone)]
pub struct Input {
    pub cte: String,
    pub jinja: String,
    pub relation: String,
    pub key: String,
}

pub struct ModelSql<'a> {
    pub materialized: &'a str,
    pub tags: &'a [&'static str],
    pub key: &'a str,
    pub columns: &'a [ColumnPlan],
    pub inputs: &'a [Input],
}

/// (raw_code, compiled_code)
pub fn model_sql(m: &ModelSql) -> (String, String) {
    let mut body = String::new();
    for (i, input) in m.inputs.iter().enumerate() {
        let _ = write!(
            body,
            "{}{} as (\n\n    select * from @@{i}@@\n    where _fivetran_deleted is not true\n\n),\n\n",
            if i == 0 { "with " } else { "" },
            input.cte
        );
    }
    let first = m.inputs.first().map(|i| i.cte.as_str()).unwrap_or("source");
    body.push_str("final as (\n\n    select\n");
    for (i, c) in m.columns.iter().enumerate() {
        let from = m.inputs.get(i % m.inputs.len().max(1)).map(|i| i.cte.as_str()).unwrap_or(first);
        let expr = match c.data_type {
            "timestamp" => format!("cast({from}.{} as timestamp)", c.name),
            "date" => format!("date_trunc('day', {from}.{})", c.name),
            "boolean" => format!("coalesce({from}.{}, false)", c.name),
            t if t.starts_with("numeric") => format!("round(coalesce({from}.{}, 0), 2)::{t}", c.name),
            "varchar" if !c.name.ends_with("_id") => format!("nullif(trim(lower({from}.{})), '')", c.name),
            t => format!("{from}.{}::{t}", c.name),
        };
        let comma = if i + 1 < m.columns.len() { "," } else { "" };
        let _ = writeln!(body, "        {expr} as {}{comma}", c.name);
    }
    let _ = write!(body, "\n    from {first}\n");
    for input in m.inputs.iter().skip(1) {
        let _ = writeln!(body, "    left join {} on {first}.{} = {}.{}", input.cte, input.key, input.cte, input.key);
    }
    let _ = writeln!(body, "    where {first}.{} is not null", m.key);
    if m.materialized == "incremental" {
        let _ = write!(
            body,
            "\n    {{% if is_incremental() %}}\n    and {first}.updated_at > (select max(updated_at) from {{{{ this }}}})\n    {{% endif %}}\n"
        );
    }
    body.push_str("\n)\n\nselect * from final\n");

    let tags = m.tags.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let unique_key =
        if m.materialized == "incremental" { format!(",\n        unique_key='{}'", m.key) } else { String::new() };
    let mut raw = format!(
        "{{{{\n    config(\n        materialized='{}',\n        tags=[{tags}]{unique_key}\n    )\n}}}}\n\n",
        m.materialized
    );
    let mut compiled = String::from("\n\n");
    let incremental_compiled = body
        .replace("{% if is_incremental() %}", "")
        .replace("{% endif %}", "")
        .replace("{{ this }}", "\"analytics\".\"this\"");
    let mut raw_body = body;
    let mut compiled_body = incremental_compiled;
    for (i, input) in m.inputs.iter().enumerate() {
        let placeholder = format!("@@{i}@@");
        raw_body = raw_body.replace(&placeholder, &input.jinja);
        compiled_body = compiled_body.replace(&placeholder, &input.relation);
    }
    raw.push_str(&raw_body);
    compiled.push_str(&compiled_body);
    (raw, compiled)
}

/// A generic test's compiled SQL, as dbt's built-in tests compile.
pub fn test_sql(kind: &str, relation: &str, column: &str, values: &[&str], to: Option<(&str, &str)>) -> String {
    match kind {
        "unique" => format!(
            "\n    \n    \n\nselect\n    {column} as unique_field,\n    count(*) as n_records\n\nfrom {relation}\nwhere {column} is not null\ngroup by {column}\nhaving count(*) > 1\n\n\n"
        ),
        "not_null" => format!("\n    \n    \n\n\n\nselect {column}\nfrom {relation}\nwhere {column} is null\n\n\n"),
        "accepted_values" => {
            let list = values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(",");
            format!(
                "\n    \n    \n\nwith all_values as (\n\n    select\n        {column} as value_field,\n        count(*) as n_records\n\n    from {relation}\n    group by {column}\n\n)\n\nselect *\nfrom all_values\nwhere value_field not in (\n    {list}\n)\n\n\n"
            )
        }
        _ => {
            let (to_relation, field) = to.unwrap_or((relation, column));
            format!(
                "\n    \n    \n\nwith child as (\n    select {column} as from_field\n    from {relation}\n    where {column} is not null\n),\n\nparent as (\n    select {field} as to_field\n    from {to_relation}\n)\n\nselect\n    from_field\n\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\n\nwhere parent.to_field is null\n\n\n"
            )
        }
    }
}
