package dev.docpipe.bench.pipeline;

import dev.docpipe.function.parse.convert.ConvertLimits;
import dev.docpipe.function.parse.convert.DocumentConverter;
import dev.docpipe.function.parse.convert.ParsedDocument;
import dev.docpipe.function.render.pdf.DocumentInfo;
import dev.docpipe.function.render.pdf.PdfRenderer;
import dev.docpipe.function.render.pdf.RenderLimits;
import dev.docpipe.function.render.pdf.RenderedPdf;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a build draws, per document of a directory: the page count, a hash of every page's content
 * stream (text, positions, fonts, glyphs: the layout and the drawing) and a hash of the structure
 * tree (structure types and attributes in reading order), one line each. Run against two builds
 * and {@code diff} the outputs to show that a change leaves the PDFs' content as it was; the hashes
 * leave out what differs between any two renders (dates, document ids, object numbers, font
 * subset prefixes).
 *
 * <pre>
 *   java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.docpipe.bench.pipeline.RenderDigest DIR
 *   java -cp bench/target/classes:old/docpipe-local.jar dev.docpipe.bench.pipeline.RenderDigest DIR
 * </pre>
 * {@code --plain-spans-as-content} (before {@code DIR}) digests a Span that carries nothing (no
 * attributes, language, alternate or actual text, id, title, class) as its content in its place:
 * the structure hashes of a build that leaves such Spans out and one that writes them then agree.
 * Parse and render as {@link LimitBench} does (its {@code --render-only} inputs), one document at a time.
 */
public final class RenderDigest {
    private static final COSName MCR = COSName.getPDFName("MCR");

    private RenderDigest() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.provider", "org.slf4j.simple.SimpleServiceProvider");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        List<String> arguments = new java.util.ArrayList<>(List.of(args));
        boolean plainSpansAsContent = arguments.remove("--plain-spans-as-content");
        Path dir = Path.of(arguments.isEmpty() ? "bench/target/corpus" : arguments.get(0));
        List<Path> files = CorpusFiles.list(dir);
        DocumentConverter converter = new DocumentConverter(ConvertLimits.defaults());
        PdfRenderer renderer = new PdfRenderer(RenderLimits.defaults());
        for (Path file : files) {
            String name = dir.relativize(file).toString();
            try {
                ParsedDocument parsed = converter.convert(Files.readAllBytes(file), null, name, null);
                RenderedPdf pdf = renderer.render(parsed.xhtml(), new DocumentInfo(parsed.metadata().title(), "bench",
                        parsed.metadata().language(), name));
                System.out.println(name + " " + digest(pdf, plainSpansAsContent));
            } catch (RuntimeException e) {
                System.out.println(name + " failed " + e.getClass().getSimpleName());
            }
        }
    }

    private static String digest(RenderedPdf pdf, boolean plainSpansAsContent) throws IOException, NoSuchAlgorithmException {
        try (PDDocument doc = Loader.loadPDF(pdf.bytes())) {
            MessageDigest content = MessageDigest.getInstance("SHA-256");
            for (PDPage page : doc.getPages()) {
                try (InputStream in = page.getContents()) {
                    content.update(in.readAllBytes());
                }
            }
            StringBuilder tree = new StringBuilder();
            Map<COSBase, Integer> pages = new IdentityHashMap<>();
            for (PDPage page : doc.getPages()) {
                pages.put(page.getCOSObject(), pages.size());
            }
            new Tree(pages, plainSpansAsContent, Collections.newSetFromMap(new IdentityHashMap<>()), tree)
                    .structure(doc.getDocumentCatalog().getCOSObject().getDictionaryObject(COSName.STRUCT_TREE_ROOT), null);
            byte[] treeHash = MessageDigest.getInstance("SHA-256").digest(tree.toString().getBytes(StandardCharsets.UTF_8));
            return "pages=" + pdf.pages() + " content=" + hex(content.digest()) + " structure=" + hex(treeHash);
        }
    }

    private static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash, 0, 8);
    }

    /**
     * Structure elements depth-first: type, attributes, kids; pages and annotations only as a mark.
     * Marked content prints as {@code mcid@page}, whether the PDF names it by a bare MCID (on the
     * element's {@code /Pg}) or by a marked-content reference, which mean the same (ISO 32000-1,
     * Table 323, "K"). With {@code plainSpansAsContent}, a {@code Span} with no attributes, language,
     * alternate or actual text, id, title or class prints as its kids in its place, so that a tree
     * with such Spans and one without them digest alike.
     */
    private record Tree(Map<COSBase, Integer> pages, boolean plainSpansAsContent, Set<COSBase> seen, StringBuilder out) {
        private static final Set<COSName> PLAIN_SPAN_KEYS = Set.of(COSName.TYPE, COSName.S, COSName.P, COSName.PG, COSName.K);

        void structure(COSBase node, COSBase elementPage) {
            COSBase base = node instanceof COSObject object ? object.getObject() : node;
            if (base instanceof COSDictionary dict) {
                if (!seen.add(dict)) {
                    return;
                }
                COSName type = dict.getCOSName(COSName.TYPE);
                if (COSName.PAGE.equals(type) || COSName.ANNOT.equals(type)) {
                    out.append("<ref>");
                    return;
                }
                if (MCR.equals(type) && !dict.containsKey(COSName.getPDFName("Stm"))) {
                    content(dict.getDictionaryObject(COSName.MCID), dict.getDictionaryObject(COSName.PG));
                    return;
                }
                COSBase page = dict.containsKey(COSName.PG) ? dict.getDictionaryObject(COSName.PG) : elementPage;
                boolean transparent = plainSpansAsContent && COSName.getPDFName("Span").equals(dict.getCOSName(COSName.S))
                        && PLAIN_SPAN_KEYS.containsAll(dict.keySet());
                if (!transparent) {
                    out.append('{').append(dict.getCOSName(COSName.S)).append(' ');
                    COSBase attributes = dict.getDictionaryObject(COSName.A);
                    if (attributes != null) {
                        value(attributes, out);
                    }
                }
                COSBase kids = dict.getDictionaryObject(COSName.K);
                if (kids != null) {
                    structure(kids, page);
                }
                if (!transparent) {
                    out.append('}');
                }
            } else if (base instanceof COSArray array) {
                for (COSBase item : array) {
                    structure(item, elementPage);
                }
            } else if (base instanceof COSInteger mcid) {
                content(mcid, elementPage);
            } else if (base != null) {
                out.append(base).append(',');
            }
        }

        private void content(COSBase mcid, COSBase page) {
            out.append(mcid instanceof COSInteger i ? i.longValue() : String.valueOf(mcid)).append('@')
                    .append(pages.get(page)).append(',');
        }
    }

    private static void value(COSBase node, StringBuilder out) {
        COSBase base = node instanceof COSObject object ? object.getObject() : node;
        if (base instanceof COSDictionary dict) {
            out.append('<');
            for (Map.Entry<COSName, COSBase> entry : dict.entrySet()) {
                out.append(entry.getKey().getName()).append('=');
                value(entry.getValue(), out);
            }
            out.append('>');
        } else if (base instanceof COSArray array) {
            out.append('[');
            for (COSBase item : array) {
                value(item, out);
            }
            out.append(']');
        } else {
            out.append(base).append(';');
        }
    }
}
