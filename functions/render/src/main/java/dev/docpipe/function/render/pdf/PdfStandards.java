package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureNode;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureTreeRoot;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * What PDF/UA-1 and PDF/A-2b need beyond what openhtmltopdf writes. openhtmltopdf tags the content
 * (PDF/UA) and, asked for PDF/A, embeds the output intent and writes the XMP identification; this
 * class supplies the sRGB profile and mends what its output still gets wrong:
 * <ul>
 *   <li>heading levels: PDF/UA-1 (ISO 14289-1, 7.4.2) wants the first heading to be H1 and no level
 *       skipped on the way down, which HTML allows and documents often do ({@code h1} then
 *       {@code h3}). The structure elements are renumbered in reading order (a heading is one level
 *       below the nearest earlier heading of a smaller original level); the page content, and so the
 *       look, is untouched.</li>
 * </ul>
 */
final class PdfStandards {
    private static final byte[] SRGB = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    private static final Pattern HEADING = Pattern.compile("H[1-6]");

    private PdfStandards() {
    }

    /** The JDK's sRGB ICC profile, for the PDF/A output intent. */
    static byte[] srgbProfile() {
        return SRGB.clone();
    }

    /** Mends a tagged PDF before it is saved. */
    static void complete(PDDocument pdf) {
        PDStructureTreeRoot root = pdf.getDocumentCatalog().getStructureTreeRoot();
        if (root != null) {
            renumberHeadings(root, new ArrayDeque<>());
        }
    }

    /** @param open the headings above the current point: {original level, new level} */
    private static void renumberHeadings(PDStructureNode node, Deque<int[]> open) {
        for (Object kid : node.getKids()) {
            if (!(kid instanceof PDStructureElement element)) {
                continue;
            }
            String type = element.getStructureType();
            if (type != null && HEADING.matcher(type).matches()) {
                int level = type.charAt(1) - '0';
                while (!open.isEmpty() && open.peek()[0] >= level) {
                    open.pop();
                }
                int renumbered = open.isEmpty() ? 1 : open.peek()[1] + 1;
                open.push(new int[]{level, renumbered});
                if (renumbered != level) {
                    element.setStructureType("H" + renumbered);
                }
            }
            renumberHeadings(element, open);
        }
    }
}
