package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureElement;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureNode;
import org.apache.pdfbox.pdmodel.documentinterchange.logicalstructure.PDStructureTreeRoot;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
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
 *   <li>list structure (7.2: an {@code LI} in an {@code L}, an {@code LBody} in an {@code LI}): the
 *       renderer tags the {@code ::before}/{@code ::after} content of a list item as another
 *       {@code LI} inside the item's body, and a floated list item at the root. Such a stray
 *       {@code LI} (and its {@code LBody}) becomes a {@code Div}.</li>
 *   <li>table columns (7.2: every row of a table spans the same number of columns): when the
 *       author's HTML has a short row (a {@code colspan} smaller than the table, a missing cell),
 *       the row's last cell spans the columns left in the structure tree, as it does on the page
 *       (an empty slot).</li>
 * </ul>
 */
final class PdfStandards {
    private static final byte[] SRGB = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    private static final COSName TABLE = COSName.getPDFName("Table");
    private static final Pattern HEADING = Pattern.compile("H[1-6]");

    private PdfStandards() {
    }

    /** The JDK's sRGB ICC profile, for the PDF/A output intent. */
    static byte[] srgbProfile() {
        return SRGB.clone();
    }

    /**
     * Mends a tagged PDF before it is saved: one walk of the structure tree in reading order (each
     * {@code getKids} wraps every kid in a new object, so the tree is read once, not once per mend).
     */
    static void complete(PDDocument pdf) {
        PDStructureTreeRoot root = pdf.getDocumentCatalog().getStructureTreeRoot();
        if (root != null) {
            mend(root, "", new ArrayDeque<>());
        }
    }

    /**
     * @param nodeType the structure type of {@code node} as mended ("" for the root)
     * @param open     the headings above the current point: {original level, new level}
     */
    private static void mend(PDStructureNode node, String nodeType, Deque<int[]> open) {
        for (PDStructureElement element : elements(node)) {
            String type = String.valueOf(element.getStructureType());
            if (HEADING.matcher(type).matches()) {
                type = renumberHeading(element, type, open);
            } else if ((type.equals("LI") && !nodeType.equals("L"))
                    || (type.equals("LBody") && !nodeType.equals("LI"))) {
                element.setStructureType("Div");
                type = "Div";
            } else if (type.equals("Table")) {
                mendColumns(element);
            }
            mend(element, type, open);
        }
    }

    /** Widens the last cell of each row that spans fewer columns than the widest row. */
    private static void mendColumns(PDStructureElement table) {
        List<PDStructureElement> rows = new ArrayList<>();
        for (PDStructureElement part : elements(table)) {
            switch (String.valueOf(part.getStructureType())) {
                case "TR" -> rows.add(part);
                case "THead", "TBody", "TFoot" -> elements(part).stream()
                        .filter(r -> "TR".equals(r.getStructureType())).forEach(rows::add);
                default -> { }
            }
        }
        List<Integer> busy = new ArrayList<>(); // per column: rows still covered by a cell above
        int[] widths = new int[rows.size()];
        PDStructureElement[] last = new PDStructureElement[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            int col = 0;
            for (PDStructureElement cell : elements(rows.get(r))) {
                String type = cell.getStructureType();
                if (!"TH".equals(type) && !"TD".equals(type)) {
                    continue;
                }
                while (col < busy.size() && busy.get(col) > 0) {
                    col++;
                }
                int colSpan = span(cell, COSName.getPDFName("ColSpan"));
                int rowSpan = span(cell, COSName.getPDFName("RowSpan"));
                for (int c = col; c < col + colSpan; c++) {
                    while (busy.size() <= c) {
                        busy.add(0);
                    }
                    busy.set(c, rowSpan);
                }
                col += colSpan;
                last[r] = cell;
            }
            widths[r] = (int) busy.stream().filter(b -> b > 0).count();
            busy.replaceAll(b -> Math.max(0, b - 1));
        }
        int columns = Arrays.stream(widths).max().orElse(0);
        for (int r = 0; r < rows.size(); r++) {
            if (widths[r] < columns && last[r] != null) {
                setColSpan(last[r], span(last[r], COSName.getPDFName("ColSpan")) + columns - widths[r]);
            }
        }
    }

    private static List<PDStructureElement> elements(PDStructureNode parent) {
        List<PDStructureElement> out = new ArrayList<>();
        for (Object kid : parent.getKids()) {
            if (kid instanceof PDStructureElement element) {
                out.add(element);
            }
        }
        return out;
    }

    /** A cell's ColSpan or RowSpan from its Table attributes, 1 when it has none. */
    private static int span(PDStructureElement cell, COSName name) {
        COSDictionary attributes = tableAttributesOrNull(cell);
        return attributes == null ? 1 : Math.max(1, attributes.getInt(name, 1));
    }

    private static COSDictionary tableAttributesOrNull(PDStructureElement cell) {
        COSBase a = cell.getCOSObject().getDictionaryObject(COSName.A);
        if (a instanceof COSDictionary dict && TABLE.equals(dict.getCOSName(COSName.O))) {
            return dict;
        }
        if (a instanceof COSArray array) {
            for (COSBase item : array) {
                if (item instanceof COSObject object) {
                    item = object.getObject();
                }
                if (item instanceof COSDictionary dict && TABLE.equals(dict.getCOSName(COSName.O))) {
                    return dict;
                }
            }
        }
        return null;
    }

    /** Sets a cell's ColSpan on a copy of its Table attributes (the renderer may share one dictionary between cells). */
    private static void setColSpan(PDStructureElement cell, int colSpan) {
        COSDictionary found = tableAttributesOrNull(cell);
        COSDictionary copy = found == null ? new COSDictionary() : new COSDictionary(found);
        copy.setItem(COSName.O, TABLE);
        copy.setInt(COSName.getPDFName("ColSpan"), colSpan);
        COSBase a = cell.getCOSObject().getDictionaryObject(COSName.A);
        if (a instanceof COSArray array) {
            COSArray replaced = new COSArray();
            for (COSBase item : array) {
                COSBase direct = item instanceof COSObject object ? object.getObject() : item;
                if (direct != found) {
                    replaced.add(item);
                }
            }
            replaced.add(copy);
            cell.getCOSObject().setItem(COSName.A, replaced);
        } else if (a == null || a == found) {
            cell.getCOSObject().setItem(COSName.A, copy);
        } else {
            COSArray both = new COSArray();
            both.add(a);
            both.add(copy);
            cell.getCOSObject().setItem(COSName.A, both);
        }
    }

    /** Renumbers one heading (a level below the nearest earlier heading of a smaller original level); its new type. */
    private static String renumberHeading(PDStructureElement heading, String type, Deque<int[]> open) {
        int level = type.charAt(1) - '0';
        while (!open.isEmpty() && open.peek()[0] >= level) {
            open.pop();
        }
        int renumbered = open.isEmpty() ? 1 : open.peek()[1] + 1;
        open.push(new int[]{level, renumbered});
        if (renumbered == level) {
            return type;
        }
        heading.setStructureType("H" + renumbered);
        return "H" + renumbered;
    }
}
