//! The one options struct: every setting meshlens reads, from a flag, the environment,
//! `meshlens.toml` or its default (in that order), each with where its value came from,
//! and the limits table inside it. `meshlens config` prints it.

use std::{
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

use serde_json::json;

use crate::{
    config::{ProjectSource, Settings},
    limits::Limits,
};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, by its name.
    Flag(&'static str),
    /// An environment variable, by its name.
    Env(&'static str),
    /// The config file, by its path.
    File(PathBuf),
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(name) => write!(f, "{name}"),
            Origin::Env(name) => write!(f, "{name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Default => write!(f, "default"),
        }
    }
}

/// A value with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// A value a flag or its environment variable gave, with which of the two it was.
pub type Given<T> = Option<Setting<T>>;

/// What the command line (and the environment behind its flags) gave.
#[derive(Debug, Default)]
pub struct CommandLine {
    pub data: Given<PathBuf>,
    /// `meshlens index --dbt-loom` (and `serve`'s scheduled index runs).
    pub dbt_loom: Given<PathBuf>,
    pub addr: Given<SocketAddr>,
    pub uploads_at_once: Given<usize>,
    /// `MESHLENS_LOG`, when set.
    pub log: Option<String>,
}

/// Where `meshlens serve` listens unless told otherwise.
pub const DEFAULT_ADDR: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, 3000));

/// The log filter of `meshlens serve`; the other commands print only warnings.
pub const SERVE_LOG: &str = "info,tantivy=warn";

#[derive(Debug, Clone)]
pub struct Options {
    /// The config file read, if any.
    pub config_file: Option<PathBuf>,
    /// The data folder; without one, commands that read an index serve the embedded demo.
    pub data: Setting<Option<PathBuf>>,
    pub addr: Setting<SocketAddr>,
    /// The log filter (`MESHLENS_LOG`, in `tracing`'s `EnvFilter` syntax).
    pub log: Setting<String>,
    /// Projects the config file lists.
    pub projects: Vec<ProjectSource>,
    /// A dbt-loom config whose manifests are projects to index too.
    pub dbt_loom: Setting<Option<PathBuf>>,
    /// Every bound on a request; `uploads_at_once` may be set, the rest are built in.
    pub limits: Limits,
    pub uploads_at_once: Origin,
}

impl Options {
    /// The effective options: each setting from the command line, else the config
    /// file, else its default.
    pub fn resolve(given: CommandLine, file: Option<Settings>) -> Options {
        let file_origin = || Origin::File(file.as_ref().map(|f| f.file.clone()).unwrap_or_default());
        fn pick<T>(given: Given<T>, from_file: Option<T>, file: impl Fn() -> Origin, default: T) -> Setting<T> {
            given.unwrap_or_else(|| match from_file {
                Some(value) => Setting { value, origin: file() },
                None => Setting { value: default, origin: Origin::Default },
            })
        }
        let data = match (given.data, file.as_ref().and_then(|f| f.data.clone())) {
            (Some(s), _) => Setting { value: Some(s.value), origin: s.origin },
            (None, Some(path)) => Setting { value: Some(path), origin: file_origin() },
            (None, None) => Setting { value: None, origin: Origin::Default },
        };
        let dbt_loom = match (given.dbt_loom, file.as_ref().and_then(|f| f.dbt_loom.clone())) {
            (Some(s), _) => Setting { value: Some(s.value), origin: s.origin },
            (None, Some(path)) => Setting { value: Some(path), origin: file_origin() },
            (None, None) => Setting { value: None, origin: Origin::Default },
        };
        let addr = pick(given.addr, file.as_ref().and_then(|f| f.addr), file_origin, DEFAULT_ADDR);
        let uploads = pick(
            given.uploads_at_once,
            file.as_ref().and_then(|f| f.uploads_at_once),
            file_origin,
            Limits::DEFAULT.uploads_at_once,
        );
        let log = match given.log {
            Some(value) => Setting { value, origin: Origin::Env("MESHLENS_LOG") },
            None => Setting { value: SERVE_LOG.to_string(), origin: Origin::Default },
        };
        Options {
            config_file: file.as_ref().map(|f| f.file.clone()),
            projects: file.map(|f| f.projects).unwrap_or_default(),
            dbt_loom,
            data,
            addr,
            log,
            limits: Limits { uploads_at_once: uploads.value, ..Limits::DEFAULT },
            uploads_at_once: uploads.origin,
        }
    }

    /// What `meshlens config` prints: a line a setting, with where it came from.
    pub fn text(&self) -> String {
        let mut out = String::from(
            "# effective settings: a flag, else its environment variable, else meshlens.toml, else the default\n",
        );
        let mut line = |name: &str, value: String, origin: &dyn fmt::Display| {
            out.push_str(&format!("{name:<24} {value:<40} # {origin}\n"));
        };
        line(
            "config",
            self.config_file.as_deref().map_or("(none)".to_string(), show),
            &"--config, MESHLENS_CONFIG or ./meshlens.toml",
        );
        line(
            "data",
            self.data.value.as_deref().map_or("(none: the embedded demo)".to_string(), show),
            &self.data.origin,
        );
        line("dbt_loom", self.dbt_loom.value.as_deref().map_or("(none)".to_string(), show), &self.dbt_loom.origin);
        line("addr", self.addr.value.to_string(), &self.addr.origin);
        line("log", self.log.value.clone(), &self.log.origin);
        line("uploads_at_once", self.limits.uploads_at_once.to_string(), &self.uploads_at_once);
        for (name, value) in limit_rows(&self.limits).into_iter().filter(|(n, _)| *n != "uploads_at_once") {
            line(name, value, &"built in");
        }
        for p in &self.projects {
            let name = p.name.as_deref().unwrap_or("(named by its manifest)");
            out.push_str(&format!("project {name:<16} {}\n", p.path.display()));
        }
        out
    }

