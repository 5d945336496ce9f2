package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only structure elements, pages, annotations, fonts and streams are objects of their own in a
 * tagged PDF; marked-content references on their element's page are bare MCIDs (PdfStandardsTest
 * checks that such PDFs pass PDF/UA-1 and PDF/A-2b).
 */
class DirectObjectsTest {
    private static final PdfRenderer RENDERER = new PdfRenderer(new RenderLimits(50, Duration.ofSeconds(60)));
    private static final COSName MCR = COSName.getPDFName("MCR");
    private static final COSName OBJR = COSName.getPDFName("OBJR");

    @Test
    void structureTree_keepsOnlyItsElementsAsObjectsOfTheirOwn() throws IOException {
        String xhtml = Xhtml.document("Mixed", "<h1>Mixed</h1><p>A <a href=\"https://example.org\">link</a> and "
                + "<b>bold</b> text.</p><ul><li>one</li><li>two</li></ul><table><tr><th>a</th><th>b</th></tr>"
                + "<tr><td colspan=\"2\">1</td></tr></table>" + Xhtml.lorem(30));

        List<String> indirect = new ArrayList<>();
        int elements = 0;
        int bareMcids = 0;
        int attributes = 0;
        try (PDDocument doc = Pdfs.load(RENDERER.render(xhtml, DocumentInfo.titled("Mixed")))) {
            assertThat(doc.getNumberOfPages()).as("pages").isGreaterThan(1);
            COSDictionary root = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.STRUCT_TREE_ROOT);
            Deque<COSDictionary> todo = new ArrayDeque<>();
            todo.push((COSDictionary) resolve(root.getItem(COSName.K)));
            while (!todo.isEmpty()) {
                COSDictionary element = todo.pop();
                elements++;
                assertThat(element.getItem(COSName.P)).as("an element's parent is a reference").isInstanceOf(COSObject.class);
                COSBase a = element.getItem(COSName.A);
                if (a != null) {
                    attributes++;
                    for (COSBase item : a instanceof COSArray array ? array.toList() : List.of(a)) {
                        if (item instanceof COSObject) {
                            indirect.add("attributes of " + element.getCOSName(COSName.S).getName());
                        }
                    }
                }
                COSBase k = element.getItem(COSName.K);
                for (COSBase kid : k instanceof COSArray array ? array.toList() : k == null ? List.<COSBase>of() : List.of(k)) {
                    if (kid instanceof COSInteger) {
                        bareMcids++;
                        continue;
                    }
                    COSBase resolved = resolve(kid);
                    if (resolved instanceof COSDictionary dict) {
                        COSName type = dict.getCOSName(COSName.TYPE);
                        if (MCR.equals(type) || OBJR.equals(type)) {
                            if (kid instanceof COSObject) {
                                indirect.add(type.getName());
                            }
                        } else {
                            assertThat(kid).as("a kid element is a reference").isInstanceOf(COSObject.class);
                            todo.push(dict);
                        }
                    }
                }
            }
            for (PDPage page : doc.getPages()) {
                if (page.getCOSObject().getItem(COSName.RESOURCES) instanceof COSObject) {
                    indirect.add("page resources");
                }
                if (page.getCOSObject().getDictionaryObject(COSName.ANNOTS) instanceof COSArray annotations) {
                    for (COSBase annotation : annotations) {
                        if (((COSDictionary) resolve(annotation)).getItem(COSName.A) instanceof COSObject) {
                            indirect.add("link action");
                        }
                    }
                }
            }
        }

        assertThat(elements).as("structure elements").isGreaterThan(20);
        assertThat(bareMcids).as("marked content referred to by its MCID alone").isGreaterThan(20);
        assertThat(attributes).as("elements with attributes (list, table)").isPositive();
        assertThat(indirect).as("written as objects of their own").isEmpty();
    }

    private static COSBase resolve(COSBase base) {
        return base instanceof COSObject object ? object.getObject() : base;
    }
}
