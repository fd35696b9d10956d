//! One model's compiled SQL → which columns of which relations each output column
//! reads, and which columns its joins, filters and group-bys read.
//!
//! sqlparser gives the syntax tree; the resolver here walks its scopes: CTEs, derived
//! tables, joins, set operations and subqueries, with `select *` (and `exclude`,
//! `except`, `rename`, `replace`) expanded from the columns the caller knows. A name it
//! cannot place never becomes an edge: it is left out, and a star over a relation whose
//! columns nobody knows makes the whole model unavailable rather than partly wrong.

use std::{ops::ControlFlow, rc::Rc};

use sqlparser::{
    ast::{
        Expr, GroupByExpr, Ident, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, Query, SelectItem,
        SelectItemQualifiedWildcardKind, SetExpr, Statement, TableFactor, TableWithJoins, Visit, Visitor,
        WildcardAdditionalOptions,
    },
    dialect::Dialect,
    parser::{Parser, ParserError},
};

use serde::{Deserialize, Serialize};

use super::EdgeKind;

/// A column of a relation the SQL reads: `relation` indexes [`Extracted::relations`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dep {
    pub relation: usize,
    pub column: String,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputColumn {
    pub name: String,
    pub deps: Vec<Dep>,
}

/// What one model's SQL says about its columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extracted {
    /// Relations read, as the SQL names them, lowercased and unquoted: `db.schema.table`.
    pub relations: Vec<String>,
    pub columns: Vec<OutputColumn>,
    /// Columns read only to join, filter or group (kind [`EdgeKind::Filter`]).
    pub filters: Vec<Dep>,
}

/// Why a model's SQL gave no lineage: the message, and the line it points at when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub message: String,
    pub line: Option<u32>,
}

impl Unavailable {
    fn new(message: impl Into<String>) -> Self {
        Unavailable { message: message.into(), line: None }
    }
}

/// The columns of a relation the SQL reads, when the caller knows them (catalog.json,
/// declared columns, or the upstream model's own output), for `select *`.
pub trait KnownColumns {
    fn columns_of(&self, relation: &str) -> Option<Vec<String>>;
}

/// Parses `sql` in `dialect` and resolves its columns.
pub fn extract(sql: &str, dialect: &dyn Dialect, known: &dyn KnownColumns) -> Result<Extracted, Unavailable> {
    let statements = Parser::parse_sql(dialect, sql).map_err(parse_error)?;
    let query = match statements.as_slice() {
        [Statement::Query(q)] => q,
        [] => return Err(Unavailable::new("the compiled SQL holds no statement")),
        [_] => return Err(Unavailable::new("the compiled SQL is not a SELECT query")),
        _ => {
            return Err(Unavailable::new(format!(
                "the compiled SQL holds {} statements, not one query",
                statements.len()
            )))
        }
    };
    let mut resolver = Resolver { known, out: Extracted::default() };
    let output = resolver.query(query, &Scope::root())?;
    if let Some((_, label)) = output.rest {
        return Err(Unavailable::new(format!(
            "`select *` reads {label}, whose columns are not known (no catalog.json, declared or computed columns)"
        )));
    }
    let mut out = resolver.out;
    out.columns = output.columns;
    for column in &mut out.columns {
        dedup(&mut column.deps);
    }
    dedup(&mut out.filters);
    Ok(out)
}

/// Keeps one dep per relation column; a copy path and an expression path make it a transform.
fn dedup(deps: &mut Vec<Dep>) {
    deps.sort_by(|a, b| (a.relation, &a.column, b.kind).cmp(&(b.relation, &b.column, a.kind)));
    deps.dedup_by(|later, first| later.relation == first.relation && later.column.eq_ignore_ascii_case(&first.column));
}

