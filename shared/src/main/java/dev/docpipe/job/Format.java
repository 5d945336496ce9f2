package dev.docpipe.job;

/** Input document format. */
public enum Format {
    HTML, MARKDOWN, TEXT;

    public static Format parse(String value) {
        return WireEnum.parse(Format.class, value, ErrorCode.INVALID_FORMAT, "format");
    }

    public String wire() {
        return WireEnum.wire(this);
    }
}
