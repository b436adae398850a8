//! The one Chinese font the server draws with (card share images, completion
//! certificates): Noto Sans SC Medium (SIL Open Font Licence, vendored from npm
//! `@expo-google-fonts/noto-sans-sc`), cut down to ASCII and the 6,763 common (GB2312)
//! hanzi — 2.1 MB in the binary, so every image renders on any machine. Characters
//! outside that set draw as blank boxes; see docs/card.md.

use std::sync::LazyLock;

use ab_glyph::FontRef;

static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/static/vendor/fonts/NotoSansSC-Medium-GB2312.ttf"
));

static FONT: LazyLock<Option<FontRef<'static>>> =
    LazyLock::new(|| FontRef::try_from_slice(FONT_BYTES).ok());

/// The embedded font (`None` only if the vendored file were corrupt).
pub fn cjk() -> Option<&'static FontRef<'static>> {
    FONT.as_ref()
}
