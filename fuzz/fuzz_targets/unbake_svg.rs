//! Reading the credential baked into an SVG (`openbadges:assertion`): any
//! text, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = laurel::bake::unbake_svg(text);
    }
    let _ = laurel::bake::unbake(data);
});