fn parse_error(e: ParserError) -> Unavailable {
    let message = match e {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
        ParserError::RecursionLimitExceeded => "the SQL nests deeper than the parser allows".to_string(),
    };
    // sqlparser ends its messages with "at Line: N, Column: M".
    let line = message
        .rsplit_once("Line: ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok());
    Unavailable { message, line }
}

/// What a name in FROM stands for.
#[derive(Debug, Clone)]
enum Source {
    /// A relation of the warehouse, with its columns when known.
    Relation { relation: usize, columns: Option<Vec<String>> },
    /// A CTE or a derived table: its output columns, each with what it reads.
    Derived(Rc<Output>),
    /// A table function or anything else whose columns read no relation we can name.
    Opaque,
}

/// What a query returns: its columns, and when it has a `select *` over something
/// whose columns are unknown, that source (names not listed come from it) and its label.
#[derive(Debug, Clone, Default)]
struct Output {
    columns: Vec<OutputColumn>,
    rest: Option<(Box<Source>, String)>,
}

/// The names visible in one SELECT: its FROM sources, its select-list aliases so far,
/// and the CTEs and outer scopes around it.
struct Scope<'p> {
    ctes: Vec<(String, Rc<Output>)>,
    sources: Vec<(String, Source)>,
    aliases: Vec<OutputColumn>,
    parent: Option<&'p Scope<'p>>,
}

impl<'p> Scope<'p> {
    fn root() -> Self {
        Scope { ctes: Vec::new(), sources: Vec::new(), aliases: Vec::new(), parent: None }
    }

    fn child(parent: &'p Scope<'p>) -> Self {
        Scope { ctes: Vec::new(), sources: Vec::new(), aliases: Vec::new(), parent: Some(parent) }
    }

    fn cte(&self, name: &str) -> Option<&Rc<Output>> {
        self.ctes
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, c)| c)
            .or_else(|| self.parent.and_then(|p| p.cte(name)))
    }

    /// What column `column` of source `qualifier` (or of whichever source has it) reads.
    fn resolve(&self, qualifier: Option<&str>, column: &str) -> Option<Vec<Dep>> {
        if let Some(q) = qualifier {
            return match self.sources.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(q)) {
                Some((_, source)) => source_column(source, column),
                None => self.parent.and_then(|p| p.resolve(qualifier, column)),
            };
        }
        let known: Vec<&Source> = self.sources.iter().map(|(_, s)| s).filter(|s| has_column(s, column)).collect();
        if let [source] = known.as_slice() {
            return source_column(source, column);
        }
        if known.len() > 1 {
            // Ambiguous: the warehouse would refuse it; no edge is better than a wrong one.
            return None;
        }
        if let Some(alias) = self.aliases.iter().find(|a| a.name.eq_ignore_ascii_case(column)) {
            return Some(alias.deps.clone());
        }
        let unknown: Vec<&Source> = self
            .sources
            .iter()
            .map(|(_, s)| s)
            .filter(|s| match s {
                Source::Relation { columns: None, .. } => true,
                Source::Derived(out) => out.rest.is_some(),
                _ => false,
            })
            .collect();
        if let [source] = unknown.as_slice() {
            return source_column(source, column);
        }
        self.parent.and_then(|p| p.resolve(None, column))
    }
}

fn has_column(source: &Source, column: &str) -> bool {
    match source {
        Source::Relation { columns: Some(cols), .. } => cols.iter().any(|c| c.eq_ignore_ascii_case(column)),
        Source::Derived(out) => out.columns.iter().any(|c| c.name.eq_ignore_ascii_case(column)),
        _ => false,
    }
}

fn source_column(source: &Source, column: &str) -> Option<Vec<Dep>> {
    match source {
        Source::Relation { relation, columns } => {
            let name = match columns {
                Some(cols) => cols.iter().find(|c| c.eq_ignore_ascii_case(column))?.clone(),
                None => column.to_string(),
            };
            Some(vec![Dep { relation: *relation, column: name, kind: EdgeKind::Copy }])
        }
        Source::Derived(out) => match out.columns.iter().find(|c| c.name.eq_ignore_ascii_case(column)) {
            Some(c) => Some(c.deps.clone()),
            None => out.rest.as_ref().and_then(|(rest, _)| source_column(rest, column)),
        },
        Source::Opaque => Some(Vec::new()),
    }
}

