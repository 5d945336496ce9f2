package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property lists of background artifacts are written inside the page resources, not as one
 * object each (PdfStandardsTest checks the same PDFs still pass PDF/UA-1 and PDF/A-2b).
 */
class ArtifactPropertiesTest {
    private static final PdfRenderer RENDERER = new PdfRenderer(new RenderLimits(50, Duration.ofSeconds(60)));

    @Test
    void backgroundPropertyLists_areDirectDictionariesOfThePageResources() throws IOException {
        String xhtml = Xhtml.document("Table", "<h1>Table</h1><table><tr><th>a</th><th>b</th></tr>"
                + "<tr><td>1</td><td>2</td></tr></table><pre>code\n  block</pre>" + Xhtml.lorem(3));

        List<String> indirect = new ArrayList<>();
        int backgrounds = 0;
        try (PDDocument doc = Pdfs.load(RENDERER.render(xhtml, DocumentInfo.titled("Table")))) {
            for (PDPage page : doc.getPages()) {
                COSDictionary properties = page.getResources().getCOSObject().getCOSDictionary(COSName.PROPERTIES);
                if (properties == null) {
                    continue;
                }
                for (COSName key : properties.keySet()) {
                    COSBase raw = properties.getItem(key);
                    COSBase list = raw instanceof COSObject ref ? ref.getObject() : raw;
                    if (list instanceof COSDictionary dict && COSName.BACKGROUND.equals(dict.getCOSName(COSName.TYPE))) {
                        backgrounds++;
                        if (raw instanceof COSObject) {
                            indirect.add(key.getName());
                        }
                    }
                }
            }
        }

        assertThat(backgrounds).as("background artifacts in the PDF").isPositive();
        assertThat(indirect).as("background property lists written as objects of their own").isEmpty();
    }
}
