package dev.docpipe.fetch;

import java.util.List;

/**
 * A fetched document.
 *
 * @param finalUrl      the URL that answered with the document (after redirects), normalised: lower-case
 *                      scheme and host, default port omitted, no fragment
 * @param status        the 2xx status of the final response
 * @param contentType   the media type from {@code Content-Type}, lower-case without parameters
 *                      (e.g. {@code text/html}); null when the server sent none
 * @param charset       the {@code charset} parameter of {@code Content-Type} as sent, unquoted; null when absent
 * @param body          the body (transfer coding removed, gzip decoded), at most the policy's byte limit;
 *                      not copied, so do not modify it
 * @param redirectChain the URLs that answered with a redirect, in order; empty when there was none
 */
public record FetchedDocument(String finalUrl, int status, String contentType, String charset, byte[] body,
                              List<String> redirectChain) {

    public FetchedDocument {
        redirectChain = List.copyOf(redirectChain);
    }

    @Override
    public String toString() {
        return "FetchedDocument[finalUrl=" + finalUrl + ", status=" + status + ", contentType=" + contentType
                + ", charset=" + charset + ", bytes=" + body.length + ", redirects=" + redirectChain.size() + "]";
    }
}
