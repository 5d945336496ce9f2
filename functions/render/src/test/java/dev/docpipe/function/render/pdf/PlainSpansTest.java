package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spans that carry nothing are taken out of the structure tree; their marked content belongs to
 * the enclosing element, and the parent tree says so (PdfStandardsTest checks PDF/UA-1 and
 * PDF/A-2b on such PDFs).
 */
class PlainSpansTest {
    private static final PdfRenderer RENDERER = new PdfRenderer(new RenderLimits(50, Duration.ofSeconds(60)));
    private static final COSName MCR = COSName.getPDFName("MCR");

    @Test
    void plainSpansAreGone_spansWithALanguageStay_andTheParentTreeAgreesWithTheTree() throws IOException {
        String xhtml = Xhtml.document("Inline", "<h1>Inline</h1><p>Some <b>bold</b>, <i>italic</i> and <code>code</code>"
                + " text, <span lang=\"fr\">du texte en français</span> and a <a href=\"https://example.org\">link</a>.</p>"
                + Xhtml.lorem(30) + "<p>More <b>bold <i>nested</i></b> text on a later page.</p>");

        int spans = 0;
        int frenchSpans = 0;
        // page number, MCID -> the element whose kids name it
        Map<String, COSDictionary> owners = new HashMap<>();
        try (PDDocument doc = Pdfs.load(RENDERER.render(xhtml, DocumentInfo.titled("Inline")))) {
            Map<COSBase, Integer> pages = new IdentityHashMap<>();
            doc.getPages().forEach(page -> pages.put(page.getCOSObject(), pages.size()));
            assertThat(pages).as("pages").hasSizeGreaterThan(1);
            COSDictionary root = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.STRUCT_TREE_ROOT);
            Deque<COSDictionary> todo = new ArrayDeque<>();
            todo.push((COSDictionary) resolve(root.getItem(COSName.K)));
            while (!todo.isEmpty()) {
                COSDictionary element = todo.pop();
                if ("Span".equals(element.getNameAsString(COSName.S))) {
                    spans++;
                    if ("fr".equals(element.getString(COSName.LANG))) {
                        frenchSpans++;
                    }
                }
                COSBase page = element.getDictionaryObject(COSName.PG);
                for (COSBase kid : kids(element.getDictionaryObject(COSName.K))) {
                    COSBase resolved = resolve(kid);
                    if (resolved instanceof COSInteger mcid) {
                        owners.put(pages.get(page) + ":" + mcid.intValue(), element);
                    } else if (resolved instanceof COSDictionary dict && MCR.equals(dict.getCOSName(COSName.TYPE))) {
                        owners.put(pages.get(dict.getDictionaryObject(COSName.PG)) + ":" + dict.getInt(COSName.MCID), element);
                    } else if (resolved instanceof COSDictionary dict && dict.containsKey(COSName.S)) {
                        assertThat(resolve(dict.getItem(COSName.P))).as("a kid's parent").isSameAs(element);
                        todo.push(dict);
                    }
                }
            }

            List<String> disagreements = new ArrayList<>();
            COSArray nums = (COSArray) resolve(((COSDictionary) resolve(root.getItem(COSName.getPDFName("ParentTree"))))
                    .getItem(COSName.getPDFName("Nums")));
            int marked = 0;
            for (int p = 0; p < doc.getNumberOfPages(); p++) {
                int key = doc.getPage(p).getCOSObject().getInt(COSName.STRUCT_PARENTS);
                for (int i = 0; i < nums.size(); i += 2) {
                    if (((COSInteger) nums.get(i)).intValue() == key && resolve(nums.get(i + 1)) instanceof COSArray perPage) {
                        for (int mcid = 0; mcid < perPage.size(); mcid++) {
                            marked++;
                            COSBase parent = resolve(perPage.get(mcid));
                            if (parent != owners.get(p + ":" + mcid)) {
                                disagreements.add("page " + p + " MCID " + mcid);
                            }
                        }
                    }
                }
            }
            assertThat(marked).as("marked-content sequences in the parent tree").isGreaterThan(20);
            assertThat(disagreements).as("parent tree entries that are not the element naming the content").isEmpty();
        }

        assertThat(frenchSpans).as("the Span with a language").isEqualTo(1);
        assertThat(spans).as("Spans left").isEqualTo(frenchSpans);
    }

    private static List<COSBase> kids(COSBase k) {
        COSBase base = resolve(k);
        if (base instanceof COSArray array) {
            return new ArrayList<>(array.toList());
        }
        return base == null ? List.of() : List.of(base);
    }

    private static COSBase resolve(COSBase base) {
        return base instanceof COSObject object ? object.getObject() : base;
    }
}
