package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.css.constants.IdentValue;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfBoxFontResolver;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TrueType fonts shipped inside the artifact (Lambda has no system fonts), parsed once per
 * renderer and shared by every render.
 *
 * <ul>
 *   <li>Liberation Sans Regular (from the PDFBox jar) plus Bold, Italic, Bold Italic (bundled):
 *       Latin, Greek, Cyrillic. Registered as {@code DocSans} and as the generic
 *       {@code sans-serif} and {@code serif}.</li>
 *   <li>Liberation Mono Regular (bundled): {@code DocMono} and the generic {@code monospace}.</li>
 *   <li>Droid Sans Fallback (bundled): Chinese, Japanese and much else, as a fallback for every
 *       family. It has only 3 of the 11,172 Hangul syllables (one of them the common 가), so:</li>
 *   <li>DejaVu Sans (bundled, 0.7 MB): the last fallback, for symbols and U+FFFD.</li>
 *   <li>NanumSquare Regular (bundled, 0.7 MB): Hangul, as a fallback after Droid, or before it
 *       when the document is Korean ({@link PerDocument#registerFallbacks}), so Korean text does
 *       not mix two designs and Chinese/Japanese text does not pick up Korean-style Hanja.</li>
 * </ul>
 * Liberation Sans is a fallback too, ahead of Droid, so a family the document names but nobody
 * registered still gets Liberation for Latin text. A glyph that no font has is drawn as
 * openhtmltopdf's replacement text ({@code #}); it never fails the render.
 *
 * <p><b>Sharing across threads.</b> The parsed {@link TrueTypeFont}s are shared by all renders.
 * In FontBox 3.0 this is safe: the font data is an in-memory byte array, lazy table reads and
 * glyph reads are synchronized inside {@code TrueTypeFont}/{@code GlyphTable}, and
 * {@code getOriginalData()} hands out a fresh stream each call (PDFBox's own font cache shares
 * {@code TrueTypeFont}s between documents the same way). Per render, each font becomes a
 * {@link PDType0Font} bound to that render's {@link PDDocument} ({@link PerDocument}), created
 * lazily the first time a glyph of it is needed and subset-embedded when the document is saved.
 *
 * <p><b>No GSUB.</b> Glyph substitution is switched off ({@link TrueTypeFont#setEnableGsub}). With
 * it on, PDFBox runs its Latin GSUB worker (regular expressions built per call) on every
 * {@code showText}, which took about 80% of a 4-page render. What is lost: Latin ligatures
 * (fi, fl, where a font has them) and other contextual forms; none of the bundled fonts' scripts (Latin, Greek, Cyrillic,
 * CJK, Hangul syllables) needs substitution to be legible, and without ligatures copied text
 * stays letter-for-letter.
 */
final class BundledFonts {
    private static final Logger LOG = LoggerFactory.getLogger(BundledFonts.class);

    static final String FAMILY = "DocSans";
    static final String MONO_FAMILY = "DocMono";
    static final String CJK_FAMILY = "DocSansCJK";
    static final String HANGUL_FAMILY = "DocSansKR";
    static final String SYMBOLS_FAMILY = "DocSymbols";

    private static final String PDFBOX_TTF = "/org/apache/pdfbox/resources/ttf/";
    private static final String BUNDLED = "/fonts/";

    /**
     * One parsed face and the CSS names it answers to; {@code cmap} is its Unicode cmap, the one a
     * {@link PDType0Font} of it looks glyphs up in.
     */
    record Face(String resource, TrueTypeFont ttf, CmapLookup cmap, int weight, FontStyle style, List<String> families,
                boolean fallback) {
        IdentValue styleIdent() {
            return style == FontStyle.ITALIC ? IdentValue.ITALIC : IdentValue.NORMAL;
        }

        String key() {
            return key(families.getFirst(), weight, styleIdent());
        }

        static String key(String family, int weight, IdentValue style) {
            return family + ":" + weight + ":" + style;
        }
    }

    private final List<Face> faces;

    private BundledFonts(List<Face> faces) {
        this.faces = List.copyOf(faces);
    }

    /** Reads and parses every bundled font; throws if one is missing from the classpath. */
    static BundledFonts load() {
        return load(false);
    }

    /** {@code glyphSubstitution} true only to measure what switching GSUB off saves. */
    static BundledFonts load(boolean glyphSubstitution) {
        long start = System.nanoTime();
        List<String> sans = List.of(FAMILY, "sans-serif", "serif");
        List<Face> faces = new ArrayList<>();
        faces.add(face(PDFBOX_TTF + "LiberationSans-Regular.ttf", 400, FontStyle.NORMAL, sans, true));
        faces.add(face(BUNDLED + "LiberationSans-Bold.ttf", 700, FontStyle.NORMAL, sans, true));
        faces.add(face(BUNDLED + "LiberationSans-Italic.ttf", 400, FontStyle.ITALIC, sans, true));
        faces.add(face(BUNDLED + "LiberationSans-BoldItalic.ttf", 700, FontStyle.ITALIC, sans, true));
        faces.add(face(BUNDLED + "LiberationMono-Regular.ttf", 400, FontStyle.NORMAL,
                List.of(MONO_FAMILY, "monospace"), false));
        faces.add(face(BUNDLED + "DroidSansFallbackFull.ttf", 400, FontStyle.NORMAL, List.of(CJK_FAMILY), true));
        faces.add(face(BUNDLED + "NanumSquareR.ttf", 400, FontStyle.NORMAL, List.of(HANGUL_FAMILY), true));
        // last resort: symbols, arrows, box drawing and U+FFFD, so a replacement character shows as itself
        faces.add(face(BUNDLED + "DejaVuSans.ttf", 400, FontStyle.NORMAL, List.of(SYMBOLS_FAMILY), true));
        faces.forEach(f -> f.ttf().setEnableGsub(glyphSubstitution));
        LOG.info("parsed {} bundled fonts in {} ms", faces.size(), (System.nanoTime() - start) / 1_000_000);
        return new BundledFonts(faces);
    }

    List<Face> faces() {
        return faces;
    }

    private static Face face(String resource, int weight, FontStyle style, List<String> families, boolean fallback) {
        try (InputStream in = BundledFonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled font missing from the classpath: " + resource);
            }
            TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBuffer(in.readAllBytes()));
            return new Face(resource, ttf, ttf.getUnicodeCmapLookup(), weight, style, families, fallback);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse bundled font " + resource, e);
        }
    }

    /** Registers the document fonts on a builder for one render into {@code doc}. */
    PerDocument registerOn(PdfRendererBuilder builder, PDDocument doc) {
        PerDocument perDocument = new PerDocument(doc);
        for (Face face : faces) {
            for (String family : face.families()) {
                builder.useFont(perDocument.supplier(face), family, face.weight(), face.style(), true);
                perDocument.register(Face.key(family, face.weight(), face.styleIdent()), face);
            }
        }
        return perDocument;
    }

    /** The {@code PDType0Font}s of one render, created on first use, one per face. */
    final class PerDocument implements WidthCachingTextRenderer.Coverage {
        private final PDDocument doc;
        private final Map<Face, PDFont> loaded = new IdentityHashMap<>();
        /** The faces by the family, weight and style they were registered under. */
        private final Map<String, Face> registered = new HashMap<>();

        private PerDocument(PDDocument doc) {
            this.doc = doc;
        }

        /** The faces whose font was loaded into this document so far. */
        List<Face> loadedFaces() {
            return List.copyOf(loaded.keySet());
        }

        private void register(String key, Face face) {
            Face before = registered.putIfAbsent(key, face);
            if (before != null && before != face) {
                throw new IllegalStateException(key + " names two bundled faces: " + before.resource() + ", "
                        + face.resource());
            }
        }

        /**
         * True when {@code description} is one of these faces, its font not yet loaded, and the face has
         * no glyph for the code point: what openhtmltopdf would learn by loading the font (a
         * {@code PDType0Font} of Droid Sans Fallback measures all its 49,382 glyphs) and asking it.
         * A font of the document's own {@code @font-face} rules is never taken for one of these.
         */
        @Override
        public boolean surelyLacks(PdfBoxFontResolver.FontDescription description, int codePoint) {
            if (description.isFontAvailable() || description.isFromFontFace()) {
                return false;
            }
            Face face = registered.get(Face.key(description.getFamily(), description.getWeight(), description.getStyle()));
            return face != null && face.cmap().getGlyphId(codePoint) == 0;
        }

        /**
         * Adds the fallback chain to a built renderer's resolver, consulted in order for a glyph the
         * document's own families lack: the Liberation Sans faces, then Droid Sans Fallback and
         * NanumSquare ({@code hangulFirst}: NanumSquare, then Droid).
         */
        void registerFallbacks(PdfBoxFontResolver resolver, boolean hangulFirst) {
            List<Face> chain = new ArrayList<>();
            for (Face face : faces) {
                if (face.fallback() && !isCjk(face)) {
                    chain.add(face);
                }
            }
            Face droid = byFamily(CJK_FAMILY);
            Face hangul = byFamily(HANGUL_FAMILY);
            chain.addAll(hangulFirst ? List.of(hangul, droid) : List.of(droid, hangul));
            chain.add(byFamily(SYMBOLS_FAMILY));
            for (Face face : chain) {
                resolver.addFont(supplier(face), face.families().getFirst(), face.weight(), face.styleIdent(),
                        true, PdfBoxFontResolver.FontGroup.PRE_BUILT_IN_FALLBACK);
                register(face.key(), face);
            }
        }

        private boolean isCjk(Face face) {
            String family = face.families().getFirst();
            return family.equals(CJK_FAMILY) || family.equals(HANGUL_FAMILY) || family.equals(SYMBOLS_FAMILY);
        }

        private Face byFamily(String family) {
            return faces.stream().filter(f -> f.families().getFirst().equals(family)).findFirst().orElseThrow();
        }

        PDFontSupplier supplier(Face face) {
            return new LazyFont(this, face);
        }

        /** Called on the render thread only; null (font skipped) if PDFBox cannot load it. */
        PDFont fontFor(Face face) {
            return loaded.computeIfAbsent(face, f -> {
                try {
                    return PDType0Font.load(doc, f.ttf(), true);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot load bundled font {} into the document: {}", f.resource(), e.toString());
                    return null;
                }
            });
        }
    }

    /** openhtmltopdf asks for the PDFont only when it needs a glyph or metrics of it. */
    private static final class LazyFont extends PDFontSupplier {
        private final PerDocument owner;
        private final Face face;

        LazyFont(PerDocument owner, Face face) {
            super(null);
            this.owner = owner;
            this.face = face;
        }

        @Override
        public PDFont supply() {
            return owner.fontFor(face);
        }
    }
}
