//! A CSV batch file: any bytes, no panic, never more rows than allowed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let latest = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("a date");
    if let Ok(rows) = laurel::award::parse_csv(data, latest, 50) {
        assert!(rows.len() <= 50);
    }
});
