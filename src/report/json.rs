//! The JSON printer: one schema for every command.

use std::io::{self, Write};

use serde_json::json;

use super::Report;

/// `--format json`, one schema for every command: the findings (each with the ids of its
/// fixes), the fixes, the stats, the errors, and `history` and `notes` when there are some.
/// `header` (an object) adds the command's own fields: lint's `summary`, the hook's
/// `.gitignore` check and verdict.
pub fn json(report: &Report, header: serde_json::Value, out: &mut dyn Write) -> io::Result<()> {
    let mut value = json!({
        "version": 1,
        "findings": report.findings,
        "fixes": report.fixes,
        "stats": report.stats,
        "errors": report.errors,
    });
    if let Some(h) = &report.history {
        value["history"] = json!(h);
    }
    if !report.notes.is_empty() {
        value["notes"] = json!(report.notes);
    }
    if let serde_json::Value::Object(fields) = header {
        for (k, v) in fields {
            value[k] = v;
        }
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