struct Resolver<'k> {
    known: &'k dyn KnownColumns,
    out: Extracted,
}

impl Resolver<'_> {
    fn relation(&mut self, name: &ObjectName) -> usize {
        let key = relation_key(name);
        match self.out.relations.iter().position(|r| *r == key) {
            Some(i) => i,
            None => {
                self.out.relations.push(key);
                self.out.relations.len() - 1
            }
        }
    }

    fn query(&mut self, query: &Query, outer: &Scope) -> Result<Output, Unavailable> {
        let mut scope = Scope::child(outer);
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                let mut output = self.query(&cte.query, &scope)?;
                rename_to_alias_columns(
                    &mut output.columns,
                    &cte.alias.columns.iter().map(|c| &c.name).collect::<Vec<_>>(),
                );
                scope.ctes.push((cte.alias.name.value.clone(), Rc::new(output)));
            }
        }
        self.set_expr(&query.body, &scope)
    }

    fn set_expr(&mut self, body: &SetExpr, scope: &Scope) -> Result<Output, Unavailable> {
        match body {
            SetExpr::Select(select) => {
                let mut inner = Scope::child(scope);
                for table in &select.from {
                    self.table_with_joins(table, &mut inner)?;
                }
                let mut filters = Vec::new();
                for table in &select.from {
                    for join in &table.joins {
                        if let Some(JoinConstraint::On(on)) = join_constraint(&join.join_operator) {
                            filters.extend(self.refs(on, &inner)?);
                        }
                    }
                }
                if let Some(selection) = &select.selection {
                    filters.extend(self.refs(selection, &inner)?);
                }
                let mut output = Output::default();
                for item in &select.projection {
                    self.select_item(item, &mut inner, &mut output)?;
                    // Later items and clauses may name earlier ones (DuckDB, Snowflake).
                    let known = inner.aliases.len();
                    inner.aliases.extend(output.columns[known..].iter().cloned());
                }
                if let GroupByExpr::Expressions(exprs, _) = &select.group_by {
                    for e in exprs {
                        filters.extend(self.refs(e, &inner)?);
                    }
                }
                for e in select.having.iter().chain(select.qualify.iter()) {
                    filters.extend(self.refs(e, &inner)?);
                }
                self.out.filters.extend(filters.into_iter().map(|d| Dep { kind: EdgeKind::Filter, ..d }));
                Ok(output)
            }
            SetExpr::Query(q) => self.query(q, scope),
            SetExpr::SetOperation { left, right, .. } => {
                let mut output = self.set_expr(left, scope)?;
                let right = self.set_expr(right, scope)?;
                if let Some((_, label)) = output.rest.as_ref().or(right.rest.as_ref()) {
                    return Err(Unavailable::new(format!(
                        "a set operation's branch reads `select *` from {label}, whose columns are not known"
                    )));
                }
                let columns = &mut output.columns;
                if right.columns.len() != columns.len() {
                    return Err(Unavailable::new(format!(
                        "the branches of a set operation have {} and {} columns",
                        columns.len(),
                        right.columns.len()
                    )));
                }
                for (c, r) in columns.iter_mut().zip(right.columns) {
                    c.deps.extend(r.deps);
                }
                Ok(output)
            }
            other => Err(Unavailable::new(format!("{} is not supported for column lineage", set_expr_kind(other)))),
        }
    }

    fn table_with_joins(&mut self, table: &TableWithJoins, scope: &mut Scope) -> Result<(), Unavailable> {
        self.table_factor(&table.relation, scope)?;
        for join in &table.joins {
            self.table_factor(&join.relation, scope)?;
        }
        Ok(())
    }

    fn table_factor(&mut self, factor: &TableFactor, scope: &mut Scope) -> Result<(), Unavailable> {
        let (alias, source) = match factor {
            TableFactor::Table { name, alias, args: None, .. } => {
                let last = last_part(name);
                let source = match (name.0.len(), scope.cte(&last)) {
                    (1, Some(output)) => Source::Derived(output.clone()),
                    _ => {
                        let relation = self.relation(name);
                        let columns = self.known.columns_of(&self.out.relations[relation]);
                        Source::Relation { relation, columns }
                    }
                };
                (alias.as_ref().map(|a| a.name.value.clone()).unwrap_or(last), source)
            }
            TableFactor::Derived { subquery, alias, .. } => {
                let mut output = self.query(subquery, scope)?;
                let alias_columns: Vec<&Ident> = alias.iter().flat_map(|a| a.columns.iter().map(|c| &c.name)).collect();
                rename_to_alias_columns(&mut output.columns, &alias_columns);
                (alias.as_ref().map(|a| a.name.value.clone()).unwrap_or_default(), Source::Derived(Rc::new(output)))
            }
            TableFactor::NestedJoin { table_with_joins, .. } => return self.table_with_joins(table_with_joins, scope),
            TableFactor::Pivot { .. } | TableFactor::Unpivot { .. } => {
                return Err(Unavailable::new("PIVOT and UNPIVOT are not supported for column lineage"))
            }
            TableFactor::Table { name, alias, .. } => {
                (alias.as_ref().map(|a| a.name.value.clone()).unwrap_or_else(|| last_part(name)), Source::Opaque)
            }
            TableFactor::TableFunction { alias, .. }
            | TableFactor::Function { alias, .. }
            | TableFactor::UNNEST { alias, .. } => {
                (alias.as_ref().map(|a| a.name.value.clone()).unwrap_or_default(), Source::Opaque)
            }
            _ => (String::new(), Source::Opaque),
        };
        scope.sources.push((alias, source));
        Ok(())
    }

    fn select_item(&mut self, item: &SelectItem, scope: &mut Scope, output: &mut Output) -> Result<(), Unavailable> {
        let columns = &mut output.columns;
        match item {
            SelectItem::UnnamedExpr(expr) => {
                let name = match expr {
                    Expr::Identifier(i) => i.value.clone(),
                    Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.clone()).unwrap_or_default(),
                    other => other.to_string(),
                };
                columns.push(OutputColumn { name, deps: self.projection(expr, scope)? });
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                columns.push(OutputColumn { name: alias.value.clone(), deps: self.projection(expr, scope)? });
            }
            SelectItem::ExprWithAliases { expr, aliases } => {
                let deps = self.projection(expr, scope)?;
                for alias in aliases {
                    columns.push(OutputColumn { name: alias.value.clone(), deps: deps.clone() });
                }
            }
            SelectItem::Wildcard(options) => {
                for i in 0..scope.sources.len() {
                    match star(&scope.sources[i], &self.out.relations) {
                        Ok(expanded) => self.star_options(expanded, options, scope, columns)?,
                        Err(unknown) => add_rest(&mut output.rest, unknown),
                    }
                }
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), options) => {
                let qualifier = last_part(name);
                let Some(source) = scope.sources.iter().find(|(a, _)| a.eq_ignore_ascii_case(&qualifier)) else {
                    return Err(Unavailable::new(format!("`{name}.*` names no table of its FROM clause")));
                };
                match star(source, &self.out.relations) {
                    Ok(expanded) => self.star_options(expanded, options, scope, columns)?,
                    Err(unknown) => add_rest(&mut output.rest, unknown),
                }
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::Expr(e), _) => {
                return Err(Unavailable::new(format!("`{e}.*` is not supported for column lineage")));
            }
        }
        Ok(())
    }

    /// Applies `exclude`, `except`, `rename` and `replace` to a star's columns.
    fn star_options(
        &mut self,
        mut expanded: Vec<OutputColumn>,
        options: &WildcardAdditionalOptions,
        scope: &Scope,
        columns: &mut Vec<OutputColumn>,
    ) -> Result<(), Unavailable> {
        let mut dropped: Vec<String> = Vec::new();
        if let Some(exclude) = &options.opt_exclude {
            use sqlparser::ast::ExcludeSelectItem::*;
            let names = match exclude {
                Single(n) => vec![n],
                Multiple(ns) => ns.iter().collect(),
            };
            dropped.extend(names.into_iter().map(last_part));
        }
        if let Some(except) = &options.opt_except {
            dropped.push(except.first_element.value.clone());
            dropped.extend(except.additional_elements.iter().map(|i| i.value.clone()));
        }
        expanded.retain(|c| !dropped.iter().any(|d| d.eq_ignore_ascii_case(&c.name)));
        if let Some(rename) = &options.opt_rename {
            use sqlparser::ast::RenameSelectItem::*;
            let pairs = match rename {
                Single(p) => vec![p],
                Multiple(ps) => ps.iter().collect(),
            };
            for pair in pairs {
                if let Some(c) = expanded.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&pair.ident.value)) {
                    c.name = pair.alias.value.clone();
                }
            }
        }
        if let Some(replace) = &options.opt_replace {
            for element in &replace.items {
                let deps = self.refs(&element.expr, scope)?;
                if let Some(c) = expanded.iter_mut().find(|c| c.name.eq_ignore_ascii_case(&element.column_name.value)) {
                    c.deps = deps.into_iter().map(|d| Dep { kind: EdgeKind::Transform, ..d }).collect();
                }
            }
        }
        columns.extend(expanded);
        Ok(())
    }

    /// What a projected expression reads: a bare column keeps its kinds, anything else transforms.
    fn projection(&mut self, expr: &Expr, scope: &Scope) -> Result<Vec<Dep>, Unavailable> {
        let mut bare = expr;
        while let Expr::Nested(inner) = bare {
            bare = inner;
        }
        if let Some((qualifier, column)) = column_name(bare, scope) {
            return Ok(scope.resolve(qualifier.as_deref(), &column).unwrap_or_default());
        }
        Ok(self.refs(expr, scope)?.into_iter().map(|d| Dep { kind: EdgeKind::Transform, ..d }).collect())
    }

    /// Every relation column an expression reads, through its subqueries.
    fn refs(&mut self, expr: &Expr, scope: &Scope) -> Result<Vec<Dep>, Unavailable> {
        let mut collector = Collector { scope, depth: 0, names: Vec::new(), subqueries: Vec::new() };
        let _ = expr.visit(&mut collector);
        let Collector { names, subqueries, .. } = collector;
        let mut deps = Vec::new();
        for (qualifier, column) in names {
            deps.extend(scope.resolve(qualifier.as_deref(), &column).unwrap_or_default());
        }
        for subquery in subqueries {
            for column in self.query(&subquery, scope)?.columns {
                deps.extend(column.deps);
            }
        }
        Ok(deps)
    }
}

