package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.bidi.BidiReorderer;
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
import com.openhtmltopdf.util.OpenUtil;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.IOException;
import java.util.ArrayList;
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
 * <p>Text the first font does not cover is divided into runs of the fallback fonts as openhtmltopdf
 * divides it ({@code PdfBoxTextRenderer.divideIntoFontRuns}, {@code getStringWidthSlow} and the
 * chunking of {@code getWidth}, {@code PdfBoxFastOutputDevice.drawString}), with one difference:
 * openhtmltopdf loads every font of the chain it tries, only to find out that it lacks the code
 * point. A line feed in a {@code pre} block (Liberation Mono has no glyph for it), a carriage
 * return or an emoji made it load Droid Sans Fallback into the document (a {@code PDType0Font}
 * measures every glyph of its font: 49,382 for Droid) in 79 of the 270 documents of the benchmark
 * corpus, and often the fonts after it. Here a bundled font that is not loaded yet and has no glyph
 * for the code point ({@link Coverage}) is passed over without loading it: the runs, widths and
 * drawing are the same. With a live bidi reorderer (not used here) everything goes to openhtmltopdf.
 *
 * <p>A run's width comes from the table too; a code point the table cannot measure (a font that is
 * not a plain Type 0 font) is measured by {@code getStringWidth}, errors handled as openhtmltopdf does.
 *
 * <p>One instance per render ({@link #install}); not thread-safe, as a render runs on one thread.
 */
final class WidthCachingTextRenderer extends PdfBoxTextRenderer {
    // PdfBoxTextRenderer's private constants
    private static final int FAST_FONT_RUN_MINIMUM_LENGTH = 32;
    private static final int FAST_FONT_RUN_PARTITION_FACTOR = 3;
    private static final float TEXT_MEASURING_DELTA = 0.01f;
    private final Map<PDFont, GlyphWidths> widths = new IdentityHashMap<>();
    /** The fonts of the styles drawn so far, by their (per-style) font specification. */
    private final Map<FontSpecification, PdfBoxFSFont> drawnFonts = new IdentityHashMap<>();
    private final SharedContext sharedContext;
    private final Coverage coverage;
    private BidiReorderer reorderer;

    /**
     * Tells, without loading a font, that a font of a fallback chain has no glyph for a code point:
     * true only when sure (the font is not loaded yet and is known to lack it).
     */
    interface Coverage {
        Coverage UNKNOWN = (description, codePoint) -> false;

        boolean surelyLacks(PdfBoxFontResolver.FontDescription description, int codePoint);
    }

    WidthCachingTextRenderer(SharedContext sharedContext, Coverage coverage) {
        this.sharedContext = sharedContext;
        this.coverage = coverage;
    }

    /** Replaces the text renderer of a built, not yet laid out renderer. */
    static void install(PdfBoxRenderer renderer, Coverage coverage) {
        SharedContext context = renderer.getSharedContext();
        context.setTextRenderer(new WidthCachingTextRenderer(context, coverage));
    }

    @Override
    public void setup(FontContext fontContext, BidiReorderer bidiReorderer) {
        super.setup(fontContext, bidiReorderer);
        this.reorderer = bidiReorderer;
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
            List<Run> runs = first == null ? null : runs(font, printable);
            if (runs != null) {
                drawRuns(device, runs, x, y, info, font.getSize2D());
                return;
            }
        }
        super.drawString(outputDevice, string, x, y, info);
    }

    /** PdfBoxFastOutputDevice.drawString for text the first font does not cover. */
    private void drawRuns(PdfBoxFastOutputDevice device, List<Run> runs, float x, float y, JustificationInfo info,
                          float size) {
        float xOffset = 0f;
        for (Run run : runs) {
            device.drawStringFast(run.text, x + xOffset, y, info, run.description, size);
            try {
                float units = stringWidth(run.description.getFont(), run.text);
                if (info == null) {
                    xOffset += ((units / 1000f) * size);
                } else {
                    xOffset += ((units / 1000f) * size) + (run.spaces * info.getSpaceAdjust())
                            + (run.others * info.getNonSpaceAdjust());
                }
            } catch (Exception e) {
                // as openhtmltopdf (which logs it): the next run starts where this one did
            }
        }
    }

    /** The font openhtmltopdf set on the device with its specification, or null if unknown. */
    private PdfBoxFSFont fontOf(PdfBoxFastOutputDevice device) {
        FontSpecification spec = device.getFontSpecification();
        if (spec == null) {
            return null;
        }
        return drawnFonts.computeIfAbsent(spec,
                s -> sharedContext.getFont(s) instanceof PdfBoxFSFont fs && fs.getFontDescriptions() != null ? fs : null);
    }

    private boolean hasAllGlyphs(PDFont font, String text) {
        try {
            return !Float.isNaN(tableWidth(font, text));
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
        String printable = TextRenderer.getEffectivePrintableString(string);
        float units = tableWidth(first, printable);
        if (!Float.isNaN(units)) {
            return round(units / 1000f * fs.getSize2D());
        }
        if (printable.length() >= FAST_FONT_RUN_MINIMUM_LENGTH) {
            // as PdfBoxTextRenderer.getWidth: three chunks, each measured (and rounded) on its own
            float width = 0f;
            for (int i = 0; i < FAST_FONT_RUN_PARTITION_FACTOR; i++) {
                int chunkSize = printable.length() / FAST_FONT_RUN_PARTITION_FACTOR;
                int left = i * chunkSize;
                int right = i + 1 == FAST_FONT_RUN_PARTITION_FACTOR ? printable.length() : (i + 1) * chunkSize;
                width += getWidth(context, fs, printable.substring(left, right));
            }
            return round(width);
        }
        List<Run> runs = runs(fs, printable);
        if (runs == null) {
            return super.getWidth(context, font, string);
        }
        // as PdfBoxTextRenderer.getStringWidthSlow
        float sum = 0f;
        for (Run run : runs) {
            try {
                sum += stringWidth(run.description.getFont(), run.text);
            } catch (Exception e) {
                // as openhtmltopdf (which logs it): the run adds nothing
            }
        }
        return round(sum / 1000f * fs.getSize2D());
    }

    /** As PdfBoxTextRenderer.getWidth rounds a width. */
    private static int round(float width) {
        if (width - Math.floor(width) < TEXT_MEASURING_DELTA) {
            return (int) width;
        }
        return (int) Math.ceil(width);
    }

    /** {@code font.getStringWidth(text)}, from the table when it has every code point. */
    private float stringWidth(PDFont font, String text) throws IOException {
        float units = tableWidth(font, text);
        return Float.isNaN(units) ? font.getStringWidth(text) : units;
    }

    /** {@code font.getStringWidth(text)} from the table of {@code font}; NaN when it lacks a code point. */
    private float tableWidth(PDFont font, String text) {
        return widths.computeIfAbsent(font, GlyphWidths::new).stringWidth(text);
    }

    /** One font run: text drawn with one font of the chain. */
    private static final class Run {
        final PdfBoxFontResolver.FontDescription description;
        final StringBuilder builder = new StringBuilder();
        String text;
        int spaces;
        int others;

        Run(PdfBoxFontResolver.FontDescription description) {
            this.description = description;
        }
    }

    /**
     * {@code PdfBoxTextRenderer.divideIntoFontRuns} with a reorderer that is not live, passing over the
     * fonts {@link Coverage} knows lack a code point without loading them; null with a live reorderer
     * (then openhtmltopdf's own code must run: it deshapes).
     */
    private List<Run> runs(PdfBoxFSFont font, String text) {
        if (reorderer == null || reorderer.isLiveImplementation()) {
            return null;
        }
        List<Run> runs = new ArrayList<>();
        Run current = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!OpenUtil.isSafeFontCodePointToPrint(cp)) {
                continue;
            }
            PdfBoxFontResolver.FontDescription applicable = null;
            for (PdfBoxFontResolver.FontDescription description : font.getFontDescriptions()) {
                if (coverage.surelyLacks(description, cp)) {
                    continue;
                }
                PDFont pdFont = description.getFont();
                if (pdFont != null && containsCodePoint(pdFont, cp)) {
                    applicable = description;
                    break;
                }
            }
            String append;
            boolean space;
            if (applicable != null) {
                append = Character.toString(cp);
                space = isJustificationSpace(cp);
            } else if (!OpenUtil.isCodePointPrintable(cp)) {
                continue;
            } else {
                Replacement replacement = replacement(font);
                applicable = replacement.description;
                space = Character.isSpaceChar(cp) || Character.isWhitespace(cp);
                append = space ? " " : replacement.text;
            }
            if (current == null || current.description != applicable) {
                current = new Run(applicable);
                runs.add(current);
            }
            if (space) {
                current.spaces++;
            } else {
                current.others++;
            }
            current.builder.append(append);
        }
        if (current != null && current.builder.isEmpty()) {
            runs.removeLast(); // as openhtmltopdf: a last run with no text is left out
        }
        runs.forEach(run -> run.text = run.builder.toString());
        return runs;
    }

    /** As openhtmltopdf's containsCodePoint. */
    private static boolean containsCodePoint(PDFont font, int cp) {
        if (font instanceof PDType0Font type0) {
            return type0.getCmapLookup().getGlyphId(cp) != 0;
        }
        try {
            font.getStringWidth(Character.toString(cp));
            return true;
        } catch (IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private record Replacement(String text, PdfBoxFontResolver.FontDescription description) {
    }

    /** As openhtmltopdf's getReplacementChar: the replacement text in the first font that has it, else a space. */
    private Replacement replacement(PdfBoxFSFont font) {
        List<PdfBoxFontResolver.FontDescription> descriptions = font.getFontDescriptions();
        for (String text : List.of(sharedContext.getReplacementText(), " ")) {
            for (PdfBoxFontResolver.FontDescription description : descriptions) {
                try {
                    description.getFont().getStringWidth(text);
                    return new Replacement(text, description);
                } catch (Exception e) {
                    // not in this font
                }
            }
        }
        return new Replacement("", descriptions.getFirst());
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
