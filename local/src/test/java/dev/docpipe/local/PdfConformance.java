package dev.docpipe.local;

import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.TestAssertion;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * veraPDF's verdict on the pipeline's PDFs: every rule of PDF/UA-1 and of PDF/A-2b (the level docpipe
 * writes by default, see docs/rendering.md) that a PDF fails.
 */
public final class PdfConformance {
    public static final List<PDFAFlavour> FLAVOURS = List.of(PDFAFlavour.PDFUA_1, PDFAFlavour.PDFA_2_B);

    static {
        VeraGreenfieldFoundryProvider.initialise();
    }

    private PdfConformance() {
    }

    /** {@code flavour clause-test} of each failed rule, for every flavour in {@link #FLAVOURS}; empty when it conforms. */
    public static List<String> failedRules(byte[] pdf) {
        List<String> failed = new ArrayList<>();
        for (PDFAFlavour flavour : FLAVOURS) {
            try (PDFAParser parser = Foundries.defaultInstance().createParser(new ByteArrayInputStream(pdf), flavour);
                 PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false)) {
                validator.validate(parser).getTestAssertions().stream()
                        .filter(a -> a.getStatus() == TestAssertion.Status.FAILED)
                        .map(a -> flavour.getId() + " " + a.getRuleId().getClause() + "-" + a.getRuleId().getTestNumber())
                        .distinct()
                        .forEach(failed::add);
            } catch (Exception e) {
                throw new IllegalStateException("veraPDF could not validate the PDF", e);
            }
        }
        return failed;
    }
}