/// Gathers the column names of an expression, outside its subqueries (kept apart to be
/// resolved in their own scope).
struct Collector<'s, 'p> {
    scope: &'s Scope<'p>,
    depth: usize,
    names: Vec<(Option<String>, String)>,
    subqueries: Vec<Query>,
}

impl Visitor for Collector<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if self.depth == 0 {
            self.subqueries.push(query.clone());
        }
        self.depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _: &Query) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.depth == 0 {
            if let Some(name) = column_name(expr, self.scope) {
                self.names.push(name);
            }
        }
        ControlFlow::Continue(())
    }
}

/// The (qualifier, column) an identifier names. In `a.b.c`, `a` is a table alias when
/// the scope has one (then `b` is its column, `c` a field), else `b` is the table.
fn column_name(expr: &Expr, scope: &Scope) -> Option<(Option<String>, String)> {
    match expr {
        Expr::Identifier(i) => Some((None, i.value.clone())),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [] => None,
            [only] => Some((None, only.value.clone())),
            [first, second, ..] if is_source(scope, &first.value) => {
                Some((Some(first.value.clone()), second.value.clone()))
            }
            [.., table, column] => Some((Some(table.value.clone()), column.value.clone())),
        },
        _ => None,
    }
}

fn is_source(scope: &Scope, alias: &str) -> bool {
    scope.sources.iter().any(|(a, _)| a.eq_ignore_ascii_case(alias))
        || scope.parent.is_some_and(|p| is_source(p, alias))
}

