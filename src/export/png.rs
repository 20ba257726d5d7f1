//! PNG pictures: the SVG drawing rasterized in-process by resvg, with the system's fonts.
//! Chinese labels need a CJK font; without one the export stops with the package to
//! install, rather than drawing empty boxes.

use crate::error::Error;

/// CJK families the drawing names, in its order of preference.
const CJK_FAMILIES: &[&str] =
    &["Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"];

/// How much larger than the SVG's own size the PNG is drawn (sharp on slides).
const SCALE: f32 = 2.0;

/// Rasterizes `svg`; `needs_cjk` when any label has Chinese text.
pub(super) fn render(svg: &str, needs_cjk: bool) -> Result<Vec<u8>, Error> {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    if needs_cjk {
        let found = CJK_FAMILIES.iter().any(|family| {
            let families = [resvg::usvg::fontdb::Family::Name(family)];
            options.fontdb.query(&resvg::usvg::fontdb::Query { families: &families, ..Default::default() }).is_some()
        });
        if !found {
            return Err(Error::store(
                "no font with Chinese characters is installed, so the PNG's Chinese labels cannot be drawn",
                Some(
                    "install one, e.g. `apt-get install fonts-noto-cjk` (or fonts-wqy-zenhei), or export --format svg"
                        .to_owned(),
                ),
            ));
        }
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| Error::Internal(format!("the SVG drawing could not be read back: {e}")))?;
    let size = tree.size().to_int_size().scale_by(SCALE).ok_or_else(|| Error::Internal("empty picture".to_owned()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        Error::input(
            format!("a {}×{} picture is too large to draw", size.width(), size.height()),
            Some("narrow the export with --around, --depth or --via, or give --size".to_owned()),
        )
    })?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(SCALE, SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| Error::Internal(format!("PNG encoding failed: {e}")))
}
