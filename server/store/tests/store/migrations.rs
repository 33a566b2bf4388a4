//! The two migration sets (one per backend) must hold the same migrations:
//! a migration written for one backend only would leave the other's schema
//! behind. Names must also sort in the order they are to be applied.

use std::collections::BTreeSet;
use std::path::Path;

fn names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = names("sqlite");
    let postgres = names("postgres");
    assert!(!sqlite.is_empty(), "no migrations found");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in migrations/sqlite: {only_sqlite:?}; only in migrations/postgres: {only_postgres:?}"
    );
}

#[test]
fn migration_names_are_versioned_sql_files() {
    for name in names("sqlite") {
        let (version, rest) = name
            .split_once('_')
            .unwrap_or_else(|| panic!("{name}: expected VERSION_description.sql"));
        assert!(
            version.len() == 14 && version.bytes().all(|b| b.is_ascii_digit()),
            "{name}: the version must be 14 digits (YYYYMMDDnnnnnn)"
        );
        assert!(rest.ends_with(".sql"), "{name}: not a .sql file");
    }
}
