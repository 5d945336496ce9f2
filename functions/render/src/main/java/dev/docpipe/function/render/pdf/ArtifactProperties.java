package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;

import java.util.Set;

/**
 * Writes the property lists of a tagged PDF's artifacts inside their page's resources instead of
 * as objects of their own.
 *
 * <p>With PDF/UA tagging on, openhtmltopdf marks every box it paints a background or border for as
 * an artifact ({@code /Artifact /PropN BDC … EMC}) whose property list {@code << /Type /Background
 * /BBox […] >>} is a new dictionary in the page's {@code /Properties} resources, and PDFBox writes
 * each such dictionary as an indirect object. On the benchmark corpus they were half to three
 * quarters of all objects of a PDF, and saving (numbering, pooling into object streams, cross
 * references) was the largest single part of a render. A property list may as well be a direct
 * dictionary (ISO 32000-1, 14.6.2, "Property Lists"): the PDF says the same thing, in fewer objects
 * and bytes.
 *
 * <p>Only artifact property lists (types Background, Pagination, Layout, Page) are touched; any
 * other property list, such as an optional content group that must stay an indirect object, is
 * left as it is.
 */
final class ArtifactProperties {
    private static final Set<COSName> ARTIFACT_TYPES = Set.of(COSName.BACKGROUND, COSName.getPDFName("Pagination"),
            COSName.getPDFName("Layout"), COSName.PAGE);

    private ArtifactProperties() {
    }

    /** @return how many property lists were made direct */
    static int inline(PDDocument pdf) {
        int inlined = 0;
        for (PDPage page : pdf.getPages()) {
            COSDictionary resources = page.getCOSObject().getCOSDictionary(COSName.RESOURCES);
            COSDictionary properties = resources == null ? null : resources.getCOSDictionary(COSName.PROPERTIES);
            if (properties == null) {
                continue;
            }
            for (COSName key : properties.keySet()) {
                COSBase value = properties.getDictionaryObject(key);
                if (value instanceof COSDictionary list && !(value instanceof COSStream)
                        && ARTIFACT_TYPES.contains(list.getCOSName(COSName.TYPE))) {
                    properties.setItem(key, list);
                    list.setDirect(true);
                    inlined++;
                }
            }
        }
        return inlined;
    }
}