    /// The same as JSON: `{"settings": {name: {"value", "origin"}}, "projects": [..]}`.
    pub fn json(&self) -> serde_json::Value {
        let mut settings = serde_json::Map::new();
        let mut put = |name: &str, value: serde_json::Value, origin: String| {
            settings.insert(name.to_string(), json!({"value": value, "origin": origin}));
        };
        put(
            "config",
            json!(self.config_file.as_deref().map(show)),
            "--config, MESHLENS_CONFIG or ./meshlens.toml".into(),
        );
        put("data", json!(self.data.value.as_deref().map(show)), self.data.origin.to_string());
        put("dbt_loom", json!(self.dbt_loom.value.as_deref().map(show)), self.dbt_loom.origin.to_string());
        put("addr", json!(self.addr.value.to_string()), self.addr.origin.to_string());
        put("log", json!(self.log.value), self.log.origin.to_string());
        put("uploads_at_once", json!(self.limits.uploads_at_once), self.uploads_at_once.to_string());
        for (name, value) in limit_rows(&self.limits).into_iter().filter(|(n, _)| *n != "uploads_at_once") {
            put(name, json!(value), "built in".into());
        }
        let projects: Vec<_> = self.projects.iter().map(|p| json!({"name": p.name, "path": show(&p.path)})).collect();
        json!({"settings": settings, "projects": projects})
    }
}

fn show(path: &Path) -> String {
    path.display().to_string()
}

/// The limits table as `meshlens config` shows it.
fn limit_rows(l: &Limits) -> Vec<(&'static str, String)> {
    let range = |r: &std::ops::RangeInclusive<usize>| format!("{}..={}", r.start(), r.end());
    vec![
        ("search_limit", range(&l.search_limit)),
        ("search_offset", range(&l.search_offset)),
        ("query_chars", l.query_chars.to_string()),
        ("selector_chars", l.selector_chars.to_string()),
        ("selector_terms", l.selector_terms.to_string()),
        ("selector_depth", l.selector_depth.to_string()),
        ("expand_ids", l.expand_ids.to_string()),
        ("view_nodes", l.view_nodes.to_string()),
        ("view_nodes_cap", l.view_nodes_cap.to_string()),
        ("view_nodes_uncollapsed", l.view_nodes_uncollapsed.to_string()),
        ("upload_bytes", l.upload_bytes.to_string()),
        ("uploads_at_once", l.uploads_at_once.to_string()),
        ("reviews_kept", l.reviews_kept.to_string()),
        ("review_bytes", l.review_bytes.to_string()),
        ("path_bytes", l.path_bytes.to_string()),
        ("query_bytes", l.query_bytes.to_string()),
        ("body_bytes", l.body_bytes.to_string()),
        ("request_timeout_seconds", l.request_timeout.as_secs().to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(data: Option<&str>, addr: Option<&str>, uploads: Option<usize>) -> Settings {
        Settings {
            file: "/srv/meshlens.toml".into(),
            data: data.map(PathBuf::from),
            dbt_loom: None,
            addr: addr.map(|a| a.parse().unwrap()),
            uploads_at_once: uploads,
            projects: Vec::new(),
        }
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default() {
        let given = CommandLine {
            data: Some(Setting { value: "/flag".into(), origin: Origin::Flag("--data") }),
            addr: Some(Setting { value: "127.0.0.1:5000".parse().unwrap(), origin: Origin::Env("MESHLENS_ADDR") }),
            uploads_at_once: None,
            log: None,
            dbt_loom: None,
        };
        let options = Options::resolve(given, Some(file(Some("/file"), Some("127.0.0.1:4000"), Some(5))));
        assert_eq!(options.data, Setting { value: Some("/flag".into()), origin: Origin::Flag("--data") });
        assert_eq!(options.addr.origin, Origin::Env("MESHLENS_ADDR"));
        assert_eq!(
            (options.limits.uploads_at_once, &options.uploads_at_once),
            (5, &Origin::File("/srv/meshlens.toml".into()))
        );
        let options = Options::resolve(CommandLine::default(), None);
        assert_eq!((options.data.value, options.addr.value), (None, DEFAULT_ADDR));
        assert_eq!((options.limits.uploads_at_once, options.uploads_at_once), (2, Origin::Default));
        assert_eq!(options.log.value, SERVE_LOG);
    }

    #[test]
    fn every_limit_is_printed_once() {
        let options = Options::resolve(CommandLine::default(), None);
        let json = options.json();
        let settings = json["settings"].as_object().unwrap();
        assert_eq!(settings.len(), 6 + limit_rows(&Limits::DEFAULT).len() - 1);
        assert_eq!(settings["search_offset"]["value"], "0..=10000");
        assert_eq!(settings["uploads_at_once"]["origin"], "default");
        let text = options.text();
        assert_eq!(text.matches("uploads_at_once").count(), 1, "{text}");
        assert!(text.contains("request_timeout_seconds"), "{text}");
    }
}
