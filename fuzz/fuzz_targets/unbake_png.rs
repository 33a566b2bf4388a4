//! Reading the credential baked into a PNG (`iTXt`/`tEXt` chunks): any
//! bytes, no panic, and a payload read back bakes and reads again the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(payload)) = laurel::bake::unbake_png(data) {
        if let Ok(again) = laurel::bake::bake_png(data, &payload) {
            let read = laurel::bake::unbake_png(&again).expect("a baked PNG reads back");
            assert_eq!(read, Some(payload));
        }
    }
});
