package dev.docpipe.job;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RenderOptionsTest {
    @Test
    void values_areCanonical_soSpellingsOfOneOptionSetAreOneDedupKey() {
        RenderOptions a = RenderOptions.parse(Map.of("paper", " Letter ", "orientation", "LANDSCAPE",
                "margins", "10MM", "pageNumbers", "false", "fontSize", "12", "pdfa", "ON"));
        assertThat(a.toMap()).containsExactly(Map.entry("paper", "letter"), Map.entry("orientation", "landscape"),
                Map.entry("margins", "10mm"), Map.entry("pageNumbers", "off"), Map.entry("fontSize", "12pt"),
                Map.entry("pdfa", "on"));
        assertThat(RenderOptions.parse(a.toMap())).isEqualTo(a);
        assertThat(DedupKey.optionsFingerprint(a.toMap())).isEqualTo(DedupKey.optionsFingerprint(
                RenderOptions.parse(Map.of("paper", "letter", "orientation", "landscape", "margins", "10mm",
                        "pageNumbers", "off", "fontSize", "12pt", "pdfa", "on")).toMap()));
    }

    @Test
    void noOptions_fingerprintAsBefore() {
        assertThat(RenderOptions.parse(Map.of()).toMap()).isEmpty();
        assertThat(RenderOptions.NONE.pdfaOn()).isTrue();
        assertThat(RenderOptions.NONE.pageNumbersOn()).isTrue();
        assertThat(RenderOptions.NONE.pageSize()).isNull();
    }

    @Test
    void paper_turnsToTheOrientation_andOrientationAloneMeansA4() {
        assertThat(RenderOptions.parse(Map.of("orientation", "landscape")).pageSize())
                .extracting(RenderOptions.Paper::widthMm, RenderOptions.Paper::heightMm).containsExactly(297.0, 210.0);
        RenderOptions.Paper custom = RenderOptions.parse(Map.of("paper", "8.5x11in", "orientation", "landscape"))
                .pageSize();
        assertThat(custom.widthMm()).isCloseTo(279.4, org.assertj.core.data.Offset.offset(0.01));
        assertThat(RenderOptions.parse(Map.of("paper", "300X200MM")).toMap()).containsEntry("paper", "300x200mm");
    }

    @Test
    void margins_takeOneOrFourLengths() {
        RenderOptions.Margins m = RenderOptions.parse(Map.of("margins", "1cm, 0.5in 72pt 0")).margins();
        assertThat(m.css()).isEqualTo("1cm 0.5in 72pt 0mm");
        assertThat(m.right().millimetres()).isCloseTo(12.7, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void effective_showsEveryOption() {
        Map<String, String> e = RenderOptions.parse(Map.of("footer", "{page}")).effective();
        assertThat(e).containsEntry("paper", "document").containsEntry("footer", "{page}")
                .containsEntry("pageNumbers", "on").containsEntry("pdfa", "on").containsEntry("documentCssOnly", "off")
                .doesNotContainKey("header");
    }

    @Test
    void form_roundTripsTextWithAnyCharacters_andARepeatedNameIsRefused() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("header", "Rechnung für {title} & Co = 100% ✓");
        options.put("paper", "a4");
        String form = RenderOptions.toForm(options);
        assertThat(form).matches("[\\x21-\\x7e]+");
        assertThat(RenderOptions.fromForm(form)).isEqualTo(options);
        assertThatThrownBy(() -> RenderOptions.parse(RenderOptions.fromForm("paper=a4&paper=letter")))
                .isInstanceOfSatisfying(DocpipeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_OPTION);
                    assertThat(e.field()).isEqualTo("paper");
                });
        assertThat(RenderOptions.fromForm("header=100%zz")).containsEntry("header", "100%zz");
    }
}
