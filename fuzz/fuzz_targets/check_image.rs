//! The upload checker (type, size, dimensions, the SVG allow-list): any
//! bytes, no panic, and an image it accepts keeps every rule (kind, size,
//! sides, squareness).
#![no_main]

use laurel::image::{check_image, ImageRules};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for rules in [&ImageRules::BADGE, &ImageRules::PROFILE] {
        if let Ok(info) = check_image(data, rules) {
            assert!(data.len() <= rules.max_bytes);
            assert!(rules.kinds.contains(&info.kind));
            assert!(info.width >= rules.min_side && info.height >= rules.min_side);
            assert!(!rules.square || info.width == info.height);
        }
    }
});
