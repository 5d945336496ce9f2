package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.extend.FSStream;
import com.openhtmltopdf.extend.FSStreamFactory;
import com.openhtmltopdf.extend.FSUriResolver;
import com.openhtmltopdf.outputdevice.helper.ExternalResourceType;
import com.openhtmltopdf.swing.NaiveUserAgent;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Deny-by-default resource policy for one render. openhtmltopdf fetches every external resource a
 * document names unless told otherwise; this class is told to it four times over, each layer
 * sufficient on its own:
 * <ol>
 *   <li>access control before resolving: only a {@code data:} URI of a raster image passes
 *       ({@link #allowBeforeResolving});</li>
 *   <li>URI resolution: anything but a {@code data:} URI resolves to null, which openhtmltopdf
 *       treats as "do not load" ({@link #resolveURI});</li>
 *   <li>access control after resolving: the same rule again on the resolved URI
 *       ({@link #allowAfterResolving});</li>
 *   <li>stream factories: http, https, file, ftp, jar and the other schemes a JDK can open get a
 *       factory whose streams are always null ({@link #DENYING_STREAMS}); {@code data:} gets a
 *       bounded decoder ({@link #dataStreams()}). A factory never throws: a throwing factory
 *       aborts the whole render.</li>
 * </ol>
 * A {@code data:} image is refused too when its text is longer than {@link #MAX_DATA_URI_CHARS} or
 * its header declares more than {@link #MAX_IMAGE_PIXELS} pixels (a decompression bomb would
 * otherwise be decoded into a raster of that size).
 *
 * <p>One instance per render (it counts what it refused); not shared between threads.
 */
final class ResourceGuard implements FSUriResolver {
    /** Base URI handed to openhtmltopdf: not a URL anything can be fetched from. */
    static final String BASE_URI = "about:blank";
    static final int MAX_DATA_URI_CHARS = 16 * 1024 * 1024;
    static final long MAX_IMAGE_PIXELS = 40_000_000L;

    /** Schemes a JDK's URL handlers (or openhtmltopdf's defaults) could open. */
    static final String[] DENIED_SCHEMES = {
            "file", "ftp", "jar", "jrt", "mailto", "netdoc", "classpath", "gopher", "ldap", "rmi", "smb",
            "FILE", "HTTP", "HTTPS", "FTP", "JAR"};

    /** Returns a stream that is always empty; openhtmltopdf then skips the resource. */
    static final FSStreamFactory DENYING_STREAMS = uri -> NullStream.INSTANCE;

    private final AtomicInteger refused = new AtomicInteger();

    boolean allowBeforeResolving(String uri, ExternalResourceType type) {
        return decide(uri, type);
    }

    boolean allowAfterResolving(String uri, ExternalResourceType type) {
        return decide(uri, type);
    }

    @Override
    public String resolveURI(String baseUri, String uri) {
        if (isAllowedDataUri(uri)) {
            return uri;
        }
        refused.incrementAndGet();
        return null;
    }

    /** How many times a resource was refused in this render (each layer counts). */
    int refusedCount() {
        return refused.get();
    }

    FSStreamFactory dataStreams() {
        return uri -> {
            try {
                if (!isAllowedDataUri(uri)) {
                    refused.incrementAndGet();
                    return NullStream.INSTANCE;
                }
                FSStream decoded = new NaiveUserAgent.DataUriFactory().getUrl(uri);
                InputStream in = decoded == null ? null : decoded.getStream();
                if (in == null) {
                    return NullStream.INSTANCE;
                }
                byte[] bytes;
                try (in) {
                    bytes = in.readAllBytes();
                }
                if (declaresTooManyPixels(bytes)) {
                    refused.incrementAndGet();
                    return NullStream.INSTANCE;
                }
                return new BytesStream(bytes);
            } catch (RuntimeException | java.io.IOException e) {
                return NullStream.INSTANCE;
            }
        };
    }

    private boolean decide(String uri, ExternalResourceType type) {
        boolean allowed = type == ExternalResourceType.IMAGE_RASTER && isAllowedDataUri(uri);
        if (!allowed) {
            refused.incrementAndGet();
        }
        return allowed;
    }

    static boolean isAllowedDataUri(String uri) {
        return uri != null && uri.startsWith("data:") && uri.length() <= MAX_DATA_URI_CHARS;
    }

    /** Reads only the image header; true when its width × height exceeds the pixel budget. */
    static boolean declaresTooManyPixels(byte[] bytes) {
        try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            if (iis == null) {
                return false;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                return false; // not a format ImageIO knows: openhtmltopdf will not decode it either
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                return pixels > MAX_IMAGE_PIXELS || pixels < 0;
            } finally {
                reader.dispose();
            }
        } catch (Exception e) {
            return true; // a header ImageIO cannot read is not worth the risk
        }
    }

    private enum NullStream implements FSStream {
        INSTANCE;

        @Override
        public InputStream getStream() {
            return null;
        }

        @Override
        public Reader getReader() {
            return null;
        }
    }

    private record BytesStream(byte[] bytes) implements FSStream {
        @Override
        public InputStream getStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public Reader getReader() {
            return new java.io.InputStreamReader(getStream(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
