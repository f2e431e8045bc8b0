//! The integration tests, in one binary: one link, and every suite's tests share the
//! harness's threads (the slow ones, which drive the real `git commit`, the pre-commit
//! framework and `install.sh`, run beside the rest instead of after them).

mod util;

mod baseline;
mod ci;
mod config;
mod differential;
mod framework;
mod install_sh;
mod lint;
mod long_lines;
mod no_silent_pass;
mod precommit;
mod prepush;
mod quiet;
mod quiet_real;
mod readme;
mod rules;
mod scan;
mod snapshots;
mod syntax_matrix;
