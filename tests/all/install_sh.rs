//! `install.sh` (the README's set-up command) builds and installs the binary and the hook.

use crate::util;

use util::{TestRepo, fake_github_token, run};

#[test]
fn install_sh_installs_binary_and_hook() {
    let repo = TestRepo::new();
    let prefix = repo.dir.path().join("prefix");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let mut c = std::process::Command::new("sh");
    c.arg(&script)
        .arg("--prefix")
        .arg(&prefix)
        .arg("--hook")
        .arg(repo.path())
        // The tests' own target directory: its release build is the one `.ci/run` and
        // `cargo build --release` make, so the install costs one build, not one more.
        .env("CARGO_TARGET_DIR", util::target_dir());
    let out = run(&mut c);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out_install = out;
    let out = &out_install;
    let bin = prefix.join("bin/leakgate");
    assert!(bin.exists());
    assert!(
        out.stdout
            .contains(concat!("leakgate ", env!("CARGO_PKG_VERSION"))),
        "{}",
        out.stdout
    );
    assert!(repo.path().join(".git/hooks/pre-commit").exists());
    assert!(repo.path().join(".git/hooks/pre-merge-commit").exists());

    // The installed hook finds the installed binary although DIR/bin is not on PATH (and no
    // other leakgate is), and blocks a secret.
    repo.stage("cfg.yml", format!("token: {}\n", fake_github_token("ghp_")));
    let out = run(repo
        .git_cmd_in("")
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .args(["commit", "-q", "-m", "x"]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("cfg.yml:1:8: github-classic-token"),
        "{}",
        out.stderr
    );

    // install.sh says that DIR/bin is not on PATH, and how to run it.
    assert!(
        out_install.stderr.contains("is not on PATH"),
        "{}",
        out_install.stderr
    );

    let out = run(std::process::Command::new("sh").arg(&script).arg("--bogus"));
    assert_eq!(out.code, 2);
}
