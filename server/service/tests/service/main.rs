//! The services' integration suites, one test binary (fewer binaries link
//! faster): the job queue and worker, issuing and batches, holder accounts
//! and verifier reports, second factors
//! and passwords — each scenario against a real SQLite file and a real
//! PostgreSQL database, fresh for each test and dropped afterwards.

mod analytics;
mod api;
mod billing;
mod holders;
mod hosted;
mod issuing;
mod jobs;
mod mfa;
mod sending;
mod wallet;
mod webhooks;
