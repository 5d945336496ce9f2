package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.css.value.FontSpecification;
import com.openhtmltopdf.extend.FontContext;
import com.openhtmltopdf.extend.OutputDevice;
import com.openhtmltopdf.extend.TextRenderer;
import com.openhtmltopdf.layout.SharedContext;
import com.openhtmltopdf.pdfboxout.PdfBoxFSFont;
import com.openhtmltopdf.pdfboxout.PdfBoxFastOutputDevice;
import com.openhtmltopdf.pdfboxout.PdfBoxFontResolver;
import com.openhtmltopdf.pdfboxout.PdfBoxRenderer;
import com.openhtmltopdf.pdfboxout.PdfBoxTextRenderer;
import com.openhtmltopdf.render.FSFont;
import com.openhtmltopdf.render.JustificationInfo;
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
 * <p>Drawing uses the same table. openhtmltopdf's {@code PdfBoxFastOutputDevice.drawString} measures
 * every string once more with {@code getStringWidth} only to learn whether the first font of the
 * run has all its glyphs, and throws the width away; here the table answers that, and a string the
 * first font covers goes straight to {@code drawStringFast} with that font, which is what
 * {@code drawString} does in that case. The font is the one the output device was just given: both
 * of openhtmltopdf's callers set the device's font specification and its font from the same style,
 * and resolving that specification again gives the same fonts in the same order.
 *
 * <p>Only the plain case is served from the table: the first usable font of the run has a glyph for
 * every code point. Anything else (a missing glyph, a font that is not a plain Type 0 font) goes
 * to openhtmltopdf's own code, fallback fonts and replacement characters included.
 *
 * <p>One instance per render ({@link #install}); not thread-safe, as a render runs on one thread.
 */
final class WidthCachingTextRenderer extends PdfBoxTextRenderer {
    private final Map<PDFont, GlyphWidths> widths = new IdentityHashMap<>();
    /** The fonts of the styles drawn so far, by their (per-style) font specification. */
    private final Map<FontSpecification, PdfBoxFSFont> drawnFonts = new IdentityHashMap<>();
    private final SharedContext context;

    WidthCachingTextRenderer(SharedContext context) {
        this.context = context;
    }

    /** Replaces the text renderer of a built, not yet laid out renderer. */
    static void install(PdfBoxRenderer renderer) {
        SharedContext context = renderer.getSharedContext();
        context.setTextRenderer(new WidthCachingTextRenderer(context));
    }

    @Override
    public void drawString(OutputDevice outputDevice, String string, float x, float y) {
        drawString(outputDevice, string, x, y, null);
    }

    @Override
    public void drawString(OutputDevice outputDevice, String string, float x, float y, JustificationInfo info) {
        if (outputDevice instanceof PdfBoxFastOutputDevice device) {
            String printable = TextRenderer.getEffectivePrintableString(string);
            PdfBoxFSFont font = fontOf(device);
            PdfBoxFontResolver.FontDescription first = font == null || font.getFontDescriptions().isEmpty()
                    ? null : font.getFontDescriptions().getFirst();
            if (first != null && first.getFont() != null && hasAllGlyphs(first.getFont(), printable)) {
                device.drawStringFast(printable, x, y, info, first, font.getSize2D());
                return;
            }
        }
        super.drawString(outputDevice, string, x, y, info);
    }

    /** The font openhtmltopdf set on the device with its specification, or null if unknown. */
    private PdfBoxFSFont fontOf(PdfBoxFastOutputDevice device) {
        FontSpecification spec = device.getFontSpecification();
        if (spec == null) {
            return null;
        }
        return drawnFonts.computeIfAbsent(spec,
                s -> context.getFont(s) instanceof PdfBoxFSFont fs && fs.getFontDescriptions() != null ? fs : null);
    }

    private boolean hasAllGlyphs(PDFont font, String text) {
        try {
            return !Float.isNaN(widths.computeIfAbsent(font, GlyphWidths::new).stringWidth(text));
        } catch (RuntimeException e) {
            return false; // openhtmltopdf's drawString catches anything its measuring throws, and so do we
        }
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