/// A source's columns for `select *`, or, when they are unknown, the source itself
/// and how to name it.
fn star(source: &(String, Source), relations: &[String]) -> Result<Vec<OutputColumn>, (Source, String)> {
    match &source.1 {
        Source::Relation { relation, columns: Some(columns) } => Ok(columns
            .iter()
            .map(|c| OutputColumn {
                name: c.clone(),
                deps: vec![Dep { relation: *relation, column: c.clone(), kind: EdgeKind::Copy }],
            })
            .collect()),
        Source::Relation { relation, columns: None } => Err((source.1.clone(), relations[*relation].clone())),
        Source::Derived(out) => match &out.rest {
            None => Ok(out.columns.clone()),
            Some((_, label)) => Err((source.1.clone(), label.clone())),
        },
        Source::Opaque => Err((Source::Opaque, format!("`{}`, a table function,", source.0))),
    }
}

/// Names not listed come from the one unknown star; after a second, from nothing we can name.
fn add_rest(rest: &mut Option<(Box<Source>, String)>, (source, label): (Source, String)) {
    *rest = match rest.take() {
        None => Some((Box::new(source), label)),
        Some((_, first)) => Some((Box::new(Source::Opaque), format!("{first} and {label}"))),
    };
}

fn rename_to_alias_columns(columns: &mut [OutputColumn], names: &[&Ident]) {
    for (column, name) in columns.iter_mut().zip(names) {
        column.name = name.value.clone();
    }
}

