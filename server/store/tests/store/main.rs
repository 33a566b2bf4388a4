//! The store's integration suites, one test binary (fewer binaries link
//! faster): every scenario against a real SQLite file and a real PostgreSQL
//! database, fresh for each test and dropped afterwards.

mod accounts;
mod billing;
mod concurrency;
mod members;
mod migrations;
mod purge;
mod remote;
