//! leakgate: keeps credentials out of git.
//!
//! `rules` loads rule data, `scan` matches bytes, `finding` redacts, `walk` reads files,
//! `report` renders. The binary (`main.rs`, `cli.rs`) wires them together.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod allowlist;
pub mod baseline;
pub mod check;
pub mod config;
pub mod context;
pub mod example;
pub mod exclusion;
pub mod expand;
pub mod finding;
pub mod fix;
pub mod framework;
pub mod gate;
pub mod git;
pub mod gitignore;
pub mod hirbin;
pub mod hygiene;
pub mod install;
pub mod keywords;
pub mod light;
pub mod lint;
pub mod loosen;
pub mod policy;
pub mod precommit;
pub mod prepush;
pub mod regex_cache;
pub mod report;
pub mod rules;
pub mod scan;
pub mod selftest;
pub mod shape;
#[cfg(test)]
mod testrng;
pub mod validate;
pub mod walk;
