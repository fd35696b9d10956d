//! `meshlens check`: the index's findings as a CI gate, written as text, JSON, JUnit
//! XML or GitHub Actions annotations.

use model::dto::Finding;
use serde_json::json;

use crate::mesh::{findings_fail as fails, FINDING_KINDS};

/// The findings of failing kinds. No `fail_on` means every kind but the opt-in ones
/// (`source_reads_model`, `duplicate_node`).
pub fn failing<'a>(findings: &'a [Finding], fail_on: &[String]) -> Vec<&'a Finding> {
    findings.iter().filter(|f| fails(&f.kind, fail_on)).collect()
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// GitHub's workflow commands need `%`, CR and LF escaped in messages.
fn escape_annotation(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

pub fn text(findings: &[Finding], fail_on: &[String]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{} {} {} {}: {}\n",
            if fails(&f.kind, fail_on) { "FAIL" } else { "note" },
            f.kind,
            f.project,
            f.node,
            f.message
        ));
    }
    let failing = failing(findings, fail_on).len();
    out.push_str(&format!(
        "{} finding{}, {failing} failing{}\n",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        if fail_on.is_empty() { String::new() } else { format!(" (failing kinds: {})", fail_on.join(", ")) }
    ));
    out
}

pub fn json(findings: &[Finding], fail_on: &[String]) -> String {
    let failing = failing(findings, fail_on).len();
    let fail_on: Vec<&str> = FINDING_KINDS.into_iter().filter(|k| fails(k, fail_on)).collect();
    serde_json::to_string_pretty(&json!({ "findings": findings, "failing": failing, "fail_on": fail_on }))
        .unwrap_or_default()
        + "\n"
}

/// One test suite a kind, one test case a finding; failing kinds are failures.
pub fn junit(findings: &[Finding], fail_on: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = failing(findings, fail_on).len();
    out.push_str(&format!(
        "<testsuites name=\"meshlens check\" tests=\"{}\" failures=\"{failures}\">\n",
        findings.len()
    ));
    for kind in FINDING_KINDS {
        let of_kind: Vec<&Finding> = findings.iter().filter(|f| f.kind == kind).collect();
        out.push_str(&format!(
            "  <testsuite name=\"{kind}\" tests=\"{}\" failures=\"{}\">\n",
            of_kind.len(),
            if fails(kind, fail_on) { of_kind.len() } else { 0 }
        ));
        for f in of_kind {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\">",
                escape_xml(&f.project),
                escape_xml(&f.node)
            ));
            let message = escape_xml(&f.message);
            if fails(kind, fail_on) {
                out.push_str(&format!("<failure message=\"{message}\" type=\"{kind}\">{message}</failure>"));
            } else {
                out.push_str(&format!("<system-out>{message}</system-out>"));
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

pub fn github(findings: &[Finding], fail_on: &[String]) -> String {
    findings
        .iter()
        .map(|f| {
            let level = if fails(&f.kind, fail_on) { "error" } else { "warning" };
            format!("::{level} title=meshlens {}::{} ({})\n", f.kind, escape_annotation(&f.message), f.node)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(kind: &str, message: &str) -> Finding {
        Finding {
            kind: kind.into(),
            severity: "error".into(),
            project: "p".into(),
            node: "model.p.a".into(),
            other: None,
            other_project: None,
            message: message.into(),
        }
    }

    #[test]
    fn only_failing_kinds_fail() {
        let findings = [finding("private_ref", "a"), finding("unpinned_ref", "b")];
        assert_eq!(failing(&findings, &[]).len(), 2);
        assert_eq!(failing(&findings, &["unpinned_ref".into()]).len(), 1);
        assert_eq!(failing(&findings, &["missing_latest_version".into()]).len(), 0);
    }

    #[test]
    fn formats_escape_what_they_must() {
        let findings = [finding("private_ref", "a <b> & \"c\" 100%")];
        let xml = junit(&findings, &[]);
        assert!(xml.contains("a &lt;b&gt; &amp; &quot;c&quot;"), "{xml}");
        assert!(xml.contains("<testsuite name=\"private_ref\" tests=\"1\" failures=\"1\">"), "{xml}");
        let annotations = github(&findings, &["unpinned_ref".into()]);
        assert!(annotations.starts_with("::warning title=meshlens private_ref::"), "{annotations}");
        assert!(annotations.contains("100%25"), "{annotations}");
        assert!(text(&findings, &[]).ends_with("1 finding, 1 failing\n"));
    }
}
