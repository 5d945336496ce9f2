package dev.docpipe.job;

/** Processing stages in pipeline order; a job's stage never moves back within one attempt. */
public enum Stage {
    PARSE, RENDER, STORE;

    /** Position in the pipeline; stores use it to refuse a write that would move a job back. */
    public int rank() {
        return ordinal();
    }

    public static Stage parse(String value) {
        return WireEnum.parse(Stage.class, value, ErrorCode.INVALID_REQUEST, "stage");
    }

    public String wire() {
        return WireEnum.wire(this);
    }
}
