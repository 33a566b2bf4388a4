//! Laurel's design tokens: the Tailwind classes of buttons, inputs, cards,
//! alerts, notices and tables, in one place. Pages use these constants
//! instead of re-inlining the classes (Tailwind finds them here: it scans
//! `app/src`).

/// The main action of a form.
pub const BUTTON: &str =
    "rounded bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800";
/// An action that cannot be undone (revoke).
pub const DANGER: &str = "rounded bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-800";
/// A lesser action (sign out everywhere, remove, change role).
pub const SECONDARY: &str = "rounded border border-stone-300 px-3 py-1 text-sm";
/// A boxed form or section.
pub const CARD: &str = "space-y-4 rounded border border-stone-200 bg-white p-4";
/// A refusal or error (`role="alert"`).
pub const ALERT: &str = "rounded border border-red-200 bg-red-50 px-3 py-2 text-red-800";
/// A success or information line (`role="status"`).
pub const NOTICE: &str =
    "rounded border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900";
pub const TABLE: &str = "w-full border-collapse text-left text-sm";
pub const CELL: &str = "border-b border-stone-200 px-2 py-2 align-top";
/// A full-width text input, select or textarea under its label.
pub const INPUT: &str = "mt-1 w-full rounded border border-stone-300 px-3 py-2";
/// A select or input inline in a table row or sentence.
pub const INPUT_INLINE: &str = "rounded border border-stone-300 px-2 py-1 text-sm";
pub const LABEL: &str = "block text-sm font-semibold";
