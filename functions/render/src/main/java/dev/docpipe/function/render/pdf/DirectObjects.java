package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes the pieces of a tagged PDF that need no object of their own as direct objects, so that
 * saving has fewer objects to number, pool and write ({@link ArtifactProperties} does the same for
 * the artifacts' property lists).
 *
 * <p>openhtmltopdf makes every marked-content reference ({@code << /Type /MCR /Pg … /MCID n >>}),
 * object reference ({@code /OBJR}) and attribute dictionary ({@code /A}) of the structure tree an
 * indirect object; with the structure elements themselves they were nine tenths of a PDF's
 * objects on the benchmark corpus, and saving was the largest single part of a render. ISO
 * 32000-1 (14.7.2, Table 323 and 14.7.4) lets each of them be direct:
 * <ul>
 *   <li>a marked-content reference on the page of its structure element ({@code /Pg} the same) is
 *       the bare integer MCID, which means the same (Table 323, "K"); any other one (another page,
 *       a content stream of its own) becomes a direct dictionary;</li>
 *   <li>object references and attribute dictionaries become direct dictionaries (an attribute
 *       dictionary shared by several elements is then written once per element: the same
 *       values);</li>
 *   <li>a structure element's {@code /Type /StructElem} is optional and is left out.</li>
 * </ul>
 * Structure elements stay indirect objects: their {@code /P} entries and the parent tree must
 * refer to them. Nothing on the pages changes.
 *
 * <p>On each page, the resource dictionary and its {@code /Font} and {@code /Properties}
 * sub-dictionaries, and the action ({@code /A}) and border style ({@code /BS}) of each link
 * annotation become direct too (ISO 32000-1, 7.7.3.3 and 12.5.2: none of them must be indirect);
 * fonts, images, annotations and pages themselves stay indirect.
 */
final class DirectObjects {
    private static final COSName MCR = COSName.getPDFName("MCR");
    private static final COSName OBJR = COSName.getPDFName("OBJR");
    private static final COSName STRUCT_ELEM = COSName.getPDFName("StructElem");
    private static final COSName STM = COSName.getPDFName("Stm");

    private DirectObjects() {
    }

    /** @return the number of objects made direct (or replaced by an integer) */
    static int compact(PDDocument pdf) {
        return pages(pdf) + structure(pdf);
    }

    private static int pages(PDDocument pdf) {
        int made = 0;
        for (PDPage page : pdf.getPages()) {
            COSDictionary dict = page.getCOSObject();
            COSDictionary resources = direct(dict, COSName.RESOURCES);
            if (resources != null) {
                made++;
                made += direct(resources, COSName.FONT) != null ? 1 : 0;
                made += direct(resources, COSName.PROPERTIES) != null ? 1 : 0;
            }
            if (dict.getDictionaryObject(COSName.ANNOTS) instanceof COSArray annotations) {
                for (int i = 0; i < annotations.size(); i++) {
                    if (annotations.getObject(i) instanceof COSDictionary annotation) {
                        made += direct(annotation, COSName.A) != null ? 1 : 0;
                        made += direct(annotation, COSName.BS) != null ? 1 : 0;
                    }
                }
            }
        }
        return made;
    }

    /** Makes {@code parent}'s dictionary (not stream) under {@code key} direct; it, or null if there is none. */
    private static COSDictionary direct(COSDictionary parent, COSName key) {
        if (parent.getDictionaryObject(key) instanceof COSDictionary dict && !(dict instanceof COSStream)) {
            dict.setDirect(true);
            parent.setItem(key, dict);
            return dict;
        }
        return null;
    }

    private static int structure(PDDocument pdf) {
        COSDictionary root = pdf.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.STRUCT_TREE_ROOT);
        if (root == null) {
            return 0;
        }
        int compacted = 0;
        Deque<COSDictionary> elements = new ArrayDeque<>();
        pushElements(root.getDictionaryObject(COSName.K), elements);
        while (!elements.isEmpty()) {
            COSDictionary element = elements.pop();
            if (STRUCT_ELEM.equals(element.getCOSName(COSName.TYPE))) {
                element.removeItem(COSName.TYPE);
            }
            compacted += directAttributes(element);
            COSBase page = element.getDictionaryObject(COSName.PG);
            COSBase kids = element.getDictionaryObject(COSName.K);
            if (kids instanceof COSArray array) {
                for (int i = 0; i < array.size(); i++) {
                    COSBase kid = array.getObject(i);
                    if (kid instanceof COSDictionary dict && !(kid instanceof COSStream)) {
                        COSBase replacement = compactKid(dict, page, elements);
                        if (replacement != null) {
                            array.set(i, replacement);
                            compacted++;
                        }
                    }
                }
            } else if (kids instanceof COSDictionary dict && !(kids instanceof COSStream)) {
                COSBase replacement = compactKid(dict, page, elements);
                if (replacement != null) {
                    element.setItem(COSName.K, replacement);
                    compacted++;
                }
            }
        }
        return compacted;
    }

    /**
     * @return what to put in the kid's place (a bare MCID or the kid made direct), or null to leave
     *         it; a kid that is a structure element is pushed onto {@code elements}
     */
    private static COSBase compactKid(COSDictionary kid, COSBase page, Deque<COSDictionary> elements) {
        COSName type = kid.getCOSName(COSName.TYPE);
        if (MCR.equals(type)) {
            COSBase mcid = kid.getDictionaryObject(COSName.MCID);
            COSBase kidPage = kid.getDictionaryObject(COSName.PG);
            if (mcid instanceof COSInteger && page != null && kidPage == page && !kid.containsKey(STM)) {
                return mcid;
            }
            kid.setDirect(true);
            return kid;
        }
        if (OBJR.equals(type)) {
            kid.setDirect(true);
            return kid;
        }
        elements.push(kid);
        return null;
    }

    private static int directAttributes(COSDictionary element) {
        if (direct(element, COSName.A) != null) {
            return 1;
        }
        COSBase attributes = element.getDictionaryObject(COSName.A);
        int made = 0;
        if (attributes instanceof COSArray array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.getObject(i) instanceof COSDictionary dict && !(dict instanceof COSStream)) {
                    dict.setDirect(true);
                    array.set(i, dict);
                    made++;
                }
            }
        }
        return made;
    }

    private static void pushElements(COSBase kids, Deque<COSDictionary> elements) {
        COSBase base = kids instanceof COSObject object ? object.getObject() : kids;
        if (base instanceof COSArray array) {
            for (int i = array.size() - 1; i >= 0; i--) {
                if (array.getObject(i) instanceof COSDictionary dict) {
                    elements.push(dict);
                }
            }
        } else if (base instanceof COSDictionary dict) {
            elements.push(dict);
        }
    }
}