fn join_constraint(op: &JoinOperator) -> Option<&JoinConstraint> {
    use JoinOperator::*;
    match op {
        Join(c) | Inner(c) | Left(c) | LeftOuter(c) | Right(c) | RightOuter(c) | FullOuter(c) | CrossJoin(c)
        | Semi(c) | LeftSemi(c) | RightSemi(c) | Anti(c) | LeftAnti(c) | RightAnti(c) | StraightJoin(c) => Some(c),
        AsOf { constraint, .. } => Some(constraint),
        _ => None,
    }
}

fn set_expr_kind(body: &SetExpr) -> &'static str {
    match body {
        SetExpr::Values(_) => "VALUES",
        SetExpr::Table(_) => "TABLE",
        _ => "a statement inside a query",
    }
}

fn part_value(part: &ObjectNamePart) -> String {
    match part {
        ObjectNamePart::Identifier(i) => i.value.clone(),
        ObjectNamePart::Function(f) => f.name.value.clone(),
    }
}

fn last_part(name: &ObjectName) -> String {
    name.0.last().map(part_value).unwrap_or_default()
}

/// `"Demo"."Platform"."orders"` → `demo.platform.orders`: how relations are compared.
pub fn relation_key(name: &ObjectName) -> String {
    name.0.iter().map(|p| part_value(p).to_lowercase()).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use sqlparser::dialect::DuckDbDialect;

    use super::*;

    struct Catalog(HashMap<&'static str, Vec<&'static str>>);

    impl KnownColumns for Catalog {
        fn columns_of(&self, relation: &str) -> Option<Vec<String>> {
            self.0.get(relation).map(|c| c.iter().map(|s| s.to_string()).collect())
        }
    }

    fn catalog() -> Catalog {
        Catalog(HashMap::from([
            ("db.s.orders", vec!["order_id", "customer_id", "amount", "status", "order_date"]),
            ("db.s.customers", vec!["customer_id", "full_name", "country_code"]),
        ]))
    }

    /// Each output column as `name <- relation.column:kind, ...`, and the filters.
    fn lineage(sql: &str) -> (Vec<String>, Vec<String>) {
        let e = extract(sql, &DuckDbDialect, &catalog()).unwrap_or_else(|u| panic!("{sql}: {u:?}"));
        let dep = |d: &Dep| format!("{}.{}:{}", e.relations[d.relation], d.column, d.kind.as_str());
        let columns = e
            .columns
            .iter()
            .map(|c| format!("{} <- {}", c.name, c.deps.iter().map(dep).collect::<Vec<_>>().join(", ")))
            .collect();
        (columns, e.filters.iter().map(dep).collect())
    }

    #[test]
    fn columns_resolve_through_scopes() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "select o.order_id, o.customer_id, c.full_name as name, count(o.amount) as n \
                 from db.s.orders as o join db.s.customers as c on c.customer_id = o.customer_id \
                 where o.status <> 'x' group by o.order_id, o.customer_id, c.full_name",
                &[
                    "order_id <- db.s.orders.order_id:copy",
                    "customer_id <- db.s.orders.customer_id:copy",
                    "name <- db.s.customers.full_name:copy",
                    "n <- db.s.orders.amount:transform",
                ],
                &[
                    "db.s.customers.customer_id:filter",
                    "db.s.customers.full_name:filter",
                    "db.s.orders.customer_id:filter",
                    "db.s.orders.order_id:filter",
                    "db.s.orders.status:filter",
                ],
            ),
            (
                "with a as (select order_id as id, amount * 2 as double from db.s.orders), \
                 b as (select id, double + 1 as d from a) select * from b",
                &["id <- db.s.orders.order_id:copy", "d <- db.s.orders.amount:transform"],
                &[],
            ),
            (
                "select * exclude (amount, status) from db.s.orders",
                &[
                    "order_id <- db.s.orders.order_id:copy",
                    "customer_id <- db.s.orders.customer_id:copy",
                    "order_date <- db.s.orders.order_date:copy",
                ],
                &[],
            ),
            (
                "select order_id from db.s.orders union all select customer_id from db.s.customers",
                &["order_id <- db.s.orders.order_id:copy, db.s.customers.customer_id:copy"],
                &[],
            ),
            (
                "select x.total from (select sum(amount) as total from db.s.orders) as x",
                &["total <- db.s.orders.amount:transform"],
                &[],
            ),
            (
                "with source as (select * from read_csv('x.csv') where a > 1), \
                 raw as (select * from db.s.unknown), \
                 renamed as (select id as order_id, (total / 100)::float as total from source) \
                 select renamed.*, raw.b from renamed join raw on raw.id = renamed.order_id",
                &["order_id <- ", "total <- ", "b <- db.s.unknown.b:copy"],
                &["db.s.unknown.id:filter"],
            ),
            (
                "from db.s.orders select order_id as id where status = 'x'",
                &["id <- db.s.orders.order_id:copy"],
                &["db.s.orders.status:filter"],
            ),
            (
                "select row_number() over (partition by customer_id order by order_date) as rn from db.s.orders",
                &["rn <- db.s.orders.customer_id:transform, db.s.orders.order_date:transform"],
                &[],
            ),
        ];
        for (sql, columns, filters) in cases {
            let (got_columns, mut got_filters) = lineage(sql);
            got_filters.sort();
            assert_eq!(got_columns, *columns, "{sql}");
            assert_eq!(got_filters, *filters, "{sql}");
        }
    }

    #[test]
    fn what_cannot_be_resolved_is_unavailable_with_its_line() {
        let e = extract("select a\nfrom t where )", &DuckDbDialect, &catalog()).unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        let e = extract("select * from db.s.unknown", &DuckDbDialect, &catalog()).unwrap_err();
        assert!(e.message.contains("db.s.unknown"), "{e:?}");
        let e = extract("insert into t values (1)", &DuckDbDialect, &catalog()).unwrap_err();
        assert!(e.message.contains("not a SELECT"), "{e:?}");
    }
}
