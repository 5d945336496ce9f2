package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSInteger;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes out of a tagged PDF's structure tree the {@code Span} elements that say nothing: no
 * attributes, no language, no alternate or actual text, no id, title or class. Their content
 * becomes content of the enclosing element, in the same place and order.
 *
 * <p>openhtmltopdf tags every inline box as a {@code Span} ({@code <b>}, {@code <code>}, each
 * piece of text between two other inline boxes); on the benchmark corpus they were about half of
 * all structure elements, and every structure element is an object the save has to number, pool
 * and write. An attribute-less {@code Span} is a generic inline element that adds no meaning (ISO
 * 32000-1, 14.8.4.4, Table 338: "a generic inline portion of text having no particular inherent
 * characteristics", there to carry attributes): the text a screen reader reads, and its order, are
 * the same without it.
 *
 * <p>The parent tree (which maps each marked-content sequence and annotation back to its element)
 * is rewritten to point to the enclosing element. Marked content that is on another page than the
 * enclosing element's {@code /Pg} is referred to by a marked-content reference naming its page.
 */
final class PlainSpans {
    private static final COSName SPAN = COSName.getPDFName("Span");
    private static final COSName MCR = COSName.getPDFName("MCR");
    private static final COSName PARENT_TREE = COSName.getPDFName("ParentTree");
    private static final COSName NUMS = COSName.getPDFName("Nums");
    /** The keys a Span that says nothing has. */
    private static final Set<COSName> PLAIN_KEYS = Set.of(COSName.TYPE, COSName.S, COSName.P, COSName.PG, COSName.K);

    private PlainSpans() {
    }

    /** @return the number of Span elements taken out */
    static int flatten(PDDocument pdf) {
        COSDictionary root = pdf.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.STRUCT_TREE_ROOT);
        if (root == null) {
            return 0;
        }
        Map<COSDictionary, COSDictionary> replaced = new IdentityHashMap<>();
        Deque<COSDictionary> elements = new ArrayDeque<>();
        for (COSBase kid : kids(root.getDictionaryObject(COSName.K))) {
            if (resolve(kid) instanceof COSDictionary element && !(element instanceof COSStream)) {
                elements.push(element);
            }
        }
        while (!elements.isEmpty()) {
            COSDictionary element = elements.pop();
            COSBase k = element.getItem(COSName.K);
            if (k == null) {
                continue;
            }
            List<COSBase> before = kids(resolve(k));
            if (before.stream().noneMatch(kid -> isPlainSpan(resolve(kid)))) {
                for (COSBase kid : before) {
                    pushElement(kid, elements);
                }
                continue;
            }
            COSBase page = element.getDictionaryObject(COSName.PG);
            COSArray after = new COSArray();
            for (COSBase kid : before) {
                splice(kid, page, page, element, after, replaced, elements);
            }
            after.setDirect(true);
            element.setItem(COSName.K, after.size() == 1 ? after.get(0) : after);
        }
        if (!replaced.isEmpty()) {
            repointParentTree(root.getDictionaryObject(PARENT_TREE), replaced);
        }
        return replaced.size();
    }

    /**
     * Appends {@code kid} (a kid of a Span on {@code kidPage}, or of {@code element} itself) to
     * {@code element}'s new kids, a plain Span by its own kids.
     */
    private static void splice(COSBase kid, COSBase kidPage, COSBase elementPage, COSDictionary element,
                               COSArray out, Map<COSDictionary, COSDictionary> replaced, Deque<COSDictionary> elements) {
        COSBase resolved = resolve(kid);
        if (isPlainSpan(resolved)) {
            COSDictionary span = (COSDictionary) resolved;
            replaced.put(span, element);
            COSBase spanPage = span.getDictionaryObject(COSName.PG);
            for (COSBase spanKid : kids(span.getDictionaryObject(COSName.K))) {
                splice(spanKid, spanPage == null ? kidPage : spanPage, elementPage, element, out, replaced, elements);
            }
            return;
        }
        if (resolved instanceof COSInteger mcid && kidPage != elementPage) {
            COSDictionary reference = new COSDictionary();
            reference.setItem(COSName.TYPE, MCR);
            reference.setItem(COSName.PG, kidPage);
            reference.setItem(COSName.MCID, mcid);
            reference.setDirect(true);
            out.add(reference);
            return;
        }
        if (resolved instanceof COSDictionary dict && !MCR.equals(dict.getCOSName(COSName.TYPE))
                && dict.containsKey(COSName.S)) {
            dict.setItem(COSName.P, element);
            elements.push(dict);
        }
        out.add(kid);
    }

    private static boolean isPlainSpan(COSBase base) {
        if (!(base instanceof COSDictionary dict) || base instanceof COSStream || !SPAN.equals(dict.getCOSName(COSName.S))) {
            return false;
        }
        for (COSName key : dict.keySet()) {
            if (!PLAIN_KEYS.contains(key)) {
                return false;
            }
        }
        return true;
    }

    private static void pushElement(COSBase kid, Deque<COSDictionary> elements) {
        if (resolve(kid) instanceof COSDictionary dict && !(dict instanceof COSStream) && dict.containsKey(COSName.S)) {
            elements.push(dict);
        }
    }

    /** Replaces every reference to a removed Span in the parent tree (a number tree) by its enclosing element. */
    private static void repointParentTree(COSBase tree, Map<COSDictionary, COSDictionary> replaced) {
        Deque<COSBase> nodes = new ArrayDeque<>();
        nodes.push(tree);
        while (!nodes.isEmpty()) {
            if (!(resolve(nodes.pop()) instanceof COSDictionary node)) {
                continue;
            }
            if (node.getDictionaryObject(COSName.KIDS) instanceof COSArray kids) {
                kids.forEach(nodes::push);
            }
            if (node.getDictionaryObject(NUMS) instanceof COSArray nums) {
                for (int i = 1; i < nums.size(); i += 2) {
                    COSBase value = resolve(nums.get(i));
                    if (value instanceof COSArray perPage) {
                        for (int j = 0; j < perPage.size(); j++) {
                            COSDictionary to = replaced.get(resolve(perPage.get(j)));
                            if (to != null) {
                                perPage.set(j, to);
                            }
                        }
                    } else if (value instanceof COSDictionary && replaced.get(value) != null) {
                        nums.set(i, replaced.get(value));
                    }
                }
            }
        }
    }

    private static List<COSBase> kids(COSBase k) {
        COSBase base = resolve(k);
        if (base instanceof COSArray array) {
            List<COSBase> out = new ArrayList<>(array.size());
            array.forEach(out::add);
            return out;
        }
        return base == null ? List.of() : List.of(k);
    }

    private static COSBase resolve(COSBase base) {
        return base instanceof COSObject object ? object.getObject() : base;
    }
}
