package dev.docpipe.local.cli;

/**
 * A bad invocation: the message is one line saying what is wrong and how to fix it. The command
 * exits with {@link Main#EXIT_USAGE} and has started and written nothing.
 */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}
