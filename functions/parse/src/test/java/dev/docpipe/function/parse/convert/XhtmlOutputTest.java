package dev.docpipe.function.parse.convert;

import dev.docpipe.job.Format;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class XhtmlOutputTest {
    static final DocumentConverter CONVERTER = new DocumentConverter(ConvertLimits.defaults());

    static String convert(String html) {
        return CONVERTER.convert(html.getBytes(StandardCharsets.UTF_8), Format.HTML, null, null).xhtml();
    }

    @Test
    void html_brokenMarkup_isRepairedIntoWellFormedXhtml() {
        String out = convert("<p>one<p>two <b>bold <i>both</b> italic?</i><ul><li>a<li>b</ul><table><tr><td>c<td>d"
                + "</table><div><span>unclosed<br><hr><img alt=x></div></div></span><p a=1 a=2 =x \"q\"=y>attrs");
        Document xml = Xhtml.parseStrict(out);
        assertThat(xml.getDocumentElement().getElementsByTagName("li").getLength()).isEqualTo(2);
        assertThat(xml.getDocumentElement().getElementsByTagName("td").getLength()).isEqualTo(2);
        assertThat(Xhtml.body(out)).contains("<p>one</p><p>two <b>bold <i>both</i></b><i> italic?</i></p>",
                "<ul><li>a</li><li>b</li></ul>", "<tbody><tr><td>c</td><td>d</td></tr></tbody>");
    }

    @Test
    void output_isACompleteXhtmlDocumentInTheXhtmlNamespace() {
        String out = convert("<html lang=\"en-GB\"><head><title>T</title></head><body><p>x</p></body></html>");
        assertThat(out).startsWith("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en-GB\"><head><meta charset=\"UTF-8\" />"
                + "<title>T</title><style class=\"docpipe-stylesheet\">").endsWith("<body><p>x</p></body></html>");
        Document xml = Xhtml.parseStrict(out);
        Element root = xml.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/1999/xhtml");
        assertThat(root.getLocalName()).isEqualTo("html");
        assertThat(root.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("T");
        assertThat(root.getElementsByTagName("style").item(0).getTextContent()).contains("@page", "DocSans");
    }

    @Test
    void output_hasNoDoctypeAndNoNamedEntitiesOtherThanXmls() {
        String out = convert("<!DOCTYPE html><p>&nbsp;&copy;&eacute;&hellip; &lt;&amp;&gt; \"'</p>");
        assertThat(out).doesNotContain("<!DOCTYPE", "&nbsp;", "&copy;", "&eacute;", "&hellip;")
                .contains("<p>&#xa0;©é… &lt;&amp;&gt; \"'</p>");
        Xhtml.parseStrict(out);
    }

    @Test
    void output_stripsCharactersXmlForbids() {
        String out = convert("<p title=\"a&#1;b\">x&#1;y&#x8;z&#xB;&#xC;&#xFFFE;&#xD800;\u0007!</p>");
        Xhtml.parseStrict(out);
        assertThat(Xhtml.body(out)).isEqualTo("<body><p title=\"ab\">xyz!</p></body>");
    }

    @Test
    void output_keepsSupplementaryCharactersAndCdataLookalikes() {
        String out = convert("<p>emoji 😀 math 𝔸 and ]]&gt; and &lt;![CDATA[x]]&gt;</p>");
        Document xml = Xhtml.parseStrict(out);
        assertThat(xml.getElementsByTagName("p").item(0).getTextContent())
                .isEqualTo("emoji 😀 math 𝔸 and ]]> and <![CDATA[x]]>");
    }

    @Test
    void output_preservesPreformattedWhitespace() {
        String out = convert("<pre>line 1\n    indented\n\ttab</pre>");
        assertThat(Xhtml.body(out)).isEqualTo("<body><pre>line 1\n    indented\n\ttab</pre></body>");
    }

    @Test
    void stylesheet_isOurOwnAndLoadsNothing() {
        String css = XhtmlWriter.STYLESHEET;
        assertThat(css).contains("font-family: \"DocSans\", sans-serif", "-fs-table-paginate: paginate",
                "thead { display: table-header-group; }", "white-space: pre-wrap", "max-width: 100%",
                "size: A4", "margin: 20mm", "@bottom-center", "counter(page) \" / \" counter(pages)", "word-wrap: break-word");
        assertThat(css).doesNotContain("url(", "@import", "<", "&", "]]>", "http", "file:");
    }

    @Test
    void authorStyles_followTheBaseStylesheet_sanitised() {
        String out = convert("<html><head><style>p{color:red}</style></head><body><p style=\"color:red\">x</p>"
                + "<style>@import 'http://evil.example/x.css'; h1 { font-size: 30pt }</style></body></html>");
        assertThat(out).doesNotContain("evil.example", "@import").contains("<p style=\"color: red;\">x</p>");
        String[] styles = out.split("<style", -1);
        assertThat(styles).hasSize(3); // base, the author's
        assertThat(styles[1]).startsWith(" class=\"docpipe-stylesheet\">").contains(XhtmlWriter.BASE_STYLESHEET);
        assertThat(styles[2]).startsWith(">").contains("p { color: red; }\nh1 { font-size: 30pt; }\n");
        Xhtml.parseStrict(out);
    }

    @Test
    void documentsWithoutCss_keepDocpipesTypography() {
        String out = convert("<html><head><style>@import 'http://evil.example/x.css';</style></head><body><p>x</p></body></html>");
        assertThat(out.split("<style", -1)).hasSize(2);
        assertThat(out).contains(XhtmlWriter.STYLESHEET).doesNotContain("evil.example");
    }
}
