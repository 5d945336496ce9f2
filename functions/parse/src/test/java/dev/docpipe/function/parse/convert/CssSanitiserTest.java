package dev.docpipe.function.parse.convert;

import dev.docpipe.job.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CssSanitiserTest {
    private static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    @Test
    void keepsRulesTheRendererUses_inTheParsersOwnSerialisation() {
        String css = new CssSanitiser().stylesheet("th.total , .x>p{background-color:#3366cc;font-weight:bold;color:rgb(1,2,3)} td{border:1px solid #ccc}");
        assertThat(css).contains("th.total, *.x > p { background-color: rgb(51, 102, 204); font-weight: bold; color: rgb(1, 2, 3); }")
                .contains("td { border: 1px solid rgb(204, 204, 204); }");
    }

    @Test
    void dropsEveryUrlButDataImages_andImportsFontFacesExpressionsBindings() {
        String css = new CssSanitiser().stylesheet("""
                @import url(http://127.0.0.1:9/a.css);
                @import "http://127.0.0.1:9/b.css";
                @font-face { font-family: X; src: url(http://127.0.0.1:9/f.ttf); }
                @font-face { font-family: Y; src: url(data:font/ttf;base64,AAAA); }
                body { background: url(http://127.0.0.1:9/bg.png); behavior: url(x.htc); -moz-binding: url(x.xml#b);
                       width: expression(alert(1)); list-style-image: url('file:///etc/passwd'); color: red; }
                li { list-style-image: url("%s"); }
                p { background-image: url("%s"), url(http://127.0.0.1:9/x.png); content: "a" url(http://127.0.0.1:9/c); }
                div { --x: url(http://127.0.0.1:9/v); color: var(--x); margin: 1px; }
                """.formatted(PNG, PNG));
        assertThat(css.toLowerCase()).doesNotContain("127.0.0.1").doesNotContain("import").doesNotContain("font-face")
                .doesNotContain("expression").doesNotContain("behavior").doesNotContain("binding").doesNotContain("file:")
                .doesNotContain("var(");
        assertThat(css).contains("body { color: red; }").contains("li { list-style-image: url(\"" + PNG + "\"); }")
                .contains("div { margin: 1px; }").doesNotContain("p {");
    }

    @Test
    void keepsPageRulesWithSizeMarginsAndMarginBoxes() {
        CssSanitiser sanitiser = new CssSanitiser();
        String css = sanitiser.stylesheet("""
                @page { size: A5 landscape; margin: 1cm 2cm; @top-center { content: "Report " counter(page) " of " counter(pages); font-size: 8pt }
                        @bottom-left { content: url(http://127.0.0.1:9/logo.png) } }
                @page :first { margin-top: 3cm } @page wide { size: 300mm 200mm }
                """);
        assertThat(css).contains("@page { margin-top: 1cm; margin-right: 2cm; margin-bottom: 1cm; margin-left: 2cm; size: 210mm 148mm;")
                .contains("@top-center { content: \"Report \" counter(page) \" of \" counter(pages); font-size: 8pt; }")
                .contains("@page :first { margin-top: 3cm; }").contains("@page wide { size: 300mm 200mm; }")
                .doesNotContain("127.0.0.1").doesNotContain("bottom-left");
        assertThat(sanitiser.hasMarginBoxes()).isTrue();
    }

    @Test
    void keepsPrintAndAllMedia_dropsScreenAndFeatureQueries() {
        String css = new CssSanitiser().stylesheet("@media print { .a { color: red } } @media screen { .b { color: blue } }"
                + " @media (max-width: 600px) { .c { color: green } } @media all { .d { color: black } }");
        assertThat(css).contains("*.a { color: red; }").contains("*.d { color: black; }").doesNotContain("*.b").doesNotContain("*.c");
    }

    @Test
    void rootFontSizeInRem_isWrittenAsEm_whichMeansTheSameThere() {
        String css = new CssSanitiser().stylesheet("html, p { font-size: 1.25rem; color: red } :root { font-size: 2rem }");
        assertThat(css).contains("p { font-size: 1.25rem; color: red; }\nhtml { font-size: 1.25em; color: red; }\n")
                .contains("*:root { font-size: 2em; }");
    }

    @Test
    void tablePartsAndListItems_keepTheirDisplayAndDoNotFloat_soThePdfStructureTreeHoldsThem() {
        String css = new CssSanitiser().stylesheet("""
                .doc table, .doc div { display: block; width: 50%; }
                nav ol > li { display: block; float: left; color: red }
                .print-only td { display: none }
                li::before { display: inline-block; float: left }
                """);
        assertThat(css).contains(".doc table { width: 50%; }").contains(".doc div { display: block; width: 50%; }")
                .contains("nav ol > li { color: red; }").contains(".print-only td { display: none; }")
                .contains("li::before { display: inline-block; float: left; }");
        CssSanitiser attributes = new CssSanitiser();
        assertThat(attributes.styleAttribute("li", "float: right; display: inline-block; color: red")).isEqualTo("color: red;");
        assertThat(attributes.styleAttribute("tr", "display: block")).isNull();
        assertThat(attributes.styleAttribute("span", "display: block; float: right")).isEqualTo("display: block; float: right;");
    }

    @Test
    void escapesMarkupCharacters() {
        String css = new CssSanitiser().stylesheet("p::after { content: \"</style><script>&amp;\" } a[title=\"<&\"] { color: red }");
        assertThat(css).doesNotContain("<").doesNotContain("&").contains("\\3c /style");
    }

    @Test
    void styleAttribute_keepsAllowedDeclarationsOnly() {
        CssSanitiser sanitiser = new CssSanitiser();
        assertThat(sanitiser.styleAttribute("p", "color:#c00; background:url(http://127.0.0.1:9/x); font-size:14pt"))
                .isEqualTo("color: rgb(204, 0, 0); font-size: 14pt;");
        assertThat(sanitiser.keptStyleAttributes()).isTrue();
        assertThat(new CssSanitiser().styleAttribute("p", "behavior:url(x.htc)")).isNull();
    }

    @Test
    void tooManyRules_tooMuchCss_tooDeepSelectors_areTooLarge() {
        assertThatThrownBy(() -> new CssSanitiser().stylesheet(".a { color: red }\n".repeat(CssSanitiser.MAX_RULES + 1)))
                .isInstanceOfSatisfying(ConversionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThatThrownBy(() -> new CssSanitiser().stylesheet("/*" + "x".repeat(CssSanitiser.MAX_CSS_CHARS) + "*/"))
                .isInstanceOfSatisfying(ConversionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThatThrownBy(() -> new CssSanitiser().stylesheet("div ".repeat(1_000) + "{ color: red }"))
                .isInstanceOfSatisfying(ConversionException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        CssSanitiser shared = new CssSanitiser();
        shared.stylesheet("/*" + "x".repeat(CssSanitiser.MAX_CSS_CHARS / 2) + "*/");
        assertThatThrownBy(() -> shared.styleAttribute("p", "color: red; /*" + "x".repeat(CssSanitiser.MAX_CSS_CHARS / 2) + "*/"))
                .isInstanceOf(ConversionException.class);
    }
}
