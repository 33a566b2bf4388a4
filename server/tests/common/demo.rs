//! `laurel demo` for tests that look at its data. Included by the tests
//! that need it (`#[path]`).

use std::process::Command;

/// Runs `laurel demo` as `cmd` (a [`laurel`] command with its settings)
/// and returns the `kind → URL` lines it prints.
pub fn demo(mut cmd: Command) -> std::collections::HashMap<String, String> {
    let out = cmd.arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}
