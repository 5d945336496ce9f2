package dev.docpipe.local.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * What a shell, the AWS CLI or an SDK needs to talk to {@code serve}: its endpoints, region, credentials
 * and API key, as {@code export} lines ({@code docpipe env}, {@code serve --print-env}) and as the
 * copy-paste commands of serve's banner, which carry them inline so that they work as printed.
 */
record LocalEnvironment(URI api, URI s3, URI sqs, String accessKey, String secretKey, String region, String apiKey) {
    /** Variables local mode's own (not forwarded to the functions as DOCPIPE_* settings). */
    static final String API_URL = "DOCPIPE_API_URL";
    static final String API_KEY = "DOCPIPE_API_KEY";

    /** The export lines, POSIX shell syntax; {@code apiKey} null leaves the key out with a note why. */
    List<String> exports() {
        List<String> lines = new ArrayList<>();
        lines.add("export AWS_ACCESS_KEY_ID=" + accessKey);
        lines.add("export AWS_SECRET_ACCESS_KEY=" + secretKey);
        lines.add("export AWS_REGION=" + region);
        lines.add("export AWS_DEFAULT_REGION=" + region);
        lines.add("export AWS_ENDPOINT_URL_S3=" + s3);
        lines.add("export AWS_ENDPOINT_URL_SQS=" + sqs);
        lines.add("# the AWS CLI v1 sends sqs commands in us-east-1 to queue.amazonaws.com whatever the variable says:"
                + " aws --endpoint-url \"$AWS_ENDPOINT_URL_SQS\" sqs ...");
        lines.add("export " + API_URL + "=" + api);
        if (apiKey == null) {
            lines.add("# " + API_KEY + ": serve creates the key at its first start and prints it");
        } else {
            lines.add("export " + API_KEY + "=" + apiKey);
        }
        return lines;
    }

    /** The AWS CLI with this machine's credentials and region inline, against {@code endpoint}. */
    String aws(URI endpoint) {
        return "AWS_ACCESS_KEY_ID=" + accessKey + " AWS_SECRET_ACCESS_KEY=" + secretKey + " AWS_DEFAULT_REGION=" + region
                + " aws --endpoint-url " + endpoint;
    }
}
