package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.extend.FontContext;
import com.openhtmltopdf.extend.TextRenderer;
import com.openhtmltopdf.pdfboxout.PdfBoxFSFont;
import com.openhtmltopdf.pdfboxout.PdfBoxFontResolver;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfBoxTextRenderer;
import com.openhtmltopdf.render.FSFont;
import org.apache.pdfbox.pdmodel.font.PDFont;

import java.io.IOException;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * openhtmltopdf's text renderer with string widths taken from a per-font table of glyph widths by
 * code point. Line breaking measures every word and run many times; each time
 * {@link PDFont#getStringWidth} encodes the string, then walks the CMap code by code ({@code
 * CMap.readCode}, a stream per code) and looks each width up again, which was a fifth of a
 * render's time on real documents. Here each code point of each font is measured once per render
 * and a string's width is the sum, in the same order and the same {@code float} arithmetic as
 * {@code getStringWidth} (which sums {@code getWidth(code)} of the code points' codes: with glyph
 * substitution off, one code per code point), so layouts are identical to the byte.
 *
 * <p>Only the plain case is served from the table: the first usable font of the run has a glyph for
 * every code point. Anything else (a missing glyph, a font that is not a plain Type 0 font) goes
 * to openhtmltopdf's own code, fallback fonts and replacement characters included.
 *
 * <p>One instance per render ({@link #install}); not thread-safe, as a render runs on one thread.
 */
final class WidthCachingTextRenderer extends PdfBoxTextRenderer {
    private final Map<PDFont, GlyphWidths> widths = new IdentityHashMap<>();

    /** Replaces the text renderer of a built, not yet laid out renderer. */
    static void install(PdfBoxRenderer renderer) {
        renderer.getSharedContext().setTextRenderer(new WidthCachingTextRenderer());
    }

    @Override
    public int getWidth(FontContext context, FSFont font, String string) {
        if (!(font instanceof PdfBoxFSFont fs) || fs.getFontDescriptions() == null) {
            return super.getWidth(context, font, string);
        }
        PDFont first = firstFont(fs.getFontDescriptions());
        if (first == null) {
            return super.getWidth(context, font, string);
        }
        float units = widths.computeIfAbsent(first, GlyphWidths::new)
                .stringWidth(TextRenderer.getEffectivePrintableString(string));
        if (Float.isNaN(units)) {
            return super.getWidth(context, font, string);
        }
        // as PdfBoxTextRenderer.getWidth rounds
        float width = units / 1000f * fs.getSize2D();
        if (width - Math.floor(width) < 0.01) {
            return (int) width;
        }
        return (int) Math.ceil(width);
    }

    private static PDFont firstFont(List<PdfBoxFontResolver.FontDescription> descriptions) {
        for (PdfBoxFontResolver.FontDescription d : descriptions) {
            PDFont f = d.getFont();
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Widths (PDF glyph space, 1/1000 em) of one font by code point, measured on first use. */
    static final class GlyphWidths {
        private static final float UNKNOWN = -1f;
        private final PDFont font;
        private final float[][] pages = new float[Character.MAX_CODE_POINT / 256 + 1][];

        GlyphWidths(PDFont font) {
            this.font = font;
        }

        /** {@code getStringWidth(text)}, or NaN when a code point has no glyph in this font. */
        float stringWidth(String text) {
            float sum = 0;
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                float w = width(cp);
                if (Float.isNaN(w)) {
                    return Float.NaN;
                }
                sum += w;
                i += Character.charCount(cp);
            }
            return sum;
        }

        private float width(int cp) {
            float[] page = pages[cp >>> 8];
            if (page == null) {
                page = new float[256];
                Arrays.fill(page, UNKNOWN);
                pages[cp >>> 8] = page;
            }
            float w = page[cp & 0xff];
            if (w == UNKNOWN) {
                w = measure(cp);
                page[cp & 0xff] = w;
            }
            return w;
        }

        private float measure(int cp) {
            try {
                return font.getStringWidth(Character.toString(cp));
            } catch (IllegalArgumentException | IllegalStateException | IOException e) {
                return Float.NaN;
            }
        }
    }
}
