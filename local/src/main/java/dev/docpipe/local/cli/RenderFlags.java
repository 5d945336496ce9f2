package dev.docpipe.local.cli;

import dev.docpipe.job.DocpipeException;
import dev.docpipe.job.RenderOptions;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The render options as command-line flags, shared by {@code convert} and {@code serve}: each option
 * of {@link RenderOptions} is a flag spelled in kebab case ({@code pageNumbers} → {@code --page-numbers})
 * that takes a value. Collected while parsing, validated once at the end, refused as a usage error.
 */
final class RenderFlags {
    static final String USAGE = """
              --paper SIZE                  a3, a4, a5, letter, legal, tabloid or WIDTHxHEIGHT in mm or in (210x297mm)
              --orientation portrait|landscape
              --margins "T R B L"           one or four lengths in mm, cm, in or pt (e.g. 20mm)
              --header TEXT, --footer TEXT  plain text; {page} {pages} {title} {date} are filled in
              --page-numbers on|off         docpipe's "page / pages" numbers (default on)
              --document-css-only on|off    leave docpipe's stylesheet out (default off)
              --font-size SIZE              base font size in pt or px (6 to 36 pt)
              --language TAG                the document language (BCP 47, e.g. de-CH)
              --pdfa on|off                 PDF/A-2b (default on)
            """;
    static final String NAMES = "--paper, --orientation, --margins, --header, --footer, --page-numbers, "
            + "--document-css-only, --font-size, --language, --pdfa";

    private final Map<String, String> values = new LinkedHashMap<>();

    /** The option a flag names ({@code --page-numbers} → {@code pageNumbers}), or null if it is no render flag. */
    static String optionOf(String flag) {
        for (String name : RenderOptions.NAMES) {
            if (flag.equals("--" + kebab(name))) {
                return name;
            }
        }
        return null;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    void put(String flag, String value) throws UsageException {
        if (values.put(optionOf(flag), value) != null) {
            throw new UsageException(flag + " is given twice; give it once");
        }
    }

    /** The options in canonical form; an invalid value is a usage error naming the flag and what it accepts. */
    Map<String, String> validated() throws UsageException {
        try {
            return RenderOptions.parse(values).toMap();
        } catch (DocpipeException e) {
            String flag = e.field() == null ? "" : "--" + kebab(e.field()) + ": ";
            throw new UsageException(flag + e.getMessage());
        }
    }
}
