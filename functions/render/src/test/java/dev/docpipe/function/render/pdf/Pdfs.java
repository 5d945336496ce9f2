package dev.docpipe.function.render.pdf;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.interactive.action.PDActionURI;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotation;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationLink;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineItem;
import org.apache.pdfbox.pdmodel.interactive.documentnavigation.outline.PDOutlineNode;
import org.apache.pdfbox.text.PDFTextStripper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reading rendered PDFs back with PDFBox. */
final class Pdfs {
    private Pdfs() {
    }

    static PDDocument load(RenderedPdf pdf) {
        try {
            return Loader.loadPDF(pdf.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(RenderedPdf pdf) {
        try (PDDocument doc = load(pdf)) {
            return new PDFTextStripper().getText(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Outline titles, depth-first, indented by two spaces per level. */
    static List<String> outline(PDDocument doc) {
        List<String> out = new ArrayList<>();
        if (doc.getDocumentCatalog().getDocumentOutline() != null) {
            walk(doc.getDocumentCatalog().getDocumentOutline(), 0, out);
        }
        return out;
    }

    private static void walk(PDOutlineNode node, int depth, List<String> out) {
        for (PDOutlineItem item : node.children()) {
            out.add("  ".repeat(depth) + item.getTitle());
            walk(item, depth + 1, out);
        }
    }

    static List<String> linkUris(PDDocument doc) {
        List<String> uris = new ArrayList<>();
        try {
            for (PDPage page : doc.getPages()) {
                for (PDAnnotation annotation : page.getAnnotations()) {
                    if (annotation instanceof PDAnnotationLink link && link.getAction() instanceof PDActionURI uri) {
                        uris.add(uri.getURI());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uris;
    }
}
